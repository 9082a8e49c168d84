//! RSA encryption: OAEP with SHA-1 and MGF1-SHA-1 (WeChat Pay sensitive fields)
//! and PKCS#1 v1.5 decryption (legacy data).

use aws_lc_rs::rsa::OAEP_SHA1_MGF1SHA1;

use crate::key::{RsaPrivateKey, RsaPublicKey};

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

/// RSA-OAEP (SHA-1, MGF1-SHA-1) encryption, as WeChat Pay uses for sensitive fields.
///
/// ```
/// # use chop::key::RsaPrivateKey;
/// # use chop::crypto::rsa_enc::*;
/// # let key = RsaPrivateKey::load(&std::fs::read("../vectors/keys/generated/key-pkcs8.pem").unwrap(), None).unwrap();
/// let ct = rsa_oaep_sha1_encrypt(key.public_key(), "张三".as_bytes())?;
/// assert_eq!(rsa_oaep_sha1_decrypt(&key, &ct)?, "张三".as_bytes());
/// # Ok::<(), RsaEncError>(())
/// ```
///
/// # Errors
/// [`RsaEncError::TooLong`] for a plaintext over the limit (214 bytes for RSA-2048).
pub fn rsa_oaep_sha1_encrypt(key: &RsaPublicKey, plaintext: &[u8]) -> Result<Vec<u8>, RsaEncError> {
    let k = key.oaep_key().ok_or(RsaEncError::Backend)?;
    let max = k.max_plaintext_size(&OAEP_SHA1_MGF1SHA1);
    if plaintext.len() > max {
        return Err(RsaEncError::TooLong {
            max,
            got: plaintext.len(),
        });
    }
    let mut out = vec![0u8; k.ciphertext_size()];
    let len = k
        .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, &mut out, None)
        .map_err(|_| RsaEncError::Backend)?
        .len();
    out.truncate(len);
    Ok(out)
}

/// RSA-OAEP (SHA-1, MGF1-SHA-1) decryption with the merchant's private key.
///
/// # Errors
/// [`RsaEncError::Decryption`] when the ciphertext does not decrypt.
pub fn rsa_oaep_sha1_decrypt(
    key: &RsaPrivateKey,
    ciphertext: &[u8],
) -> Result<Vec<u8>, RsaEncError> {
    let k = key.oaep_key().ok_or(RsaEncError::Backend)?;
    let mut out = vec![0u8; k.min_output_size()];
    let len = k
        .decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, &mut out, None)
        .map_err(|_| RsaEncError::Decryption)?
        .len();
    out.truncate(len);
    Ok(out)
}

/// RSA PKCS#1 v1.5 decryption (legacy; WeChat Pay's v2-era data and some SDK vectors).
///
/// # Errors
/// [`RsaEncError::Decryption`] when the ciphertext does not decrypt.
pub fn rsa_pkcs1v15_decrypt(
    key: &RsaPrivateKey,
    ciphertext: &[u8],
) -> Result<Vec<u8>, RsaEncError> {
    let k = key.pkcs1_decrypting_key().ok_or(RsaEncError::Backend)?;
    let mut out = vec![0u8; k.min_output_size()];
    let len = k
        .decrypt(ciphertext, &mut out)
        .map_err(|_| RsaEncError::Decryption)?
        .len();
    out.truncate(len);
    Ok(out)
}
