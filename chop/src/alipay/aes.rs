//! Alipay content encryption (接口内容加密): AES-CBC, zero IV, PKCS#5, base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::crypto::cbc::{aes_cbc_decrypt, aes_cbc_encrypt, CbcError, Padding};
use crate::secret::SecretBytes;

const ZERO_IV: [u8; 16] = [0; 16];

/// The AES key of 接口内容加密方式 (content encryption), as the console shows
/// it in base64. 16 bytes gives AES-128 (what Alipay issues); 24 and 32 bytes
/// give AES-192 and AES-256. Zeroized on drop, redacted in `Debug`.
///
/// ```
/// use chop::alipay::{AesKey, decrypt_content, encrypt_content};
/// let key = AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==")?;
/// assert_eq!(encrypt_content(&key, b"test1234567")?, "ILpoMowjIQjfYMR847rnFQ==");
/// assert_eq!(decrypt_content(&key, "ILpoMowjIQjfYMR847rnFQ==")?, "test1234567");
/// assert_eq!(format!("{key:?}"), "AesKey([redacted])");
/// # Ok::<(), chop::alipay::AesError>(())
/// ```
#[derive(Clone)]
pub struct AesKey(SecretBytes);

/// Why content could not be encrypted or decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AesError {
    /// The key is not base64.
    #[error("the AES key is not base64: copy it again from the open platform (开发设置 → 接口内容加密方式)")]
    KeyNotBase64,
    /// The key has the wrong length.
    #[error("the AES key is {got} bytes after base64 decoding; Alipay AES keys are 16 bytes (24 or 32 also work): copy the whole key from 接口内容加密方式")]
    KeyLength {
        /// Decoded length.
        got: usize,
    },
    /// The encrypted content is not base64.
    #[error("the encrypted content is not base64: pass it exactly as received (a JSON string's value, without its quotes)")]
    ContentNotBase64,
    /// Decryption failed.
    #[error("cannot decrypt the content: usually the wrong AES key (each app and mini program has its own key in 接口内容加密方式), or the content was cut or changed")]
    Decrypt(#[source] CbcError),
    /// Encryption failed in the backend.
    #[error("cannot encrypt the content")]
    Encrypt(#[source] CbcError),
    /// The plaintext is not UTF-8.
    #[error("the decrypted content is not UTF-8: the AES key is probably wrong")]
    NotUtf8,
}

impl AesKey {
    /// From the base64 the console shows.
    ///
    /// # Errors
    /// [`AesError::KeyNotBase64`] or [`AesError::KeyLength`].
    pub fn from_base64(b64: &str) -> Result<Self, AesError> {
        let bytes = STANDARD
            .decode(b64.trim())
            .map_err(|_| AesError::KeyNotBase64)?;
        Self::from_bytes(SecretBytes::new(bytes))
    }

    /// From raw key bytes.
    ///
    /// # Errors
    /// [`AesError::KeyLength`] unless 16, 24 or 32 bytes.
    pub fn from_bytes(bytes: SecretBytes) -> Result<Self, AesError> {
        match bytes.len() {
            16 | 24 | 32 => Ok(Self(bytes)),
            got => Err(AesError::KeyLength { got }),
        }
    }

    /// Key size in bits (128, 192 or 256).
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }
}

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AesKey([redacted])")
    }
}

/// Encrypts content (a request's `biz_content`) and returns base64.
///
/// # Errors
/// [`AesError::Encrypt`] only if the backend fails.
pub fn encrypt_content(key: &AesKey, plaintext: &[u8]) -> Result<String, AesError> {
    let ct = aes_cbc_encrypt(key.0.expose(), &ZERO_IV, plaintext, Padding::Pkcs7)
        .map_err(AesError::Encrypt)?;
    Ok(STANDARD.encode(ct))
}

/// Decrypts base64 content (an encrypted response, the mini program phone
/// number) to UTF-8 text.
///
/// # Errors
/// [`AesError`]: not base64, wrong length, wrong key (bad padding), not UTF-8.
pub fn decrypt_content(key: &AesKey, ciphertext_b64: &str) -> Result<String, AesError> {
    let ct = STANDARD
        .decode(ciphertext_b64.trim())
        .map_err(|_| AesError::ContentNotBase64)?;
    let pt = aes_cbc_decrypt(key.0.expose(), &ZERO_IV, &ct, Padding::Pkcs7)
        .map_err(AesError::Decrypt)?;
    String::from_utf8(pt).map_err(|_| AesError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs() {
        assert_eq!(
            AesKey::from_base64("not base64!").unwrap_err(),
            AesError::KeyNotBase64
        );
        assert_eq!(
            AesKey::from_base64("AAAA").unwrap_err(),
            AesError::KeyLength { got: 3 }
        );
        let key = AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==").unwrap();
        assert_eq!(key.bits(), 128);
        assert_eq!(
            decrypt_content(&key, "%%%").unwrap_err(),
            AesError::ContentNotBase64
        );
        assert!(matches!(
            decrypt_content(&key, "AAAA"),
            Err(AesError::Decrypt(CbcError::NotBlockAligned { len: 3 }))
        ));
        let other = AesKey::from_base64("aYA0GP8JEW+D7/UFaskCWA==").unwrap();
        assert!(matches!(
            decrypt_content(&other, "ILpoMowjIQjfYMR847rnFQ=="),
            Err(AesError::Decrypt(CbcError::BadPadding) | AesError::NotUtf8)
        ));
    }

    #[test]
    fn key_sizes_pick_the_cipher() {
        for n in [16usize, 24, 32] {
            let key = AesKey::from_bytes(SecretBytes::new(vec![7; n])).unwrap();
            let ct = encrypt_content(&key, "中文".as_bytes()).unwrap();
            assert_eq!(decrypt_content(&key, &ct).unwrap(), "中文");
        }
    }
}
