//! `chop mock` and `chop tour` end to end: the mock as a process on loopback
//! (started, killed and restarted mid-run), and the tour against the
//! in-process mock.
//!
//! Each test starts servers or processes and waits for them, bounded in time;
//! they take turns ([`one_at_a_time`]) so that one does not slow another past
//! its bounds on a small machine.

use std::sync::{Mutex, MutexGuard};

#[path = "cli_mock/fault.rs"]
mod fault;
#[path = "cli_mock/serve.rs"]
mod serve;
#[path = "cli_mock/tour.rs"]
mod tour;

/// Held by each test of this binary for its whole run.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
