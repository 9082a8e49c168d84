//! The Alipay v3 API (`https://openapi.alipay.com/v3/…`): the
//! `ALIPAY-SHA256withRSA` Authorization header and response verification.
//!
//! Formats, from Alipay's open-v3 documents "签名规则" (request,
//! <https://opendocs.alipay.com/open-v3/054q58>) and "验签规则" (response,
//! <https://opendocs.alipay.com/open-v3/054d0z>), as implemented by the official
//! Node SDK (alipay/alipay-sdk-nodejs-all `src/alipay.ts`, `curl()`):
//!
//! ```text
//! auth string:  app_id=…[,app_cert_sn=…],nonce=…,timestamp=…        (timestamp in milliseconds)
//! sign string:  {auth string}\n{METHOD}\n{path?query}\n{body}\n[{app_auth_token}\n]
//! header:       Authorization: ALIPAY-SHA256withRSA {auth string},sign={base64 SHA256withRSA}
//! response:     {alipay-timestamp}\n{alipay-nonce}\n{body}\n  checked against alipay-signature;
//!               alipay-sn, when present in certificate mode, is the Alipay certificate SN
//! ```

use std::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{AlipayPublicKey, SignContent, SignType, Verified, VerifyError};
use crate::clock::{Clock, NonceSource, RandomError, RandomNonce, SystemClock};
use crate::instructions::{SetMode, SigningInstructions};
use crate::signer::{SignError, SignatureScheme, Signer};

/// The scheme name in the Authorization header.
pub const V3_SCHEME: &str = "ALIPAY-SHA256withRSA";

/// The exact bytes of a v3 request or response sign string.
///
/// ```
/// use chop::alipay::V3SignString;
/// let s = V3SignString::response("1700000000000", "n1", br#"{"a":1}"#);
/// assert_eq!(s.as_bytes(), b"1700000000000\nn1\n{\"a\":1}\n");
/// assert_eq!(s.escaped(), r#"1700000000000\nn1\n{"a":1}\n"#);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct V3SignString(Vec<u8>);

impl V3SignString {
    /// `{auth}\n{METHOD}\n{uri}\n{body}\n` plus `{app_auth_token}\n` when given.
    pub fn request(
        auth_string: &str,
        method: &str,
        uri: &str,
        body: &[u8],
        app_auth_token: Option<&str>,
    ) -> Self {
        let mut parts: Vec<&[u8]> = vec![
            auth_string.as_bytes(),
            method.as_bytes(),
            uri.as_bytes(),
            body,
        ];
        if let Some(t) = app_auth_token.filter(|t| !t.is_empty()) {
            parts.push(t.as_bytes());
        }
        Self::lines(&parts)
    }

    /// `{alipay-timestamp}\n{alipay-nonce}\n{body}\n`.
    pub fn response(timestamp: &str, nonce: &str, body: &[u8]) -> Self {
        Self::lines(&[timestamp.as_bytes(), nonce.as_bytes(), body])
    }

    fn lines(parts: &[&[u8]]) -> Self {
        Self(crate::exact::lines(parts))
    }
}

crate::exact::exact_bytes!(V3SignString);

/// The v3 `Authorization` header's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Authorization {
    /// `app_id`.
    pub app_id: String,
    /// `app_cert_sn` (certificate mode only).
    pub app_cert_sn: Option<String>,
    /// `nonce`.
    pub nonce: String,
    /// `timestamp`, unix milliseconds.
    pub timestamp: String,
    /// `sign`, base64.
    pub sign: String,
}

impl V3Authorization {
    /// `app_id=…[,app_cert_sn=…],nonce=…,timestamp=…`: the signed first line.
    pub fn auth_string(&self) -> String {
        auth_string(
            &self.app_id,
            self.app_cert_sn.as_deref(),
            &self.nonce,
            &self.timestamp,
        )
    }
}

impl fmt::Display for V3Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{V3_SCHEME} {},sign={}", self.auth_string(), self.sign)
    }
}

/// Why a v3 request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum V3Error {
    /// A field cannot go into the header.
    #[error("invalid {field}: {reason}")]
    Field {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The URI is not a path.
    #[error("cannot sign the URI `{uri}`: give the path and query exactly as sent, starting with `/v3/` (or the full https:// URL)")]
    Uri {
        /// What was given.
        uri: String,
    },
    /// No randomness for the nonce.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The signer failed.
    #[error("cannot sign the request")]
    Sign(#[source] SignError),
}

/// A signed v3 request: the sign string, the header, and the header to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3SignedRequest {
    /// The exact bytes signed.
    pub sign_string: V3SignString,
    /// The `Authorization` header.
    pub authorization: V3Authorization,
    instructions: SigningInstructions,
}

impl V3SignedRequest {
    /// The header to set: `Authorization`, marked sensitive.
    pub fn instructions(&self) -> &SigningInstructions {
        &self.instructions
    }

    /// Sets the `Authorization` header on `request`.
    pub fn apply_to<B>(&self, request: &mut http::Request<B>) {
        self.instructions.apply_to(request);
    }
}

/// Signs Alipay v3 requests for one app.
///
/// ```
/// use chop::alipay::V3RequestSigner;
/// use chop::clock::{FixedClock, FixedNonce};
/// use chop::key::RsaPrivateKey;
/// # let b64 = std::fs::read("../vectors/keys/generated/key-pkcs8.b64").unwrap();
/// let key = RsaPrivateKey::load(&b64, None)?;
/// let signer = V3RequestSigner::new("2021000000000000", key)
///     .with_clock(FixedClock(1_700_000_000))
///     .with_nonces(FixedNonce::new("n1"));
/// let signed = signer.sign("POST", "/v3/alipay/trade/query", br#"{"out_trade_no":"1"}"#, None)?;
/// assert_eq!(signed.sign_string.escaped(),
///     r#"app_id=2021000000000000,nonce=n1,timestamp=1700000000000\nPOST\n/v3/alipay/trade/query\n{"out_trade_no":"1"}\n"#);
/// assert!(signed.authorization.to_string().starts_with("ALIPAY-SHA256withRSA app_id=2021000000000000,nonce=n1,timestamp=1700000000000,sign="));
/// let mut req = http::Request::post("https://openapi.alipay.com/v3/alipay/trade/query").body(())?;
/// signed.apply_to(&mut req);
/// assert!(req.headers()["authorization"].is_sensitive());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct V3RequestSigner {
    app_id: String,
    app_cert_sn: Option<String>,
    signer: Arc<dyn Signer>,
    clock: Arc<dyn Clock>,
    nonces: Arc<dyn NonceSource>,
}

impl V3RequestSigner {
    /// A signer for `app_id` with the app private key (or any RSA [`Signer`]).
    pub fn new(app_id: impl Into<String>, key: impl Signer + 'static) -> Self {
        Self {
            app_id: app_id.into(),
            app_cert_sn: None,
            signer: Arc::new(key),
            clock: Arc::new(SystemClock),
            nonces: Arc::new(RandomNonce),
        }
    }

    /// Certificate mode: adds `app_cert_sn` to the auth string. (Send the root
    /// SN yourself in the `alipay-root-cert-sn` header.)
    pub fn with_app_cert_sn(mut self, sn: impl Into<String>) -> Self {
        self.app_cert_sn = Some(sn.into());
        self
    }

    /// Uses `clock` for timestamps.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Uses `nonces` for nonces.
    pub fn with_nonces(mut self, nonces: impl NonceSource + 'static) -> Self {
        self.nonces = Arc::new(nonces);
        self
    }

    /// Signs with the current time (milliseconds) and a fresh nonce.
    ///
    /// # Errors
    /// [`V3Error`] for a bad field or URI, or a failed signer.
    pub fn sign(
        &self,
        method: &str,
        uri: &str,
        body: &[u8],
        app_auth_token: Option<&str>,
    ) -> Result<V3SignedRequest, V3Error> {
        let nonce = self.nonces.nonce()?;
        let ms = self.clock.now_unix().saturating_mul(1000);
        self.sign_at(method, uri, body, app_auth_token, &ms.to_string(), &nonce)
    }

    /// Signs with a given timestamp (milliseconds, as text) and nonce.
    ///
    /// # Errors
    /// As [`V3RequestSigner::sign`].
    pub fn sign_at(
        &self,
        method: &str,
        uri: &str,
        body: &[u8],
        app_auth_token: Option<&str>,
        timestamp_ms: &str,
        nonce: &str,
    ) -> Result<V3SignedRequest, V3Error> {
        check("app_id", &self.app_id)?;
        check("nonce", nonce)?;
        check("timestamp", timestamp_ms)?;
        if let Some(sn) = &self.app_cert_sn {
            check("app_cert_sn", sn)?;
        }
        if let Some(t) = app_auth_token {
            if t.contains(['\n', '\r']) {
                return Err(V3Error::Field {
                    field: "app_auth_token",
                    reason: "it must be one line",
                });
            }
        }
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(V3Error::Field {
                field: "method",
                reason: "write it in uppercase exactly as sent (GET, POST, …)",
            });
        }
        let target = request_target(uri)?;
        let auth = auth_string(
            &self.app_id,
            self.app_cert_sn.as_deref(),
            nonce,
            timestamp_ms,
        );
        let sign_string = V3SignString::request(&auth, method, target, body, app_auth_token);
        let raw = self
            .signer
            .sign(SignatureScheme::RsaPkcs1Sha256, sign_string.as_bytes())
            .map_err(V3Error::Sign)?;
        let authorization = V3Authorization {
            app_id: self.app_id.clone(),
            app_cert_sn: self.app_cert_sn.clone(),
            nonce: nonce.to_string(),
            timestamp: timestamp_ms.to_string(),
            sign: STANDARD.encode(raw),
        };
        let mut instructions = SigningInstructions::default();
        instructions
            .set_header(
                "authorization",
                &authorization.to_string(),
                SetMode::Replace,
                true,
            )
            .map_err(|_| V3Error::Field {
                field: "Authorization",
                reason: "it contains a character not allowed in an HTTP header",
            })?;
        Ok(V3SignedRequest {
            sign_string,
            authorization,
            instructions,
        })
    }
}

/// The v3 response headers that carry Alipay's signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct V3ResponseHeaders {
    /// `alipay-timestamp`.
    pub timestamp: Option<String>,
    /// `alipay-nonce`.
    pub nonce: Option<String>,
    /// `alipay-signature`.
    pub signature: Option<String>,
    /// `alipay-sn` (certificate mode).
    pub sn: Option<String>,
}

impl V3ResponseHeaders {
    /// Reads the four headers from an `http::HeaderMap`.
    pub fn from_http(headers: &http::HeaderMap) -> Self {
        let get = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Self {
            timestamp: get("alipay-timestamp"),
            nonce: get("alipay-nonce"),
            signature: get("alipay-signature"),
            sn: get("alipay-sn"),
        }
    }
}

/// Verifies a v3 response: `alipay-signature` over
/// `{alipay-timestamp}\n{alipay-nonce}\n{body}\n` with the Alipay public key;
/// in certificate mode, `alipay-sn` must be the certificate's SN. The result holds
/// the body and, as its sign string, the [`V3SignString`] that verified.
///
/// # Errors
/// [`VerifyError`]: a missing header, a body that is not UTF-8, an SN
/// mismatch, or a signature that does not match.
pub fn verify_v3_response<'b>(
    headers: &V3ResponseHeaders,
    body: &'b [u8],
    key: &AlipayPublicKey,
) -> Result<Verified<&'b [u8], V3SignString>, VerifyError> {
    let missing = |name: &'static str| VerifyError::MissingHeader { name };
    let signature = headers.signature.as_deref().ok_or(VerifyError::MissingSign {
        what: "the v3 response",
        hint: "Alipay signs v3 responses in the alipay-signature header; pass the response headers as received",
    })?;
    let timestamp = headers
        .timestamp
        .as_deref()
        .ok_or(missing("alipay-timestamp"))?;
    let nonce = headers.nonce.as_deref().ok_or(missing("alipay-nonce"))?;
    if let (Some(got), Some(expected)) = (&headers.sn, key.cert_sn()) {
        if got != expected {
            return Err(VerifyError::CertSnMismatch {
                got: got.clone(),
                expected: expected.to_string(),
            });
        }
    }
    let sign_string = V3SignString::response(timestamp, nonce, body);
    let text = std::str::from_utf8(sign_string.as_bytes())
        .map_err(|_| VerifyError::Response(super::ResponseError::NotUtf8))?;
    key.check(SignType::Rsa2, vec![SignContent::raw(text)], signature)?;
    Ok(super::verify::verified(
        body,
        sign_string,
        SignType::Rsa2,
        key,
    ))
}

fn auth_string(app_id: &str, app_cert_sn: Option<&str>, nonce: &str, timestamp: &str) -> String {
    let mut s = format!("app_id={app_id}");
    if let Some(sn) = app_cert_sn {
        s.push_str(",app_cert_sn=");
        s.push_str(sn);
    }
    s.push_str(",nonce=");
    s.push_str(nonce);
    s.push_str(",timestamp=");
    s.push_str(timestamp);
    s
}

fn check(field: &'static str, value: &str) -> Result<(), V3Error> {
    if value.is_empty() {
        return Err(V3Error::Field {
            field,
            reason: "it is empty",
        });
    }
    if value
        .bytes()
        .any(|b| b == b',' || b == b'=' || b.is_ascii_control() || b == b' ')
    {
        return Err(V3Error::Field {
            field,
            reason: "it must not contain `,`, `=`, spaces or control characters",
        });
    }
    Ok(())
}

/// The path and query of `uri` exactly as written.
fn request_target(uri: &str) -> Result<&str, V3Error> {
    let bad = || V3Error::Uri {
        uri: uri.to_string(),
    };
    let rest = match uri.split_once("://") {
        Some((scheme, rest)) if scheme == "https" || scheme == "http" => {
            &rest[rest.find('/').ok_or_else(bad)?..]
        }
        Some(_) => return Err(bad()),
        None => uri,
    };
    if !rest.starts_with('/') || rest.contains(['\n', '\r', ' ', '#']) {
        return Err(bad());
    }
    Ok(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            request_target("https://openapi.alipay.com/v3/a?b=c").unwrap(),
            "/v3/a?b=c"
        );
        assert_eq!(request_target("/v3/a").unwrap(), "/v3/a");
        for bad in ["v3/a", "ftp://x/v3", "https://host", "/v3/a b"] {
            assert!(request_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_sign_string_with_token() {
        let s = V3SignString::request("a=1", "GET", "/v3/x", b"", Some("tok"));
        assert_eq!(s.as_bytes(), b"a=1\nGET\n/v3/x\n\ntok\n");
        assert_eq!(s.len(), 19);
        assert!(!s.is_empty());
    }

    #[test]
    fn fields_are_checked() {
        assert!(check("nonce", "a,b").is_err());
        assert!(check("nonce", "").is_err());
        assert!(check("nonce", "a=b").is_err());
        assert!(check("nonce", "abc-123").is_ok());
    }
}
