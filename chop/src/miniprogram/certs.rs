//! The platform certificates, looked up by their MP-console number.

use std::collections::BTreeMap;
use std::fmt;

use crate::key::{Certificate, KeyError, VerifyingKey};

/// Where the opener finds platform certificates by number (证书编号 in the MP
/// console — **not** the X.509 serial). Implement it over a database or a
/// config service; [`PlatformCertificates`] is the in-memory default.
pub trait PlatformCertStore: Send + Sync + fmt::Debug {
    /// The key of the certificate with this number (RSA for `RSAwithSHA256`,
    /// SM2 for `SM2withSM3`).
    fn get(&self, number: &str) -> Option<VerifyingKey>;
    /// Every number held, for error messages.
    fn numbers(&self) -> Vec<String>;
}

/// Platform certificates in memory, keyed by their MP-console number.
///
/// ```
/// use chop::key::Certificate;
/// use chop::miniprogram::{PlatformCertificates, PlatformCertStore};
/// # let pem = std::fs::read("../vectors/keys/miniprogram/api_signature_platform_cert_79ba700ea147819f640941bceb38b1d1.pem").unwrap();
/// let mut certs = PlatformCertificates::default();
/// certs.insert("79ba700ea147819f640941bceb38b1d1", &Certificate::load(&pem)?)?;
/// assert!(certs.get("79ba700ea147819f640941bceb38b1d1").is_some());
/// # Ok::<(), chop::key::KeyError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PlatformCertificates {
    keys: BTreeMap<String, VerifyingKey>,
}

impl PlatformCertificates {
    /// Adds the certificate `cert` under its MP-console `number`.
    ///
    /// # Errors
    /// [`KeyError`] when the certificate holds neither an RSA nor (with the
    /// `sm` feature) an SM2 key.
    pub fn insert(
        &mut self,
        number: impl Into<String>,
        cert: &Certificate,
    ) -> Result<(), KeyError> {
        let key = VerifyingKey::from_certificate(cert)?;
        self.keys.insert(number.into(), key);
        Ok(())
    }

    /// Adds a key directly.
    pub fn insert_key(&mut self, number: impl Into<String>, key: impl Into<VerifyingKey>) {
        self.keys.insert(number.into(), key.into());
    }
}

impl PlatformCertStore for PlatformCertificates {
    fn get(&self, number: &str) -> Option<VerifyingKey> {
        self.keys.get(number).cloned()
    }

    fn numbers(&self) -> Vec<String> {
        self.keys.keys().cloned().collect()
    }
}
