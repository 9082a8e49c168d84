//! The `/v3/…` endpoints behind authentication: certificates, orders, refunds, echo.

use axum::http::StatusCode;
use chop::wechatpay::{EncryptedResource, SignString, AEAD_AES_256_GCM, CERTIFICATE_AAD};
use serde_json::{json, Value};

use super::respond::error;
use super::state::WechatPay;
use crate::gateway::Gateway;
use crate::random::{random_alnum, random_hex};
use crate::time::rfc3339;

type Answer = (StatusCode, Value);

pub(crate) fn dispatch(
    gw: &Gateway<WechatPay>,
    method: &str,
    url: &str,
    body: &[u8],
    sign: &SignString,
) -> Answer {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    match (method, path) {
        ("GET", "/v3/certificates") => certificates(gw),
        ("POST", "/v3/pay/transactions/jsapi") => create_order(gw, body, "JSAPI"),
        ("POST", "/v3/pay/transactions/native") => create_order(gw, body, "NATIVE"),
        ("POST", "/v3/refund/domestic/refunds") => refund(gw, body),
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
            query_order(gw, no, query)
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

fn certificates(gw: &Gateway<WechatPay>) -> Answer {
    let mut data = Vec::new();
    for p in gw.inner.certificates() {
        let Ok(nonce) = random_alnum(12) else {
            return system_error();
        };
        let Ok(r) = EncryptedResource::encrypt(
            &gw.inner.api_v3_key,
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

fn create_order(gw: &Gateway<WechatPay>, body: &[u8], trade_type: &str) -> Answer {
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return (
            StatusCode::BAD_REQUEST,
            error("PARAM_ERROR", "请求主体不是 JSON"),
        );
    };
    let s = |ptr: &str| req.pointer(ptr).and_then(Value::as_str).map(str::to_string);
    let mchid = &gw.inner.merchant.mchid;
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
    let Ok(mut orders) = gw.inner.orders.lock() else {
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

fn query_order(gw: &Gateway<WechatPay>, no: &str, query: &str) -> Answer {
    let mchid = &gw.inner.merchant.mchid;
    if !query.split('&').any(|kv| kv == format!("mchid={mchid}")) {
        return (
            StatusCode::BAD_REQUEST,
            json!({"code": "PARAM_ERROR", "message": "缺少参数 mchid",
                   "detail": {"field": "mchid", "location": "query"}}),
        );
    }
    let orders = gw.inner.orders.lock();
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

fn refund(gw: &Gateway<WechatPay>, body: &[u8]) -> Answer {
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
    let tx = gw
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
    let now = gw.now();
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
