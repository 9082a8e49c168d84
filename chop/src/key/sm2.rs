//! SM2 keys (国密, curve sm2p256v1): loading, signing, verifying, encryption.
//!
//! ```
//! use chop::crypto::sm::{Sm2Encoding, DEFAULT_SM2_USER_ID};
//! use chop::key::Sm2PrivateKey;
//! # let pem = std::fs::read("../vectors/keys/upstream/skit_sm2_private_key_pkcs8.pem").unwrap();
//! let key = Sm2PrivateKey::load(&pem)?;
//! let sig = key.sign_with_id(DEFAULT_SM2_USER_ID, b"message", Sm2Encoding::Der).unwrap();
//! key.public_key().verify(b"message", &sig).unwrap();
//! # Ok::<(), chop::key::KeyError>(())
//! ```

use std::fmt;

use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey};
use sm2::{PublicKey, SecretKey};

use super::{source, BadSignature, Certificate, KeyError};
use crate::crypto::sm::{self, Sm2Encoding, SmError, DEFAULT_SM2_USER_ID};
use crate::signer::{SignError, SignatureScheme, Signer};

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
        for block in &source::decode(input, "SM2 private key")? {
            if let Ok(secret) = SecretKey::from_pkcs8_der(&block.der) {
                return Ok(Self { secret });
            }
            if let Ok(secret) = SecretKey::from_sec1_der(&block.der) {
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
        sm::sign(&self.secret, user_id, msg, encoding).map_err(|e| SignError::Backend {
            reason: e.to_string(),
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
        sm::decrypt(&self.secret, ciphertext_der)
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
        for block in &source::decode(input, "SM2 public key")? {
            if let Ok(public) = PublicKey::from_public_key_der(&block.der) {
                return Ok(Self { public });
            }
            if let Ok(cert) = Certificate::from_der(&block.der) {
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
        if sm::verify(&self.public, user_id, msg, sig, encoding) {
            Ok(())
        } else {
            Err(BadSignature {
                scheme: SignatureScheme::Sm2Sm3,
            })
        }
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
        sm::encrypt(&self.public, plaintext)
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
