//! Digests: SHA-1 (legacy formats only), SHA-256 and MD5 (Alipay's certificate
//! SN), and a constant-time comparison for digests and MACs.
//!
//! ```
//! use chop::crypto::digest::{constant_time_eq, sha1_hex, sha256};
//! assert_eq!(sha1_hex(&[b"abc"]), "a9993e364706816aba3e25717850c26c9cd0d89d");
//! assert_eq!(sha256(b"abc")[..2], [0xba, 0x78]);
//! assert!(constant_time_eq(b"same", b"same"));
//! assert!(!constant_time_eq(b"same", b"other"));
//! ```

use aws_lc_rs::digest::{self, Context, SHA1_FOR_LEGACY_USE_ONLY, SHA256};

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&SHA256, data).as_ref());
    out
}

/// SHA-1 of the concatenation of `parts` (for the legacy formats that use
/// it: Mini Program message signatures and `rawData` signatures).
pub fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut ctx = Context::new(&SHA1_FOR_LEGACY_USE_ONLY);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 20];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// Lowercase hex of [`sha1`].
pub fn sha1_hex(parts: &[&[u8]]) -> String {
    crate::hex::lower(&sha1(parts))
}

/// MD5 of `data` (Alipay's certificate SN is `md5(issuer + serial)`).
pub fn md5(data: &[u8]) -> [u8; 16] {
    use md5::{Digest, Md5};
    Md5::digest(data).into()
}

/// Whether `a` and `b` are equal, in time that depends only on their lengths
/// (for comparing a signature or MAC with the expected one).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}
