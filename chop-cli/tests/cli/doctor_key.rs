//! End-to-end tests of `chop doctor key`.

use predicates::prelude::*;
use test_support::cli::{chop, json};
use test_support::vectors::arg;

/// A fixed "now" inside the validity of the certificate vectors used here
/// (2026-12-01T00:00:00Z): these files have fixed validities, so the tests
/// never check them against the wall clock.
const NOW: &str = "1796083200";

#[test]
fn seed004_key_is_diagnosed() {
    chop()
        .args(["doctor", "key", &arg("keys/seed004/apiclient_test_key_corrupted.pem")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "[KEY_INCONSISTENT] d and qInv are corrupted; n, p, q, e, dP, dQ are consistent — the key was damaged when copied",
        ));
}

#[test]
fn json_lists_findings_and_exit_codes_follow() {
    let j = json(
        chop().args([
            "doctor",
            "key",
            &arg("keys/generated/key-pkcs1.pem"),
            "--cert",
            &arg("keys/upstream/go_test_cert_F5765756002FDD77.pem"),
            "--now",
            NOW,
            "--json",
        ]),
        1,
    );
    assert_eq!(j["ok"], false);
    let codes: Vec<_> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    assert!(
        codes.contains(&"KEY_CERT_MISMATCH".to_string()),
        "{codes:?}"
    );
    chop()
        .args([
            "doctor",
            "key",
            &arg("keys/generated/legacy-3des.p12"),
            "--password",
            "1900009191",
            "--now",
            NOW,
        ])
        .assert()
        .success()
        .stdout("no problems found\n");
    chop()
        .args(["doctor", "key", &arg("keys/missing.pem")])
        .assert()
        .code(2);
}
