//! 国密 (ShangMi) primitives: SM3 hashing, SM2 signatures and encryption
//! (GB/T 32918, GM/T 0003, GM/T 0009), through RustCrypto's `sm2` and `sm3`.
//!
//! The SM2 key types are [`crate::key::Sm2PrivateKey`] and
//! [`crate::key::Sm2PublicKey`]; this module holds the operations they call.
//!
//! SM2 signatures hash `Z_A ‖ M`, where `Z_A` depends on a user ID. WeChat Pay
//! and Alipay use the GM/T 0009 default ID `1234567812345678`
//! ([`DEFAULT_SM2_USER_ID`]). Note: OpenSSL 3 signs with an *empty* ID unless
//! given `-sigopt distid:1234567812345678`.
//!
//! ```
//! assert_eq!(chop::crypto::sm::sm3(b"abc")[..4], [0x66, 0xc7, 0xf0, 0xf4]);
//! ```

use sm2::elliptic_curve::rand_core::{TryCryptoRng, TryRng};
use sm2::{PublicKey, SecretKey};

use crate::clock::RandomError;

/// The default SM2 user ID (GM/T 0009-2012), used by WeChat Pay and Alipay.
pub const DEFAULT_SM2_USER_ID: &[u8] = b"1234567812345678";

/// SM3 digest.
pub fn sm3(data: &[u8]) -> [u8; 32] {
    use sm3::Digest;
    sm3::Sm3::digest(data).into()
}

/// How an SM2 signature is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sm2Encoding {
    /// ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }` (WeChat Pay, OpenSSL).
    Der,
    /// `r ‖ s`, 32 bytes each.
    Raw,
}

/// Why an SM2 operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmError {
    /// The user ID is not valid UTF-8 (the SM2 library takes IDs as text).
    #[error("the SM2 user ID must be text (UTF-8)")]
    UserId,
    /// Encryption or decryption failed.
    #[error("SM2 decryption failed: the ciphertext was made for another key, is not ASN.1 C1C3C2, or was changed")]
    Decryption,
    /// Encryption failed.
    #[error("SM2 encryption failed")]
    Encryption,
    /// Signing failed (the library refused the key or the signature).
    #[error("SM2 signing failed")]
    Signing,
    /// No randomness.
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// Signs `msg` with `user_id`.
pub(crate) fn sign(
    secret: &SecretKey,
    user_id: &[u8],
    msg: &[u8],
    encoding: Sm2Encoding,
) -> Result<Vec<u8>, SmError> {
    let id = std::str::from_utf8(user_id).map_err(|_| SmError::UserId)?;
    let key = sm2::dsa::SigningKey::new(id, secret).map_err(|_| SmError::Signing)?;
    let sig: sm2::dsa::Signature =
        sm2::dsa::signature::Signer::try_sign(&key, msg).map_err(|_| SmError::Signing)?;
    Ok(match encoding {
        Sm2Encoding::Der => sig.to_der().to_bytes().to_vec(),
        Sm2Encoding::Raw => sig.to_bytes().to_vec(),
    })
}

/// Whether `sig` is a signature over `msg` made with `user_id` by `public`'s key.
pub(crate) fn verify(
    public: &PublicKey,
    user_id: &[u8],
    msg: &[u8],
    sig: &[u8],
    encoding: Sm2Encoding,
) -> bool {
    let Ok(id) = std::str::from_utf8(user_id) else {
        return false;
    };
    let Ok(key) = sm2::dsa::VerifyingKey::new(id, *public) else {
        return false;
    };
    let sig = match encoding {
        Sm2Encoding::Der => sm2::dsa::Signature::from_der(sig),
        Sm2Encoding::Raw => sm2::dsa::Signature::from_slice(sig),
    };
    sig.is_ok_and(|sig| sm2::dsa::signature::Verifier::verify(&key, msg, &sig).is_ok())
}

/// Encrypts to ASN.1 `C1C3C2` (GM/T 0009).
pub(crate) fn encrypt(public: &PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, SmError> {
    let key = sm2::pke::EncryptingKey::new_with_mode(*public, sm2::pke::Mode::C1C3C2);
    key.encrypt_der(&mut SysRng, plaintext)
        .map_err(|_| SmError::Encryption)
}

/// Decrypts an ASN.1 `C1C3C2` ciphertext (GM/T 0009).
pub(crate) fn decrypt(secret: &SecretKey, ciphertext_der: &[u8]) -> Result<Vec<u8>, SmError> {
    let key =
        sm2::pke::DecryptingKey::new_with_mode(secret.to_nonzero_scalar(), sm2::pke::Mode::C1C3C2);
    key.decrypt_der(ciphertext_der)
        .map_err(|_| SmError::Decryption)
}

/// The system CSPRNG (aws-lc) as a `rand_core` generator, for SM2 encryption.
struct SysRng;

impl TryRng for SysRng {
    type Error = RandomError;

    fn try_next_u32(&mut self) -> Result<u32, RandomError> {
        Ok(u32::from_le_bytes(crate::clock::random_bytes::<4>()?))
    }

    fn try_next_u64(&mut self) -> Result<u64, RandomError> {
        Ok(u64::from_le_bytes(crate::clock::random_bytes::<8>()?))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), RandomError> {
        use aws_lc_rs::rand::SecureRandom;
        aws_lc_rs::rand::SystemRandom::new()
            .fill(dst)
            .map_err(|_| RandomError)
    }
}

impl TryCryptoRng for SysRng {}
