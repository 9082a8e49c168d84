//! The private-key operation, as a trait, so a key in an HSM or a cloud KMS can sign.
//!
//! chop's signing code never touches key bytes: it hands the exact message to a
//! [`Signer`] and gets the signature back. [`crate::key::RsaPrivateKey`] is the
//! file-backed implementation; a KMS adapter implements the same trait.
//!
//! ```
//! use chop::signer::{SignError, SignatureScheme, Signer};
//!
//! /// A signer backed by a remote KMS (sketch).
//! #[derive(Debug)]
//! struct Kms;
//! impl Signer for Kms {
//!     fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, SignError> {
//!         match scheme {
//!             SignatureScheme::RsaPkcs1Sha256 => Ok(vec![0; 256]), // call the KMS here
//!             other => Err(SignError::UnsupportedScheme { scheme: other }),
//!         }
//!     }
//! }
//! assert_eq!(Kms.sign(SignatureScheme::RsaPkcs1Sha256, b"m").unwrap().len(), 256);
//! ```

use std::fmt;

/// A signature algorithm used by one of the platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 with SHA-256: WeChat Pay v3 (`WECHATPAY2-SHA256-RSA2048`), Alipay RSA2.
    RsaPkcs1Sha256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt length 32: Mini Program API security.
    RsaPssSha256,
    /// RSASSA-PKCS1-v1_5 with SHA-1: Alipay's legacy `RSA` sign type.
    RsaPkcs1Sha1,
    /// SM2 with SM3 (国密), DER-encoded signature.
    Sm2Sm3,
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignatureScheme::RsaPkcs1Sha256 => "SHA256withRSA (PKCS#1 v1.5)",
            SignatureScheme::RsaPssSha256 => "RSAwithSHA256 (PSS)",
            SignatureScheme::RsaPkcs1Sha1 => "SHA1withRSA (PKCS#1 v1.5)",
            SignatureScheme::Sm2Sm3 => "SM2withSM3",
        })
    }
}

/// Why a signature could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The signer cannot produce this scheme (e.g. an RSA key asked for SM2).
    #[error("this key cannot sign with {scheme}: use a key of the matching type")]
    UnsupportedScheme {
        /// The scheme asked for.
        scheme: SignatureScheme,
    },
    /// The backend (crypto library, HSM, KMS) failed.
    #[error("the signing backend failed: {reason}")]
    Backend {
        /// What the backend said (never key material).
        reason: String,
    },
}

/// Makes signatures with a private key that may live anywhere.
pub trait Signer: Send + Sync + fmt::Debug {
    /// Signs `message` (the exact bytes; the signer hashes them) with `scheme`.
    ///
    /// # Errors
    /// [`SignError`] when the scheme is unsupported or the backend fails.
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, SignError>;
}

impl<S: Signer + ?Sized> Signer for std::sync::Arc<S> {
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, SignError> {
        (**self).sign(scheme, message)
    }
}
