//! The WeChat Pay v3 gateway: request authentication, signed responses, endpoints.

pub(crate) mod auth;
pub(crate) mod callback;
mod endpoints;

use std::sync::atomic::Ordering;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{any, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::clock::{NonceSource as _, RandomNonce};
use chop::signer::{SignatureScheme, Signer as _};
use chop::wechatpay::{headers, SignString};

use crate::MockState;

/// Bodies larger than this are refused (the platform's limits are far lower).
const MAX_BODY: usize = 1 << 20;

pub(crate) fn router(state: MockState) -> Router {
    Router::new()
        .route("/v3/{*rest}", any(v3))
        .route("/mock/pay", post(endpoints::mock_pay))
        .route("/mock/rotate", post(endpoints::mock_rotate))
        .route("/mock/alipay/pay", post(endpoints::mock_alipay_pay))
        .route("/mock/miniprogram/rotate", post(endpoints::mock_mp_rotate))
        .route(
            "/wxa/business/getuserphonenumber",
            post(crate::miniprogram::get_user_phone_number),
        )
        .route("/gateway.do", post(crate::alipay::gateway))
        .with_state(state)
}

/// Every `/v3/…` request: authenticate, dispatch, sign the answer.
async fn v3(State(state): State<MockState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return unsigned(
                StatusCode::PAYLOAD_TOO_LARGE,
                &error("PARAM_ERROR", "请求报文过大"),
            )
        }
    };
    let url = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string());
    let authorization = parts
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let sign = match auth::authenticate(&state, parts.method.as_str(), &url, authorization, &body) {
        Ok(s) => s,
        Err(rejection) => return unsigned(StatusCode::UNAUTHORIZED, &rejection.body()),
    };
    let (status, json) = endpoints::dispatch(&state, parts.method.as_str(), &url, &body, &sign);
    signed(&state, status, json.to_string().into_bytes())
}

/// An error body `{"code":…,"message":…}`.
pub(crate) fn error(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "code": code, "message": message })
}

/// A JSON response without platform signature (401s: the caller is unknown).
pub(crate) fn unsigned(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    json_response(status, Bytes::from(bytes))
}

fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Ok(Ok(id)) = crate::state::random_hex(16).map(HeaderValue::try_from) {
        r.headers_mut().insert("request-id", id);
    }
    r
}

/// The `Wechatpay-*` headers over `body`, signed with the key in force.
pub(crate) fn sign_headers(state: &MockState, body: &[u8]) -> Vec<(&'static str, String)> {
    let inner = &state.inner;
    let ts = inner.clock.now_unix().to_string();
    let nonce = RandomNonce.nonce().unwrap_or_else(|_| "0".repeat(32));
    let message = SignString::response(&ts, &nonce, body);
    let (serial, key) = if inner.public_key_mode.load(Ordering::SeqCst) {
        (inner.public_key.0.clone(), &inner.public_key.1)
    } else {
        let i = inner.active.load(Ordering::SeqCst).min(1);
        let p = &inner.platforms[i];
        (p.cert.serial_hex(), &p.key)
    };
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

/// A JSON response signed like the platform's.
pub(crate) fn signed(state: &MockState, status: StatusCode, body: Vec<u8>) -> Response {
    let hs = sign_headers(state, &body);
    let mut r = json_response(status, Bytes::from(body));
    for (name, value) in hs {
        if let Ok(v) = HeaderValue::try_from(value) {
            r.headers_mut().insert(name, v);
        }
    }
    r
}
