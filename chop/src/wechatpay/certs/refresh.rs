//! When to download the platform certificates again: a sans-I/O policy.

use std::collections::HashSet;

/// Download again every 12 hours by default.
pub const DEFAULT_REFRESH_INTERVAL_SECS: i64 = 12 * 3600;

/// What to do about a serial no key has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownSerialAction {
    /// Download the certificates now, then verify again.
    RefreshNow,
    /// A download was already made for this serial: fail the verification.
    GiveUp,
}

/// Decides when an HTTP integration should call `/v3/certificates`.
///
/// The policy does no I/O: ask it ([`RefreshPolicy::is_due`],
/// [`RefreshPolicy::on_unknown_serial`]), download, then report with
/// [`RefreshPolicy::refreshed`].
///
/// ```
/// use chop::wechatpay::{RefreshPolicy, UnknownSerialAction};
/// let mut p = RefreshPolicy::new();
/// assert!(p.is_due(1_000)); // never downloaded
/// p.refreshed(1_000);
/// assert!(!p.is_due(1_000 + 12 * 3600 - 1));
/// assert!(p.is_due(1_000 + 12 * 3600));
/// assert_eq!(p.on_unknown_serial("ABC", 2_000), UnknownSerialAction::RefreshNow);
/// p.refreshed(2_000);
/// assert_eq!(p.on_unknown_serial("ABC", 2_001), UnknownSerialAction::GiveUp);
/// ```
#[derive(Debug, Clone)]
pub struct RefreshPolicy {
    interval: i64,
    last: Option<i64>,
    tried: HashSet<String>,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RefreshPolicy {
    /// Every 12 hours, and once per unknown serial.
    pub fn new() -> Self {
        Self {
            interval: DEFAULT_REFRESH_INTERVAL_SECS,
            last: None,
            tried: HashSet::new(),
        }
    }

    /// Sets the interval in seconds.
    pub fn with_interval(mut self, secs: i64) -> Self {
        self.interval = secs;
        self
    }

    /// Whether a scheduled download is due at `now` (never downloaded, or the
    /// interval has passed; a clock that went backwards also counts as due).
    pub fn is_due(&self, now: i64) -> bool {
        match self.last {
            None => true,
            Some(last) => now < last || now - last >= self.interval,
        }
    }

    /// When the next scheduled download is due, if one was made.
    pub fn next_due(&self) -> Option<i64> {
        self.last.map(|l| l.saturating_add(self.interval))
    }

    /// A message named `serial`, which no key has: download once, then give up
    /// on that serial until the next scheduled download.
    pub fn on_unknown_serial(&mut self, serial: &str, _now: i64) -> UnknownSerialAction {
        if self.tried.insert(serial.to_string()) {
            UnknownSerialAction::RefreshNow
        } else {
            UnknownSerialAction::GiveUp
        }
    }

    /// Reports a successful download at `now`.
    pub fn refreshed(&mut self, now: i64) {
        if self.is_due(now) {
            self.tried.clear();
        }
        self.last = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_serial_is_retried_after_the_next_scheduled_download() {
        let mut p = RefreshPolicy::new().with_interval(100);
        p.refreshed(0);
        assert_eq!(
            p.on_unknown_serial("A", 10),
            UnknownSerialAction::RefreshNow
        );
        p.refreshed(10);
        assert_eq!(p.on_unknown_serial("A", 11), UnknownSerialAction::GiveUp);
        assert_eq!(
            p.on_unknown_serial("B", 11),
            UnknownSerialAction::RefreshNow
        );
        assert!(p.is_due(110));
        p.refreshed(110);
        assert_eq!(
            p.on_unknown_serial("A", 111),
            UnknownSerialAction::RefreshNow
        );
        assert_eq!(p.next_due(), Some(210));
        assert!(p.is_due(5)); // clock went backwards
    }
}
