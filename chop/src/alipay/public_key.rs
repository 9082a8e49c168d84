//! The Alipay public key (支付宝公钥) and the signature check made with it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::cert_sn::{cert_sn, CertSnError};
use super::content::SignContent;
use super::error::VerifyError;
use super::sign_type::SignType;
#[cfg(feature = "sm")]
use crate::crypto::sm::Sm2PublicKey;
use crate::key::{BadSignature, Certificate, KeyError, RsaPublicKey};

/// The Alipay public key (支付宝公钥) that checks Alipay's signatures, with the
/// Alipay certificate SN (`alipay_cert_sn`) in public-key-certificate mode.
///
/// Not your app's public key (应用公钥): that one checks *your* signatures.
///
/// ```
/// use chop::alipay::AlipayPublicKey;
/// # let pem = std::fs::read("../vectors/keys/alipay/node_alipayCertPublicKey_RSA2.crt").unwrap();
/// let key = AlipayPublicKey::from_certificate_file(&pem)?;
/// assert_eq!(key.cert_sn(), Some("7513daaaa48aa3ba2e4018d84402479c"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct AlipayPublicKey {
    key: Key,
    cert_sn: Option<String>,
}

#[derive(Debug, Clone)]
enum Key {
    Rsa(RsaPublicKey),
    #[cfg(feature = "sm")]
    Sm2(Sm2PublicKey),
}

impl AlipayPublicKey {
    /// The Alipay public key as the open platform shows it (bare base64), or
    /// as PEM or DER: RSA, or SM2 with the `sm` feature.
    ///
    /// # Errors
    /// [`KeyError`] when it is neither an RSA nor an SM2 public key.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        match RsaPublicKey::load(input) {
            Ok(key) => Ok(Self::rsa(key)),
            #[cfg(feature = "sm")]
            Err(e @ KeyError::NotRsa { .. }) => {
                Sm2PublicKey::load(input).map(Self::sm2).map_err(|_| e)
            }
            Err(e) => Err(e),
        }
    }

    /// From a parsed RSA public key (public-key mode: no certificate SN).
    pub fn rsa(key: RsaPublicKey) -> Self {
        Self {
            key: Key::Rsa(key),
            cert_sn: None,
        }
    }

    /// From a parsed SM2 public key (sign_type SM2).
    #[cfg(feature = "sm")]
    pub fn sm2(key: Sm2PublicKey) -> Self {
        Self {
            key: Key::Sm2(key),
            cert_sn: None,
        }
    }

    /// From the Alipay public key certificate (alipayCertPublicKey_RSA2.crt);
    /// its SN is then checked against `alipay_cert_sn` in responses.
    ///
    /// # Errors
    /// [`CertSnError`] when the certificate has no RSA (or SM2) key or cannot be read.
    pub fn from_certificate(cert: &Certificate) -> Result<Self, CertSnError> {
        let key = match cert.rsa_public_key() {
            Some(k) => Key::Rsa(k.clone()),
            #[cfg(feature = "sm")]
            None if Sm2PublicKey::from_certificate(cert).is_ok() => {
                Key::Sm2(Sm2PublicKey::from_certificate(cert).map_err(CertSnError::Key)?)
            }
            None => {
                return Err(CertSnError::NotRsa {
                    algorithm: cert.key_algorithm().to_string(),
                })
            }
        };
        let sn = cert_sn(cert)?;
        Ok(Self {
            key,
            cert_sn: Some(sn.sn),
        })
    }

    /// From the bytes of the certificate file (PEM or DER; the first certificate).
    ///
    /// # Errors
    /// [`CertSnError`] when the file holds no usable certificate.
    pub fn from_certificate_file(input: &[u8]) -> Result<Self, CertSnError> {
        let cert = Certificate::load(input).map_err(CertSnError::Key)?;
        Self::from_certificate(&cert)
    }

    /// The Alipay certificate SN in certificate mode.
    pub fn cert_sn(&self) -> Option<&str> {
        self.cert_sn.as_deref()
    }

    /// The RSA key, if it is one.
    pub fn rsa_key(&self) -> Option<&RsaPublicKey> {
        match &self.key {
            Key::Rsa(k) => Some(k),
            #[cfg(feature = "sm")]
            Key::Sm2(_) => None,
        }
    }

    /// `RSA` or `SM2`.
    pub fn algorithm(&self) -> &'static str {
        match &self.key {
            Key::Rsa(_) => "RSA",
            #[cfg(feature = "sm")]
            Key::Sm2(_) => "SM2",
        }
    }

    /// The sign type this key checks when none is named: RSA2 or SM2.
    pub fn default_sign_type(&self) -> SignType {
        match &self.key {
            Key::Rsa(_) => SignType::Rsa2,
            #[cfg(feature = "sm")]
            Key::Sm2(_) => SignType::Sm2,
        }
    }

    /// Checks a raw signature over `message` with `sign_type`.
    ///
    /// # Errors
    /// [`VerifyError::KeyDoesNotFit`] for a sign type of another key type,
    /// [`VerifyError::Mismatch`] when it does not verify.
    pub fn verify_raw(
        &self,
        sign_type: SignType,
        message: &SignContent,
        signature: &[u8],
    ) -> Result<(), VerifyError> {
        let result = match (&self.key, sign_type) {
            (Key::Rsa(k), SignType::Rsa2 | SignType::Rsa) => {
                k.verify(sign_type.scheme(), message.as_bytes(), signature)
            }
            #[cfg(feature = "sm")]
            (Key::Sm2(k), SignType::Sm2) => k.verify(message.as_bytes(), signature),
            _ => {
                return Err(VerifyError::KeyDoesNotFit {
                    sign_type,
                    key: self.algorithm(),
                })
            }
        };
        result.map_err(|source| VerifyError::Mismatch {
            sign_type,
            tried: vec![message.clone()],
            source,
        })
    }

    /// Checks `sign` (base64) over each of `contents` in turn; the first that
    /// verifies is returned.
    pub(crate) fn check(
        &self,
        sign_type: SignType,
        contents: Vec<SignContent>,
        sign: &str,
    ) -> Result<SignContent, VerifyError> {
        let sig = decode_sign(sign)?;
        let mut last = None;
        for content in &contents {
            match self.verify_raw(sign_type, content, &sig) {
                Ok(()) => return Ok(content.clone()),
                Err(VerifyError::Mismatch { source, .. }) => last = Some(source),
                Err(other) => return Err(other),
            }
        }
        Err(VerifyError::Mismatch {
            sign_type,
            tried: contents,
            source: last.unwrap_or(BadSignature {
                scheme: sign_type.scheme(),
            }),
        })
    }
}

/// Decodes a base64 `sign`, tolerating the line breaks some SDKs insert (a
/// space is an error: it is a `+` decoded twice).
pub(crate) fn decode_sign(sign: &str) -> Result<Vec<u8>, VerifyError> {
    let compact: String = sign.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    STANDARD
        .decode(compact)
        .map_err(|_| VerifyError::SignNotBase64)
}
