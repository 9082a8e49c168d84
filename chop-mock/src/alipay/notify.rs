//! Alipay async notifies: the order marked paid, a `trade_status_sync` form
//! signed RSA2 (`sign_type` not signed), sent through the shared delivery queue.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::alipay::{Params, SignContent, SignTypeRule};
use chop::signer::{SignatureScheme, Signer as _};
use serde_json::{json, Value};

use super::state::Alipay;
use crate::delivery::{check_loopback, Kind, Notification};
use crate::gateway::Gateway;
use crate::random::random_hex;
use crate::time::rfc3339;
use crate::MockError;

/// Marks the order `out_trade_no` paid and sends the notify to `notify_url`;
/// returns the `notify_id`.
pub(crate) fn pay(
    gw: &Gateway<Alipay>,
    out_trade_no: &str,
    notify_url: &str,
) -> Result<String, MockError> {
    check_loopback(notify_url)?;
    let a = &gw.inner;
    let unknown = || MockError::UnknownOrder(out_trade_no.to_string());
    let order = {
        let mut orders = a.orders.lock().map_err(|_| unknown())?;
        let o = orders.get_mut(out_trade_no).ok_or_else(unknown)?;
        o["trade_status"] = json!("TRADE_SUCCESS");
        o.clone()
    };
    let now = rfc3339(gw.now());
    let time = now.get(..19).unwrap_or("").replace('T', " ");
    let notify_id = random_hex(16)?.to_lowercase();
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut params = Params::new();
    for (k, v) in [
        ("notify_time", time.clone()),
        ("notify_type", "trade_status_sync".into()),
        ("notify_id", notify_id.clone()),
        ("app_id", a.app.app_id.clone()),
        ("charset", "utf-8".into()),
        ("version", "1.0".into()),
        ("sign_type", "RSA2".into()),
        ("trade_no", s(&order["trade_no"])),
        ("out_trade_no", out_trade_no.to_string()),
        ("trade_status", "TRADE_SUCCESS".into()),
        ("total_amount", s(&order["total_amount"])),
        ("receipt_amount", s(&order["total_amount"])),
        ("gmt_payment", time),
    ] {
        params.set(k, v);
    }
    let content = SignContent::for_notify(&params, SignTypeRule::Excluded);
    let sign = a
        .alipay_key
        .sign(SignatureScheme::RsaPkcs1Sha256, content.as_bytes())
        .map_err(|_| MockError::KeyGen("alipay notify signature"))?;
    params.set("sign", STANDARD.encode(sign));
    let body: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect();
    let n = Notification {
        id: notify_id,
        url: notify_url.to_string(),
        kind: Kind::Alipay,
        body: body.join("&").into_bytes(),
    };
    gw.queue.send(n, None)
}

/// `application/x-www-form-urlencoded` encoding of one key or value.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_round_trips_through_the_core_parser() {
        let v = "2026-01-02 03:04:05 a+b/c=d&e 中";
        assert_eq!(
            form_encode(v),
            "2026-01-02+03%3A04%3A05+a%2Bb%2Fc%3Dd%26e+%E4%B8%AD"
        );
        let p = Params::from_form(format!("k={}", form_encode(v)).as_bytes()).unwrap();
        assert_eq!(p.get("k"), Some(v));
    }
}
