//! `diagnose::check_key`: one broken thing at a time, and only that thing is named.

use chop::diagnose::{check_key, KeyCheck, Severity};
use chop::key::Certificate;
use chop::secret::SecretString;
use test_support::vectors;

const SERIAL: &str = "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB";

fn codes(
    key: &str,
    cert: Option<&Certificate>,
    serial: Option<&str>,
    now: i64,
) -> Vec<&'static str> {
    let pw = SecretString::new("1900009191");
    check_key(
        &vectors::key(key),
        &KeyCheck {
            password: Some(&pw),
            certificate: cert,
            serial,
            now,
        },
    )
    .iter()
    .map(|f| f.code)
    .collect()
}

#[test]
fn healthy_key_certificate_and_serial() {
    let cert = Certificate::load(&vectors::key("generated/cert.pem")).unwrap();
    let now = cert.validity().not_before + 86_400;
    assert!(codes("generated/key-pkcs8.pem", Some(&cert), Some(SERIAL), now).is_empty());
    // Case and leading zeros of the serial do not matter.
    assert!(codes(
        "generated/key-pkcs8.pem",
        Some(&cert),
        Some(&format!("00{}", SERIAL.to_lowercase())),
        now
    )
    .is_empty());
    // A .p12 brings its own certificate.
    assert!(codes("generated/modern.p12", None, Some(SERIAL), now).is_empty());
}

#[test]
fn each_problem_alone() {
    let cert = Certificate::load(&vectors::key("generated/cert.pem")).unwrap();
    let v = cert.validity();
    let now = v.not_before + 86_400;
    assert_eq!(
        codes("seed004/apiclient_test_key_corrupted.pem", None, None, now),
        ["KEY_INCONSISTENT"]
    );
    assert_eq!(
        codes(
            "seed002/apiclient_test_key.pem",
            Some(&cert),
            Some(SERIAL),
            now
        ),
        ["KEY_CERT_MISMATCH"]
    );
    assert_eq!(
        codes(
            "generated/key-pkcs8.pem",
            Some(&cert),
            Some("1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"),
            now
        ),
        ["SERIAL_MISMATCH"]
    );
    assert_eq!(
        codes(
            "generated/key-pkcs8.pem",
            Some(&cert),
            None,
            v.not_after + 86_400
        ),
        ["CERT_EXPIRED"]
    );
    assert_eq!(
        codes(
            "generated/key-pkcs8.pem",
            Some(&cert),
            None,
            v.not_before - 86_400
        ),
        ["CERT_NOT_YET_VALID"]
    );
    assert_eq!(
        codes(
            "generated/key-pkcs8.pem",
            Some(&cert),
            None,
            v.not_after - 10 * 86_400
        ),
        ["CERT_EXPIRES_SOON"]
    );
    assert_eq!(
        codes("generated/key-truncated.pem", None, None, now),
        ["KEY_MALFORMED_PEM"]
    );
    assert_eq!(
        codes("generated/ec-key-pkcs8.pem", None, None, now),
        ["KEY_NOT_RSA"]
    );
    assert_eq!(
        codes("generated/cert.pem", None, None, now),
        ["KEY_NOT_PRIVATE"]
    );
    assert_eq!(
        codes("generated/key-pkcs8.pem", None, Some(SERIAL), now),
        ["SERIAL_UNCHECKED"]
    );
}

#[test]
fn expiring_soon_is_only_a_warning() {
    let cert = Certificate::load(&vectors::key("generated/cert.pem")).unwrap();
    let pw = SecretString::new("x");
    let f = check_key(
        &vectors::key("generated/key-pkcs8.pem"),
        &KeyCheck {
            password: Some(&pw),
            certificate: Some(&cert),
            serial: None,
            now: cert.validity().not_after - 86_400,
        },
    );
    assert_eq!(f[0].severity, Severity::Warning);
}
