//! The workspace's `vectors/` folder.

use std::path::PathBuf;

/// The path of `rel` under the workspace's `vectors/` folder.
///
/// ```
/// assert!(test_support::vectors::path("keys/generated/README.md").exists());
/// ```
pub fn path(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors")).join(rel)
}

/// The bytes of `rel` under `vectors/`; panics with the path when missing.
///
/// ```
/// assert!(!test_support::vectors::read("keys/generated/cert.pem").is_empty());
/// ```
pub fn read(rel: &str) -> Vec<u8> {
    let p = path(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read vector {}: {e}", p.display()))
}

/// The bytes of `rel` under `vectors/keys/`.
///
/// ```
/// assert!(!test_support::vectors::key("generated/key-pkcs8.pem").is_empty());
/// ```
pub fn key(rel: &str) -> Vec<u8> {
    read(&format!("keys/{rel}"))
}
