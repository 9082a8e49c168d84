//! End-to-end tests of `chop key inspect` and `chop key match`.

use predicates::prelude::*;
use test_support::cli::{chop, json_of};
use test_support::vectors::arg;

/// A fixed "now" inside the validity of the certificate vectors used here
/// (2026-12-01T00:00:00Z): these files have fixed validities, so the tests
/// never check them against the wall clock.
const NOW: &str = "1796083200";

#[test]
fn inspect_certificate_json_has_serial() {
    let j = json_of(
        &[
            "key",
            "inspect",
            &arg("keys/generated/cert-serial-signpad.pem"),
            "--now",
            NOW,
            "--json",
        ],
        0,
    );
    assert_eq!(j["type"], "certificate");
    assert_eq!(j["serial"], "8A3C5E7F9B1D2F4A6C8E0A1B3C5D7E9F00112233");
    assert_eq!(
        j["subject"],
        "CN=chop sign-padding serial,O=chop test merchant,C=CN"
    );
    assert!(j["days_left"].as_i64().unwrap() > 30_000);
    assert_eq!(j["encoding"], "PEM");
}

#[test]
fn inspect_certificate_human() {
    chop()
        .args([
            "key",
            "inspect",
            &arg("keys/generated/cert.der"),
            "--now",
            NOW,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "serial:     408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",
        ))
        .stdout(predicate::str::contains("days left"));
}

#[test]
fn inspect_private_key_formats() {
    for (file, format) in [
        ("keys/generated/key-pkcs1.pem", "PKCS#1 PEM"),
        ("keys/generated/key-pkcs8.der", "PKCS#8 DER"),
        ("keys/generated/key-pkcs8.b64", "PKCS#8 bare base64"),
        ("keys/seed002/apiclient_test_key.pem", "PKCS#1 PEM"),
    ] {
        let j = json_of(&["key", "inspect", &arg(file), "--json"], 0);
        assert_eq!(j["type"], "private_key", "{file}");
        assert_eq!(j["format"], format, "{file}");
        assert_eq!(j["bits"], 2048);
        assert_eq!(j["problems"].as_array().unwrap().len(), 0);
        assert_eq!(j["modulus"].as_str().unwrap().len(), 512);
    }
}

#[test]
fn inspect_seed004_reports_the_damage_and_exits_1() {
    let j = json_of(
        &[
            "key",
            "inspect",
            &arg("keys/seed004/apiclient_test_key_corrupted.pem"),
            "--json",
        ],
        1,
    );
    let p = &j["problems"][0];
    assert_eq!(p["code"], "KEY_INCONSISTENT");
    assert!(p["message"]
        .as_str()
        .unwrap()
        .starts_with("d and qInv are corrupted; n, p, q, e, dP, dQ are consistent"));
}

#[test]
fn inspect_p12_needs_the_merchant_id() {
    chop()
        .args(["key", "inspect", &arg("keys/generated/legacy-3des.p12")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("merchant id"));
    let j = json_of(
        &[
            "key",
            "inspect",
            &arg("keys/generated/legacy-3des.p12"),
            "--password",
            "1900009191",
            "--now",
            NOW,
            "--json",
        ],
        0,
    );
    assert_eq!(j["type"], "pkcs12");
    assert_eq!(
        j["certificates"][0]["serial"],
        "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB"
    );
    assert_eq!(j["private_key"]["format"], "PKCS#12 DER");
}

#[test]
fn inspect_bad_inputs_exit_2() {
    for (file, msg) in [
        ("keys/generated/empty.pem", "is empty"),
        ("keys/generated/random.bin", "not in a recognised format"),
        ("keys/generated/key-truncated.pem", "looks truncated"),
    ] {
        chop()
            .args(["key", "inspect", &arg(file)])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(msg))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn match_pairs_and_mismatches() {
    let j = json_of(
        &[
            "key",
            "match",
            &arg("keys/generated/key-pkcs1.der"),
            &arg("keys/generated/cert.pem"),
            "--json",
        ],
        0,
    );
    assert_eq!(j["match"], true);
    assert_eq!(j["cert_serial"], "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB");
    chop()
        .args([
            "key",
            "match",
            &arg("keys/seed002/apiclient_test_key.pem"),
            &arg("keys/generated/cert.pem"),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NO MATCH"));
    chop()
        .args([
            "key",
            "match",
            &arg("keys/generated/cert.pem"),
            &arg("keys/generated/cert.pem"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no private key"));
}
