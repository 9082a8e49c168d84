//! Request authentication as the platform does it, with its 401 answers.
//!
//! The messages are the ones listed in the platform's FAQ ("为什么请求返回401
//! Unauthorized?"). The FAQ gives messages, not codes; the mock answers every
//! 401 with code `SIGN_ERROR`, and the signature mismatch with the full
//! `detail` of the FAQ's example.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::clock::{within_window, DEFAULT_WINDOW_SECS};
use chop::signer::SignatureScheme;
use chop::wechatpay::{Authorization, AuthorizationParseError, Schema, SignString};
use serde_json::json;

use super::state::WechatPay;
use crate::gateway::Gateway;

/// How many bytes of the body `truncated_sign_message` keeps.
///
/// The platform truncates the body without saying where; this is the mock's
/// choice. The rest of the sign string is kept whole, so the truncated
/// message is always a prefix of the real one.
pub(crate) const TRUNCATE_BODY_AT: usize = 64;

/// Why a request was refused.
#[derive(Debug)]
pub(crate) enum Rejection {
    Format,
    Schema,
    NoCertificate,
    Serial,
    Timestamp,
    Signature {
        method: String,
        url: String,
        message: SignString,
    },
}

impl Rejection {
    pub(crate) fn message(&self) -> &'static str {
        match self {
            Rejection::Format => "Http头Authorization值格式错误",
            Rejection::Schema => "Http头Authorization认证类型不正确",
            Rejection::NoCertificate => "商户未申请过证书。",
            Rejection::Serial => "商户证书序列号有误。",
            Rejection::Timestamp => "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟",
            Rejection::Signature { .. } => "错误的签名,验签失败",
        }
    }

    /// The 401 body.
    pub(crate) fn body(&self) -> serde_json::Value {
        match self {
            Rejection::Signature {
                method,
                url,
                message,
            } => json!({
                "code": "SIGN_ERROR",
                "message": self.message(),
                "detail": {
                    "field": "signature",
                    "issue": "sign not match",
                    "location": "authorization",
                    "sign_information": {
                        "method": method,
                        "url": url,
                        "truncated_sign_message": truncated(message),
                        "sign_message_length": message.len(),
                    }
                }
            }),
            _ => json!({ "code": "SIGN_ERROR", "message": self.message() }),
        }
    }
}

/// Checks the Authorization of a request as received; returns the sign string.
pub(crate) fn authenticate(
    state: &Gateway<WechatPay>,
    method: &str,
    url: &str,
    authorization: &str,
    body: &[u8],
) -> Result<SignString, Rejection> {
    let inner = &state.inner;
    let auth = Authorization::parse(authorization).map_err(|e| match e {
        AuthorizationParseError::Schema(_) => Rejection::Schema,
        _ => Rejection::Format,
    })?;
    if auth.schema != Schema::Merchant {
        return Err(Rejection::Schema);
    }
    let ts: i64 = auth.timestamp.parse().map_err(|_| Rejection::Format)?;
    if auth.id != inner.merchant.mchid {
        return Err(Rejection::NoCertificate);
    }
    if !auth
        .serial_no
        .eq_ignore_ascii_case(&inner.merchant.merchant_serial)
    {
        return Err(Rejection::Serial);
    }
    if !within_window(ts, state.clock.now_unix(), DEFAULT_WINDOW_SECS) {
        return Err(Rejection::Timestamp);
    }
    let message = SignString::received(method, url, &auth.timestamp, &auth.nonce_str, body);
    let ok = STANDARD
        .decode(auth.signature.as_bytes())
        .ok()
        .is_some_and(|sig| {
            inner
                .merchant_public
                .verify(SignatureScheme::RsaPkcs1Sha256, message.as_bytes(), &sig)
                .is_ok()
        });
    if ok {
        Ok(message)
    } else {
        Err(Rejection::Signature {
            method: method.to_string(),
            url: url.to_string(),
            message,
        })
    }
}

/// The sign string with its body cut after [`TRUNCATE_BODY_AT`] bytes (on a
/// character boundary); whole when the body is short.
fn truncated(message: &SignString) -> String {
    let text = String::from_utf8_lossy(message.as_bytes());
    // The body starts after the fourth newline.
    let body_start = text
        .match_indices('\n')
        .nth(3)
        .map_or(text.len(), |(i, _)| i + 1);
    let mut end = (body_start + TRUNCATE_BODY_AT).min(text.len());
    if end >= text.len() {
        return text.into_owned();
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_sign_strings_are_whole_and_long_bodies_cut() {
        let s = SignString::received("GET", "/v3/x?a=1", "1554208460", "N", b"");
        assert_eq!(truncated(&s), "GET\n/v3/x?a=1\n1554208460\nN\n\n");
        let body = "é".repeat(40); // 80 bytes
        let s = SignString::received("POST", "/v3/x", "1", "N", body.as_bytes());
        let t = truncated(&s);
        assert_eq!(t, format!("POST\n/v3/x\n1\nN\n{}", "é".repeat(32)));
        assert_eq!(s.len(), 15 + 80 + 1);
    }
}
