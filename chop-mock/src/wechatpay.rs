//! The WeChat Pay v3 gateway: its state, request authentication, the `/v3/…`
//! endpoints, signed answers, payment callbacks, and its `/mock/…` controls.

mod auth;
pub(crate) mod callback;
mod endpoints;
mod respond;
pub(crate) mod state;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{any, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::control;
use crate::gateway::Gateway;
use respond::{error, signed, unsigned};
use state::WechatPay;

/// Bodies larger than this are refused (the platform's limits are far lower).
const MAX_BODY: usize = 1 << 20;

/// `/v3/…`, `POST /mock/pay` and `POST /mock/rotate`.
pub(crate) fn router(gw: Gateway<WechatPay>) -> Router {
    Router::new()
        .route("/v3/{*rest}", any(v3))
        .route("/mock/pay", post(mock_pay))
        .route("/mock/rotate", post(mock_rotate))
        .with_state(gw)
}

/// Every `/v3/…` request: authenticate, dispatch, sign the answer.
async fn v3(State(gw): State<Gateway<WechatPay>>, req: Request) -> Response {
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
    let sign = match auth::authenticate(&gw, parts.method.as_str(), &url, authorization, &body) {
        Ok(s) => s,
        Err(rejection) => return unsigned(StatusCode::UNAUTHORIZED, &rejection.body()),
    };
    let (status, json) = endpoints::dispatch(&gw, parts.method.as_str(), &url, &body, &sign);
    signed(&gw.inner, &*gw.clock, status, json.to_string().into_bytes())
}

/// `POST /mock/pay {"out_trade_no":…}`: marks the order paid and sends the
/// payment-success callback to its `notify_url` (loopback only).
async fn mock_pay(State(gw): State<Gateway<WechatPay>>, Json(req): Json<Value>) -> Response {
    let no = req["out_trade_no"].as_str().unwrap_or_default();
    let sent = callback::pay(&gw, no, req["notify_url"].as_str());
    control::answer(sent.map(|id| json!({ "notification_id": id })))
}

/// `POST /mock/rotate`: rotates the platform certificate.
async fn mock_rotate(State(gw): State<Gateway<WechatPay>>) -> Response {
    gw.inner.rotate();
    let serial = gw.inner.active_certificate().cert.serial_hex();
    control::answer(Ok(json!({ "platform_serial": serial })))
}
