//! Time and nonces as inputs, so that every signature can be reproduced.
//!
//! Signing is a pure function of its inputs; the current time and the random
//! nonce come from a [`Clock`] and a [`NonceSource`]. Production code uses
//! [`SystemClock`] and [`RandomNonce`]; tests and the documented vectors use
//! [`FixedClock`] and [`FixedNonce`].
//!
//! ```
//! use chop::clock::{Clock, FixedClock, FixedNonce, NonceSource};
//!
//! let clock = FixedClock(1554208460);
//! assert_eq!(clock.now_unix(), 1554208460);
//! let nonce = FixedNonce::new("593BEC0C930BF1AFEB40B4A08C8FB242");
//! assert_eq!(nonce.nonce().unwrap(), "593BEC0C930BF1AFEB40B4A08C8FB242");
//! ```

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::{SecureRandom, SystemRandom};

/// How far, in seconds, a signed timestamp may be from now by default, in the
/// past and in the future: 300 s (5 minutes), what WeChat Pay, the Mini Program
/// platform and their SDKs use. A timestamp exactly this far away is accepted.
pub const DEFAULT_WINDOW_SECS: u32 = 300;

/// Whether `timestamp` is at most `window` seconds away from `now`, in the past
/// or the future (exactly `window` away is within).
///
/// ```
/// use chop::clock::within_window;
/// assert!(within_window(1_000 - 300, 1_000, 300));
/// assert!(within_window(1_000 + 300, 1_000, 300));
/// assert!(!within_window(1_000 - 301, 1_000, 300));
/// assert!(!within_window(i64::MIN, i64::MAX, u32::MAX));
/// ```
pub fn within_window(timestamp: i64, now: i64, window: u32) -> bool {
    now.abs_diff(timestamp) <= u64::from(window)
}

/// A source of the current time, in unix seconds.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now_unix(&self) -> i64;
}

/// A shared clock is a clock (so one `Arc<dyn Clock>` can serve several verifiers).
impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now_unix(&self) -> i64 {
        (**self).now_unix()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        }
    }
}

/// A clock stopped at a given unix time (for tests and vectors).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        self.0
    }
}

/// The random source failed; the operating system gave no randomness.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the system random number generator failed; check the operating system's entropy source")]
pub struct RandomError;

/// A source of request nonces.
pub trait NonceSource: Send + Sync + fmt::Debug {
    /// A fresh nonce.
    fn nonce(&self) -> Result<String, RandomError>;
}

/// 32 uppercase hex characters (16 bytes) from the system CSPRNG, the form
/// WeChat Pay's documents use (`593BEC0C930BF1AFEB40B4A08C8FB242`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomNonce;

impl NonceSource for RandomNonce {
    fn nonce(&self) -> Result<String, RandomError> {
        let bytes = random_bytes::<16>()?;
        Ok(crate::hex::upper(&bytes))
    }
}

/// Always the same nonce (for tests and vectors).
#[derive(Debug, Clone)]
pub struct FixedNonce(String);

impl FixedNonce {
    /// A nonce source that always returns `nonce`.
    ///
    /// ```
    /// use chop::clock::{FixedNonce, NonceSource};
    /// assert_eq!(FixedNonce::new("abc").nonce().unwrap(), "abc");
    /// ```
    pub fn new(nonce: impl Into<String>) -> Self {
        Self(nonce.into())
    }
}

impl NonceSource for FixedNonce {
    fn nonce(&self) -> Result<String, RandomError> {
        Ok(self.0.clone())
    }
}

/// `N` bytes from the system CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| RandomError)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_nonce_is_32_uppercase_hex() {
        let a = RandomNonce.nonce().unwrap();
        let b = RandomNonce.nonce().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c)));
        assert_ne!(a, b);
    }

    #[test]
    fn system_clock_is_after_2024() {
        assert!(SystemClock.now_unix() > 1_700_000_000);
    }
}
