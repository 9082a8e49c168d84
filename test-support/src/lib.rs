//! TEST ONLY helpers shared by chop's tests (`publish = false`).
//!
//! - [`vectors`]: paths and bytes of the files under `vectors/`.
//! - [`platform`]: the WeChat Pay platform test certificates, re-issued at
//!   test time with a validity relative to now, for tests that use the wall
//!   clock. The fixed-validity files in `vectors/keys/` are vectors: a test
//!   may use them only with a fixed clock (see `vectors/keys/*/README.md`).
//!
//! ```
//! let current = test_support::platform::current();
//! let now = chop::clock::Clock::now_unix(&chop::clock::SystemClock);
//! assert!(current.old.certificate.validity().contains(now));
//! ```

pub mod platform;
pub mod vectors;
