//! Payment-success callbacks: signed, encrypted, retried, loopback only.

use std::time::Duration;

use chop::wechatpay::{EncryptedResource, AEAD_AES_256_GCM};
use serde_json::json;

use crate::state::random_alnum;
use crate::{MockError, MockState};

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

/// The envelope body for `transaction`, encrypted with the APIv3 key.
pub(crate) fn envelope(
    state: &MockState,
    id: &str,
    transaction: &serde_json::Value,
) -> Result<Vec<u8>, MockError> {
    let nonce = random_alnum(12)?;
    let plaintext = transaction.to_string();
    let resource = EncryptedResource::encrypt(
        &state.inner.api_v3_key,
        AEAD_AES_256_GCM,
        "transaction",
        &nonce,
        plaintext.as_bytes(),
    )
    .map_err(|_| MockError::KeyGen("callback encryption"))?;
    let now = state.inner.clock.now_unix();
    let body = json!({
        "id": id,
        "create_time": rfc3339(now),
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": {
            "original_type": "transaction",
            "algorithm": resource.algorithm,
            "ciphertext": resource.ciphertext,
            "associated_data": resource.associated_data,
            "nonce": resource.nonce,
        }
    });
    Ok(body.to_string().into_bytes())
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

/// How a receiver is called and what counts as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Kind {
    /// WeChat Pay: `Wechatpay-*` headers signed afresh on each attempt; any 2xx.
    WechatPay,
    /// Alipay: the body carries its signature; 2xx with the body `success`.
    Alipay,
}

/// Sends the WeChat Pay callback in the background, retrying on the configured
/// schedule; returns its id at once. Each attempt is signed afresh (new
/// timestamp and nonce) over the same body, as the platform does.
pub(crate) fn spawn(
    state: &MockState,
    url: &str,
    transaction: &serde_json::Value,
) -> Result<String, MockError> {
    check_loopback(url)?;
    let id = uuid_like()?;
    let body = envelope(state, &id, transaction)?;
    deliver(state, url, id, "application/json", body, Kind::WechatPay)
}

/// Delivers `body` to `url` (loopback only) in the background with retries.
pub(crate) fn deliver(
    state: &MockState,
    url: &str,
    id: String,
    content_type: &'static str,
    body: Vec<u8>,
    kind: Kind,
) -> Result<String, MockError> {
    check_loopback(url)?;
    outbox_put(state, &id, url, &body, kind)?;
    let delivery = Delivery {
        id: id.clone(),
        url: url.to_string(),
        attempts: 0,
        status: DeliveryStatus::Pending,
    };
    if let Ok(mut d) = state.inner.deliveries.lock() {
        d.push(delivery);
    }
    let state = state.clone();
    let url = url.to_string();
    let id2 = id.clone();
    tokio::spawn(async move {
        let config = state.inner.callbacks.clone();
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .no_proxy()
            .build();
        let Ok(client) = client else { return };
        let waits = std::iter::once(Duration::ZERO).chain(config.retry_delays.iter().copied());
        let mut status = DeliveryStatus::GaveUp;
        for wait in waits {
            tokio::time::sleep(wait).await;
            update(&state, &id2, |d| d.attempts += 1);
            let mut req = client
                .post(&url)
                .header("content-type", content_type)
                .body(body.clone());
            if kind == Kind::WechatPay {
                for (name, value) in super::sign_headers(&state, &body) {
                    req = req.header(name, value);
                }
            }
            if let Ok(r) = req.send().await {
                let ok = r.status().is_success();
                let received = match kind {
                    Kind::WechatPay => ok,
                    Kind::Alipay => ok && r.text().await.is_ok_and(|t| t.trim() == "success"),
                };
                if received {
                    status = DeliveryStatus::Delivered;
                    break;
                }
            }
        }
        update(&state, &id2, |d| d.status = status);
        outbox_remove(&state, &id2);
    });
    Ok(id)
}

/// A callback kept in `--state DIR/outbox/` until it is delivered or given up.
#[derive(serde::Serialize, serde::Deserialize)]
struct Pending {
    id: String,
    url: String,
    /// The exact body, base64.
    body: String,
    kind: Kind,
}

fn outbox_put(
    state: &MockState,
    id: &str,
    url: &str,
    body: &[u8],
    kind: Kind,
) -> Result<(), MockError> {
    let Some(dir) = &state.inner.outbox else {
        return Ok(());
    };
    use base64::Engine;
    let pending = Pending {
        id: id.to_string(),
        url: url.to_string(),
        body: base64::engine::general_purpose::STANDARD.encode(body),
        kind,
    };
    let json = serde_json::to_vec(&pending).map_err(|e| MockError::State(e.to_string()))?;
    std::fs::create_dir_all(dir).map_err(MockError::Io)?;
    std::fs::write(dir.join(format!("{id}.json")), json).map_err(MockError::Io)
}

fn outbox_remove(state: &MockState, id: &str) {
    if let Some(dir) = &state.inner.outbox {
        let _ = std::fs::remove_file(dir.join(format!("{id}.json")));
    }
}

/// Resumes the callbacks a previous run left undelivered in `--state DIR/outbox/`
/// (same id, same body; WeChat Pay ones are signed afresh). Returns how many.
pub(crate) fn resume(state: &MockState) -> Result<usize, MockError> {
    let Some(dir) = &state.inner.outbox else {
        return Ok(0);
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    let mut n = 0;
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).map_err(MockError::Io)?;
        let p: Pending = serde_json::from_slice(&bytes)
            .map_err(|e| MockError::State(format!("{}: {e}", entry.path().display())))?;
        use base64::Engine;
        let body = base64::engine::general_purpose::STANDARD
            .decode(&p.body)
            .map_err(|e| MockError::State(e.to_string()))?;
        let content_type: &'static str = match p.kind {
            Kind::WechatPay => "application/json",
            Kind::Alipay => "application/x-www-form-urlencoded; charset=utf-8",
        };
        deliver(state, &p.url, p.id, content_type, body, p.kind)?;
        n += 1;
    }
    Ok(n)
}

fn update(state: &MockState, id: &str, f: impl FnOnce(&mut Delivery)) {
    if let Ok(mut ds) = state.inner.deliveries.lock() {
        if let Some(d) = ds.iter_mut().find(|d| d.id == id) {
            f(d);
        }
    }
}

fn uuid_like() -> Result<String, MockError> {
    let h = crate::state::random_hex(16)?.to_lowercase();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// `YYYY-MM-DDTHH:MM:SS+08:00`, the platform's time format (Beijing time).
pub(crate) fn rfc3339(unix: i64) -> String {
    let utc = chop::key::format_utc(unix + 8 * 3600);
    utc.strip_suffix('Z')
        .map_or(utc.clone(), |s| format!("{s}+08:00"))
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

    #[test]
    fn times_are_beijing_rfc3339() {
        assert_eq!(rfc3339(1554208460), "2019-04-02T20:34:20+08:00");
    }
}
