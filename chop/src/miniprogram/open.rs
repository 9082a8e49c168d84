//! Opening a response: pick the certificate by number, verify, check the
//! timestamp and appid, decrypt.

use std::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::plaintext::{read_security_fields, PlaintextProblem};
use super::suite::{self, AppKey, SymError};
use super::{
    url_path, Aad, ApiSecurityErrorCode, EncryptedBody, OpenError, PlatformCertStore,
    ResponseHeaders, SealError, SignString, Suite, UnverifiedPlatformError,
};
use crate::clock::{within_window, Clock, SystemClock};
use crate::key::VerifyingKey;
use crate::secret::SecretBytes;
use crate::signer::SignatureScheme;

pub use crate::clock::DEFAULT_WINDOW_SECS;
/// The largest response body opened by default (4 MiB).
pub const DEFAULT_MAX_RESPONSE: usize = 4 << 20;

/// A Mini Program value whose signature was checked, with the exact sign
/// string `S` that verified (the response's [`SignString`]; `()` for the
/// message and `rawData` checks, whose signed text holds a secret), the
/// number of the certificate that verified and `Wechatmp-TimeStamp`.
pub type Verified<T, S = SignString> = crate::verified::Verified<T, S>;

/// The platform is rotating its certificate and the response verified with the
/// **retiring** one: download the new certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRotation {
    /// The number of the certificate that verified (`Wechatmp-Serial-Deprecated`).
    pub retiring: String,
    /// The number of the new certificate (`Wechatmp-Serial`).
    pub current: String,
}

impl fmt::Display for CertificateRotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "platform certificate {} is being retired: download certificate {} from the MP console (开发 → 开发管理 → 开发设置 → API安全) and replace it before it expires",
            self.retiring, self.current
        )
    }
}

/// A verified, decrypted response. The sign string, the number of the
/// certificate that verified and the timestamp are on its [`Verified`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedResponse {
    /// The decrypted JSON text, exactly as decrypted.
    pub plaintext: String,
    /// The AAD that decrypted.
    pub aad: Aad,
    /// Set when the certificate that verified is the retiring one.
    pub rotation: Option<CertificateRotation>,
}

/// Verifies and decrypts Mini Program API responses for one app.
///
/// ```
/// # use chop::clock::FixedClock;
/// # use chop::key::Certificate;
/// # use chop::miniprogram::{PlatformCertificates, ResponseHeaders, ResponseOpener};
/// # use chop::secret::SecretBytes;
/// # use base64::Engine;
/// # let pem = std::fs::read("../vectors/keys/miniprogram/api_signature_platform_cert_79ba700ea147819f640941bceb38b1d1.pem").unwrap();
/// # let body = std::fs::read("../vectors/miniprogram/official_api_signature/response_body.json").unwrap();
/// # let sig = std::fs::read_to_string("../vectors/miniprogram/official_api_signature/response_signature.b64").unwrap();
/// let mut certs = PlatformCertificates::default();
/// certs.insert("79ba700ea147819f640941bceb38b1d1", &Certificate::load(&pem)?)?;
/// let key = SecretBytes::new(base64::engine::general_purpose::STANDARD.decode("otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=")?);
/// let opener = ResponseOpener::new("wxba6223c06417af7b", key, "fa05fe1e5bcc79b81ad5ad4b58acf787", certs)
///     .with_clock(FixedClock(1635927960));
/// let headers = ResponseHeaders {
///     appid: Some("wxba6223c06417af7b".into()),
///     timestamp: Some("1635927956".into()),
///     serial: Some("79ba700ea147819f640941bceb38b1d1".into()),
///     signature: Some(sig),
///     ..Default::default()
/// };
/// let opened = opener.open("https://api.weixin.qq.com/wxa/getuserriskrank?access_token=T", &headers, &body)?;
/// assert!(opened.value().plaintext.contains(r#""errmsg":"getuserriskrank succ""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResponseOpener {
    app: AppKey,
    suite: Suite,
    certs: Arc<dyn PlatformCertStore>,
    clock: Arc<dyn Clock>,
    window: u32,
    max_body: usize,
}

impl ResponseOpener {
    /// An opener for `appid` with the AES256_GCM + RSAwithSHA256 suite.
    pub fn new(
        appid: impl Into<String>,
        sym_key: SecretBytes,
        sym_sn: impl Into<String>,
        certs: impl PlatformCertStore + 'static,
    ) -> Self {
        Self {
            app: AppKey::new(appid, sym_key, sym_sn),
            suite: Suite::AesGcmRsa,
            certs: Arc::new(certs),
            clock: Arc::new(SystemClock),
            window: DEFAULT_WINDOW_SECS,
            max_body: DEFAULT_MAX_RESPONSE,
        }
    }

    /// Uses `suite` (default AES256_GCM + RSAwithSHA256); for the SM suite the
    /// symmetric key is the 16-byte SM4 key and the platform certificates hold SM2 keys.
    pub fn with_suite(mut self, suite: Suite) -> Self {
        self.suite = suite;
        self
    }

    /// Uses `clock` for the timestamp window (default: the system clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Accepts timestamps at most `secs` away from the clock (default 300).
    pub fn with_window(mut self, secs: u32) -> Self {
        self.window = secs;
        self
    }

    /// Refuses bodies larger than `max` bytes (default [`DEFAULT_MAX_RESPONSE`]).
    pub fn with_max_body(mut self, max: usize) -> Self {
        self.max_body = max;
        self
    }

    /// Verifies and decrypts a response to a request sent to `url`.
    ///
    /// `body` must be the exact bytes received.
    ///
    /// # Errors
    /// [`OpenError::Unverified`] when the platform sent an unsigned
    /// `errcode`/`errmsg` body; otherwise an [`OpenError`] naming the check that failed.
    pub fn open(
        &self,
        url: &str,
        headers: &ResponseHeaders,
        body: &[u8],
    ) -> Result<Verified<OpenedResponse>, OpenError> {
        if body.len() > self.max_body {
            return Err(OpenError::TooLarge {
                len: body.len(),
                max: self.max_body,
            });
        }
        if let Some(e) = unverified_error(body) {
            return Err(OpenError::Unverified(e));
        }
        let path = url_path(url).map_err(|e| match e {
            SealError::Url { url, reason } => OpenError::Url { url, reason },
            other => OpenError::Url {
                url: url.to_string(),
                reason: other.to_string(),
            },
        })?;
        let appid = require(&headers.appid, "Wechatmp-Appid")?;
        let ts_text = require(&headers.timestamp, "Wechatmp-TimeStamp")?;
        let serial = require(&headers.serial, "Wechatmp-Serial")?;
        let signature = require(&headers.signature, "Wechatmp-Signature")?;
        if appid != self.app.appid {
            return Err(OpenError::AppidMismatch {
                expected: self.app.appid.clone(),
                got: appid.to_string(),
            });
        }
        let timestamp: i64 = ts_text.parse().map_err(|_| OpenError::BadTimestamp {
            value: ts_text.to_string(),
        })?;

        let Chosen {
            serial: used_serial,
            signature: used_sig,
            header: sig_header,
            rotation,
            key,
        } = self.pick(headers, serial, signature)?;
        let raw_sig = STANDARD
            .decode(used_sig)
            .map_err(|_| OpenError::BadSignatureEncoding { header: sig_header })?;
        let sign_string = SignString::new(path, &self.app.appid, ts_text, body);
        let verified = match key.rsa() {
            Some(k) => k.verify(
                SignatureScheme::RsaPssSha256,
                sign_string.as_bytes(),
                &raw_sig,
            ),
            #[cfg(feature = "sm")]
            None => {
                let settings = match &self.suite {
                    Suite::Sm4GcmSm2(s) => s.clone(),
                    Suite::AesGcmRsa => super::Sm2Settings::default(),
                };
                let id = settings.response_id.bytes(&used_serial);
                key.verify_sm2_with_id(id, sign_string.as_bytes(), &raw_sig, settings.encoding)
            }
            #[cfg(not(feature = "sm"))]
            None => key.verify(
                SignatureScheme::RsaPssSha256,
                sign_string.as_bytes(),
                &raw_sig,
            ),
        };
        if let Err(source) = verified {
            return Err(OpenError::SignatureMismatch {
                serial: used_serial,
                sign_string,
                source,
            });
        }
        let now = self.clock.now_unix();
        if !within_window(timestamp, now, self.window) {
            return Err(OpenError::Stale {
                timestamp,
                now,
                window: self.window,
            });
        }

        let encrypted = EncryptedBody::parse(body)?;
        let aad = self.app.aad(path, timestamp);
        let plain = suite::open(
            &self.suite,
            self.app.expose(),
            &encrypted.iv,
            aad.as_bytes(),
            &encrypted.sealed(),
        )
        .map_err(|e| match e {
            SymError::KeyLength {
                algorithm,
                got,
                expected,
            } => OpenError::SymmetricKey {
                algorithm,
                got,
                expected,
            },
            SymError::Authentication => OpenError::Decrypt { aad: aad.clone() },
        })?;
        let plaintext = String::from_utf8(plain).map_err(|_| OpenError::PlaintextNotJson {
            reason: "not UTF-8".into(),
        })?;
        let fields = read_security_fields(&plaintext).map_err(|p| OpenError::PlaintextNotJson {
            reason: match p {
                PlaintextProblem::NotJson(r) => r,
                PlaintextProblem::NotObject(k) => format!("it is {k}"),
                PlaintextProblem::Reserved(f) => f.to_string(),
            },
        })?;
        if fields.appid.as_deref() != Some(self.app.appid.as_str()) {
            return Err(OpenError::PlaintextAppid {
                expected: self.app.appid.clone(),
                got: fields.appid,
            });
        }
        if fields.timestamp != Some(timestamp) {
            return Err(OpenError::PlaintextTimestamp {
                header: timestamp,
                inside: fields.timestamp,
            });
        }
        let scheme = if key.rsa().is_some() {
            SignatureScheme::RsaPssSha256
        } else {
            SignatureScheme::Sm2Sm3
        };
        Ok(Verified::new(
            OpenedResponse {
                plaintext,
                aad,
                rotation,
            },
            sign_string,
        )
        .by_key(Some(used_serial))
        .at(timestamp)
        .with_scheme(scheme))
    }

    /// [`ResponseOpener::open`] for an `http::Response` (headers read with
    /// [`ResponseHeaders::from_header_map`], body as received).
    ///
    /// # Errors
    /// As [`ResponseOpener::open`].
    pub fn open_response<B: AsRef<[u8]>>(
        &self,
        url: &str,
        response: &http::Response<B>,
    ) -> Result<Verified<OpenedResponse>, OpenError> {
        let headers = ResponseHeaders::from_header_map(response.headers());
        self.open(url, &headers, response.body().as_ref())
    }

    /// Chooses the (serial, signature) pair whose certificate is configured.
    fn pick<'a>(
        &self,
        headers: &'a ResponseHeaders,
        serial: &'a str,
        signature: &'a str,
    ) -> Result<Chosen<'a>, OpenError> {
        if let Some(key) = self.certs.get(serial) {
            return Ok(Chosen {
                serial: serial.to_string(),
                signature,
                header: "Wechatmp-Signature",
                rotation: None,
                key,
            });
        }
        if let Some(dep) = headers.deprecated_serial.as_deref() {
            if let Some(key) = self.certs.get(dep) {
                let sig = require(
                    &headers.deprecated_signature,
                    "Wechatmp-Signature-Deprecated",
                )?;
                return Ok(Chosen {
                    serial: dep.to_string(),
                    signature: sig,
                    header: "Wechatmp-Signature-Deprecated",
                    rotation: Some(CertificateRotation {
                        retiring: dep.to_string(),
                        current: serial.to_string(),
                    }),
                    key,
                });
            }
        }
        Err(OpenError::UnknownSerial {
            serial: serial.to_string(),
            deprecated: headers.deprecated_serial.clone(),
            known: self.certs.numbers(),
        })
    }
}

/// The certificate and signature picked from the headers.
struct Chosen<'a> {
    serial: String,
    signature: &'a str,
    header: &'static str,
    rotation: Option<CertificateRotation>,
    key: VerifyingKey,
}

fn require<'a>(value: &'a Option<String>, header: &'static str) -> Result<&'a str, OpenError> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(OpenError::MissingHeader { header }),
    }
}

/// An unencrypted `{"errcode":…,"errmsg":…}` body.
fn unverified_error(body: &[u8]) -> Option<UnverifiedPlatformError> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let obj = value.as_object()?;
    if obj.contains_key("iv") || obj.contains_key("data") || obj.contains_key("authtag") {
        return None;
    }
    let errcode = obj.get("errcode")?.as_i64()?;
    Some(UnverifiedPlatformError {
        errcode,
        errmsg: obj
            .get("errmsg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        known: ApiSecurityErrorCode::from_code(errcode),
    })
}
