//! Errors from sealing requests and opening responses.

use std::fmt;

use super::{Aad, ApiSecurityErrorCode, BodyError, SignString};
use crate::clock::RandomError;
use crate::key::BadSignature;
use crate::signer::SignError;

/// Why a request could not be sealed (encrypted and signed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The URL cannot be used as `urlpath`.
    #[error("cannot use the URL `{url}`: {reason}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The request data is not JSON.
    #[error("the request data is not JSON ({reason}): the Mini Program encrypts a JSON object of the API's parameters")]
    NotJson {
        /// The parser's complaint.
        reason: String,
    },
    /// The request data is JSON but not an object.
    #[error("the request data is {found}, not a JSON object: give the API's parameters as {{\"name\":value,…}}")]
    NotAnObject {
        /// What it is.
        found: &'static str,
    },
    /// The request data already has a security field.
    #[error("the request data already has `{field}`: remove it, chop adds _n, _appid and _timestamp itself")]
    ReservedField {
        /// `_n`, `_appid` or `_timestamp`.
        field: &'static str,
    },
    /// The request data is larger than allowed.
    #[error("the request data is {len} bytes, more than the {max} allowed: check that the right file was given, or raise the limit")]
    TooLarge {
        /// Bytes given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The symmetric key has the wrong length.
    #[error("the symmetric key is {got} bytes, but {algorithm} needs {expected}: paste the key from the MP console (API对称密钥, base64) again")]
    SymmetricKey {
        /// `AES256_GCM` or `SM4_GCM`.
        algorithm: &'static str,
        /// Bytes given.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
    /// A field that goes into a header or the AAD is unusable.
    #[error("invalid {field}: {reason}")]
    Field {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// No randomness for the IV or `_n`.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The signer failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The cipher refused to encrypt (an invalid IV length).
    #[error("the {algorithm} encryption failed: the iv must be 12 bytes")]
    Encrypt {
        /// The algorithm.
        algorithm: &'static str,
    },
}

/// An error body the platform sent instead of an encrypted response. It is
/// **not signed**: anyone on the path could have written it. Use it to
/// diagnose, never as a trusted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnverifiedPlatformError {
    /// `errcode` as sent.
    pub errcode: i64,
    /// `errmsg` as sent (may carry an `rid` to quote to WeChat support).
    pub errmsg: String,
    /// The API-security meaning of `errcode`, when it is 40230–40240.
    pub known: Option<ApiSecurityErrorCode>,
}

impl fmt::Display for UnverifiedPlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UNVERIFIED platform error (unsigned, unencrypted body): errcode {} errmsg {:?}",
            self.errcode, self.errmsg
        )?;
        if let Some(k) = self.known {
            write!(f, " — {}: {}", k.meaning(), k.fix())?;
        }
        Ok(())
    }
}

/// Why a response could not be opened (verified and decrypted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The platform answered with an unsigned `errcode`/`errmsg` body.
    #[error("{0}")]
    Unverified(UnverifiedPlatformError),
    /// The request URL cannot be used as `urlpath`.
    #[error("cannot use the URL `{url}`: {reason}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A required response header is missing.
    #[error("the response has no `{header}` header: pass every Wechatmp-* response header; without it the response cannot be verified (was API security switched on for this API?)")]
    MissingHeader {
        /// The header's name.
        header: &'static str,
    },
    /// The `Wechatmp-Appid` header is not the configured appid.
    #[error("the response's Wechatmp-Appid is `{got}`, but the opener is configured for `{expected}`: use the keys of the app that sent the request")]
    AppidMismatch {
        /// The configured appid.
        expected: String,
        /// The header's value.
        got: String,
    },
    /// The timestamp header is not an integer.
    #[error("the response's Wechatmp-TimeStamp `{value}` is not unix seconds")]
    BadTimestamp {
        /// The header's value.
        value: String,
    },
    /// A signature header is not base64.
    #[error("the response's {header} is not base64; pass the header value unchanged")]
    BadSignatureEncoding {
        /// Which header.
        header: &'static str,
    },
    /// Neither certificate number in the response is known.
    #[error("no platform certificate with number {serial}{}: download the current platform certificate and note its number (证书编号, not the X.509 serial) from the MP console (开发 → 开发管理 → 开发设置 → API安全); configured: [{}]", deprecated.as_ref().map(|d| format!(" or {d} (deprecated)")).unwrap_or_default(), known.join(", "))]
    UnknownSerial {
        /// `Wechatmp-Serial`.
        serial: String,
        /// `Wechatmp-Serial-Deprecated`, if sent.
        deprecated: Option<String>,
        /// The numbers configured.
        known: Vec<String>,
    },
    /// The signature does not verify.
    #[error("the response signature does not verify with platform certificate {serial}: check that urlpath and appid are the request's, that the body is the exact bytes received (not re-serialised JSON), and that certificate {serial} is the one downloaded from the MP console")]
    SignatureMismatch {
        /// The certificate number used.
        serial: String,
        /// The sign string that was verified.
        sign_string: SignString,
        /// The underlying mismatch.
        #[source]
        source: BadSignature,
    },
    /// The timestamp is outside the allowed window.
    #[error("the response timestamp {timestamp} is {} s away from now ({now}), more than the {window} s allowed: check the server clock, or this is a replayed response", now.abs_diff(*timestamp))]
    Stale {
        /// `Wechatmp-TimeStamp`.
        timestamp: i64,
        /// The clock's time.
        now: i64,
        /// The allowed difference in seconds.
        window: u32,
    },
    /// The body is not an encrypted body.
    #[error("the response body cannot be read: {0}")]
    Body(#[from] BodyError),
    /// The body does not decrypt.
    #[error("the response does not decrypt: the symmetric key or its number (sn) differ from the platform's, or the body was changed (AAD `{aad}`)")]
    Decrypt {
        /// The AAD used.
        aad: Aad,
    },
    /// The symmetric key has the wrong length.
    #[error("the symmetric key is {got} bytes, but {algorithm} needs {expected}: paste the key from the MP console (API对称密钥, base64) again")]
    SymmetricKey {
        /// The algorithm.
        algorithm: &'static str,
        /// Bytes given.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
    /// The decrypted plaintext is not a JSON object.
    #[error("the decrypted response is not a JSON object ({reason})")]
    PlaintextNotJson {
        /// What is wrong.
        reason: String,
    },
    /// `_appid` inside the plaintext is wrong or missing.
    #[error("the decrypted response's _appid is {}, expected `{expected}`: the response was made for another app", got.as_deref().map(|g| format!("`{g}`")).unwrap_or_else(|| "missing".into()))]
    PlaintextAppid {
        /// The configured appid.
        expected: String,
        /// `_appid` found.
        got: Option<String>,
    },
    /// `_timestamp` inside the plaintext differs from the header.
    #[error("the decrypted response's _timestamp is {}, but Wechatmp-TimeStamp is {header}: the body was swapped with another response's", inside.map(|t| t.to_string()).unwrap_or_else(|| "missing".into()))]
    PlaintextTimestamp {
        /// `Wechatmp-TimeStamp`.
        header: i64,
        /// `_timestamp` found.
        inside: Option<i64>,
    },
    /// The body is larger than allowed.
    #[error("the response body is {len} bytes, more than the {max} allowed")]
    TooLarge {
        /// Bytes received.
        len: usize,
        /// The limit.
        max: usize,
    },
}
