//! The endpoints behind authentication, and the mock's own controls.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chop::wechatpay::{EncryptedResource, SignString, AEAD_AES_256_GCM, CERTIFICATE_AAD};
use serde_json::{json, Value};

use super::callback::{self, rfc3339};
use super::error;
use crate::state::{random_alnum, random_hex};
use crate::MockState;

type Answer = (StatusCode, Value);

pub(crate) fn dispatch(
    state: &MockState,
    method: &str,
    url: &str,
    body: &[u8],
    sign: &SignString,
) -> Answer {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    match (method, path) {
        ("GET", "/v3/certificates") => certificates(state),
        ("POST", "/v3/pay/transactions/jsapi") => create_order(state, body, "JSAPI"),
        ("POST", "/v3/pay/transactions/native") => create_order(state, body, "NATIVE"),
        ("POST", "/v3/refund/domestic/refunds") => refund(state, body),
        (_, "/v3/mock/echo") => (
            StatusCode::OK,
            json!({
                "method": method,
                "url": url,
                "body": String::from_utf8_lossy(body),
                "sign_message": String::from_utf8_lossy(sign.as_bytes()),
                "sign_message_length": sign.len(),
            }),
        ),
        ("GET", p) if p.starts_with("/v3/pay/transactions/out-trade-no/") => {
            let no = &p["/v3/pay/transactions/out-trade-no/".len()..];
            query_order(state, no, query)
        }
        _ => (
            StatusCode::NOT_FOUND,
            error(
                "RESOURCE_NOT_EXISTS",
                "无可用的资源(chop-mock 未实现该接口)",
            ),
        ),
    }
}

fn certificates(state: &MockState) -> Answer {
    let inner = &state.inner;
    let count = inner.active.load(Ordering::SeqCst).min(1) + 1;
    let mut data = Vec::new();
    for p in &inner.platforms[..count] {
        let Ok(nonce) = random_alnum(12) else {
            return system_error();
        };
        let Ok(r) = EncryptedResource::encrypt(
            &inner.api_v3_key,
            AEAD_AES_256_GCM,
            CERTIFICATE_AAD,
            &nonce,
            p.pem.as_bytes(),
        ) else {
            return system_error();
        };
        let v = p.cert.validity();
        data.push(json!({
            "serial_no": p.cert.serial_hex(),
            "effective_time": rfc3339(v.not_before),
            "expire_time": rfc3339(v.not_after),
            "encrypt_certificate": {
                "algorithm": r.algorithm,
                "nonce": r.nonce,
                "associated_data": r.associated_data,
                "ciphertext": r.ciphertext,
            }
        }));
    }
    (StatusCode::OK, json!({ "data": data }))
}

fn system_error() -> Answer {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        error("SYSTEM_ERROR", "系统错误"),
    )
}

fn param_error(field: &str) -> Answer {
    (
        StatusCode::BAD_REQUEST,
        json!({
            "code": "PARAM_ERROR",
            "message": format!("参数错误:{field}"),
            "detail": { "field": field, "location": "body", "issue": "missing or invalid" }
        }),
    )
}

fn create_order(state: &MockState, body: &[u8], trade_type: &str) -> Answer {
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return (
            StatusCode::BAD_REQUEST,
            error("PARAM_ERROR", "请求主体不是 JSON"),
        );
    };
    let s = |ptr: &str| req.pointer(ptr).and_then(Value::as_str).map(str::to_string);
    let mchid = &state.inner.files.wechatpay.mchid;
    let (Some(appid), Some(no), Some(description), Some(notify_url)) = (
        s("/appid"),
        s("/out_trade_no"),
        s("/description"),
        s("/notify_url"),
    ) else {
        return param_error("appid/out_trade_no/description/notify_url");
    };
    if s("/mchid").as_deref() != Some(mchid) {
        return param_error("/mchid");
    }
    let Some(total) = req.pointer("/amount/total").and_then(Value::as_i64) else {
        return param_error("/amount/total");
    };
    if total <= 0 {
        return param_error("/amount/total");
    }
    let openid = s("/payer/openid");
    if trade_type == "JSAPI" && openid.is_none() {
        return param_error("/payer/openid");
    }
    let Ok(mut orders) = state.inner.orders.lock() else {
        return system_error();
    };
    if orders.contains_key(&no) {
        return (
            StatusCode::BAD_REQUEST,
            error("DUPLICATE_OUT_TRADE_NO", "商户订单号重复"),
        );
    }
    let tx = json!({
        "appid": appid, "mchid": mchid, "out_trade_no": no, "description": description,
        "trade_type": trade_type, "trade_state": "NOTPAY", "trade_state_desc": "订单未支付",
        "notify_url": notify_url,
        "amount": { "total": total, "currency": "CNY" },
        "payer": { "openid": openid.unwrap_or_default() },
    });
    orders.insert(no, tx);
    let Ok(id) = random_hex(14) else {
        return system_error();
    };
    let answer = if trade_type == "JSAPI" {
        json!({ "prepay_id": format!("wx{}", id.to_lowercase()) })
    } else {
        json!({ "code_url": format!("weixin://wxpay/bizpayurl?pr={}", &id[..7]) })
    };
    (StatusCode::OK, answer)
}

fn query_order(state: &MockState, no: &str, query: &str) -> Answer {
    let mchid = &state.inner.files.wechatpay.mchid;
    if !query.split('&').any(|kv| kv == format!("mchid={mchid}")) {
        return (
            StatusCode::BAD_REQUEST,
            json!({"code": "PARAM_ERROR", "message": "缺少参数 mchid",
                   "detail": {"field": "mchid", "location": "query"}}),
        );
    }
    let orders = state.inner.orders.lock();
    match orders.ok().and_then(|o| o.get(no).cloned()) {
        Some(mut tx) => {
            if let Some(o) = tx.as_object_mut() {
                o.remove("notify_url");
            }
            (StatusCode::OK, tx)
        }
        None => (
            StatusCode::NOT_FOUND,
            error("ORDER_NOT_EXIST", "订单不存在"),
        ),
    }
}

fn refund(state: &MockState, body: &[u8]) -> Answer {
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return param_error("body");
    };
    let s = |ptr: &str| req.pointer(ptr).and_then(Value::as_str).map(str::to_string);
    let (Some(no), Some(refund_no)) = (s("/out_trade_no"), s("/out_refund_no")) else {
        return param_error("out_trade_no/out_refund_no");
    };
    let (Some(refund), Some(total)) = (
        req.pointer("/amount/refund").and_then(Value::as_i64),
        req.pointer("/amount/total").and_then(Value::as_i64),
    ) else {
        return param_error("/amount");
    };
    let tx = state
        .inner
        .orders
        .lock()
        .ok()
        .and_then(|o| o.get(&no).cloned());
    let Some(tx) = tx else {
        return (
            StatusCode::NOT_FOUND,
            error("RESOURCE_NOT_EXISTS", "订单不存在"),
        );
    };
    if tx["trade_state"] != "SUCCESS" {
        return (
            StatusCode::FORBIDDEN,
            error("NOT_ENOUGH", "订单未支付,不能退款"),
        );
    }
    if tx["amount"]["total"].as_i64() != Some(total) || refund <= 0 || refund > total {
        return param_error("/amount/refund");
    }
    let Ok(id) = random_hex(14) else {
        return system_error();
    };
    let now = state.inner.clock.now_unix();
    (
        StatusCode::OK,
        json!({
            "refund_id": id, "out_refund_no": refund_no,
            "transaction_id": tx["transaction_id"], "out_trade_no": no,
            "channel": "ORIGINAL", "user_received_account": "支付用户零钱",
            "create_time": rfc3339(now), "status": "PROCESSING",
            "amount": { "total": total, "refund": refund, "payer_total": total,
                        "payer_refund": refund, "currency": "CNY" },
        }),
    )
}

/// `POST /mock/pay {"out_trade_no":…}`: marks the order paid and sends the
/// payment-success callback to its `notify_url` (loopback only).
pub(crate) async fn mock_pay(State(state): State<MockState>, Json(req): Json<Value>) -> Response {
    let no = req["out_trade_no"].as_str().unwrap_or_default().to_string();
    match pay(&state, &no, req["notify_url"].as_str()) {
        Ok(id) => Json(json!({ "notification_id": id })).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(error("MOCK_ERROR", &e.to_string())),
        )
            .into_response(),
    }
}

/// `POST /mock/alipay/pay {"out_trade_no":…,"notify_url":…}`: marks the Alipay
/// order paid and sends the signed notify (loopback only).
pub(crate) async fn mock_alipay_pay(
    State(state): State<MockState>,
    Json(req): Json<Value>,
) -> Response {
    let no = req["out_trade_no"].as_str().unwrap_or_default();
    let url = req["notify_url"].as_str().unwrap_or_default();
    match state.alipay_pay(no, url) {
        Ok(id) => Json(json!({ "notify_id": id })).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(error("MOCK_ERROR", &e.to_string())),
        )
            .into_response(),
    }
}

/// `POST /mock/miniprogram/rotate`: answers carry the `-Deprecated` pair from now on.
pub(crate) async fn mock_mp_rotate(State(state): State<MockState>) -> Json<Value> {
    state.rotate_miniprogram_certificate();
    Json(
        json!({ "platform_cert_number": state.merchant_files().miniprogram.next_platform_cert_number }),
    )
}

/// `POST /mock/rotate`: rotates the platform certificate.
pub(crate) async fn mock_rotate(State(state): State<MockState>) -> Json<Value> {
    state.rotate_platform_certificate();
    Json(json!({ "platform_serial": state.platform_serial() }))
}

impl MockState {
    /// Marks the order `out_trade_no` paid and sends the signed, encrypted
    /// `TRANSACTION.SUCCESS` callback to `notify_url` (or the order's own),
    /// retried on the [`CallbackConfig`](crate::CallbackConfig) schedule.
    /// Returns the notification id; see [`MockState::deliveries`].
    ///
    /// Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`crate::MockError::UnknownOrder`], [`crate::MockError::NotLoopback`].
    pub fn pay(
        &self,
        out_trade_no: &str,
        notify_url: Option<&str>,
    ) -> Result<String, crate::MockError> {
        pay(self, out_trade_no, notify_url)
    }
}

fn pay(state: &MockState, no: &str, url: Option<&str>) -> Result<String, crate::MockError> {
    let unknown = || crate::MockError::UnknownOrder(no.to_string());
    let mut orders = state.inner.orders.lock().map_err(|_| unknown())?;
    let tx = orders.get_mut(no).ok_or_else(unknown)?;
    let url = url
        .map(str::to_string)
        .or_else(|| tx["notify_url"].as_str().map(str::to_string))
        .ok_or_else(unknown)?;
    callback::check_loopback(&url)?;
    let now = state.inner.clock.now_unix();
    if tx["trade_state"] != "SUCCESS" {
        tx["trade_state"] = json!("SUCCESS");
        tx["trade_state_desc"] = json!("支付成功");
        tx["transaction_id"] = json!(format!("4200{}", &random_hex(12)?[..24]));
        tx["bank_type"] = json!("OTHERS");
        tx["success_time"] = json!(rfc3339(now));
        let total = tx["amount"]["total"].clone();
        tx["amount"]["payer_total"] = total;
        tx["amount"]["payer_currency"] = json!("CNY");
    }
    let mut payload = tx.clone();
    if let Some(o) = payload.as_object_mut() {
        o.remove("notify_url");
    }
    drop(orders);
    callback::spawn(state, &url, &payload)
}
