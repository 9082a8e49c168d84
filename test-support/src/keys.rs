//! Keys and certificates from the vector files (TEST ONLY keys, each with the
//! recipe that made it in a README beside it).
//!
//! Paths are relative to `vectors/`, as the cases' `context.json` files write
//! them. For certificates valid *now*, see `test_support::platform` (feature `mock`).

use chop::key::{Certificate, RsaPrivateKey, RsaPublicKey};

use crate::vectors;

/// The RSA private key in `rel` (no password).
///
/// ```
/// let key = test_support::keys::private_key("keys/generated/key-pkcs8.pem");
/// assert_eq!(key.public_key().bits(), 2048);
/// ```
pub fn private_key(rel: &str) -> RsaPrivateKey {
    RsaPrivateKey::load(&vectors::read(rel), None).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The RSA public key in `rel`.
///
/// ```
/// let key = test_support::keys::public_key("keys/generated/pub-spki.pem");
/// assert_eq!(key.bits(), 2048);
/// ```
pub fn public_key(rel: &str) -> RsaPublicKey {
    RsaPublicKey::load(&vectors::read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The certificate in `rel`.
///
/// ```
/// let cert = test_support::keys::certificate("keys/generated/cert.pem");
/// assert_eq!(cert.serial_hex(), "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB");
/// ```
pub fn certificate(rel: &str) -> Certificate {
    Certificate::load(&vectors::read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}
