//! End-to-end tests of `chop doctor alipay`.

use predicates::prelude::*;
use test_support::cli::{chop, json};
use test_support::vectors::{arg, at};

#[test]
fn correct_response_shows_the_signed_content() {
    chop()
        .args(["doctor", "alipay", "--method", "alipay.open.file.upload"])
        .args([
            "--response",
            &at("alipay/node_open_file_upload/response.json"),
        ])
        .args([
            "--alipay-public-key",
            &arg("keys/alipay/node_alipay-public-key.pem"),
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
    let j = json(
        chop()
            .args([
                "doctor",
                "alipay",
                "--json",
                "--method",
                "alipay.open.file.upload",
            ])
            .args([
                "--response",
                &at("alipay/node_open_file_upload/response.json"),
            ])
            .args([
                "--alipay-public-key",
                &arg("keys/alipay/node_app-public-key.pem"),
            ])
            .args([
                "--app-public-key",
                &arg("keys/alipay/node_app-public-key.pem"),
            ]),
        1,
    );
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
            &at("alipay/own_encrypted_response/response.json"),
        ])
        .args(["--alipay-public-key", &arg("keys/generated/pub-spki.pem")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("quote rule applies: yes"));
    chop()
        .args(["doctor", "alipay", "--response", "<html>502</html>"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read --response"));
}
