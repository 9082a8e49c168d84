//! The one verifying key of every platform: RSA, or SM2 for the 国密 variants,
//! taken from a certificate or a public key.

#[cfg(feature = "sm")]
use super::Sm2PublicKey;
use super::{BadSignature, Certificate, KeyError, RsaPublicKey};
#[cfg(feature = "sm")]
use crate::crypto::sm::Sm2Encoding;
use crate::signer::SignatureScheme;

/// A public key that checks a platform's signatures: RSA or (with the `sm`
/// feature) SM2. WeChat Pay's platform keys, the Mini Program's platform
/// certificates and the Alipay public key are each one of these.
///
/// ```
/// use chop::key::{Certificate, VerifyingKey};
/// use chop::signer::SignatureScheme;
/// # let pem = std::fs::read("../vectors/keys/generated/cert.pem").unwrap();
/// let key = VerifyingKey::from_certificate(&Certificate::load(&pem)?)?;
/// assert_eq!(key.algorithm(), "RSA");
/// assert!(key.verify(SignatureScheme::RsaPkcs1Sha256, b"message", b"not a signature").is_err());
/// # Ok::<(), chop::key::KeyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyingKey {
    /// An RSA key (SHA256withRSA, RSAwithSHA256 PSS, SHA1withRSA).
    Rsa(RsaPublicKey),
    /// An SM2 key (SM2withSM3).
    #[cfg(feature = "sm")]
    Sm2(Sm2PublicKey),
}

impl VerifyingKey {
    /// Loads a public key: RSA (SPKI or PKCS#1), or SM2 with the `sm` feature
    /// (SPKI, or the key of an SM2 certificate), as PEM, DER or bare base64
    /// (the way Alipay's console shows keys).
    ///
    /// # Errors
    /// The RSA loader's [`KeyError`] (it names what the input holds instead)
    /// when the input is neither an RSA nor an SM2 public key.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        match RsaPublicKey::load(input) {
            Ok(key) => Ok(Self::Rsa(key)),
            #[cfg(feature = "sm")]
            Err(e) => Sm2PublicKey::load(input).map(Self::Sm2).map_err(|_| e),
            #[cfg(not(feature = "sm"))]
            Err(e) => Err(e),
        }
    }

    /// The key of a certificate: RSA, or SM2 with the `sm` feature.
    ///
    /// # Errors
    /// [`KeyError::NotRsa`] when the certificate holds another kind of key.
    pub fn from_certificate(cert: &Certificate) -> Result<Self, KeyError> {
        if let Some(rsa) = cert.rsa_public_key() {
            return Ok(Self::Rsa(rsa.clone()));
        }
        #[cfg(feature = "sm")]
        if let Ok(sm2) = Sm2PublicKey::from_certificate(cert) {
            return Ok(Self::Sm2(sm2));
        }
        Err(KeyError::NotRsa {
            found: cert.key_algorithm().to_string(),
        })
    }

    /// The RSA key, unless this is an SM2 key.
    pub fn rsa(&self) -> Option<&RsaPublicKey> {
        match self {
            Self::Rsa(k) => Some(k),
            #[cfg(feature = "sm")]
            Self::Sm2(_) => None,
        }
    }

    /// The SM2 key, for a 国密 key.
    #[cfg(feature = "sm")]
    pub fn sm2(&self) -> Option<&Sm2PublicKey> {
        match self {
            Self::Sm2(k) => Some(k),
            Self::Rsa(_) => None,
        }
    }

    /// `RSA` or `SM2`.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "RSA",
            #[cfg(feature = "sm")]
            Self::Sm2(_) => "SM2",
        }
    }

    /// Whether this key can check signatures of `scheme`.
    pub fn fits(&self, scheme: SignatureScheme) -> bool {
        match self {
            Self::Rsa(_) => scheme != SignatureScheme::Sm2Sm3,
            #[cfg(feature = "sm")]
            Self::Sm2(_) => scheme == SignatureScheme::Sm2Sm3,
        }
    }

    /// Verifies `signature` (raw bytes, not base64) over `message` with
    /// `scheme`; SM2withSM3 takes a DER signature made with the default user ID
    /// `1234567812345678`.
    ///
    /// # Errors
    /// [`BadSignature`] when it does not verify, or the key does not fit the scheme.
    pub fn verify(
        &self,
        scheme: SignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), BadSignature> {
        match self {
            Self::Rsa(k) => k.verify(scheme, message, signature),
            #[cfg(feature = "sm")]
            Self::Sm2(k) if scheme == SignatureScheme::Sm2Sm3 => k.verify(message, signature),
            #[cfg(feature = "sm")]
            Self::Sm2(_) => Err(BadSignature { scheme }),
        }
    }

    /// Verifies an SM2withSM3 signature made with `user_id` in `encoding` (the
    /// Mini Program's SM suite); an RSA key never verifies it.
    ///
    /// # Errors
    /// [`BadSignature`] when it does not verify.
    #[cfg(feature = "sm")]
    pub fn verify_sm2_with_id(
        &self,
        user_id: &[u8],
        message: &[u8],
        signature: &[u8],
        encoding: Sm2Encoding,
    ) -> Result<(), BadSignature> {
        match self {
            Self::Sm2(k) => k.verify_with_id(user_id, message, signature, encoding),
            Self::Rsa(_) => Err(BadSignature {
                scheme: SignatureScheme::Sm2Sm3,
            }),
        }
    }
}

impl From<RsaPublicKey> for VerifyingKey {
    fn from(key: RsaPublicKey) -> Self {
        Self::Rsa(key)
    }
}

#[cfg(feature = "sm")]
impl From<Sm2PublicKey> for VerifyingKey {
    fn from(key: Sm2PublicKey) -> Self {
        Self::Sm2(key)
    }
}
