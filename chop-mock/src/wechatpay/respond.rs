//! WeChat Pay's answers: JSON bodies, signed with the platform key in force
//! (`Wechatpay-*` headers), or unsigned for the 401s.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::clock::Clock;
use chop::signer::{SignatureScheme, Signer as _};
use chop::wechatpay::{headers, SignString};

use super::state::WechatPay;
use crate::random::{nonce, random_hex};

/// An error body `{"code":…,"message":…}`.
pub(crate) fn error(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "code": code, "message": message })
}

/// A JSON response without platform signature (401s: the caller is unknown).
pub(crate) fn unsigned(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    json_response(status, Bytes::from(bytes))
}

/// A JSON response signed like the platform's.
pub(crate) fn signed(
    wp: &WechatPay,
    clock: &dyn Clock,
    status: StatusCode,
    body: Vec<u8>,
) -> Response {
    let hs = sign_headers(wp, clock, &body);
    let mut r = json_response(status, Bytes::from(body));
    for (name, value) in hs {
        if let Ok(v) = HeaderValue::try_from(value) {
            r.headers_mut().insert(name, v);
        }
    }
    r
}

/// The `Wechatpay-*` headers over `body`, signed with the key in force.
pub(crate) fn sign_headers(
    wp: &WechatPay,
    clock: &dyn Clock,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let ts = clock.now_unix().to_string();
    let nonce = nonce();
    let message = SignString::response(&ts, &nonce, body);
    let (serial, key) = wp.signing_key();
    let signature = key
        .sign(SignatureScheme::RsaPkcs1Sha256, message.as_bytes())
        .map(|s| STANDARD.encode(s))
        .unwrap_or_default();
    vec![
        (headers::TIMESTAMP, ts),
        (headers::NONCE, nonce),
        (headers::SIGNATURE, signature),
        (headers::SERIAL, serial),
        (
            headers::SIGNATURE_TYPE,
            "WECHATPAY2-SHA256-RSA2048".to_string(),
        ),
    ]
}

fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(Ok(id)) = random_hex(16).map(HeaderValue::try_from) {
        r.headers_mut().insert("request-id", id);
    }
    r
}
