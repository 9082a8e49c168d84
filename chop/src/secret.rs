//! Secret values: zeroized on drop, `[redacted]` in `Debug`.
//!
//! Keys, passwords and symmetric secrets (the WeChat Pay APIv3 key, a Mini Program
//! symmetric key, an Alipay AES key) travel through chop in these newtypes so that
//! they never end up in a log line by accident.
//!
//! ```
//! use chop::secret::SecretString;
//!
//! let password = SecretString::new("1900009191");
//! assert_eq!(format!("{password:?}"), "SecretString([redacted])");
//! // Reading the value is explicit:
//! assert_eq!(password.expose(), "1900009191");
//! ```

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A secret string (a password, an APIv3 key). Zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret string.
    ///
    /// ```
    /// let s = chop::secret::SecretString::new("pw");
    /// assert_eq!(s.expose(), "pw");
    /// ```
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the secret itself. Do not log or format what this returns.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// Secret bytes (a symmetric key, decoded key material). Zeroized on drop; `Debug` prints `[redacted]`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Wraps secret bytes.
    ///
    /// ```
    /// let k = chop::secret::SecretBytes::new(vec![1, 2, 3]);
    /// assert_eq!(k.expose().len(), 3);
    /// assert_eq!(format!("{k:?}"), "SecretBytes([redacted])");
    /// ```
    pub fn new(value: Vec<u8>) -> Self {
        Self(value)
    }

    /// Returns the secret bytes. Do not log or format what this returns.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBytes([redacted])")
    }
}

impl From<Zeroizing<Vec<u8>>> for SecretBytes {
    fn from(mut value: Zeroizing<Vec<u8>>) -> Self {
        Self(std::mem::take(&mut *value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = SecretString::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        let b = SecretBytes::new(b"hunter2".to_vec());
        assert!(!format!("{b:?}").contains("104"));
        assert_eq!(b.len(), 7);
        assert!(!b.is_empty());
    }
}
