//! Why a WeChat Pay response or callback did not verify.

use std::fmt;

use super::error_body::ErrorBody;
use super::message::SignString;

/// The prefix of the probe signatures WeChat Pay sends to check that merchants verify.
pub const SIGNTEST_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// Which way a timestamp is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skew {
    /// Older than the window allows (a delayed or replayed message, or a slow clock here).
    Past,
    /// Newer than the window allows (a fast clock at WeChat Pay's side, or a slow one here).
    Future,
}

/// Why a response or callback did not verify.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// Signature headers are absent.
    #[error("the signature header(s) {} are missing: WeChat Pay sends all four; a proxy or CDN in front of the server may be dropping Wechatpay-* headers (let them through, or receive callbacks directly)", missing.join(", "))]
    MissingHeaders {
        /// The names of the absent headers.
        missing: Vec<&'static str>,
    },
    /// An error response (4xx/5xx) without signature headers.
    #[error("WeChat Pay answered HTTP {status} without signature headers{}: its body cannot be authenticated, treat it as an unverified error", .error.as_ref().map(|e| format!(" ({e})")).unwrap_or_default())]
    UnsignedErrorResponse {
        /// The HTTP status.
        status: u16,
        /// The error body, when it parses.
        error: Option<Box<ErrorBody>>,
    },
    /// A `WECHATPAY/SIGNTEST/` probe signature.
    #[error("this is a WeChat Pay signature probe (Wechatpay-Signature starts with {SIGNTEST_PREFIX}): it never verifies; answer it with an error status, as for any bad signature")]
    Probe,
    /// `Wechatpay-Timestamp` is not an integer.
    #[error("Wechatpay-Timestamp `{value}` is not unix seconds")]
    BadTimestamp {
        /// The header value.
        value: String,
    },
    /// The timestamp is outside the window.
    #[error("Wechatpay-Timestamp {timestamp} is {off} s in the {skew} of now ({now}), outside the {window} s window: check this server's clock (NTP), or the message was replayed")]
    Expired {
        /// The header's timestamp.
        timestamp: i64,
        /// The verifier's now.
        now: i64,
        /// Seconds beyond now or before it.
        off: u64,
        /// The window in seconds.
        window: u32,
        /// Which way.
        skew: Skew,
    },
    /// No key has this serial.
    #[error("no platform certificate or WeChat Pay public key has the serial `{serial}` (known: {}): download the platform certificates again, or add the WeChat Pay public key (PUB_KEY_ID_…) from the merchant platform", if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownSerial {
        /// `Wechatpay-Serial`.
        serial: String,
        /// The ids of the keys that are known.
        known: Vec<String>,
    },
    /// `Wechatpay-Signature-Type` names another algorithm than the key's.
    #[error("Wechatpay-Signature-Type is `{header}` but the key `{serial}` is for {key_scheme}: configure the {} key (platform certificate or public key) for this signature type", if header.to_ascii_uppercase().contains("SM2") { "国密 (SM2)" } else { "RSA" })]
    SchemeMismatch {
        /// The header value.
        header: String,
        /// The key's id.
        serial: String,
        /// The key's scheme.
        key_scheme: crate::signer::SignatureScheme,
    },
    /// The platform certificate named by the serial is outside its validity.
    #[error("the platform certificate `{serial}` is not valid now (valid {not_before} to {not_after}): download the platform certificates again (GET /v3/certificates) to get its successor")]
    CertificateExpired {
        /// The certificate's serial.
        serial: String,
        /// notBefore, `YYYY-MM-DDTHH:MM:SSZ`.
        not_before: String,
        /// notAfter, `YYYY-MM-DDTHH:MM:SSZ`.
        not_after: String,
    },
    /// `Wechatpay-Signature` is not base64 (or is empty).
    #[error("Wechatpay-Signature is not base64 ({reason})")]
    SignatureEncoding {
        /// The decoder's complaint.
        reason: String,
    },
    /// The signature does not match.
    #[error("the signature does not verify with the {key_kind} `{serial}` over the {} byte sign string; {}", sign_string.len(), reserialized.unwrap_or("verify the raw body bytes as received (a framework that parses and re-serializes JSON changes them), and check that the key is WeChat Pay's, not yours"))]
    BadSignature {
        /// The key's id.
        serial: String,
        /// `platform certificate` or `WeChat Pay public key`.
        key_kind: &'static str,
        /// The exact bytes that were checked.
        sign_string: SignString,
        /// Why the body looks re-serialized by a framework, when it does.
        reserialized: Option<&'static str>,
    },
}

impl fmt::Display for Skew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Skew::Past => "past",
            Skew::Future => "future",
        })
    }
}
