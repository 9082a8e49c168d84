//! The Alipay public key (支付宝公钥) and the signature check made with it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::cert_sn::{cert_sn, CertSnError};
use super::content::SignContent;
use super::error::VerifyError;
use super::sign_type::SignType;
use crate::key::{BadSignature, Certificate, KeyError, RsaPublicKey, VerifyingKey};

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
    key: VerifyingKey,
    cert_sn: Option<String>,
}

impl AlipayPublicKey {
    /// The Alipay public key as the open platform shows it (bare base64), or
    /// as PEM or DER: RSA, or SM2 with the `sm` feature.
    ///
    /// # Errors
    /// [`KeyError`] when it is neither an RSA nor an SM2 public key.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        VerifyingKey::load(input).map(Self::new)
    }

    /// From a parsed key, RSA or SM2 (public-key mode: no certificate SN).
    pub fn new(key: impl Into<VerifyingKey>) -> Self {
        Self {
            key: key.into(),
            cert_sn: None,
        }
    }

    /// From a parsed RSA public key (public-key mode: no certificate SN).
    pub fn rsa(key: RsaPublicKey) -> Self {
        Self::new(key)
    }

    /// From the Alipay public key certificate (alipayCertPublicKey_RSA2.crt);
    /// its SN is then checked against `alipay_cert_sn` in responses.
    ///
    /// # Errors
    /// [`CertSnError`] when the certificate has no RSA (or SM2) key or cannot be read.
    pub fn from_certificate(cert: &Certificate) -> Result<Self, CertSnError> {
        let key = VerifyingKey::from_certificate(cert).map_err(|_| CertSnError::NotRsa {
            algorithm: cert.key_algorithm().to_string(),
        })?;
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

    /// The key.
    pub fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// The sign type this key checks when none is named: RSA2 or SM2.
    pub fn default_sign_type(&self) -> SignType {
        if self.key.fits(SignType::Rsa2.scheme()) {
            SignType::Rsa2
        } else {
            SignType::Sm2
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
        if !self.key.fits(sign_type.scheme()) {
            return Err(VerifyError::KeyDoesNotFit {
                sign_type,
                key: self.key.algorithm(),
            });
        }
        self.key
            .verify(sign_type.scheme(), message.as_bytes(), signature)
            .map_err(|source| VerifyError::Mismatch {
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
