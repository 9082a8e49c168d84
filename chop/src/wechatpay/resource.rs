//! Encrypted resources: callback `resource` objects and `encrypt_certificate`s.
//!
//! `ciphertext` is base64 of ciphertext‖tag (16-byte tag), `nonce` is 12 ASCII
//! characters used as bytes, `associated_data` is ASCII used as bytes (the AAD;
//! absent means empty). The key is the APIv3 key, its 32 ASCII characters used
//! as bytes. `AEAD_AES_256_GCM` is AES-256-GCM; `AEAD_SM4_GCM` (国密, feature
//! `sm`) is SM4-GCM with the key `SM3(APIv3 key)[0..16]`.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::crypto::aead::{self, AeadError};
use crate::secret::SecretBytes;

/// `AEAD_AES_256_GCM`.
pub const AEAD_AES_256_GCM: &str = "AEAD_AES_256_GCM";
/// `AEAD_SM4_GCM` (国密).
pub const AEAD_SM4_GCM: &str = "AEAD_SM4_GCM";

/// The APIv3 key (APIv3密钥): 32 ASCII characters set in the merchant platform.
///
/// ```
/// use chop::wechatpay::ApiV3Key;
/// let key = ApiV3Key::new("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")?;
/// assert_eq!(format!("{key:?}"), "ApiV3Key([redacted])");
/// assert!(ApiV3Key::new("too short").is_err());
/// # Ok::<(), chop::wechatpay::ApiV3KeyError>(())
/// ```
#[derive(Clone)]
pub struct ApiV3Key(SecretBytes);

/// The APIv3 key is not 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the APIv3 key must be the 32 characters set in the merchant platform (账户中心 → API安全 → APIv3密钥), got {got} bytes; it is not the API (v2) key, the merchant id, or a certificate serial")]
pub struct ApiV3KeyError {
    /// The length given.
    pub got: usize,
}

impl ApiV3Key {
    /// The APIv3 key, checked to be 32 bytes.
    ///
    /// # Errors
    /// [`ApiV3KeyError`] for any other length.
    pub fn new(key: &str) -> Result<Self, ApiV3KeyError> {
        let key = key.trim();
        if key.len() != 32 {
            return Err(ApiV3KeyError { got: key.len() });
        }
        Ok(Self(SecretBytes::new(key.as_bytes().to_vec())))
    }

    /// Accepts a 16-byte key too (then `AEAD_AES_256_GCM` is really AES-128-GCM).
    ///
    /// Only for the official SDKs' test vectors (`testMchAPIv3Key0`,
    /// `mockAPIv3Key1234`); real APIv3 keys are always 32 bytes.
    ///
    /// # Errors
    /// [`ApiV3KeyError`] for a length other than 16 or 32.
    pub fn danger_accept_16_byte_test_key(key: &str) -> Result<Self, ApiV3KeyError> {
        match key.len() {
            16 | 32 => Ok(Self(SecretBytes::new(key.as_bytes().to_vec()))),
            got => Err(ApiV3KeyError { got }),
        }
    }

    /// The key bytes. Do not log what this returns.
    pub fn expose(&self) -> &[u8] {
        self.0.expose()
    }
}

impl fmt::Debug for ApiV3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV3Key([redacted])")
    }
}

/// An encrypted object: a callback's `resource` or a certificate's `encrypt_certificate`.
///
/// ```
/// use chop::wechatpay::{ApiV3Key, EncryptedResource};
/// // wechatpay-java AeadAesCipherTest.
/// let r = EncryptedResource::new("AEAD_AES_256_GCM", "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=", "associatedData", "uluk4a9R25RW");
/// let key = ApiV3Key::new("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")?;
/// assert_eq!(r.decrypt(&key)?, b"message");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EncryptedResource {
    /// `AEAD_AES_256_GCM` or `AEAD_SM4_GCM`.
    pub algorithm: String,
    /// Base64 of ciphertext‖tag.
    pub ciphertext: String,
    /// The associated data (AAD), e.g. `transaction`, `refund`, `certificate`.
    #[serde(default)]
    pub associated_data: String,
    /// The 12-character nonce.
    pub nonce: String,
    /// The type of the plaintext object (`transaction`, `refund`, …), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_type: Option<String>,
}

/// Why a resource could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// An algorithm other than AEAD_AES_256_GCM (or AEAD_SM4_GCM with feature `sm`).
    #[error("unsupported resource algorithm `{algorithm}`: expected AEAD_AES_256_GCM{}", if cfg!(feature = "sm") { " or AEAD_SM4_GCM" } else { " (AEAD_SM4_GCM needs chop's `sm` feature)" })]
    Algorithm {
        /// The `algorithm` field.
        algorithm: String,
    },
    /// `ciphertext` is not base64.
    #[error("the resource ciphertext is not base64 ({reason})")]
    Base64 {
        /// The decoder's complaint.
        reason: String,
    },
    /// The AEAD failed: wrong key, nonce, AAD, or changed data.
    #[error("cannot decrypt the resource with this APIv3 key{}", match .0 { AeadError::Authentication => ": check the APIv3 key set in the merchant platform (a reset key does not decrypt older messages), and pass associated_data and nonce exactly as received", _ => "" })]
    Aead(#[source] AeadError),
}

impl EncryptedResource {
    /// A resource from its four fields.
    pub fn new(
        algorithm: impl Into<String>,
        ciphertext: impl Into<String>,
        associated_data: impl Into<String>,
        nonce: impl Into<String>,
    ) -> Self {
        Self {
            algorithm: algorithm.into(),
            ciphertext: ciphertext.into(),
            associated_data: associated_data.into(),
            nonce: nonce.into(),
            original_type: None,
        }
    }

    /// Encrypts `plaintext` the way WeChat Pay does (for mocks and tests):
    /// `algorithm` is [`AEAD_AES_256_GCM`] or [`AEAD_SM4_GCM`], `nonce` 12 ASCII
    /// characters (never reuse one with the same key).
    ///
    /// ```
    /// use chop::wechatpay::{ApiV3Key, EncryptedResource, AEAD_AES_256_GCM};
    /// let key = ApiV3Key::new("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb")?;
    /// let r = EncryptedResource::encrypt(&key, AEAD_AES_256_GCM, "associatedData", "uluk4a9R25RW", b"message")?;
    /// assert_eq!(r.ciphertext, "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="); // wechatpay-java AeadAesCipherTest
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`DecryptError::Algorithm`] for another algorithm, [`DecryptError::Aead`]
    /// for a bad nonce length.
    pub fn encrypt(
        key: &ApiV3Key,
        algorithm: &str,
        associated_data: &str,
        nonce: &str,
        plaintext: &[u8],
    ) -> Result<Self, DecryptError> {
        let sealed = match algorithm {
            AEAD_AES_256_GCM => aead::aes_gcm_seal(
                key.expose(),
                nonce.as_bytes(),
                associated_data.as_bytes(),
                plaintext,
            ),
            #[cfg(feature = "sm")]
            AEAD_SM4_GCM => {
                let digest = crate::crypto::sm::sm3(key.expose());
                aead::sm4_gcm_seal(
                    &digest[..16],
                    nonce.as_bytes(),
                    associated_data.as_bytes(),
                    plaintext,
                )
            }
            other => {
                return Err(DecryptError::Algorithm {
                    algorithm: other.to_string(),
                })
            }
        }
        .map_err(DecryptError::Aead)?;
        Ok(Self::new(
            algorithm,
            STANDARD.encode(sealed),
            associated_data,
            nonce,
        ))
    }

    /// The exact AAD bytes: `associated_data` as given.
    pub fn aad(&self) -> &[u8] {
        self.associated_data.as_bytes()
    }

    /// The exact nonce bytes: `nonce` as given (12 ASCII characters).
    pub fn nonce_bytes(&self) -> &[u8] {
        self.nonce.as_bytes()
    }

    /// Decrypts with the APIv3 key; returns the plaintext (usually JSON or a PEM).
    ///
    /// # Errors
    /// [`DecryptError`] for an unsupported algorithm, bad base64, a bad nonce
    /// length, a short ciphertext, or a failed tag check. Never panics.
    pub fn decrypt(&self, key: &ApiV3Key) -> Result<Vec<u8>, DecryptError> {
        let data = STANDARD
            .decode(self.ciphertext.trim())
            .map_err(|e| DecryptError::Base64 {
                reason: e.to_string(),
            })?;
        match self.algorithm.as_str() {
            AEAD_AES_256_GCM => {
                aead::aes_gcm_open(key.expose(), self.nonce_bytes(), self.aad(), &data)
                    .map_err(DecryptError::Aead)
            }
            #[cfg(feature = "sm")]
            AEAD_SM4_GCM => {
                let digest = crate::crypto::sm::sm3(key.expose());
                aead::sm4_gcm_open(&digest[..16], self.nonce_bytes(), self.aad(), &data)
                    .map_err(DecryptError::Aead)
            }
            other => Err(DecryptError::Algorithm {
                algorithm: other.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lengths() {
        assert_eq!(ApiV3Key::new("x").unwrap_err(), ApiV3KeyError { got: 1 });
        assert!(ApiV3Key::new("testMchAPIv3Key0").is_err());
        assert!(ApiV3Key::danger_accept_16_byte_test_key("testMchAPIv3Key0").is_ok());
        assert!(ApiV3Key::danger_accept_16_byte_test_key("x").is_err());
        let e = ApiV3Key::new("").unwrap_err().to_string();
        assert!(e.contains("32 characters"), "{e}");
    }

    #[test]
    fn unknown_algorithm_is_named() {
        let r = EncryptedResource::new("AEAD_CHACHA", "AAAA", "", "123456789012");
        let key = ApiV3Key::new("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb").unwrap();
        let e = r.decrypt(&key).unwrap_err();
        assert!(e.to_string().contains("AEAD_CHACHA"));
    }

    #[test]
    fn authentication_failure_says_what_to_check() {
        let r = EncryptedResource::new(
            AEAD_AES_256_GCM,
            "AAAAAAAAAAAAAAAAAAAAAA==",
            "x",
            "123456789012",
        );
        let key = ApiV3Key::new("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb").unwrap();
        let e = r.decrypt(&key).unwrap_err();
        assert_eq!(e, DecryptError::Aead(AeadError::Authentication));
        assert!(e.to_string().contains("APIv3 key"));
        assert!(std::error::Error::source(&e).is_some());
    }
}
