//! The Alipay OpenAPI gateway: its state, `POST /gateway.do`, async notifies,
//! and its `/mock/alipay/…` control.
//!
//! Requests are verified like the gateway does: `app_id` known, `sign_type`
//! RSA2, `sign` over the sorted parameters (`SignContent::for_request`). A bad
//! signature gets the unsigned `isv.invalid-signature` answer whose `sub_msg`
//! carries the content the gateway verified. Answers are
//! `{"<method>_response":…,"sign":…}` signed with the mock's Alipay key over
//! the value's exact text; with `encrypt_type=AES` the `biz_content` is
//! decrypted and the answer's value is the encrypted content (a JSON string,
//! signed with its quotes). Methods: `alipay.trade.precreate`,
//! `alipay.trade.query`.

pub(crate) mod notify;
pub(crate) mod state;
mod trade;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::alipay::{decrypt_content, encrypt_content, Params, SignContent, SignType};
use chop::signer::{SignatureScheme, Signer as _};
use serde_json::{json, Value};

use crate::control;
use crate::gateway::Gateway;
use state::Alipay;

/// `POST /gateway.do` and `POST /mock/alipay/pay`.
pub(crate) fn router(gw: Gateway<Alipay>) -> Router {
    Router::new()
        .route("/gateway.do", post(gateway))
        .route("/mock/alipay/pay", post(mock_pay))
        .with_state(gw)
}

/// `POST /gateway.do` (parameters in the query, the form body, or both).
async fn gateway(State(gw): State<Gateway<Alipay>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, 1 << 20).await else {
        return text(StatusCode::PAYLOAD_TOO_LARGE, "too large".into());
    };
    let mut params = Params::new();
    let query = parts.uri.query().unwrap_or("").as_bytes().to_vec();
    for source in [&query[..], &body[..]] {
        match Params::from_form(source) {
            Ok(p) => {
                for (k, v) in p.iter() {
                    params.set(k, v);
                }
            }
            Err(_) => return error_answer("", "isv.invalid-parameter", "参数格式错误"),
        }
    }
    handle(&gw.inner, params)
}

/// `POST /mock/alipay/pay {"out_trade_no":…,"notify_url":…}`: marks the Alipay
/// order paid and sends the signed notify (loopback only).
async fn mock_pay(State(gw): State<Gateway<Alipay>>, Json(req): Json<Value>) -> Response {
    let no = req["out_trade_no"].as_str().unwrap_or_default();
    let url = req["notify_url"].as_str().unwrap_or_default();
    let sent = notify::pay(&gw, no, url);
    control::answer(sent.map(|id| json!({ "notify_id": id })))
}

fn handle(a: &Alipay, params: Params) -> Response {
    let method = params.get("method").unwrap_or("").to_string();
    if method.is_empty() {
        return error_answer("", "isv.missing-method", "缺少方法名参数");
    }
    if params.get("app_id") != Some(a.app.app_id.as_str()) {
        return error_answer(&method, "isv.invalid-app-id", "无效的AppID参数");
    }
    if params.get("sign_type") != Some("RSA2") {
        return error_answer(
            &method,
            "isv.invalid-signature-type",
            "无效的签名类型(chop-mock 只接受 RSA2)",
        );
    }
    let Some(sign) = params.get("sign").filter(|s| !s.is_empty()) else {
        return error_answer(&method, "isv.missing-signature", "缺少签名参数");
    };
    let content = SignContent::for_request(&params);
    let ok = STANDARD.decode(sign).ok().is_some_and(|sig| {
        a.app_public
            .verify_raw(SignType::Rsa2, &content, &sig)
            .is_ok()
    });
    if !ok {
        let sub = format!(
            "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：{}",
            content.as_str()
        );
        return error_answer(&method, "isv.invalid-signature", &sub);
    }
    let encrypted = params.get("encrypt_type") == Some("AES");
    let biz = params.get("biz_content").unwrap_or("{}");
    let biz = if encrypted {
        match decrypt_content(&a.aes, biz) {
            Ok(b) => b,
            Err(_) => return error_answer(&method, "isv.decryption-error", "解密出错"),
        }
    } else {
        biz.to_string()
    };
    let biz: Value = serde_json::from_str(&biz).unwrap_or(Value::Null);
    let value = trade::business(a, &method, &biz);
    signed_answer(a, &method, &value, encrypted)
}

fn response_key(method: &str) -> String {
    if method.is_empty() {
        "error_response".into()
    } else {
        format!("{}_response", method.replace('.', "_"))
    }
}

/// An unsigned gateway error (`code` 40002), as the gateway sends before it
/// knows the caller.
fn error_answer(method: &str, sub_code: &str, sub_msg: &str) -> Response {
    let body = json!({ response_key(method): {
        "code": "40002", "msg": "Invalid Arguments", "sub_code": sub_code, "sub_msg": sub_msg
    }});
    text(StatusCode::OK, body.to_string())
}

fn signed_answer(a: &Alipay, method: &str, value: &Value, encrypted: bool) -> Response {
    let plain = value.to_string();
    let value_text = if encrypted {
        match encrypt_content(&a.aes, plain.as_bytes()) {
            Ok(c) => Value::String(c).to_string(),
            Err(_) => return error_answer(method, "isv.encryption-error", "加密出错"),
        }
    } else {
        plain
    };
    let sign = a
        .alipay_key
        .sign(SignatureScheme::RsaPkcs1Sha256, value_text.as_bytes())
        .map(|s| STANDARD.encode(s))
        .unwrap_or_default();
    let key = Value::String(response_key(method)).to_string();
    let body = format!("{{{key}:{value_text},\"sign\":{}}}", Value::String(sign));
    text(StatusCode::OK, body)
}

fn text(status: StatusCode, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/html;charset=utf-8"),
    );
    r
}
