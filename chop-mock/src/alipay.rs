//! The Alipay OpenAPI gateway: `POST /gateway.do` and async notifies.
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

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::alipay::{
    decrypt_content, encrypt_content, AesKey, AlipayPublicKey, Params, SignContent, SignType,
    SignTypeRule,
};
use chop::key::RsaPrivateKey;
use chop::signer::{SignatureScheme, Signer as _};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::keys::{generate_rsa, public_key_pem};
use crate::state::random_hex;
use crate::{MockError, MockState};

/// The Alipay side of [`crate::MerchantFiles`] (TEST ONLY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AlipayApp {
    /// The app id (`app_id`).
    pub app_id: String,
    /// The app private key (应用私钥), PKCS#8 PEM: signs requests (RSA2).
    pub app_private_key_pem: String,
    /// The Alipay public key (支付宝公钥), SPKI PEM: verifies answers and notifies.
    pub alipay_public_key_pem: String,
    /// The content encryption key (AES-128), base64.
    pub aes_key_b64: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AlipayStored {
    app: AlipayApp,
    alipay_private_key_pem: String,
}

#[derive(Debug)]
pub(crate) struct AlipayInner {
    pub(crate) app: AlipayApp,
    app_public: AlipayPublicKey,
    alipay_key: RsaPrivateKey,
    aes: AesKey,
}

pub(crate) fn generate() -> Result<AlipayStored, MockError> {
    let app = generate_rsa()?;
    let alipay = generate_rsa()?;
    let mut aes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut aes).map_err(|_| MockError::KeyGen("random"))?;
    let digits: String = random_hex(8)?
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .collect();
    Ok(AlipayStored {
        app: AlipayApp {
            app_id: format!("90210{}", &digits[..11]),
            app_private_key_pem: app.pem,
            alipay_public_key_pem: public_key_pem(&alipay.spki_der)?,
            aes_key_b64: STANDARD.encode(aes),
        },
        alipay_private_key_pem: alipay.pem,
    })
}

pub(crate) fn load(s: AlipayStored) -> Result<AlipayInner, MockError> {
    let app_key = RsaPrivateKey::load(s.app.app_private_key_pem.as_bytes(), None)?;
    let aes = AesKey::from_base64(&s.app.aes_key_b64)
        .map_err(|e| MockError::State(format!("Alipay AES key: {e}")))?;
    Ok(AlipayInner {
        app_public: AlipayPublicKey::rsa(app_key.public_key().clone()),
        alipay_key: RsaPrivateKey::load(s.alipay_private_key_pem.as_bytes(), None)?,
        app: s.app,
        aes,
    })
}

/// `POST /gateway.do` (parameters in the query, the form body, or both).
pub(crate) async fn gateway(State(state): State<MockState>, req: Request) -> Response {
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
    handle(&state, params)
}

fn handle(state: &MockState, params: Params) -> Response {
    let a = &state.inner.alipay;
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
    let value = business(state, &method, &biz);
    signed_answer(state, &method, &value, encrypted)
}

fn business(state: &MockState, method: &str, biz: &Value) -> Value {
    let no = biz["out_trade_no"].as_str().unwrap_or("");
    let orders = &state.inner.alipay_orders;
    match method {
        "alipay.trade.precreate" => {
            let amount = biz["total_amount"].as_str().unwrap_or("");
            if no.is_empty() || amount.is_empty() || biz["subject"].as_str().is_none() {
                return business_error("ACQ.INVALID_PARAMETER", "参数无效");
            }
            let trade_no = format!("2026{}", random_hex(12).unwrap_or_default());
            if let Ok(mut o) = orders.lock() {
                o.insert(
                    no.to_string(),
                    json!({"trade_no": trade_no, "out_trade_no": no,
                    "total_amount": amount, "trade_status": "WAIT_BUYER_PAY"}),
                );
            }
            json!({"code": "10000", "msg": "Success", "out_trade_no": no,
                   "qr_code": format!("https://qr.alipay.com/mock{}", &trade_no[4..14])})
        }
        "alipay.trade.query" => match orders.lock().ok().and_then(|o| o.get(no).cloned()) {
            Some(mut t) => {
                t["code"] = json!("10000");
                t["msg"] = json!("Success");
                t
            }
            None => business_error("ACQ.TRADE_NOT_EXIST", "交易不存在"),
        },
        _ => json!({"code": "40004", "msg": "Business Failed",
                    "sub_code": "isv.invalid-method", "sub_msg": "chop-mock 未实现该接口"}),
    }
}

fn business_error(sub_code: &str, sub_msg: &str) -> Value {
    json!({"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg})
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

fn signed_answer(state: &MockState, method: &str, value: &Value, encrypted: bool) -> Response {
    let a = &state.inner.alipay;
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

impl MockState {
    /// Alipay: marks the order paid and sends a signed `trade_status_sync`
    /// notify (form POST, RSA2, `sign_type` not signed) to `notify_url`
    /// (loopback only); retried until it answers `success`.
    ///
    /// Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// [`MockError::UnknownOrder`], [`MockError::NotLoopback`].
    pub fn alipay_pay(&self, out_trade_no: &str, notify_url: &str) -> Result<String, MockError> {
        crate::wechatpay::callback::check_loopback(notify_url)?;
        let a = &self.inner.alipay;
        let unknown = || MockError::UnknownOrder(out_trade_no.to_string());
        let order = {
            let mut orders = self.inner.alipay_orders.lock().map_err(|_| unknown())?;
            let o = orders.get_mut(out_trade_no).ok_or_else(unknown)?;
            o["trade_status"] = json!("TRADE_SUCCESS");
            o.clone()
        };
        let now = crate::wechatpay::callback::rfc3339(self.inner.clock.now_unix());
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
        crate::wechatpay::callback::deliver(
            self,
            notify_url,
            notify_id,
            "application/x-www-form-urlencoded; charset=utf-8",
            body.join("&").into_bytes(),
            crate::wechatpay::callback::Kind::Alipay,
        )
    }
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
