//! RSA encryption: OAEP with SHA-1 and MGF1-SHA-1 (WeChat Pay sensitive fields)
//! and PKCS#1 v1.5 decryption (legacy data), over aws-lc's keys.
//!
//! The RSA key types call these: [`crate::key::RsaPublicKey::encrypt_oaep_sha1`],
//! [`crate::key::RsaPrivateKey::decrypt_oaep_sha1`] and
//! [`crate::key::RsaPrivateKey::decrypt_pkcs1v15`].

use aws_lc_rs::rsa::{
    OaepPrivateDecryptingKey, OaepPublicEncryptingKey, Pkcs1PrivateDecryptingKey,
    OAEP_SHA1_MGF1SHA1,
};

/// Why an RSA encryption or decryption failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RsaEncError {
    /// The plaintext is longer than the key allows.
    #[error("the plaintext is {got} bytes; RSA-OAEP with this key takes at most {max}")]
    TooLong {
        /// The maximum.
        max: usize,
        /// Actual length.
        got: usize,
    },
    /// Decryption failed: wrong key, wrong padding scheme, or damaged ciphertext.
    #[error("RSA decryption failed: the ciphertext was made for another key (encrypt with the certificate of this private key), with another padding, or was changed")]
    Decryption,
    /// The crypto backend refused the key.
    #[error("the crypto backend could not use this RSA key for encryption")]
    Backend,
}

/// RSA-OAEP (SHA-1, MGF1-SHA-1) encryption.
pub(crate) fn oaep_sha1_encrypt(
    key: &OaepPublicEncryptingKey,
    plaintext: &[u8],
) -> Result<Vec<u8>, RsaEncError> {
    let max = key.max_plaintext_size(&OAEP_SHA1_MGF1SHA1);
    if plaintext.len() > max {
        return Err(RsaEncError::TooLong {
            max,
            got: plaintext.len(),
        });
    }
    let err = RsaEncError::Backend;
    output(key.ciphertext_size(), err, |out| {
        key.encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, out, None)
            .map(|o| o.len())
    })
}

/// RSA-OAEP (SHA-1, MGF1-SHA-1) decryption.
pub(crate) fn oaep_sha1_decrypt(
    key: &OaepPrivateDecryptingKey,
    ciphertext: &[u8],
) -> Result<Vec<u8>, RsaEncError> {
    output(key.min_output_size(), RsaEncError::Decryption, |out| {
        key.decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, out, None)
            .map(|o| o.len())
    })
}

/// RSA PKCS#1 v1.5 decryption.
pub(crate) fn pkcs1v15_decrypt(
    key: &Pkcs1PrivateDecryptingKey,
    ciphertext: &[u8],
) -> Result<Vec<u8>, RsaEncError> {
    output(key.min_output_size(), RsaEncError::Decryption, |out| {
        key.decrypt(ciphertext, out).map(|o| o.len())
    })
}

/// Runs `op` on a buffer of `size` bytes and keeps the bytes it wrote;
/// `err` when it fails.
fn output<E>(
    size: usize,
    err: RsaEncError,
    op: impl FnOnce(&mut [u8]) -> Result<usize, E>,
) -> Result<Vec<u8>, RsaEncError> {
    let mut out = vec![0u8; size];
    let len = op(&mut out).map_err(|_| err)?;
    out.truncate(len);
    Ok(out)
}
