//! 国密 (ShangMi): SM3 hashing, SM2 signatures and encryption (GB/T 32918,
//! GM/T 0003, GM/T 0009), through RustCrypto's `sm2` and `sm3`.
//!
//! SM2 signatures hash `Z_A ‖ M`, where `Z_A` depends on a user ID. WeChat Pay
//! and Alipay use the GM/T 0009 default ID `1234567812345678`
//! ([`DEFAULT_SM2_USER_ID`]). Note: OpenSSL 3 signs with an *empty* ID unless
//! given `-sigopt distid:1234567812345678`.
//!
//! ```
//! use chop::crypto::sm::{sm3, Sm2Encoding, Sm2PrivateKey, DEFAULT_SM2_USER_ID};
//! # let pem = std::fs::read("../vectors/keys/upstream/skit_sm2_private_key_pkcs8.pem").unwrap();
//! let key = Sm2PrivateKey::load(&pem)?;
//! let sig = key.sign_with_id(DEFAULT_SM2_USER_ID, b"message", Sm2Encoding::Der).unwrap();
//! key.public_key().verify(b"message", &sig).unwrap();
//! assert_eq!(chop::crypto::sm::sm3(b"abc")[..4], [0x66, 0xc7, 0xf0, 0xf4]);
//! # Ok::<(), chop::key::KeyError>(())
//! ```

use std::fmt;

use sm2::elliptic_curve::rand_core::{TryCryptoRng, TryRng};
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey};
use sm2::{PublicKey, SecretKey};
use sm3::Digest;

use crate::clock::RandomError;
use crate::key::{BadSignature, Certificate, KeyError};
use crate::signer::{SignError, SignatureScheme, Signer};

/// The default SM2 user ID (GM/T 0009-2012), used by WeChat Pay and Alipay.
pub const DEFAULT_SM2_USER_ID: &[u8] = b"1234567812345678";

/// SM3 digest.
pub fn sm3(data: &[u8]) -> [u8; 32] {
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
    /// No randomness.
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// An SM2 private key (curve sm2p256v1).
pub struct Sm2PrivateKey {
    secret: SecretKey,
}

/// An SM2 public key.
#[derive(Clone, PartialEq, Eq)]
pub struct Sm2PublicKey {
    public: PublicKey,
}

impl Sm2PrivateKey {
    /// Loads an SM2 private key: PKCS#8 or SEC1 (`EC PRIVATE KEY`), as PEM, DER or bare base64.
    ///
    /// # Errors
    /// [`KeyError`] when the input is not an SM2 private key.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        let blocks = crate::key::decode_blocks(input, "SM2 private key")?;
        for der in &blocks {
            if let Ok(secret) = SecretKey::from_pkcs8_der(der) {
                return Ok(Self { secret });
            }
            if let Ok(secret) = SecretKey::from_sec1_der(der) {
                return Ok(Self { secret });
            }
        }
        Err(KeyError::WrongContent {
            expected: "an SM2 private key (PKCS#8 or SEC1 on curve sm2p256v1)",
            found: "something else (an RSA key, another curve, or a damaged key)".into(),
        })
    }

    /// From the 32-byte private scalar (big-endian).
    ///
    /// # Errors
    /// [`KeyError::Rejected`] when the bytes are not a valid scalar.
    pub fn from_scalar_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        SecretKey::from_slice(bytes)
            .map(|secret| Self { secret })
            .map_err(|_| KeyError::Rejected {
                reason: "not a valid SM2 private scalar (32 bytes, below the curve order)".into(),
            })
    }

    /// Signs `msg` with `user_id` (use [`DEFAULT_SM2_USER_ID`] unless the platform says otherwise).
    ///
    /// # Errors
    /// [`SignError`] when the ID is not text or the signer fails.
    pub fn sign_with_id(
        &self,
        user_id: &[u8],
        msg: &[u8],
        encoding: Sm2Encoding,
    ) -> Result<Vec<u8>, SignError> {
        let id = std::str::from_utf8(user_id).map_err(|_| SignError::Backend {
            reason: "the SM2 user ID must be UTF-8 text".into(),
        })?;
        let key = sm2::dsa::SigningKey::new(id, &self.secret).map_err(|_| SignError::Backend {
            reason: "cannot make an SM2 signing key".into(),
        })?;
        let sig: sm2::dsa::Signature =
            sm2::dsa::signature::Signer::try_sign(&key, msg).map_err(|_| SignError::Backend {
                reason: "SM2 signing failed".into(),
            })?;
        Ok(match encoding {
            Sm2Encoding::Der => sig.to_der().to_bytes().to_vec(),
            Sm2Encoding::Raw => sig.to_bytes().to_vec(),
        })
    }

    /// The public key.
    pub fn public_key(&self) -> Sm2PublicKey {
        Sm2PublicKey {
            public: self.secret.public_key(),
        }
    }

    /// Decrypts an SM2 ciphertext in ASN.1 `C1C3C2` form (GM/T 0009), as WeChat Pay sends it.
    ///
    /// # Errors
    /// [`SmError::Decryption`] when it does not decrypt.
    pub fn decrypt(&self, ciphertext_der: &[u8]) -> Result<Vec<u8>, SmError> {
        let key = sm2::pke::DecryptingKey::new_with_mode(
            self.secret.to_nonzero_scalar(),
            sm2::pke::Mode::C1C3C2,
        );
        key.decrypt_der(ciphertext_der)
            .map_err(|_| SmError::Decryption)
    }
}

impl Signer for Sm2PrivateKey {
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match scheme {
            SignatureScheme::Sm2Sm3 => {
                self.sign_with_id(DEFAULT_SM2_USER_ID, message, Sm2Encoding::Der)
            }
            other => Err(SignError::UnsupportedScheme { scheme: other }),
        }
    }
}

impl fmt::Debug for Sm2PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sm2PrivateKey")
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl Sm2PublicKey {
    /// Loads an SM2 public key (SPKI as PEM, DER or bare base64) or takes it from a certificate.
    ///
    /// # Errors
    /// [`KeyError`] when the input holds no SM2 public key.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        let blocks = crate::key::decode_blocks(input, "SM2 public key")?;
        for der in &blocks {
            if let Ok(public) = PublicKey::from_public_key_der(der) {
                return Ok(Self { public });
            }
            if let Ok(cert) = Certificate::from_der(der) {
                return Self::from_certificate(&cert);
            }
        }
        Err(KeyError::WrongContent {
            expected: "an SM2 public key or certificate",
            found: "something else".into(),
        })
    }

    /// From an SEC1 point (`04 ‖ x ‖ y`, or compressed).
    ///
    /// # Errors
    /// [`KeyError::Rejected`] when the bytes are not a point on sm2p256v1.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        PublicKey::from_sec1_bytes(bytes)
            .map(|public| Self { public })
            .map_err(|_| KeyError::Rejected {
                reason: "not a point on the SM2 curve".into(),
            })
    }

    /// The SM2 public key of a certificate.
    ///
    /// # Errors
    /// [`KeyError::WrongContent`] when the certificate's key is not SM2.
    pub fn from_certificate(cert: &Certificate) -> Result<Self, KeyError> {
        PublicKey::from_public_key_der(cert.spki_der())
            .map(|public| Self { public })
            .map_err(|_| KeyError::WrongContent {
                expected: "a certificate with an SM2 key",
                found: format!("a certificate with {}", cert.key_algorithm()),
            })
    }

    /// Verifies a signature made with `user_id`.
    ///
    /// # Errors
    /// [`BadSignature`] when it does not verify.
    pub fn verify_with_id(
        &self,
        user_id: &[u8],
        msg: &[u8],
        sig: &[u8],
        encoding: Sm2Encoding,
    ) -> Result<(), BadSignature> {
        let bad = BadSignature {
            scheme: SignatureScheme::Sm2Sm3,
        };
        let id = std::str::from_utf8(user_id).map_err(|_| bad.clone())?;
        let key = sm2::dsa::VerifyingKey::new(id, self.public).map_err(|_| bad.clone())?;
        let sig = match encoding {
            Sm2Encoding::Der => sm2::dsa::Signature::from_der(sig),
            Sm2Encoding::Raw => sm2::dsa::Signature::from_slice(sig),
        }
        .map_err(|_| bad.clone())?;
        sm2::dsa::signature::Verifier::verify(&key, msg, &sig).map_err(|_| bad)
    }

    /// Verifies a DER signature made with the default user ID.
    ///
    /// # Errors
    /// [`BadSignature`] when it does not verify.
    pub fn verify(&self, msg: &[u8], der_sig: &[u8]) -> Result<(), BadSignature> {
        self.verify_with_id(DEFAULT_SM2_USER_ID, msg, der_sig, Sm2Encoding::Der)
    }

    /// Encrypts to ASN.1 `C1C3C2` (GM/T 0009).
    ///
    /// # Errors
    /// [`SmError`] when randomness or encryption fails.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, SmError> {
        let key = sm2::pke::EncryptingKey::new_with_mode(self.public, sm2::pke::Mode::C1C3C2);
        key.encrypt_der(&mut SysRng, plaintext)
            .map_err(|_| SmError::Encryption)
    }

    /// The uncompressed SEC1 point (`04 ‖ x ‖ y`).
    pub fn to_sec1_bytes(&self) -> Vec<u8> {
        self.public.to_sec1_bytes().to_vec()
    }
}

impl fmt::Debug for Sm2PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sm2PublicKey")
            .field("sec1", &crate::hex::lower(&self.to_sec1_bytes()))
            .finish()
    }
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
