//! Replay protection beyond the timestamp window: a store of seen notification ids.
//!
//! WeChat Pay retries a notification (same `id`) until the merchant answers
//! success, so a repeated id is normally a retry, not an attack: answer it with
//! success again if it was processed. The store lets a handler tell the two
//! apart without processing the same event twice.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// Remembers notification ids that were accepted.
pub trait SeenIds: Send + Sync + fmt::Debug {
    /// Records `id` as seen at `now` and returns `None` if it was new, or
    /// `Some(first_seen)` (unix seconds) if it had been seen before.
    fn check_and_insert(&self, id: &str, now: i64) -> Option<i64>;

    /// Forgets `id` (e.g. when processing failed and the retry must go through).
    fn forget(&self, id: &str);
}

/// The default [`SeenIds`]: a map in memory whose entries expire after `ttl` seconds.
///
/// ```
/// use chop::wechatpay::{MemorySeenIds, SeenIds};
/// let seen = MemorySeenIds::new(86_400);
/// assert_eq!(seen.check_and_insert("a", 100), None);
/// assert_eq!(seen.check_and_insert("a", 160), Some(100));
/// assert_eq!(seen.check_and_insert("a", 100 + 86_401), None); // expired
/// ```
#[derive(Debug)]
pub struct MemorySeenIds {
    ttl: i64,
    seen: Mutex<HashMap<String, i64>>,
}

impl MemorySeenIds {
    /// A store that remembers ids for `ttl_secs` seconds.
    pub fn new(ttl_secs: i64) -> Self {
        Self {
            ttl: ttl_secs,
            seen: Mutex::new(HashMap::new()),
        }
    }
}

impl Default for MemorySeenIds {
    /// Remembers ids for 24 hours (WeChat Pay retries a notification for up to about 24 h).
    fn default() -> Self {
        Self::new(86_400)
    }
}

impl SeenIds for MemorySeenIds {
    fn check_and_insert(&self, id: &str, now: i64) -> Option<i64> {
        let mut map = match self.seen.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let ttl = self.ttl;
        map.retain(|_, first| now.saturating_sub(*first) <= ttl);
        match map.get(id) {
            Some(first) => Some(*first),
            None => {
                map.insert(id.to_string(), now);
                None
            }
        }
    }

    fn forget(&self, id: &str) {
        let mut map = match self.seen.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        map.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forget_lets_a_retry_through() {
        let s = MemorySeenIds::default();
        assert_eq!(s.check_and_insert("x", 1), None);
        s.forget("x");
        assert_eq!(s.check_and_insert("x", 2), None);
        assert_eq!(s.check_and_insert("x", 3), Some(2));
    }
}
