//! WeChat Pay's own keys: platform certificates (平台证书) and the WeChat Pay
//! public key (微信支付公钥, `PUB_KEY_ID_…`).
//!
//! WeChat Pay signs responses and callbacks with one of them and names it in
//! `Wechatpay-Serial`; merchants encrypt sensitive fields with one of them and
//! name it in the request's `Wechatpay-Serial`.
//!
//! Matching a serial:
//! - a `PUB_KEY_ID_…` serial is compared verbatim with the public keys' ids,
//!   never parsed as hex;
//! - any other serial is a certificate serial: hex, compared without regard to
//!   case and to leading zeros (some SDKs print `0ABC…` as `ABC…`).

use std::fmt;
use std::sync::Arc;

use crate::key::{BadSignature, Certificate, KeyError, Validity, VerifyingKey};
use crate::signer::SignatureScheme;

/// The prefix of WeChat Pay public key ids.
pub const PUBLIC_KEY_ID_PREFIX: &str = "PUB_KEY_ID_";

/// A key of WeChat Pay's: a platform certificate or the WeChat Pay public key.
///
/// Cheap to clone (shared).
///
/// ```
/// use chop::key::RsaPublicKey;
/// use chop::wechatpay::PlatformKey;
/// # let pem = std::fs::read("../vectors/keys/upstream/java_core_wechat_pay_public_key.pem").unwrap();
/// let key = PlatformKey::public_key("PUB_KEY_ID_0114232134912410000000000000", RsaPublicKey::load(&pem)?);
/// assert!(key.matches("PUB_KEY_ID_0114232134912410000000000000"));
/// assert!(!key.matches("pub_key_id_0114232134912410000000000000"));
/// # Ok::<(), chop::key::KeyError>(())
/// ```
#[derive(Clone)]
pub struct PlatformKey {
    inner: Arc<Inner>,
}

struct Inner {
    id: String,
    source: KeySource,
    key: VerifyingKey,
}

/// Where a [`PlatformKey`] comes from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum KeySource {
    /// A platform certificate (平台证书), identified by its serial.
    Certificate(Certificate),
    /// The WeChat Pay public key (微信支付公钥), identified by its `PUB_KEY_ID_…`.
    PublicKey,
}

impl PlatformKey {
    /// A platform certificate; its id is the certificate's serial (uppercase hex).
    /// An SM2 certificate (国密) is accepted with the `sm` feature.
    ///
    /// # Errors
    /// [`KeyError::NotRsa`] when the certificate holds neither an RSA nor an SM2 key.
    pub fn certificate(cert: Certificate) -> Result<Self, KeyError> {
        let key = VerifyingKey::from_certificate(&cert)?;
        Ok(Self {
            inner: Arc::new(Inner {
                id: cert.serial_hex(),
                source: KeySource::Certificate(cert),
                key,
            }),
        })
    }

    /// The WeChat Pay public key with its id (`PUB_KEY_ID_…`, from the merchant
    /// platform), kept verbatim: an RSA key, or the 国密 SM2 key.
    pub fn public_key(id: impl Into<String>, key: impl Into<VerifyingKey>) -> Self {
        Self {
            inner: Arc::new(Inner {
                id: id.into(),
                source: KeySource::PublicKey,
                key: key.into(),
            }),
        }
    }

    /// The serial (certificate) or public key id, as WeChat Pay writes it in
    /// `Wechatpay-Serial`.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// Where the key comes from.
    pub fn source(&self) -> &KeySource {
        &self.inner.source
    }

    /// The certificate, for a platform certificate.
    pub fn certificate_ref(&self) -> Option<&Certificate> {
        match &self.inner.source {
            KeySource::Certificate(c) => Some(c),
            KeySource::PublicKey => None,
        }
    }

    /// The key that checks the signatures.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.inner.key
    }

    /// The signature scheme WeChat Pay uses with this key: SHA256withRSA
    /// (`WECHATPAY2-SHA256-RSA2048`) or SM2withSM3 (`WECHATPAY2-SM2-WITH-SM3`).
    pub fn scheme(&self) -> SignatureScheme {
        if self.inner.key.fits(SignatureScheme::Sm2Sm3) {
            SignatureScheme::Sm2Sm3
        } else {
            SignatureScheme::RsaPkcs1Sha256
        }
    }

    /// Verifies `signature` (raw bytes, not base64) over `message` with this
    /// key's scheme (SM2: DER signature, user ID `1234567812345678`).
    ///
    /// # Errors
    /// [`BadSignature`] when it does not verify.
    pub fn verify_signature(&self, message: &[u8], signature: &[u8]) -> Result<(), BadSignature> {
        self.inner.key.verify(self.scheme(), message, signature)
    }

    /// The certificate's validity; `None` for a public key (it does not expire).
    pub fn validity(&self) -> Option<Validity> {
        self.certificate_ref().map(Certificate::validity)
    }

    /// Whether the key may be used at `now`: a public key always, a certificate
    /// within its validity.
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.validity().is_none_or(|v| v.contains(now))
    }

    /// `platform certificate` or `WeChat Pay public key`.
    pub fn kind_name(&self) -> &'static str {
        match self.inner.source {
            KeySource::Certificate(_) => "platform certificate",
            KeySource::PublicKey => "WeChat Pay public key",
        }
    }

    /// Whether `serial` (a `Wechatpay-Serial` value) names this key: a public
    /// key id matches verbatim (never parsed as hex); a certificate serial
    /// matches as hex without regard to case or leading zeros.
    pub fn matches(&self, serial: &str) -> bool {
        let serial = serial.trim();
        match self.inner.source {
            KeySource::PublicKey => serial == self.inner.id,
            KeySource::Certificate(_) => {
                !serial.starts_with(PUBLIC_KEY_ID_PREFIX)
                    && serial.bytes().all(|b| b.is_ascii_hexdigit())
                    && strip_zeros(serial).eq_ignore_ascii_case(strip_zeros(&self.inner.id))
            }
        }
    }
}

impl fmt::Debug for PlatformKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformKey")
            .field("kind", &self.kind_name())
            .field("id", &self.inner.id)
            .finish()
    }
}

/// Finds the key named by `serial` among `keys`.
pub(crate) fn find<'a>(keys: &'a [PlatformKey], serial: &str) -> Option<&'a PlatformKey> {
    keys.iter()
        .find(|k| k.id() == serial)
        .or_else(|| keys.iter().find(|k| k.matches(serial)))
}

fn strip_zeros(hex: &str) -> &str {
    let t = hex.trim_start_matches('0');
    if t.is_empty() && !hex.is_empty() {
        "0"
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert_key() -> PlatformKey {
        let pem = include_bytes!("../../../vectors/keys/generated/cert-serial-signpad.pem");
        PlatformKey::certificate(Certificate::load(pem).unwrap()).unwrap()
    }

    #[test]
    fn certificate_serials_match_without_case_or_leading_zeros() {
        let k = cert_key();
        assert_eq!(k.id(), "8A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F00112233");
        assert!(k.matches("8A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F00112233"));
        assert!(k.matches("8a3c5e7f9b1d2f4a6c8e0a1b3c5d7e9f00112233"));
        assert!(k.matches("008A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F00112233"));
        assert!(!k.matches("8A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F0011223"));
        assert!(!k.matches("PUB_KEY_ID_8A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F00112233"));
        assert!(!k.matches(""));
    }

    #[test]
    fn zero_stripping_keeps_one_digit() {
        assert_eq!(strip_zeros("000"), "0");
        assert_eq!(strip_zeros("0A"), "A");
        assert_eq!(strip_zeros(""), "");
    }
}
