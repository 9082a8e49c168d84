//! Sensitive fields (敏感信息加解密): names, ID numbers, phone numbers, bank accounts.
//!
//! Requests encrypt each field with RSA-OAEP (SHA-1, MGF1-SHA-1, empty label)
//! under WeChat Pay's key, base64 the result, and send the key's id in the
//! `Wechatpay-Serial` header. With several keys (a rotation, a migration), the
//! field must be encrypted with the key named in that header: [`EncryptedField`]
//! keeps the two together. Responses carrying sensitive fields are encrypted
//! with the merchant's certificate and decrypted with the merchant private key.
//!
//! ```
//! use chop::key::{Certificate, RsaPrivateKey};
//! use chop::wechatpay::{decrypt_sensitive, encrypt_sensitive, PlatformKey};
//! # let cert = Certificate::load(&std::fs::read("../vectors/keys/generated/cert.pem").unwrap())?;
//! # let key = RsaPrivateKey::load(&std::fs::read("../vectors/keys/generated/key-pkcs8.pem").unwrap(), None)?;
//! let platform = PlatformKey::certificate(cert)?;
//! let field = encrypt_sensitive(&platform, "张三")?;
//! assert_eq!(field.serial, platform.id()); // send as Wechatpay-Serial
//! assert_eq!(decrypt_sensitive(&key, &field.ciphertext)?.expose(), "张三");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::platform::PlatformKey;
use super::store::PlatformKeyStore;
use crate::crypto::rsa_enc::RsaEncError;
use crate::key::{RsaPrivateKey, VerifyingKey};
use crate::secret::SecretString;

/// An encrypted field and the id of the key that encrypted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedField {
    /// Base64 of the OAEP ciphertext: the value of the field in the request.
    pub ciphertext: String,
    /// The key's id: send it as the request's `Wechatpay-Serial` header.
    pub serial: String,
}

/// The padding of a ciphertext to decrypt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RsaPadding {
    /// RSA-OAEP with SHA-1 and MGF1-SHA-1: what WeChat Pay API v3 uses.
    #[default]
    OaepSha1,
    /// RSAES-PKCS1-v1_5: legacy data only.
    Pkcs1v15,
}

/// Why a sensitive field could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SensitiveError {
    /// No key can encrypt now.
    #[error("no platform key can encrypt now (known: {}): download the platform certificates, or add the WeChat Pay public key (PUB_KEY_ID_…)", if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    NoKey {
        /// The ids of the keys held (all expired or not yet valid).
        known: Vec<String>,
    },
    /// The ciphertext is not base64.
    #[error("the encrypted field is not base64 ({reason})")]
    Base64 {
        /// The decoder's complaint.
        reason: String,
    },
    /// The plaintext is not UTF-8.
    #[error("the decrypted field is not UTF-8 text")]
    NotUtf8,
    /// The SM2 operation failed (国密).
    #[cfg(feature = "sm")]
    #[error("the SM2 operation failed: for decryption, use the merchant's SM2 private key")]
    Sm2(#[source] crate::crypto::sm::SmError),
    /// The RSA operation failed.
    #[error("{}", match .0 { RsaEncError::Decryption => "cannot decrypt the field with this private key: WeChat Pay encrypts response fields with the merchant API certificate, so use that certificate's private key (apiclient_key.pem)", _ => "the RSA operation failed" })]
    Rsa(#[source] RsaEncError),
}

/// Encrypts `plaintext` with `key` (RSA-OAEP SHA-1; for an SM2 key, SM2
/// encryption to ASN.1 C1C3C2); returns the base64 and the key's id for
/// `Wechatpay-Serial`.
///
/// # Errors
/// [`SensitiveError::Rsa`] when the plaintext is too long (over 214 bytes for RSA-2048).
pub fn encrypt_sensitive(
    key: &PlatformKey,
    plaintext: &str,
) -> Result<EncryptedField, SensitiveError> {
    let ct = match key.verifying_key() {
        VerifyingKey::Rsa(rsa) => rsa
            .encrypt_oaep_sha1(plaintext.as_bytes())
            .map_err(SensitiveError::Rsa)?,
        #[cfg(feature = "sm")]
        VerifyingKey::Sm2(sm2) => sm2
            .encrypt(plaintext.as_bytes())
            .map_err(SensitiveError::Sm2)?,
    };
    Ok(EncryptedField {
        ciphertext: STANDARD.encode(ct),
        serial: key.id().to_string(),
    })
}

/// Encrypts with the key a store picks at `now`
/// ([`PlatformKeyStore::for_encryption`]: the public key when configured, else
/// the newest valid platform certificate).
///
/// # Errors
/// [`SensitiveError::NoKey`] when no key is usable now; as [`encrypt_sensitive`].
pub fn encrypt_sensitive_with_store(
    store: &dyn PlatformKeyStore,
    now: i64,
    plaintext: &str,
) -> Result<EncryptedField, SensitiveError> {
    let key = store
        .for_encryption(now)
        .ok_or_else(|| SensitiveError::NoKey { known: store.ids() })?;
    encrypt_sensitive(&key, plaintext)
}

/// Decrypts a base64 OAEP field with the merchant private key.
///
/// # Errors
/// [`SensitiveError`] for bad base64, the wrong key, or non-UTF-8 plaintext.
pub fn decrypt_sensitive(
    key: &RsaPrivateKey,
    ciphertext_b64: &str,
) -> Result<SecretString, SensitiveError> {
    decrypt_sensitive_with(key, ciphertext_b64, RsaPadding::OaepSha1)
}

/// Decrypts a base64 field with the merchant private key and the given padding.
///
/// # Errors
/// As [`decrypt_sensitive`].
pub fn decrypt_sensitive_with(
    key: &RsaPrivateKey,
    ciphertext_b64: &str,
    padding: RsaPadding,
) -> Result<SecretString, SensitiveError> {
    let ct = STANDARD
        .decode(ciphertext_b64.trim())
        .map_err(|e| SensitiveError::Base64 {
            reason: e.to_string(),
        })?;
    let plain = match padding {
        RsaPadding::OaepSha1 => key.decrypt_oaep_sha1(&ct),
        RsaPadding::Pkcs1v15 => key.decrypt_pkcs1v15(&ct),
    }
    .map_err(SensitiveError::Rsa)?;
    String::from_utf8(plain)
        .map(SecretString::from)
        .map_err(|_| SensitiveError::NotUtf8)
}

/// Decrypts a base64 SM2 field (ASN.1 C1C3C2, 国密) with the merchant SM2 private key.
///
/// # Errors
/// [`SensitiveError`] for bad base64, the wrong key, or non-UTF-8 plaintext.
#[cfg(feature = "sm")]
pub fn decrypt_sensitive_sm2(
    key: &crate::key::Sm2PrivateKey,
    ciphertext_b64: &str,
) -> Result<SecretString, SensitiveError> {
    let ct = STANDARD
        .decode(ciphertext_b64.trim())
        .map_err(|e| SensitiveError::Base64 {
            reason: e.to_string(),
        })?;
    let plain = key.decrypt(&ct).map_err(SensitiveError::Sm2)?;
    String::from_utf8(plain)
        .map(SecretString::from)
        .map_err(|_| SensitiveError::NotUtf8)
}
