//! End-to-end tests of `chop wechatpay sign`.

use assert_cmd::Command;
use predicates::prelude::*;
use test_support::cli::{chop, json};
use test_support::vectors::{arg, text};

/// `chop wechatpay sign` of `GET url` as `<id_flag> id` (`--mchid` or
/// `--brand-id`) with certificate `serial` and the key in `key` (under `vectors/`).
fn sign_get(id_flag: &str, id: &str, serial: &str, key: &str, url: &str) -> Command {
    let mut c = chop();
    c.args(["wechatpay", "sign", id_flag, id, "--serial", serial])
        .args(["--key", &arg(key), "--method", "GET", "--url", url]);
    c
}

/// seed 002's request at its timestamp and nonce.
fn seed002(url: &str) -> Command {
    let mut c = sign_get(
        "--mchid",
        "1900009191",
        "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
        "keys/seed002/apiclient_test_key.pem",
        url,
    );
    c.args(SEED002_TIME);
    c
}

const SEED002_TIME: [&str; 4] = [
    "--timestamp",
    "1554208460",
    "--nonce",
    "593BEC0C930BF1AFEB40B4A08C8FB242",
];
const BRAND_SERIAL: &str = "3493DE0D9BB4EB98A8C65EAA7E8EE887EC24B71A";

#[test]
fn seed002_human_output() {
    let sig = text("wechatpay/seed002_get_certificates/signature.b64");
    seed002("/v3/certificates")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n",
        ))
        .stdout(predicate::str::contains("(66 bytes)"))
        .stdout(predicate::str::contains(sig))
        .stdout(predicate::str::contains(text(
            "wechatpay/seed002_get_certificates/authorization.txt",
        )));
}

#[test]
fn seed002_json_is_one_object_with_the_exact_values() {
    for url in [
        "/v3/certificates",
        "https://api.mch.weixin.qq.com/v3/certificates",
    ] {
        let j = json(seed002(url).arg("--json"), 0);
        assert_eq!(
            j["sign_string"],
            text("wechatpay/seed002_get_certificates/message.txt")
        );
        assert_eq!(j["sign_string_length"], 66);
        assert_eq!(
            j["signature"],
            text("wechatpay/seed002_get_certificates/signature.b64")
        );
        assert_eq!(
            j["authorization"],
            text("wechatpay/seed002_get_certificates/authorization.txt")
        );
        assert_eq!(j["url"], "/v3/certificates");
    }
}

#[test]
fn lowercase_method_is_signed_uppercase() {
    let mut c = seed002("/v3/certificates");
    c.args(["--method", "get", "--json"]);
    let j = json(&mut c, 0);
    assert_eq!(
        j["signature"],
        text("wechatpay/seed002_get_certificates/signature.b64")
    );
}

#[test]
fn body_from_file_is_signed_byte_for_byte() {
    let dir = std::env::temp_dir().join(format!("chop-cli-body-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.json");
    std::fs::write(&body, b"{\"amount\":{\"total\":1}}\r\n").unwrap();
    let mut c = seed002("/v3/pay/transactions/native");
    c.args([
        "--method",
        "POST",
        "--body",
        &format!("@{}", body.display()),
        "--json",
    ]);
    let j = json(&mut c, 0);
    assert_eq!(
        j["sign_string"],
        "POST\n/v3/pay/transactions/native\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{\"amount\":{\"total\":1}}\r\n\n"
    );
}

#[test]
fn random_nonce_and_current_time_by_default() {
    let j = json(
        sign_get(
            "--mchid",
            "1900009191",
            "ABC",
            "keys/seed002/apiclient_test_key.pem",
            "/v3/certificates",
        )
        .arg("--json"),
        0,
    );
    let nonce = j["nonce"].as_str().unwrap();
    assert_eq!(nonce.len(), 32);
    assert!(nonce
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    assert!(j["timestamp"].as_i64().unwrap() > 1_700_000_000);
}

#[test]
fn brand_request_uses_the_brand_header() {
    let prefix = text("wechatpay/seed004_brand_path_param/authorization_prefix.txt");
    sign_get(
        "--brand-id",
        "100XX",
        BRAND_SERIAL,
        "keys/generated/key-pkcs8.pem",
        "https://api.mch.weixin.qq.com/brand/marketing/product-coupon/product-coupons/200000001",
    )
    .args(SEED002_TIME)
    .assert()
        .success()
        .stdout(predicate::str::contains(prefix))
        .stdout(predicate::str::contains(
            r"GET\n/brand/marketing/product-coupon/product-coupons/200000001\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n",
        ));
}

#[test]
fn seed004_key_never_signs() {
    sign_get(
        "--brand-id",
        "100XX",
        BRAND_SERIAL,
        "keys/seed004/apiclient_test_key_corrupted.pem",
        "/brand/marketing/product-coupon/product-coupons/200000001",
    )
    .assert()
    .code(2)
    .stdout(predicate::str::is_empty())
    .stderr(predicate::str::contains("d and qInv are wrong"))
    .stderr(predicate::str::contains("damaged when copied"))
    .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn p12_key_with_merchant_id_password() {
    let mut c = sign_get(
        "--mchid",
        "1900009191",
        "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",
        "keys/generated/legacy-rc2-3des.p12",
        "/v3/certificates",
    );
    c.args(["--key-password", "1900009191"]);
    c.assert().success().stdout(predicate::str::contains(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\"",
    ));
}

#[test]
fn bad_inputs_exit_2_with_distinct_errors() {
    let cases: &[(&str, Option<&str>, &str)] = &[
        (
            "keys/generated/modern.p12",
            Some("wrong"),
            "wrong password for the PKCS#12 file",
        ),
        ("keys/generated/modern.p12", None, "needs a password"),
        (
            "keys/generated/key-encrypted-aes.pem",
            Some("nope"),
            "wrong password for the encrypted PKCS#8 key",
        ),
        ("keys/generated/key-truncated.pem", None, "malformed PEM"),
        (
            "keys/generated/ec-key-pkcs8.pem",
            None,
            "expected an RSA key, but this is an EC key (P-256)",
        ),
        ("keys/generated/empty.pem", None, "is empty"),
        (
            "keys/generated/random.bin",
            None,
            "not in a recognised format",
        ),
        (
            "keys/generated/cert.pem",
            None,
            "expected an RSA private key, but the input holds an X.509 certificate",
        ),
        ("keys/does-not-exist.pem", None, "cannot read"),
    ];
    for (file, password, message) in cases {
        let mut c = sign_get("--mchid", "1", "S", file, "/v3/certificates");
        if let Some(p) = password {
            c.args(["--key-password", p]);
        }
        c.assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(*message))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn bad_usage_exits_2() {
    chop()
        .args(["wechatpay", "sign", "--serial", "S"])
        .assert()
        .code(2);
    let mut c = seed002("v3/certificates");
    c.assert()
        .code(2)
        .stderr(predicate::str::contains("give the path starting with `/`"));
    let mut c = seed002("/v3/x?q=a b");
    c.assert()
        .code(2)
        .stderr(predicate::str::contains("percent-encode"));
    let mut c = seed002("/v3/certificates");
    c.args(["--nonce", "a\"b"]);
    c.assert()
        .code(2)
        .stderr(predicate::str::contains("invalid nonce"));
}
