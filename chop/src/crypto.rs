//! Leaf wrappers over audited primitives, shaped for the platforms' formats:
//! AEAD, CBC, digests, RSA encryption and the SM primitives. Nothing here knows
//! about keys files or platforms (the key types of [`crate::key`] call in here).
//!
//! chop never implements RSA, AES or SM arithmetic itself. These functions
//! compose aws-lc-rs (digests, RSA-OAEP, RSA PKCS#1 v1.5 decryption, AES-GCM,
//! AES-CBC), RustCrypto's `md-5`, and `sm2`, `sm3`, `sm4` and `aes-gcm`
//! (SM4-GCM) behind the `sm` feature, and give each failure a typed error that
//! says what to check.
//!
//! ```
//! use chop::crypto::aead::{aes_gcm_open, aes_gcm_seal};
//! let key = [7u8; 32];
//! let sealed = aes_gcm_seal(&key, &[1u8; 12], b"aad", b"hello")?;
//! assert_eq!(aes_gcm_open(&key, &[1u8; 12], b"aad", &sealed)?, b"hello");
//! # Ok::<(), chop::crypto::aead::AeadError>(())
//! ```

pub mod aead;
pub mod cbc;
pub mod digest;
pub mod rsa_enc;
#[cfg(feature = "sm")]
pub mod sm;
