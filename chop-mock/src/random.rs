//! Randomness for ids, serials, nonces and keys, from the aws-lc-rs CSPRNG.

use chop::clock::{NonceSource as _, RandomNonce};

use crate::MockError;

/// `N` random bytes.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], MockError> {
    let mut b = [0u8; N];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| MockError::KeyGen("random"))?;
    Ok(b)
}

/// Uppercase hex of `n` random bytes (a certificate serial).
pub(crate) fn random_hex(n: usize) -> Result<String, MockError> {
    let mut b = fill(n)?;
    b[0] = (b[0] & 0x7f) | 0x10; // positive, no leading zero byte
    Ok(b.iter().map(|x| format!("{x:02X}")).collect())
}

/// `n` random ASCII letters and digits.
pub(crate) fn random_alnum(n: usize) -> Result<String, MockError> {
    const SET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    Ok(fill(n)?
        .iter()
        .map(|x| SET[*x as usize % SET.len()] as char)
        .collect())
}

/// `n` random decimal digits.
pub(crate) fn random_digits(n: usize) -> Result<String, MockError> {
    Ok(fill(n)?.iter().map(|x| char::from(b'0' + x % 10)).collect())
}

/// A random id in the 8-4-4-4-12 lowercase hex layout of a UUID.
pub(crate) fn random_uuid() -> Result<String, MockError> {
    let h = random_hex(16)?.to_lowercase();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

/// A fresh signature nonce (32 uppercase hex characters); all zeros if the
/// CSPRNG fails, so an answer is still sent.
pub(crate) fn nonce() -> String {
    RandomNonce.nonce().unwrap_or_else(|_| "0".repeat(32))
}

fn fill(n: usize) -> Result<Vec<u8>, MockError> {
    let mut b = vec![0u8; n];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| MockError::KeyGen("random"))?;
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let h = random_hex(20).unwrap();
        assert_eq!(h.len(), 40);
        assert!(h
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()));
        assert!(random_alnum(32)
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric()));
        assert!(random_digits(18)
            .unwrap()
            .bytes()
            .all(|b| b.is_ascii_digit()));
        let u = random_uuid().unwrap();
        let parts: Vec<usize> = u.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(nonce().len(), 32);
    }
}
