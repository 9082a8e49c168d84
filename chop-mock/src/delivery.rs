//! Callback and notify delivery shared by the platforms: loopback-only POSTs
//! retried on a schedule, kept in `--state DIR/outbox/` until they are done,
//! with a [`Delivery`] record of each.

mod outbox;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::MockError;
use outbox::Outbox;

/// One callback the mock sent (or is sending).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    /// The notification id (the same on each retry).
    pub id: String,
    /// Where it went.
    pub url: String,
    /// How many attempts were made.
    pub attempts: u32,
    /// How it ended.
    pub status: DeliveryStatus,
}

/// How a callback delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Still being tried.
    Pending,
    /// The merchant answered 2xx.
    Delivered,
    /// Every attempt failed.
    GaveUp,
}

/// How payment-success callbacks are retried.
///
/// The platform retries over about 24 hours (15 s, 15 s, 30 s, 3 min, 10 min,
/// …); the default here is the same count shortened for tests.
///
/// ```
/// use std::time::Duration;
/// let fast = chop_mock::CallbackConfig {
///     retry_delays: vec![Duration::from_millis(20); 3],
///     timeout: Duration::from_secs(2),
/// };
/// let state = chop_mock::MockState::generate()?.with_callbacks(fast);
/// # Ok::<(), chop_mock::MockError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackConfig {
    /// The wait before each attempt after the first; the attempts are `1 + len`.
    pub retry_delays: Vec<Duration>,
    /// The time allowed to each attempt.
    pub timeout: Duration,
}

impl Default for CallbackConfig {
    fn default() -> Self {
        let ms = [50, 50, 100, 200, 400, 800, 1600];
        Self {
            retry_delays: ms.iter().map(|&m| Duration::from_millis(m)).collect(),
            timeout: Duration::from_secs(5),
        }
    }
}

/// How a receiver is called and what counts as received (the name of each
/// variant is written in the outbox files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Kind {
    /// WeChat Pay: a JSON body, headers signed afresh on each attempt; any 2xx.
    WechatPay,
    /// Alipay: a form body that carries its signature; 2xx with the body `success`.
    Alipay,
}

impl Kind {
    fn content_type(self) -> &'static str {
        match self {
            Kind::WechatPay => "application/json",
            Kind::Alipay => "application/x-www-form-urlencoded; charset=utf-8",
        }
    }
}

/// The headers one attempt carries over the body, made afresh for each attempt.
pub(crate) type Sign = Arc<dyn Fn(&[u8]) -> Vec<(&'static str, String)> + Send + Sync>;

/// One notification to deliver: the same id and body on every attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notification {
    pub(crate) id: String,
    pub(crate) url: String,
    pub(crate) kind: Kind,
    pub(crate) body: Vec<u8>,
}

/// The notifications sent so far, the retry schedule and the outbox.
#[derive(Debug)]
pub(crate) struct Queue {
    config: CallbackConfig,
    outbox: Option<Outbox>,
    records: Mutex<Vec<Delivery>>,
}

impl Queue {
    /// A queue keeping undelivered notifications in `outbox` (`--state DIR/outbox/`), if any.
    pub(crate) fn new(outbox: Option<PathBuf>) -> Self {
        Self {
            config: CallbackConfig::default(),
            outbox: outbox.map(Outbox::new),
            records: Mutex::new(Vec::new()),
        }
    }

    /// Retries on `config` from now on.
    pub(crate) fn configure(&mut self, config: CallbackConfig) {
        self.config = config;
    }

    /// The notifications sent so far and how they went.
    pub(crate) fn records(&self) -> Vec<Delivery> {
        self.records.lock().map(|d| d.clone()).unwrap_or_default()
    }

    /// Sends `n` in the background (loopback only), retrying on the configured
    /// schedule, each attempt with the headers `sign` makes; returns its id at once.
    ///
    /// Must be called inside a tokio runtime.
    pub(crate) fn send(
        self: &Arc<Self>,
        n: Notification,
        sign: Option<Sign>,
    ) -> Result<String, MockError> {
        check_loopback(&n.url)?;
        if let Some(outbox) = &self.outbox {
            outbox.put(&n)?;
        }
        if let Ok(mut d) = self.records.lock() {
            d.push(Delivery {
                id: n.id.clone(),
                url: n.url.clone(),
                attempts: 0,
                status: DeliveryStatus::Pending,
            });
        }
        let id = n.id.clone();
        tokio::spawn(Arc::clone(self).run(n, sign));
        Ok(id)
    }

    /// The notifications a previous run (same `--state DIR`) left undelivered.
    pub(crate) fn pending(&self) -> Result<Vec<Notification>, MockError> {
        self.outbox.as_ref().map_or(Ok(Vec::new()), Outbox::list)
    }

    async fn run(self: Arc<Self>, n: Notification, sign: Option<Sign>) {
        let client = reqwest::Client::builder()
            .timeout(self.config.timeout)
            .no_proxy()
            .build();
        let Ok(client) = client else { return };
        let waits = std::iter::once(Duration::ZERO).chain(self.config.retry_delays.iter().copied());
        let mut status = DeliveryStatus::GaveUp;
        for wait in waits {
            tokio::time::sleep(wait).await;
            self.update(&n.id, |d| d.attempts += 1);
            let mut req = client
                .post(&n.url)
                .header("content-type", n.kind.content_type())
                .body(n.body.clone());
            for (name, value) in sign.as_ref().map(|s| s(&n.body)).unwrap_or_default() {
                req = req.header(name, value);
            }
            if let Ok(r) = req.send().await {
                let ok = r.status().is_success();
                let received = match n.kind {
                    Kind::WechatPay => ok,
                    Kind::Alipay => ok && r.text().await.is_ok_and(|t| t.trim() == "success"),
                };
                if received {
                    status = DeliveryStatus::Delivered;
                    break;
                }
            }
        }
        self.update(&n.id, |d| d.status = status);
        if let Some(outbox) = &self.outbox {
            outbox.remove(&n.id);
        }
    }

    fn update(&self, id: &str, f: impl FnOnce(&mut Delivery)) {
        if let Ok(mut ds) = self.records.lock() {
            if let Some(d) = ds.iter_mut().find(|d| d.id == id) {
                f(d);
            }
        }
    }
}

/// Checks that `url` is `http://` on loopback.
pub(crate) fn check_loopback(url: &str) -> Result<(), MockError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| MockError::NotLoopback(url.to_string()))?;
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host = if authority.starts_with('[') {
        authority.split(']').next().map(|h| format!("{h}]"))
    } else {
        authority.split(':').next().map(str::to_string)
    };
    match host.as_deref() {
        Some("127.0.0.1" | "localhost" | "[::1]") => Ok(()),
        _ => Err(MockError::NotLoopback(url.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_are_called() {
        assert!(check_loopback("http://127.0.0.1:8080/notify").is_ok());
        assert!(check_loopback("http://localhost/notify").is_ok());
        assert!(check_loopback("http://[::1]:9/n").is_ok());
        for bad in [
            "https://127.0.0.1/n",
            "http://example.com/n",
            "http://127.0.0.1.evil/n",
            "ftp://x",
        ] {
            assert!(
                matches!(check_loopback(bad), Err(MockError::NotLoopback(_))),
                "{bad}"
            );
        }
    }
}
