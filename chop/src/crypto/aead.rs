//! Authenticated encryption: AES-GCM (WeChat Pay callbacks and certificates,
//! Mini Program API security) and SM4-GCM (国密 variants).
//!
//! Ciphertexts are `ciphertext || tag` with a 16-byte tag, the form WeChat Pay
//! puts in `resource.ciphertext`. Nonces are 12 bytes.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, AES_256_GCM};

/// Length of a GCM tag.
pub const TAG_LEN: usize = 16;
/// Length of a GCM nonce as these platforms use it.
pub const NONCE_LEN: usize = 12;

/// Why an AEAD operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AeadError {
    /// The key has the wrong length.
    #[error("{algorithm} needs a {expected}-byte key, got {got} bytes: check that the key is the raw key (e.g. the 32-character APIv3 key), not its base64 or hex")]
    KeyLength {
        /// The algorithm.
        algorithm: &'static str,
        /// Expected length(s), e.g. `16 or 32`.
        expected: &'static str,
        /// Actual length.
        got: usize,
    },
    /// The nonce is not 12 bytes.
    #[error("the GCM nonce must be 12 bytes, got {got}")]
    NonceLength {
        /// Actual length.
        got: usize,
    },
    /// The ciphertext is shorter than a tag.
    #[error("the ciphertext is {len} bytes, shorter than the 16-byte authentication tag: it was cut or is not ciphertext||tag")]
    TooShort {
        /// Actual length.
        len: usize,
    },
    /// The tag does not match: wrong key, wrong nonce, wrong associated data, or tampered data.
    #[error("decryption failed: the authentication tag does not match (wrong key, wrong nonce, wrong associated data, or the data was changed)")]
    Authentication,
}

/// AES-GCM encryption (AES-128 or AES-256 by key length). Returns `ciphertext || tag`.
///
/// # Errors
/// [`AeadError`] for a bad key or nonce length.
pub fn aes_gcm_seal(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, AeadError> {
    let key = aes_key(key)?;
    let nonce = nonce_of(nonce)?;
    let mut in_out = plaintext.to_vec();
    key.seal_in_place_append_tag(nonce, Aad::from(aad), &mut in_out)
        .map_err(|_| AeadError::Authentication)?;
    Ok(in_out)
}

/// AES-GCM decryption of `ciphertext || tag` (AES-128 or AES-256 by key length).
///
/// ```
/// # use chop::crypto::aead::*;
/// let err = aes_gcm_open(&[0u8; 32], &[0u8; 12], b"", &[0u8; 20]).unwrap_err();
/// assert_eq!(err, AeadError::Authentication);
/// ```
///
/// # Errors
/// [`AeadError`]; [`AeadError::Authentication`] when the tag does not match.
pub fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    ciphertext_and_tag: &[u8],
) -> Result<Vec<u8>, AeadError> {
    let key = aes_key(key)?;
    let nonce = nonce_of(nonce)?;
    if ciphertext_and_tag.len() < TAG_LEN {
        return Err(AeadError::TooShort {
            len: ciphertext_and_tag.len(),
        });
    }
    let mut in_out = ciphertext_and_tag.to_vec();
    let len = key
        .open_in_place(nonce, Aad::from(aad), &mut in_out)
        .map_err(|_| AeadError::Authentication)?
        .len();
    in_out.truncate(len);
    Ok(in_out)
}

fn aes_key(key: &[u8]) -> Result<LessSafeKey, AeadError> {
    let alg = match key.len() {
        16 => &AES_128_GCM,
        32 => &AES_256_GCM,
        got => {
            return Err(AeadError::KeyLength {
                algorithm: "AES-GCM",
                expected: "16 or 32",
                got,
            })
        }
    };
    UnboundKey::new(alg, key)
        .map(LessSafeKey::new)
        .map_err(|_| AeadError::KeyLength {
            algorithm: "AES-GCM",
            expected: "16 or 32",
            got: key.len(),
        })
}

fn nonce_of(nonce: &[u8]) -> Result<Nonce, AeadError> {
    Nonce::try_assume_unique_for_key(nonce).map_err(|_| AeadError::NonceLength { got: nonce.len() })
}

#[cfg(feature = "sm")]
mod sm4 {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    use aes_gcm::AesGcm;
    use sm4::Sm4;

    use super::{AeadError, NONCE_LEN, TAG_LEN};

    type Sm4Gcm = AesGcm<Sm4, aes_gcm::aead::consts::U12>;

    fn cipher(key: &[u8], nonce: &[u8]) -> Result<Sm4Gcm, AeadError> {
        if nonce.len() != NONCE_LEN {
            return Err(AeadError::NonceLength { got: nonce.len() });
        }
        Sm4Gcm::new_from_slice(key).map_err(|_| AeadError::KeyLength {
            algorithm: "SM4-GCM",
            expected: "16",
            got: key.len(),
        })
    }

    /// SM4-GCM encryption (GB/T 36624, RFC 8998). Returns `ciphertext || tag`.
    ///
    /// ```
    /// # use chop::crypto::aead::*;
    /// let ct = sm4_gcm_seal(&[1u8; 16], &[2u8; 12], b"a", b"hi")?;
    /// assert_eq!(sm4_gcm_open(&[1u8; 16], &[2u8; 12], b"a", &ct)?, b"hi");
    /// # Ok::<(), AeadError>(())
    /// ```
    ///
    /// # Errors
    /// [`AeadError`] for a bad key or nonce length.
    pub fn sm4_gcm_seal(
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, AeadError> {
        let c = cipher(key, nonce)?;
        let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(nonce)
            .map_err(|_| AeadError::NonceLength { got: nonce.len() })?;
        c.encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| AeadError::Authentication)
    }

    /// SM4-GCM decryption of `ciphertext || tag`.
    ///
    /// # Errors
    /// [`AeadError`]; [`AeadError::Authentication`] when the tag does not match.
    pub fn sm4_gcm_open(
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        ciphertext_and_tag: &[u8],
    ) -> Result<Vec<u8>, AeadError> {
        let c = cipher(key, nonce)?;
        if ciphertext_and_tag.len() < TAG_LEN {
            return Err(AeadError::TooShort {
                len: ciphertext_and_tag.len(),
            });
        }
        let nonce = aes_gcm::Nonce::<aes_gcm::aead::consts::U12>::try_from(nonce)
            .map_err(|_| AeadError::NonceLength { got: nonce.len() })?;
        c.decrypt(
            &nonce,
            Payload {
                msg: ciphertext_and_tag,
                aad,
            },
        )
        .map_err(|_| AeadError::Authentication)
    }
}

#[cfg(feature = "sm")]
pub use sm4::{sm4_gcm_open, sm4_gcm_seal};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked() {
        assert!(matches!(
            aes_gcm_seal(&[0; 24], &[0; 12], b"", b""),
            Err(AeadError::KeyLength { got: 24, .. })
        ));
        assert!(matches!(
            aes_gcm_seal(&[0; 32], &[0; 16], b"", b""),
            Err(AeadError::NonceLength { got: 16 })
        ));
        assert!(matches!(
            aes_gcm_open(&[0; 32], &[0; 12], b"", b"short"),
            Err(AeadError::TooShort { len: 5 })
        ));
    }
}
