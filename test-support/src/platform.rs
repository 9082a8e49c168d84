//! WeChat Pay platform certificates valid *now*, made at test time.
//!
//! `vectors/keys/wechatpay-platform/platform-{old,new}-cert.pem` have fixed
//! validities (2021-12-01..2026-12-01 and 2026-06-01..2031-06-01): tests that
//! verify with the wall clock use these re-issued copies instead — the same
//! subjects, serials, keys and extensions, issued by the same test root CA,
//! with validities relative to the moment the test runs.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use chop::key::{Certificate, RsaPrivateKey};

use crate::keys;

pub use crate::wechatpay::{NEW_SERIAL, OLD_SERIAL};

const DAY: Duration = Duration::from_secs(86_400);

/// One platform certificate valid now, with its private key.
#[derive(Debug)]
pub struct Current {
    /// The certificate's PEM.
    pub pem: String,
    /// The certificate.
    pub certificate: Certificate,
    /// The platform's private key (TEST ONLY, from the vectors).
    pub key: RsaPrivateKey,
}

/// The rotation pair, re-issued at test time.
#[derive(Debug)]
pub struct Rotation {
    /// The expiring certificate: valid from a year ago to 30 days from now.
    pub old: Current,
    /// The newer certificate: valid from a day ago to five years from now.
    pub new: Current,
    /// The test root CA that issued both, itself re-issued valid from ten
    /// years ago to ten years from now (same subject, serial and key).
    pub root: Certificate,
}

/// The rotation pair valid now (made once per test process).
///
/// ```
/// let r = test_support::platform::current();
/// assert_eq!(r.new.certificate.serial_hex(), test_support::platform::NEW_SERIAL);
/// let now = chop::clock::Clock::now_unix(&chop::clock::SystemClock);
/// chop::wechatpay::verify_chain(&r.old.certificate, &r.root, now).unwrap();
/// chop::wechatpay::verify_chain(&r.new.certificate, &r.root, now).unwrap();
/// ```
pub fn current() -> &'static Rotation {
    static ROTATION: OnceLock<Rotation> = OnceLock::new();
    ROTATION.get_or_init(|| {
        let now = SystemTime::now();
        let fixed_root = keys::certificate("keys/wechatpay-platform/test-root-ca.pem");
        let root_key = keys::private_key("keys/wechatpay-platform/test-root-ca-key.pem");
        // The root too has a fixed validity: re-issue it (self-signed) around now.
        let (_, root) = chop_mock::keys::reissue(
            &fixed_root,
            &fixed_root,
            &root_key,
            now - DAY * 3650,
            now + DAY * 3650,
        )
        .expect("re-issue the test root CA");
        let make = |name: &str, not_before: SystemTime, not_after: SystemTime| {
            let fixed =
                keys::certificate(&format!("keys/wechatpay-platform/platform-{name}-cert.pem"));
            let (pem, certificate) =
                chop_mock::keys::reissue(&fixed, &root, &root_key, not_before, not_after)
                    .expect("re-issue a platform certificate");
            let key =
                keys::private_key(&format!("keys/wechatpay-platform/platform-{name}-key.pem"));
            Current {
                pem,
                certificate,
                key,
            }
        };
        Rotation {
            old: make("old", now - DAY * 365, now + DAY * 30),
            new: make("new", now - DAY, now + DAY * 365 * 5),
            root,
        }
    })
}
