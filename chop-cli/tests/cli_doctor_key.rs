//! End-to-end tests of `chop doctor key`.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// A fixed "now" inside the validity of the certificate vectors used here
/// (2026-12-01T00:00:00Z): these files have fixed validities, so the tests
/// never check them against the wall clock.
const NOW: &str = "1796083200";

fn v(rel: &str) -> String {
    format!("{}/../vectors/keys/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn seed004_key_is_diagnosed() {
    Command::cargo_bin("chop")
        .unwrap()
        .args(["doctor", "key", &v("seed004/apiclient_test_key_corrupted.pem")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "[KEY_INCONSISTENT] d and qInv are corrupted; n, p, q, e, dP, dQ are consistent — the key was damaged when copied",
        ));
}

#[test]
fn json_lists_findings_and_exit_codes_follow() {
    let out = Command::cargo_bin("chop")
        .unwrap()
        .args([
            "doctor",
            "key",
            &v("generated/key-pkcs1.pem"),
            "--cert",
            &v("upstream/go_test_cert_F5765756002FDD77.pem"),
            "--now",
            NOW,
            "--json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let j: Value = serde_json::from_slice(&out).unwrap();
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
    Command::cargo_bin("chop")
        .unwrap()
        .args([
            "doctor",
            "key",
            &v("generated/legacy-3des.p12"),
            "--password",
            "1900009191",
            "--now",
            NOW,
        ])
        .assert()
        .success()
        .stdout("no problems found\n");
    Command::cargo_bin("chop")
        .unwrap()
        .args(["doctor", "key", &v("missing.pem")])
        .assert()
        .code(2);
}
