//! Hex encoding helpers (formatting only; no cryptography).

use std::fmt::Write;

/// Uppercase hex of `bytes`, no separators.
pub(crate) fn upper(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// Lowercase hex of `bytes`, no separators.
pub(crate) fn lower(bytes: &[u8]) -> String {
    upper(bytes).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes() {
        assert_eq!(super::upper(&[0x00, 0x8a, 0xff]), "008AFF");
        assert_eq!(super::lower(&[0x00, 0x8a, 0xff]), "008aff");
    }
}
