//! Every key kind and certificate — RSA and SM2, private and public, X.509,
//! PKCS#12 — and the one [`VerifyingKey`] all platforms verify with:
//! loading, inspecting, checking.
//!
//! Every loader takes the bytes of a file as they are. Accepted forms:
//!
//! | what | forms |
//! |---|---|
//! | RSA private key | PEM PKCS#8 (`BEGIN PRIVATE KEY`), PEM PKCS#1 (`BEGIN RSA PRIVATE KEY`), DER of either, bare base64 of either, encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE KEY`) with a password, PKCS#12 (`apiclient_cert.p12`, password = merchant id), modern (AES/PBKDF2) or legacy (RC2/3DES) |
//! | RSA public key | SPKI (`BEGIN PUBLIC KEY`), PKCS#1 (`BEGIN RSA PUBLIC KEY`), DER, bare base64 |
//! | certificate | PEM or DER (`.cer`, `.crt`, `.pem`) |
//!
//! A UTF-8 BOM, CRLF line endings and stray whitespace do not matter.
//!
//! Keys are parsed once: load a key at start-up and share it (`Arc`) between
//! requests. Loading checks that the key's components agree with each other and
//! refuses a damaged key, naming the damaged components.
//!
//! ```
//! use chop::key::RsaPrivateKey;
//!
//! # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
//! let key = RsaPrivateKey::load(&pem, None)?;
//! assert_eq!(key.bits(), 2048);
//! assert_eq!(format!("{key:?}").contains("[redacted]"), true);
//! # Ok::<(), chop::key::KeyError>(())
//! ```

mod cert;
mod check;
mod error;
mod inspect;
mod kind;
mod pkcs12;
mod private;
mod public;
#[cfg(feature = "sm")]
mod sm2;
mod source;
mod verifying;

pub use cert::{format_utc, Certificate, Validity};
pub use check::Component;
pub use error::{InconsistentKey, KeyError};
pub use inspect::{inspect, Inspection, Item};
pub use kind::{Container, KeyFormat};
pub use pkcs12::Pkcs12Contents;
pub use private::RsaPrivateKey;
pub use public::{BadSignature, RsaPublicKey};
#[cfg(feature = "sm")]
pub use sm2::{Sm2PrivateKey, Sm2PublicKey};
pub use source::Encoding;
pub use verifying::VerifyingKey;

/// Whether `key` and `cert` belong together: the same RSA modulus (what
/// `openssl x509 -noout -modulus` and `openssl rsa -noout -modulus` compare).
///
/// ```
/// # use chop::key::{RsaPrivateKey, Certificate, key_matches_certificate};
/// # let k = std::fs::read("../vectors/keys/generated/key-pkcs8.pem").unwrap();
/// # let c = std::fs::read("../vectors/keys/generated/cert.pem").unwrap();
/// let key = RsaPrivateKey::load(&k, None)?;
/// let cert = Certificate::load(&c)?;
/// assert!(key_matches_certificate(&key, &cert));
/// # Ok::<(), chop::key::KeyError>(())
/// ```
pub fn key_matches_certificate(key: &RsaPrivateKey, cert: &Certificate) -> bool {
    cert.rsa_public_key()
        .is_some_and(|p| p.modulus() == key.public_key().modulus())
}
