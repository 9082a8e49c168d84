//! Why WeChat Pay answered `401`: a `SIGN_ERROR` body compared with what you
//! signed and what you sent, and the other `401` messages (seed 001's table).

use std::fmt;

use crate::key::RsaPublicKey;
use crate::signer::SignatureScheme;
use crate::wechatpay::{Authorization, ErrorBody, SignString};

use super::{Comparison, Finding};

/// What `chop doctor wechatpay --error` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignErrorReport {
    /// The comparison of your sign string with WeChat Pay's, when both were given.
    pub comparison: Option<Comparison>,
    /// The findings; empty when nothing is wrong.
    pub findings: Vec<Finding>,
}

/// A request as captured on the wire (`METHOD target HTTP/1.1`, headers, empty
/// line, body), the body kept byte for byte.
///
/// ```
/// use chop::diagnose::RawRequest;
/// let r = RawRequest::parse(b"GET /v3/certificates HTTP/1.1\r\nHost: api.mch.weixin.qq.com\r\n\r\n")?;
/// assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/v3/certificates"));
/// assert!(r.body.is_empty());
/// # Ok::<(), chop::diagnose::RawRequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    /// The method, as written.
    pub method: String,
    /// The request target (path and query; a full URL is cut to its path).
    pub target: String,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes after the empty line.
    pub body: Vec<u8>,
}

/// A captured request could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RawRequestError {
    /// The first line is not `METHOD target HTTP/x`.
    #[error("the first line `{line}` is not `METHOD /path HTTP/1.1`: give the request exactly as sent (request line, headers, empty line, body)")]
    RequestLine {
        /// The line read.
        line: String,
    },
    /// The headers are not text.
    #[error("the request headers are not UTF-8 text")]
    NotText,
    /// No `Authorization` header.
    #[error("the request has no Authorization header: capture the request after the signature was added")]
    NoAuthorization,
    /// The `Authorization` header does not parse.
    #[error("the request's Authorization header cannot be read")]
    Authorization(#[source] crate::wechatpay::AuthorizationParseError),
}

impl RawRequest {
    /// Parses a captured request (CRLF or LF line ends).
    ///
    /// # Errors
    /// [`RawRequestError`] when the request line or the headers are malformed.
    pub fn parse(raw: &[u8]) -> Result<Self, RawRequestError> {
        let (head, body) = split_head(raw);
        let head = std::str::from_utf8(head).map_err(|_| RawRequestError::NotText)?;
        let mut lines = head.lines().map(|l| l.trim_end_matches('\r'));
        let first = lines.next().unwrap_or_default();
        let parts: Vec<&str> = first.split_whitespace().collect();
        let (method, target) = match parts[..] {
            [m, t, v] if v.starts_with("HTTP/") => (m, t),
            [m, t] => (m, t),
            _ => {
                return Err(RawRequestError::RequestLine {
                    line: first.chars().take(80).collect(),
                })
            }
        };
        let target = crate::wechatpay::request_target(target)
            .map(|t| t.into_owned())
            .map_err(|_| RawRequestError::RequestLine {
                line: first.chars().take(80).collect(),
            })?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Ok(Self {
            method: method.to_string(),
            target,
            headers,
            body: body.to_vec(),
        })
    }

    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The parsed `Authorization` header.
    ///
    /// # Errors
    /// [`RawRequestError::NoAuthorization`] or [`RawRequestError::Authorization`].
    pub fn authorization(&self) -> Result<Authorization, RawRequestError> {
        let v = self
            .header("Authorization")
            .ok_or(RawRequestError::NoAuthorization)?;
        Authorization::parse(v).map_err(RawRequestError::Authorization)
    }

    /// The sign string WeChat Pay builds from this request: its method, target
    /// and body with the Authorization header's timestamp and nonce, as
    /// written ([`SignString::received`]).
    pub fn sign_string(&self, auth: &Authorization) -> SignString {
        SignString::received(
            &self.method,
            &self.target,
            &auth.timestamp,
            &auth.nonce_str,
            &self.body,
        )
    }
}

/// Explains a WeChat Pay error body. For a `SIGN_ERROR` with
/// `detail.sign_information`, compares `ours` (the sign string you signed,
/// when known) with WeChat Pay's and names the causes; for the other `401`
/// messages, says what they mean and what to do.
///
/// ```
/// use chop::diagnose::explain_error;
/// use chop::wechatpay::ErrorBody;
/// let body = ErrorBody::parse(r#"{"code":"SIGN_ERROR","message":"错误的签名,验签失败","detail":{"sign_information":{"method":"GET","url":"/v3/x","truncated_sign_message":"GET\n/v3/x\n1\nN\n\n","sign_message_length":15}}}"#.as_bytes())?;
/// let r = explain_error(&body, Some(b"GET\n/v3/x\n1\nN\n"));
/// assert_eq!(r.findings[0].code, "SIGN_EMPTY_BODY_LINE");
/// # Ok::<(), chop::wechatpay::ErrorBodyParseError>(())
/// ```
pub fn explain_error(body: &ErrorBody, ours: Option<&[u8]>) -> SignErrorReport {
    let Some(info) = body.sign_information() else {
        return SignErrorReport {
            comparison: None,
            findings: vec![explain_message(body)],
        };
    };
    let Some(ours) = ours else {
        return SignErrorReport {
            comparison: None,
            findings: vec![Finding::error(
                "SIGN_ERROR",
                format!(
                    "WeChat Pay rebuilt a {} byte sign string for {} {} and the signature does not verify over it",
                    info.sign_message_length, info.method, info.url
                ),
                "give the sign string you signed (--sign-string @FILE, the sign flags, or --request @FILE) to find which byte differs".into(),
            )],
        };
    };
    let comparison = super::compare_sign_information(info, ours);
    let mut findings: Vec<Finding> = comparison.causes.iter().map(Finding::from).collect();
    if comparison.first_difference.is_none() && findings.is_empty() {
        findings.push(Finding::error(
            "SIGN_WRONG_KEY",
            "your sign string and WeChat Pay's agree byte for byte, so the signature was made with another private key than the one of the certificate whose serial_no you sent".into(),
            "sign with apiclient_key.pem of the certificate whose serial you send; check the pair with `chop doctor wechatpay --error … --key KEY --cert CERT`".into(),
        ));
    }
    SignErrorReport {
        comparison: Some(comparison),
        findings,
    }
}

/// Checks that the request's Authorization signature verifies, with the
/// merchant certificate's public key, over the sign string rebuilt from the
/// request as sent; if it does not, you signed other bytes than you sent.
///
/// Returns no finding when it verifies.
pub fn check_request_signature(
    request: &RawRequest,
    auth: &Authorization,
    merchant_key: &RsaPublicKey,
) -> Option<Finding> {
    use base64::Engine;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(auth.signature.trim())
        .unwrap_or_default();
    let message = request.sign_string(auth);
    match merchant_key.verify(SignatureScheme::RsaPkcs1Sha256, message.as_bytes(), &sig) {
        Ok(()) => None,
        Err(_) => Some(Finding::error(
            "SIGN_NOT_OVER_REQUEST",
            format!(
                "the Authorization signature does not verify with the merchant certificate over the {} byte sign string of the request as sent: you signed other bytes than you sent, or with another key",
                message.len()
            ),
            "give the sign string you signed too (--sign-string @FILE) to see which byte differs; sign the exact method, path+query, timestamp, nonce and body bytes you send".into(),
        )),
    }
}

/// Explains a non-`SIGN_ERROR` answer (the `401` table of seed 001, and any other code).
fn explain_message(body: &ErrorBody) -> Finding {
    let m = body.message.as_str();
    let row = TABLE.iter().find(|r| m.contains(r.0));
    match row {
        Some((_, code, what, fix)) => Finding::error(code, format!("{body}: {what}"), (*fix).into()),
        None if body.code == "SIGN_ERROR" => Finding::error(
            "SIGN_ERROR",
            format!("{body}: the signature does not verify, and the body has no detail.sign_information to compare with"),
            "compare your sign string with the request you send: final newline, empty body line, URL as sent, one timestamp and one nonce for both the sign string and the header, body serialized once, UTF-8".into(),
        ),
        None => Finding::error(
            "WECHATPAY_ERROR",
            format!("{body}: this is not a signature failure"),
            "see the error table of the API you called for this code".into(),
        ),
    }
}

/// (substring of `message`, code, meaning, fix) — seed 001's table of `401` answers.
const TABLE: [(&str, &str, &str, &str); 9] = [
    ("未设置APIv3密钥", "WECHATPAY_NO_APIV3_KEY", "the merchant has not set an APIv3 key", "set the APIv3 key in the merchant platform (账户中心 → API安全)"),
    ("未申请过证书", "WECHATPAY_NO_MERCHANT_CERT", "the merchant has never applied for an API certificate", "apply for the merchant API certificate in the merchant platform (账户中心 → API安全)"),
    ("序列号有误", "WECHATPAY_SERIAL_WRONG", "serial_no is not the serial of a valid merchant certificate: a wrong, old or mistyped serial", "send the serial of apiclient_cert.pem (chop key inspect apiclient_cert.pem), as shown in the merchant platform"),
    ("已过期", "WECHATPAY_CERT_EXPIRED", "the merchant certificate and key have expired", "renew the certificate in the merchant platform and sign with the new key and serial"),
    ("已作废", "WECHATPAY_CERT_REVOKED", "the merchant certificate was revoked by the merchant", "apply for a new certificate and sign with its key and serial"),
    ("格式错误", "WECHATPAY_AUTHORIZATION_FORMAT", "the Authorization header is missing or malformed", "send Authorization: WECHATPAY2-SHA256-RSA2048 mchid=\"…\",nonce_str=\"…\",timestamp=\"…\",serial_no=\"…\",signature=\"…\""),
    ("认证类型不正确", "WECHATPAY_AUTHORIZATION_SCHEMA", "the Authorization header names an unsupported signature type", "start the header with WECHATPAY2-SHA256-RSA2048"),
    ("不得超过5分钟", "WECHATPAY_TIMESTAMP_EXPIRED", "the Authorization timestamp is more than 5 minutes from WeChat Pay's time", "check this server's clock (NTP) and take the timestamp when signing, in unix seconds"),
    ("已更换证书", "WECHATPAY_CERT_REPLACED", "the merchant applied for a new API certificate", "sign with the new certificate's key and send its serial"),
];

fn split_head(raw: &[u8]) -> (&[u8], &[u8]) {
    for sep in [&b"\r\n\r\n"[..], b"\n\n"] {
        if let Some(i) = raw.windows(sep.len()).position(|w| w == sep) {
            return (&raw[..i], &raw[i + sep.len()..]);
        }
    }
    (raw, &[])
}

impl fmt::Display for SignErrorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for x in &self.findings {
            writeln!(f, "[{}] {}", x.code, x.message)?;
        }
        Ok(())
    }
}
