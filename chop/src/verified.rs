//! [`Verified`]: a value whose signature chop checked, with what proved it —
//! one type, with one surface, for WeChat Pay, the Mini Program and Alipay.
//!
//! Only chop's verifiers make one. Besides the value it carries the exact
//! bytes that verified (the platform's sign-string type `S`), the id of the key
//! that verified (a certificate serial or number, a public key id, an Alipay
//! certificate SN), the signed timestamp where the platform signs one, and the
//! signature scheme — so nobody has to rebuild what was verified.
//!
//! ```
//! # use chop::clock::FixedClock;
//! # use chop::key::Certificate;
//! # use chop::wechatpay::{PlatformKey, ResponseVerifier, SignatureHeaders};
//! # let dir = "../vectors/wechatpay/notify/go_notify_payscore";
//! # let pem = std::fs::read("../vectors/keys/upstream/go_test_cert_D7CE59D1F522D701.pem").unwrap();
//! # let body = std::fs::read(format!("{dir}/body.txt")).unwrap();
//! # let headers = std::fs::read_to_string(format!("{dir}/headers.txt")).unwrap();
//! # let verifier = ResponseVerifier::new([PlatformKey::certificate(Certificate::load(&pem)?)?])
//! #     .with_clock(FixedClock(1624523846));
//! let verified = verifier.verify(&SignatureHeaders::from_text(&headers)?, &body)?;
//! assert_eq!(verified.key_id(), Some("D7CE59D1F522D701"));
//! assert_eq!(verified.timestamp(), Some(1624523846));
//! assert!(verified.sign_string().as_bytes().starts_with(b"1624523846\n"));
//! let body: &[u8] = verified.into_value();
//! # let _ = body;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::signer::SignatureScheme;

/// A value whose signature was checked, with the exact bytes `S` that verified.
///
/// `S` is the platform's exact-bytes type: [`crate::wechatpay::SignString`],
/// [`crate::miniprogram::SignString`] or [`crate::alipay::SignContent`]; `()`
/// for the checks whose signed text holds a secret (the Mini Program's message
/// and `rawData` signatures), which is never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T, S = ()> {
    value: T,
    sign_string: S,
    key_id: Option<String>,
    timestamp: Option<i64>,
    scheme: Option<SignatureScheme>,
}

impl<T, S> Verified<T, S> {
    /// A value that verified over `sign_string`.
    pub(crate) fn new(value: T, sign_string: S) -> Self {
        Self {
            value,
            sign_string,
            key_id: None,
            timestamp: None,
            scheme: None,
        }
    }

    /// With the id of the key that verified.
    pub(crate) fn by_key(mut self, key_id: Option<impl Into<String>>) -> Self {
        self.key_id = key_id.map(Into::into);
        self
    }

    /// With the signed timestamp.
    pub(crate) fn at(mut self, timestamp: i64) -> Self {
        self.timestamp = Some(timestamp);
        self
    }

    /// With the scheme that verified.
    pub(crate) fn with_scheme(mut self, scheme: SignatureScheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// The verified value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The verified value, taken out.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The exact bytes the signature covers, as the platform's sign-string type.
    pub fn sign_string(&self) -> &S {
        &self.sign_string
    }

    /// The id of the key that verified: a WeChat Pay certificate serial or
    /// `PUB_KEY_ID_…` (as the store holds it), a Mini Program certificate
    /// number, the Alipay certificate SN in certificate mode; `None` where the
    /// platform names no key (Alipay public-key mode, message signatures).
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// The signed timestamp (unix seconds), where the platform signs one
    /// (`Wechatpay-Timestamp`, `Wechatmp-TimeStamp`).
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// The signature scheme that verified; `None` for hash-based checks.
    pub fn scheme(&self) -> Option<SignatureScheme> {
        self.scheme
    }

    /// Splits the value from the proof (the sign string, key id, timestamp
    /// and scheme), for a caller that keeps them apart.
    pub fn into_parts(self) -> (T, Verified<(), S>) {
        let proof = Verified {
            value: (),
            sign_string: self.sign_string,
            key_id: self.key_id,
            timestamp: self.timestamp,
            scheme: self.scheme,
        };
        (self.value, proof)
    }

    /// Transforms the value, keeping the proof of verification.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Verified<U, S> {
        Verified {
            value: f(self.value),
            sign_string: self.sign_string,
            key_id: self.key_id,
            timestamp: self.timestamp,
            scheme: self.scheme,
        }
    }

    /// Transforms the value with a fallible function, keeping the proof.
    ///
    /// # Errors
    /// What `f` returns.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Verified<U, S>, E> {
        Ok(Verified {
            value: f(self.value)?,
            sign_string: self.sign_string,
            key_id: self.key_id,
            timestamp: self.timestamp,
            scheme: self.scheme,
        })
    }
}
