//! AES-CBC: Alipay content encryption (zero IV, PKCS#5), Mini Program open data
//! (AES-128-CBC, PKCS#7) and message-push crypto (AES-256-CBC with the caller's
//! own 32-byte PKCS#7 padding, hence [`Padding::None`]).

use aws_lc_rs::cipher::{
    DecryptingKey, DecryptionContext, EncryptingKey, EncryptionContext, PaddedBlockDecryptingKey,
    PaddedBlockEncryptingKey, UnboundCipherKey, AES_128, AES_192, AES_256,
};
use aws_lc_rs::iv::FixedLength;

/// How the plaintext is padded to the 16-byte block size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// PKCS#7 (PKCS#5) padding to 16 bytes, added on encryption and checked on decryption.
    Pkcs7,
    /// No padding: the input must be a multiple of 16 bytes; the caller pads.
    None,
}

/// Why an AES-CBC operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CbcError {
    /// Key is not 16, 24 or 32 bytes.
    #[error(
        "AES needs a 16, 24 or 32-byte key, got {got} bytes: check that the key was base64-decoded"
    )]
    KeyLength {
        /// Actual length.
        got: usize,
    },
    /// IV is not 16 bytes.
    #[error("the AES-CBC IV must be 16 bytes, got {got}")]
    IvLength {
        /// Actual length.
        got: usize,
    },
    /// Input is not a whole number of blocks.
    #[error(
        "the AES-CBC input is {len} bytes, not a multiple of 16: it was cut or is not ciphertext"
    )]
    NotBlockAligned {
        /// Actual length.
        len: usize,
    },
    /// Padding is wrong after decryption: almost always the wrong key or IV.
    #[error(
        "the decrypted padding is invalid: the key or IV is wrong, or the ciphertext was changed"
    )]
    BadPadding,
}

/// AES-CBC encryption (AES-128/192/256 by key length).
///
/// ```
/// use chop::crypto::cbc::{aes_cbc_decrypt, aes_cbc_encrypt, Padding};
/// let ct = aes_cbc_encrypt(&[1; 16], &[0; 16], b"test1234567", Padding::Pkcs7)?;
/// assert_eq!(ct.len(), 16);
/// assert_eq!(aes_cbc_decrypt(&[1; 16], &[0; 16], &ct, Padding::Pkcs7)?, b"test1234567");
/// # Ok::<(), chop::crypto::cbc::CbcError>(())
/// ```
///
/// # Errors
/// [`CbcError`] for bad lengths.
pub fn aes_cbc_encrypt(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
    padding: Padding,
) -> Result<Vec<u8>, CbcError> {
    let (key, iv) = parts(key, iv)?;
    let mut buf = plaintext.to_vec();
    let ctx = EncryptionContext::Iv128(iv);
    match padding {
        Padding::Pkcs7 => {
            let k = PaddedBlockEncryptingKey::cbc_pkcs7(key)
                .map_err(|_| CbcError::KeyLength { got: 0 })?;
            k.less_safe_encrypt(&mut buf, ctx)
                .map_err(|_| CbcError::NotBlockAligned {
                    len: plaintext.len(),
                })?;
        }
        Padding::None => {
            if buf.len() % 16 != 0 {
                return Err(CbcError::NotBlockAligned { len: buf.len() });
            }
            let k = EncryptingKey::cbc(key).map_err(|_| CbcError::KeyLength { got: 0 })?;
            k.less_safe_encrypt(&mut buf, ctx)
                .map_err(|_| CbcError::NotBlockAligned {
                    len: plaintext.len(),
                })?;
        }
    }
    Ok(buf)
}

/// AES-CBC decryption (AES-128/192/256 by key length).
///
/// # Errors
/// [`CbcError`]; [`CbcError::BadPadding`] usually means a wrong key.
pub fn aes_cbc_decrypt(
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    padding: Padding,
) -> Result<Vec<u8>, CbcError> {
    let (key, iv) = parts(key, iv)?;
    if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
        return Err(CbcError::NotBlockAligned {
            len: ciphertext.len(),
        });
    }
    let mut buf = ciphertext.to_vec();
    let ctx = DecryptionContext::Iv128(iv);
    let len = match padding {
        Padding::Pkcs7 => {
            let k = PaddedBlockDecryptingKey::cbc_pkcs7(key)
                .map_err(|_| CbcError::KeyLength { got: 0 })?;
            k.decrypt(&mut buf, ctx)
                .map_err(|_| CbcError::BadPadding)?
                .len()
        }
        Padding::None => {
            let k = DecryptingKey::cbc(key).map_err(|_| CbcError::KeyLength { got: 0 })?;
            k.decrypt(&mut buf, ctx)
                .map_err(|_| CbcError::NotBlockAligned {
                    len: ciphertext.len(),
                })?
                .len()
        }
    };
    buf.truncate(len);
    Ok(buf)
}

fn parts(key: &[u8], iv: &[u8]) -> Result<(UnboundCipherKey, FixedLength<16>), CbcError> {
    let alg = match key.len() {
        16 => &AES_128,
        24 => &AES_192,
        32 => &AES_256,
        got => return Err(CbcError::KeyLength { got }),
    };
    let iv = FixedLength::<16>::try_from(iv).map_err(|_| CbcError::IvLength { got: iv.len() })?;
    let key =
        UnboundCipherKey::new(alg, key).map_err(|_| CbcError::KeyLength { got: key.len() })?;
    Ok((key, iv))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn alipay_aes_vector() {
        // shared/vectors/alipay/aes.json (java-all EncryptTest, easysdk): key aa4BtZ4tspm2wnXLb1ThQA==.
        let b64 = base64::engine::general_purpose::STANDARD;
        let key = b64.decode("aa4BtZ4tspm2wnXLb1ThQA==").unwrap();
        let ct = aes_cbc_encrypt(&key, &[0; 16], b"test1234567", Padding::Pkcs7).unwrap();
        assert_eq!(b64.encode(&ct), "ILpoMowjIQjfYMR847rnFQ==");
        assert_eq!(
            aes_cbc_decrypt(&key, &[0; 16], &ct, Padding::Pkcs7).unwrap(),
            b"test1234567"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            aes_cbc_encrypt(&[0; 15], &[0; 16], b"", Padding::Pkcs7),
            Err(CbcError::KeyLength { got: 15 })
        );
        assert_eq!(
            aes_cbc_encrypt(&[0; 16], &[0; 8], b"", Padding::Pkcs7),
            Err(CbcError::IvLength { got: 8 })
        );
        assert_eq!(
            aes_cbc_encrypt(&[0; 16], &[0; 16], b"abc", Padding::None),
            Err(CbcError::NotBlockAligned { len: 3 })
        );
        assert_eq!(
            aes_cbc_decrypt(&[0; 16], &[0; 16], b"abc", Padding::Pkcs7),
            Err(CbcError::NotBlockAligned { len: 3 })
        );
        let ct = aes_cbc_encrypt(&[1; 16], &[0; 16], b"x", Padding::Pkcs7).unwrap();
        assert_eq!(
            aes_cbc_decrypt(&[2; 16], &[0; 16], &ct, Padding::Pkcs7),
            Err(CbcError::BadPadding)
        );
        let raw = aes_cbc_encrypt(&[1; 32], &[3; 16], &[9; 32], Padding::None).unwrap();
        assert_eq!(
            aes_cbc_decrypt(&[1; 32], &[3; 16], &raw, Padding::None).unwrap(),
            vec![9; 32]
        );
    }
}
