//! Verifying WeChat Pay responses and callbacks.
//!
//! WeChat Pay signs `TIMESTAMP\nNONCE\nBODY\n` ([`SignString::response`]) over
//! the **raw body bytes** and sends the signature in four headers
//! ([`SignatureHeaders`]). [`ResponseVerifier`] checks, in this order:
//! 1. the four headers are present (a proxy or CDN that drops `Wechatpay-*`
//!    headers is a common cause of failure);
//! 2. the signature is not a `WECHATPAY/SIGNTEST/` probe;
//! 3. the timestamp is within the window of now: `|now − timestamp| ≤ window`,
//!    300 s by default, in the past and in the future. A timestamp exactly
//!    `window` seconds away **is accepted**; `window + 1` is refused;
//! 4. the serial names a known key (platform certificate or WeChat Pay public key),
//!    and a certificate is within its validity now;
//! 5. the SHA256withRSA signature verifies.
//!
//! **Verify the bytes you received.** Frameworks that parse JSON and serialize
//! it again (reordering keys, changing spaces or escapes) change the body, and
//! the signature no longer matches; read the raw body before any JSON parsing.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::headers::{header_pairs, SignatureHeaders};
use super::platform::PlatformKey;
use super::store::{MemoryKeyStore, PlatformKeyStore};
use super::verify_error::{Skew, VerifyError, SIGNTEST_PREFIX};
use super::SignString;
use crate::clock::{within_window, Clock, SystemClock};
use crate::key::format_utc;

pub use crate::clock::DEFAULT_WINDOW_SECS;

/// A WeChat Pay value whose signature was checked, with the exact
/// `TIMESTAMP\nNONCE\nBODY\n` that verified, the key's serial (or
/// `PUB_KEY_ID_…`, as the store holds it) and `Wechatpay-Timestamp`.
///
/// ```
/// # fn use_it(v: chop::wechatpay::Verified<&[u8]>) {
/// let body: &[u8] = v.value();
/// println!("signed by {:?} at {:?} over {}", v.key_id(), v.timestamp(), v.sign_string().escaped());
/// # }
/// ```
pub type Verified<T> = crate::verified::Verified<T, SignString>;

/// Verifies WeChat Pay responses and callbacks against a set of platform keys.
///
/// Build it once and share it.
///
/// ```
/// use chop::clock::FixedClock;
/// use chop::key::Certificate;
/// use chop::wechatpay::{PlatformKey, ResponseVerifier, SignatureHeaders};
///
/// # let dir = "../vectors/wechatpay/notify/go_notify_payscore";
/// # let pem = std::fs::read(format!("{dir}/../../../keys/upstream/go_test_cert_D7CE59D1F522D701.pem")).unwrap();
/// # let body = std::fs::read(format!("{dir}/body.txt")).unwrap();
/// # let headers = std::fs::read_to_string(format!("{dir}/headers.txt")).unwrap();
/// let verifier = ResponseVerifier::new([PlatformKey::certificate(Certificate::load(&pem)?)?])
///     .with_clock(FixedClock(1624523846));
/// let headers = SignatureHeaders::from_text(&headers)?;
/// let verified = verifier.verify(&headers, &body)?;
/// assert_eq!(verified.key_id(), Some("D7CE59D1F522D701"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResponseVerifier {
    store: Arc<dyn PlatformKeyStore>,
    clock: Arc<dyn Clock>,
    window: u32,
}

impl ResponseVerifier {
    /// A verifier with these keys (certificates, the public key, or both during
    /// a migration) in a [`MemoryKeyStore`].
    pub fn new(keys: impl IntoIterator<Item = PlatformKey>) -> Self {
        Self::with_store(Arc::new(MemoryKeyStore::with_keys(keys)))
    }

    /// A verifier reading keys from `store` (shared with the code that refreshes it).
    pub fn with_store(store: Arc<dyn PlatformKeyStore>) -> Self {
        Self {
            store,
            clock: Arc::new(SystemClock),
            window: DEFAULT_WINDOW_SECS,
        }
    }

    /// Uses `clock` for now (default: the system clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sets the timestamp window in seconds (default 300), applied to the past
    /// and the future; a timestamp exactly `secs` away is accepted.
    pub fn with_window(mut self, secs: u32) -> Self {
        self.window = secs;
        self
    }

    /// The key store.
    pub fn store(&self) -> &Arc<dyn PlatformKeyStore> {
        &self.store
    }

    /// The clock.
    pub(crate) fn now(&self) -> i64 {
        self.clock.now_unix()
    }

    /// Verifies a response or callback: its signature headers and its raw body.
    ///
    /// # Errors
    /// [`VerifyError`] saying which check failed.
    pub fn verify<'b>(
        &self,
        headers: &SignatureHeaders,
        body: &'b [u8],
    ) -> Result<Verified<&'b [u8]>, VerifyError> {
        let (key, timestamp, sig) = self.precheck(headers)?;
        let sign_string = headers.sign_string(body);
        self.check(&key, &sign_string, body, &sig)?;
        Ok(Verified::new(body, sign_string)
            .by_key(Some(key.id()))
            .at(timestamp)
            .with_scheme(key.scheme()))
    }

    /// Verifies an `http::Response`: its headers (any case) and body bytes.
    ///
    /// An error status without signature headers gives
    /// [`VerifyError::UnsignedErrorResponse`] carrying the parsed error body.
    /// A signed error response verifies like any other; parse its body with
    /// [`ErrorBody::parse`](super::ErrorBody::parse).
    ///
    /// # Errors
    /// [`VerifyError`] saying which check failed.
    pub fn verify_response<'b, B: AsRef<[u8]>>(
        &self,
        response: &'b http::Response<B>,
    ) -> Result<Verified<&'b [u8]>, VerifyError> {
        let body = response.body().as_ref();
        let headers = SignatureHeaders::of_response(
            response.status().as_u16(),
            header_pairs(response.headers()),
            body,
        )?;
        self.verify(&headers, body)
    }

    /// Header checks shared by every kind of message: probe, window, key.
    fn precheck(
        &self,
        headers: &SignatureHeaders,
    ) -> Result<(PlatformKey, i64, Vec<u8>), VerifyError> {
        if headers.signature.starts_with(SIGNTEST_PREFIX) {
            return Err(VerifyError::Probe);
        }
        let timestamp = self.check_time(&headers.timestamp)?;
        let key = self
            .store
            .find(&headers.serial)
            .ok_or_else(|| VerifyError::UnknownSerial {
                serial: headers.serial.clone(),
                known: self.store.ids(),
            })?;
        if let Some(t) = &headers.signature_type {
            let expected = match key.scheme() {
                crate::signer::SignatureScheme::Sm2Sm3 => "WECHATPAY2-SM2-WITH-SM3",
                _ => "WECHATPAY2-SHA256-RSA2048",
            };
            if !t.eq_ignore_ascii_case(expected) {
                return Err(VerifyError::SchemeMismatch {
                    header: t.clone(),
                    serial: key.id().to_string(),
                    key_scheme: key.scheme(),
                });
            }
        }
        if let Some(v) = key.validity().filter(|v| !v.contains(self.now())) {
            return Err(VerifyError::CertificateExpired {
                serial: key.id().to_string(),
                not_before: format_utc(v.not_before),
                not_after: format_utc(v.not_after),
            });
        }
        if headers.signature.is_empty() {
            return Err(VerifyError::SignatureEncoding {
                reason: "it is empty".into(),
            });
        }
        let sig =
            STANDARD
                .decode(&headers.signature)
                .map_err(|e| VerifyError::SignatureEncoding {
                    reason: e.to_string(),
                })?;
        Ok((key, timestamp, sig))
    }

    fn check_time(&self, value: &str) -> Result<i64, VerifyError> {
        let timestamp: i64 = value.parse().map_err(|_| VerifyError::BadTimestamp {
            value: value.to_string(),
        })?;
        let now = self.now();
        if !within_window(timestamp, now, self.window) {
            return Err(VerifyError::Expired {
                timestamp,
                now,
                off: now.abs_diff(timestamp),
                window: self.window,
                skew: if now > timestamp {
                    Skew::Past
                } else {
                    Skew::Future
                },
            });
        }
        Ok(timestamp)
    }

    fn check(
        &self,
        key: &PlatformKey,
        sign_string: &SignString,
        body: &[u8],
        sig: &[u8],
    ) -> Result<(), VerifyError> {
        key.verify_signature(sign_string.as_bytes(), sig)
            .map_err(|_| VerifyError::BadSignature {
                serial: key.id().to_string(),
                key_kind: key.kind_name(),
                sign_string: sign_string.clone(),
                reserialized: super::reserialized::reserialized_hint(body),
            })
    }
}
