//! End-to-end tests of `chop doctor alipay`.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn v(rel: &str) -> String {
    format!("{}/../vectors/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn chop() -> Command {
    Command::cargo_bin("chop").unwrap()
}

#[test]
fn correct_response_shows_the_signed_content() {
    chop()
        .args(["doctor", "alipay", "--method", "alipay.open.file.upload"])
        .args([
            "--response",
            &format!("@{}", v("alipay/node_open_file_upload/response.json")),
        ])
        .args([
            "--alipay-public-key",
            &v("keys/alipay/node_alipay-public-key.pem"),
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "signed content (77 bytes, from `alipay_open_file_upload_response`):",
        ))
        .stdout(predicate::str::contains("quote rule applies: no"))
        .stdout(predicate::str::contains("no problems found"));
}

#[test]
fn app_key_confusion_in_json() {
    let out = chop()
        .args([
            "doctor",
            "alipay",
            "--json",
            "--method",
            "alipay.open.file.upload",
        ])
        .args([
            "--response",
            &format!("@{}", v("alipay/node_open_file_upload/response.json")),
        ])
        .args([
            "--alipay-public-key",
            &v("keys/alipay/node_app-public-key.pem"),
        ])
        .args([
            "--app-public-key",
            &v("keys/alipay/node_app-public-key.pem"),
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let j: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(j["findings"][0]["code"], "ALIPAY_APP_KEY_AS_ALIPAY_KEY");
    assert_eq!(j["findings"].as_array().unwrap().len(), 1);
    assert_eq!(j["quote_rule"], false);
    assert_eq!(j["response_key"], "alipay_open_file_upload_response");
}

#[test]
fn encrypted_response_quote_rule_and_bad_input() {
    chop()
        .args(["doctor", "alipay", "--method", "alipay.user.info.share"])
        .args([
            "--response",
            &format!("@{}", v("alipay/own_encrypted_response/response.json")),
        ])
        .args(["--alipay-public-key", &v("keys/generated/pub-spki.pem")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("quote rule applies: yes"));
    chop()
        .args(["doctor", "alipay", "--response", "<html>502</html>"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read --response"));
}
