//! The algorithm suites configured in the MP console, and the symmetric
//! cipher each uses.

use std::fmt;

/// The pair of algorithms configured for the app in the MP console
/// (开发 → 开发管理 → 开发设置 → API安全).
///
/// ```
/// use chop::miniprogram::Suite;
/// assert_eq!(Suite::AesGcmRsa.to_string(), "AES256_GCM + RSAwithSHA256");
/// assert_eq!(Suite::AesGcmRsa.symmetric_key_len(), 32);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Suite {
    /// `AES256_GCM` encryption and `RSAwithSHA256` signatures (RSASSA-PSS,
    /// SHA-256, MGF1-SHA-256, salt length 32).
    #[default]
    AesGcmRsa,
}

impl Suite {
    /// The symmetric algorithm's name as the MP console shows it.
    pub fn symmetric_name(&self) -> &'static str {
        match self {
            Suite::AesGcmRsa => "AES256_GCM",
        }
    }

    /// The signature algorithm's name as the MP console shows it.
    pub fn signature_name(&self) -> &'static str {
        match self {
            Suite::AesGcmRsa => "RSAwithSHA256",
        }
    }

    /// Length of the symmetric key in bytes.
    pub fn symmetric_key_len(&self) -> usize {
        match self {
            Suite::AesGcmRsa => 32,
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} + {}", self.symmetric_name(), self.signature_name())
    }
}

/// Why the symmetric cipher failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SymError {
    KeyLength {
        algorithm: &'static str,
        got: usize,
        expected: usize,
    },
    Authentication,
}

/// GCM-seals `plaintext`; returns `ciphertext || tag`.
pub(crate) fn seal(
    suite: &Suite,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, SymError> {
    check_key(suite, key)?;
    gcm::aes_gcm_seal(key, iv, aad, plaintext).map_err(|_| SymError::Authentication)
}

/// GCM-opens `ciphertext || tag`.
pub(crate) fn open(
    suite: &Suite,
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, SymError> {
    check_key(suite, key)?;
    gcm::aes_gcm_open(key, iv, aad, sealed).map_err(|_| SymError::Authentication)
}

fn check_key(suite: &Suite, key: &[u8]) -> Result<(), SymError> {
    if key.len() != suite.symmetric_key_len() {
        return Err(SymError::KeyLength {
            algorithm: suite.symmetric_name(),
            got: key.len(),
            expected: suite.symmetric_key_len(),
        });
    }
    Ok(())
}

/// AES-GCM over aws-lc, until `chop::crypto::aead` is merged from main.
mod gcm {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, AES_256_GCM};

    fn key(key: &[u8]) -> Result<LessSafeKey, ()> {
        let alg = match key.len() {
            16 => &AES_128_GCM,
            32 => &AES_256_GCM,
            _ => return Err(()),
        };
        Ok(LessSafeKey::new(UnboundKey::new(alg, key).map_err(|_| ())?))
    }

    pub(super) fn aes_gcm_seal(k: &[u8], iv: &[u8], aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, ()> {
        let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| ())?;
        let mut buf = pt.to_vec();
        key(k)?
            .seal_in_place_append_tag(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| ())?;
        Ok(buf)
    }

    pub(super) fn aes_gcm_open(k: &[u8], iv: &[u8], aad: &[u8], ct: &[u8]) -> Result<Vec<u8>, ()> {
        let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| ())?;
        let mut buf = ct.to_vec();
        let n = key(k)?
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| ())?
            .len();
        buf.truncate(n);
        Ok(buf)
    }
}
