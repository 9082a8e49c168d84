//! End-to-end tests of `chop wechatpay verify` and `chop wechatpay notify`.

use assert_cmd::Command;
use predicates::prelude::*;
use test_support::cli::{chop, json};
use test_support::vectors::{arg, at, text};

fn header(case: &str, name: &str) -> String {
    text(&format!("wechatpay/{case}/headers.txt"))
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
        .unwrap()
}

const OLD: &str = "keys/wechatpay-platform/platform-old-cert.pem";
const NEW: &str = "keys/wechatpay-platform/platform-new-cert.pem";
const NOW: &str = "1795420800";

/// `chop wechatpay verify` with the case's headers as flags and its body.
fn verify_flags(case: &str) -> Command {
    let mut c = chop();
    c.args(["wechatpay", "verify"]);
    for (flag, name) in [
        ("--timestamp", "Wechatpay-Timestamp"),
        ("--nonce", "Wechatpay-Nonce"),
        ("--signature", "Wechatpay-Signature"),
        ("--serial", "Wechatpay-Serial"),
    ] {
        c.args([flag, &header(case, name)]);
    }
    c.args(["--body", &at(&format!("wechatpay/{case}/body.txt"))]);
    c
}

/// [`verify_flags`] with both test platform certificates, at a time they are valid.
fn verify(case: &str) -> Command {
    let mut c = verify_flags(case);
    c.args(["--cert", &arg(OLD), "--cert", &arg(NEW), "--now", NOW]);
    c
}

/// `chop wechatpay <verb>` with the `headers.txt` and `body.txt` of the case in `dir`.
fn with_files(verb: &str, dir: &str) -> Command {
    let mut c = chop();
    c.args(["wechatpay", verb])
        .args(["--headers", &at(&format!("{dir}/headers.txt"))])
        .args(["--body", &at(&format!("{dir}/body.txt"))]);
    c
}

#[test]
fn verify_ok_shows_the_sign_string_and_exits_0() {
    let message = text("wechatpay/verify/rotation_old_cert/message.txt");
    verify("verify/rotation_old_cert")
        .assert()
        .success()
        .stdout(predicate::str::contains(message.replace('\n', "\\n")))
        .stdout(predicate::str::contains(
            "verified with 5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
        ));
}

#[test]
fn verify_json_is_one_object() {
    let j = json(
        verify("verify/rotation_new_cert_no_leading_zero").arg("--json"),
        0,
    );
    assert_eq!(j["verified"], true);
    assert_eq!(j["verified_by"], "0A2B3C4D5E6F708192A3B4C5D6E7F80910213243");
    assert_eq!(
        j["sign_string"],
        text("wechatpay/verify/rotation_new_cert_no_leading_zero/message.txt")
    );
}

#[test]
fn tampered_body_exits_1_with_the_sign_string_and_hint() {
    let j = json(verify("verify/tampered_body").arg("--json"), 1);
    assert_eq!(j["verified"], false);
    assert!(j["error"].as_str().unwrap().contains("re-serializes JSON"));
    assert_eq!(
        j["sign_string"],
        text("wechatpay/verify/tampered_body/message.txt")
    );
}

#[test]
fn probe_stale_and_unknown_serial_exit_1_with_reasons() {
    verify("verify/probe_signtest")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("signature probe"));
    verify("verify/stale_timestamp")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("301 s in the past"));
    verify("verify/unknown_serial")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
        "known: 0A2B3C4D5E6F708192A3B4C5D6E7F80910213243, 5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    ));
}

#[test]
fn public_key_mode() {
    let mut c = verify_flags("verify/pubkey_migration");
    c.args([
        "--public-key",
        &arg("keys/wechatpay-platform/platform-pubkey-pub.pem"),
        "--public-key-id",
        "PUB_KEY_ID_0119000091912026112300000000",
        "--now",
        NOW,
    ]);
    c.assert().success().stdout(predicate::str::contains(
        "PUB_KEY_ID_0119000091912026112300000000",
    ));
}

#[test]
fn no_key_is_bad_usage() {
    let headers = [
        "wechatpay",
        "verify",
        "--timestamp",
        "1",
        "--nonce",
        "n",
        "--signature",
        "s",
        "--serial",
        "S",
    ];
    chop()
        .args(headers)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--public-key-id"));
    chop()
        .args(headers)
        .args(["--public-key", "x"])
        .assert()
        .code(2);
}

fn notify(case: &str, key: &str) -> Command {
    let mut c = with_files("notify", &format!("wechatpay/notify/{case}"));
    c.args([
        "--apiv3-key",
        key,
        "--cert",
        &arg(NEW),
        "--public-key",
        &arg("keys/wechatpay-platform/platform-pubkey-pub.pem"),
        "--public-key-id",
        "PUB_KEY_ID_0119000091912026112300000000",
        "--now",
        NOW,
    ]);
    c
}

#[test]
fn notify_prints_the_decrypted_resource() {
    let plain = text("wechatpay/notify/chop_refund_success/plaintext.txt");
    let j = json(
        notify("chop_refund_success", "chopTestApiV3Key0123456789abcdef").arg("--json"),
        0,
    );
    assert_eq!(j["verified"], true);
    assert_eq!(j["event_type"], "REFUND.SUCCESS");
    assert_eq!(j["plaintext"], plain);
    assert_eq!(j["resource"]["refund_status"], "SUCCESS");
    notify("chop_payment_success", "chopTestApiV3Key0123456789abcdef")
        .assert()
        .success()
        .stdout(predicate::str::contains("TRANSACTION.SUCCESS"))
        .stdout(predicate::str::contains("\"trade_state\":\"SUCCESS\""));
}

#[test]
fn notify_with_the_wrong_key_or_a_short_key_is_bad_input() {
    notify("chop_payment_success", "0123456789abcdef0123456789abcdef")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("APIv3 key"));
    notify("chop_payment_success", "testMchAPIv3Key0")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("32 characters"));
}

#[test]
fn upstream_go_callback_with_its_16_byte_test_key() {
    with_files("notify", "wechatpay/notify/go_notify_payscore")
        .args([
            "--apiv3-key",
            "testMchAPIv3Key0",
            "--danger-accept-16-byte-test-key",
            "--cert",
            &arg("keys/upstream/go_test_cert_D7CE59D1F522D701.pem"),
            "--now",
            "1624523846",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("PAYSCORE.USER_OPEN_SERVICE"))
        .stdout(predicate::str::contains("21640bdbd08e473e828f3206a2741c6e"));
}

#[test]
fn verify_from_a_headers_file() {
    with_files("verify", "wechatpay/verify/lowercase_header_names")
        .args(["--cert", &arg(NEW), "--now", NOW])
        .assert()
        .success();
    // A missing header is named.
    chop()
        .args([
            "wechatpay",
            "verify",
            "--headers",
            &at("wechatpay/verify/missing_header/headers.txt"),
            "--cert",
            &arg(NEW),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Wechatpay-Signature"));
}

#[test]
fn unsigned_error_response_is_said_clearly() {
    let j = json(
        with_files("verify", "wechatpay/verify/unsigned_sign_error").args([
            "--status",
            "401",
            "--cert",
            &arg(NEW),
            "--json",
        ]),
        1,
    );
    let e = j["error"].as_str().unwrap();
    assert!(e.contains("HTTP 401 without signature headers"), "{e}");
    assert!(e.contains("SIGN_ERROR"), "{e}");
}
