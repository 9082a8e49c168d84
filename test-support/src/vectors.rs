//! The workspace's `vectors/` folder: paths and bytes of its files, case
//! folders (`context.json`, `message.txt`, `signature.b64`, …), and the guard
//! that fails when a case folder exists that no test runs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

/// The path of `rel` under the workspace's `vectors/` folder.
///
/// ```
/// assert!(test_support::vectors::path("keys/generated/README.md").exists());
/// ```
pub fn path(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors")).join(rel)
}

/// The path of `rel` under `vectors/` as a command-line argument.
///
/// ```
/// assert!(test_support::vectors::arg("keys/generated/cert.pem").ends_with("/keys/generated/cert.pem"));
/// ```
pub fn arg(rel: &str) -> String {
    path(rel).display().to_string()
}

/// `@` and the path of `rel` under `vectors/`: the CLI's spelling for "the
/// contents of this file".
///
/// ```
/// assert!(test_support::vectors::at("alipay/own_notify_form/body.form").starts_with('@'));
/// ```
pub fn at(rel: &str) -> String {
    format!("@{}", arg(rel))
}

/// The bytes of `rel` under `vectors/`; panics with the path when missing.
///
/// ```
/// assert!(!test_support::vectors::read("keys/generated/cert.pem").is_empty());
/// ```
pub fn read(rel: &str) -> Vec<u8> {
    let p = path(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read vector {}: {e}", p.display()))
}

/// The bytes of `rel` under `vectors/`, or `None` when there is no such file.
///
/// ```
/// assert!(test_support::vectors::read_opt("no/such/file").is_none());
/// ```
pub fn read_opt(rel: &str) -> Option<Vec<u8>> {
    std::fs::read(path(rel)).ok()
}

/// The text of `rel` under `vectors/` (UTF-8, exactly as stored).
///
/// ```
/// let pem = test_support::vectors::text("keys/generated/cert.pem");
/// assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
/// ```
pub fn text(rel: &str) -> String {
    String::from_utf8(read(rel)).unwrap_or_else(|e| panic!("vector {rel} is not UTF-8: {e}"))
}

/// The JSON in `rel` under `vectors/`.
///
/// ```
/// let ctx = test_support::vectors::json("wechatpay/seed002_get_certificates/context.json");
/// assert_eq!(ctx["mchid"], "1900009191");
/// ```
pub fn json(rel: &str) -> Value {
    serde_json::from_slice(&read(rel)).unwrap_or_else(|e| panic!("vector {rel}: {e}"))
}

/// The bytes of `rel` under `vectors/keys/`.
///
/// ```
/// assert!(!test_support::vectors::key("generated/key-pkcs8.pem").is_empty());
/// ```
pub fn key(rel: &str) -> Vec<u8> {
    read(&format!("keys/{rel}"))
}

/// The bytes written in hex (as the national-standard vectors write them).
///
/// ```
/// assert_eq!(test_support::vectors::hex("00ff10"), [0x00, 0xff, 0x10]);
/// ```
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd-length hex: {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_else(|e| panic!("{s}: {e}")))
        .collect()
}

/// One case folder under `vectors/`: a file per intermediate.
///
/// ```
/// use test_support::vectors::Case;
/// let case = Case::new("wechatpay/seed002_get_certificates");
/// assert_eq!(case.name(), "seed002_get_certificates");
/// assert_eq!(case.context()["timestamp"], 1554208460);
/// assert!(case.text("message.txt").starts_with("GET\n/v3/certificates\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    dir: String,
}

impl Case {
    /// The case in `dir` (relative to `vectors/`, e.g. `wechatpay/verify/empty_body`).
    pub fn new(dir: impl Into<String>) -> Case {
        Case { dir: dir.into() }
    }

    /// The folder's name: the case's name.
    pub fn name(&self) -> &str {
        self.dir.rsplit('/').next().unwrap_or(&self.dir)
    }

    /// The path of `file` in the case, relative to `vectors/`.
    pub fn file(&self, file: &str) -> String {
        format!("{}/{file}", self.dir)
    }

    /// The bytes of `file`.
    pub fn read(&self, file: &str) -> Vec<u8> {
        read(&self.file(file))
    }

    /// The bytes of `file`, or `None` when the case has no such file.
    pub fn read_opt(&self, file: &str) -> Option<Vec<u8>> {
        read_opt(&self.file(file))
    }

    /// The text of `file`.
    pub fn text(&self, file: &str) -> String {
        text(&self.file(file))
    }

    /// The JSON in `file`.
    pub fn json(&self, file: &str) -> Value {
        json(&self.file(file))
    }

    /// The case's `context.json`: its inputs, expectations and provenance.
    pub fn context(&self) -> Value {
        self.json("context.json")
    }

    /// `@` and the path of `file`, for the CLI.
    pub fn at(&self, file: &str) -> String {
        at(&self.file(file))
    }
}

/// The names of the case folders in `vectors/<group>/`.
///
/// ```
/// let cases = test_support::vectors::cases("wechatpay/certificates");
/// assert!(cases.contains("resource_not_exists"));
/// ```
pub fn cases(group: &str) -> BTreeSet<String> {
    let dir = path(group);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// The guard test: fails when a case folder exists under `vectors/<root>/`
/// that no test runs, or when a test names a case that has no folder.
///
/// `run` lists the cases the tests run, as paths under `root`: `case`, or
/// `group/case` for the cases of a group folder (a folder of case folders; a
/// subfolder is a group when an entry of `run` names one of its cases).
/// `not_cases` lists the subfolders, as paths under `root`, that this guard
/// skips: group folders whose cases another guard checks, and folders that
/// hold no case.
///
/// ```
/// test_support::vectors::assert_every_case_run(
///     "wechatpay/certificates",
///     &["go_mock_download_server", "java_download_certificate_response", "resource_not_exists"],
///     &[],
/// );
/// ```
///
/// ```should_panic
/// // A folder no test runs is named.
/// test_support::vectors::assert_every_case_run("wechatpay/certificates", &["resource_not_exists"], &[]);
/// ```
pub fn assert_every_case_run(root: &str, run: &[&str], not_cases: &[&str]) {
    let mut on_disk = BTreeSet::new();
    collect_cases(root, "", run, not_cases, &mut on_disk);
    let named: BTreeSet<String> = run.iter().map(|s| s.to_string()).collect();
    let not_run: Vec<_> = on_disk.difference(&named).collect();
    let missing: Vec<_> = named.difference(&on_disk).collect();
    assert!(
        not_run.is_empty() && missing.is_empty(),
        "vectors/{root}: case folders no test runs: {not_run:?}; cases the tests name that have no folder: {missing:?}"
    );
}

/// Adds the cases under `vectors/<root>/<prefix>` to `out`, going into group folders.
fn collect_cases(
    root: &str,
    prefix: &str,
    run: &[&str],
    not_cases: &[&str],
    out: &mut BTreeSet<String>,
) {
    for name in cases(&format!("{root}/{prefix}")) {
        let rel = format!("{prefix}{name}");
        if not_cases.contains(&rel.as_str()) {
            continue;
        }
        let group = format!("{rel}/");
        if run.iter().any(|r| r.starts_with(&group)) {
            collect_cases(root, &group, run, not_cases, out);
        } else {
            out.insert(rel);
        }
    }
}
