//! The Mini Program API-security gateway: its state,
//! `POST /wxa/business/getuserphonenumber`, and its `/mock/miniprogram/…` control.
//!
//! Opens sealed requests as the platform does (headers, access token, appid,
//! timestamp window, RSA-PSS signature over `urlpath\nappid\ntimestamp\nbody`,
//! AES-256-GCM with the AAD `urlpath|appid|timestamp|sn`, `_appid` and
//! `_timestamp` inside) and answers the 4023x codes when a check fails
//! (unsigned `{"errcode":…,"errmsg":…}`, as the platform does). Successful
//! answers are sealed and signed with the platform key; after
//! [`MockState::rotate_miniprogram_certificate`](crate::MockState::rotate_miniprogram_certificate)
//! they carry the `Wechatmp-Serial-Deprecated`/`Wechatmp-Signature-Deprecated` pair too.
//!
//! `urlpath` is the full URL without the query; the mock rebuilds it from
//! `http://` and the `Host` header it received.
//!
//! Not raised: 40230 (the mock accepts requests without `Wechatmp-Serial`, as
//! the core's sealer sends none by default) and 40238 (the app always has a key).

mod answer;
mod open;
pub(crate) mod state;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::json;

use crate::control;
use crate::gateway::Gateway;
use answer::{answer, plain, rid};
use open::{open, Reject};
use state::MiniProgram;

/// `POST /wxa/business/getuserphonenumber` and `POST /mock/miniprogram/rotate`.
pub(crate) fn router(gw: Gateway<MiniProgram>) -> Router {
    Router::new()
        .route(
            "/wxa/business/getuserphonenumber",
            post(get_user_phone_number),
        )
        .route("/mock/miniprogram/rotate", post(mock_rotate))
        .with_state(gw)
}

/// `POST /wxa/business/getuserphonenumber?access_token=…`.
async fn get_user_phone_number(State(gw): State<Gateway<MiniProgram>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, 1 << 20).await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"errcode": 44002, "errmsg": "empty post data or too large"}),
        );
    };
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let urlpath = format!("http://{host}{}", parts.uri.path());
    let query = parts.uri.query().unwrap_or("");
    match open(&gw.inner, gw.now(), &urlpath, query, &parts.headers, &body) {
        Ok(request) => answer(&gw.inner, gw.now(), &urlpath, &request),
        Err(Reject::Code(code)) => plain(
            StatusCode::OK,
            json!({"errcode": code.code(), "errmsg": format!("{} rid: {}", code.name(), rid())}),
        ),
        Err(Reject::Other(errcode, errmsg)) => plain(
            StatusCode::OK,
            json!({"errcode": errcode, "errmsg": format!("{errmsg} rid: {}", rid())}),
        ),
    }
}

/// `POST /mock/miniprogram/rotate`: answers carry the `-Deprecated` pair from now on.
async fn mock_rotate(State(gw): State<Gateway<MiniProgram>>) -> Response {
    gw.inner.rotate();
    let number = &gw.inner.app.next_platform_cert_number;
    control::answer(Ok(json!({ "platform_cert_number": number })))
}
