//! `--state DIR/outbox/`: one JSON file per notification not yet delivered
//! or given up, so a restarted mock resumes it.

use std::path::PathBuf;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{Kind, Notification};
use crate::MockError;

/// The outbox directory.
#[derive(Debug)]
pub(super) struct Outbox {
    dir: PathBuf,
}

/// One outbox file (the format older runs wrote too).
#[derive(Serialize, Deserialize)]
struct Pending {
    id: String,
    url: String,
    /// The exact body, base64.
    body: String,
    kind: Kind,
}

impl Outbox {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// Keeps `n` until [`Outbox::remove`].
    pub(super) fn put(&self, n: &Notification) -> Result<(), MockError> {
        let pending = Pending {
            id: n.id.clone(),
            url: n.url.clone(),
            body: STANDARD.encode(&n.body),
            kind: n.kind,
        };
        let json = serde_json::to_vec(&pending).map_err(|e| MockError::State(e.to_string()))?;
        std::fs::create_dir_all(&self.dir).map_err(MockError::Io)?;
        std::fs::write(self.file(&n.id), json).map_err(MockError::Io)
    }

    pub(super) fn remove(&self, id: &str) {
        let _ = std::fs::remove_file(self.file(id));
    }

    /// Every notification kept (none when the directory does not exist).
    pub(super) fn list(&self) -> Result<Vec<Notification>, MockError> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        let mut all = Vec::new();
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).map_err(MockError::Io)?;
            let p: Pending = serde_json::from_slice(&bytes)
                .map_err(|e| MockError::State(format!("{}: {e}", entry.path().display())))?;
            let body = STANDARD
                .decode(&p.body)
                .map_err(|e| MockError::State(e.to_string()))?;
            all.push(Notification {
                id: p.id,
                url: p.url,
                kind: p.kind,
                body,
            });
        }
        Ok(all)
    }

    fn file(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_files_it_writes_and_the_format_older_runs_wrote() {
        let dir = std::env::temp_dir().join(format!("chop-mock-outbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let outbox = Outbox::new(dir.clone());
        assert_eq!(outbox.list().unwrap(), []);
        let n = Notification {
            id: "n1".into(),
            url: "http://127.0.0.1:9/notify".into(),
            kind: Kind::Alipay,
            body: b"a=1&sign=x".to_vec(),
        };
        outbox.put(&n).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("n1.json")).unwrap(),
            r#"{"id":"n1","url":"http://127.0.0.1:9/notify","body":"YT0xJnNpZ249eA==","kind":"Alipay"}"#
        );
        assert_eq!(outbox.list().unwrap(), [n]);
        outbox.remove("n1");
        assert_eq!(outbox.list().unwrap(), []);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
