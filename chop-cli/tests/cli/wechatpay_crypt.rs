//! End-to-end tests of `chop wechatpay encrypt|decrypt` and `chop wechatpay certs decrypt`.

use predicates::prelude::*;
use test_support::cli::{chop, json};
use test_support::vectors::{arg, at};

#[test]
fn decrypt_upstream_oaep_vector() {
    let j = json(
        chop().args([
            "wechatpay",
            "decrypt",
            &at("wechatpay/oaep/go_decryptor_oaep/ciphertext.b64"),
            "--key",
            &arg("keys/upstream/go_test_private_key.pem"),
            "--json",
        ]),
        0,
    );
    assert_eq!(j["plaintext"], "hello world");
    chop()
        .args([
            "wechatpay",
            "decrypt",
            &format!(
                "@{}",
                arg("wechatpay/oaep/java_pkcs1v15_decryptor/ciphertext.b64")
            ),
            "--key",
            &arg("keys/upstream/java_core_merchant_private_key.pem"),
            "--pkcs1",
        ])
        .assert()
        .success()
        .stdout("plaintext\n");
}

#[test]
fn encrypt_picks_the_newest_certificate_and_round_trips() {
    let j = json(
        chop().args([
            "wechatpay",
            "encrypt",
            "张三",
            "--cert",
            &arg("keys/wechatpay-platform/platform-old-cert.pem"),
            "--cert",
            &arg("keys/wechatpay-platform/platform-new-cert.pem"),
            "--now",
            "1795420800",
            "--json",
        ]),
        0,
    );
    assert_eq!(
        j["wechatpay_serial"],
        "0A2B3C4D5E6F708192A3B4C5D6E7F80910213243"
    );
    let ct = j["ciphertext"].as_str().unwrap();
    chop()
        .args([
            "wechatpay",
            "decrypt",
            ct,
            "--key",
            &arg("keys/wechatpay-platform/platform-new-key.pem"),
        ])
        .assert()
        .success()
        .stdout("张三\n");
    // With the wrong key: bad input, with the reason.
    chop()
        .args([
            "wechatpay",
            "decrypt",
            ct,
            "--key",
            &arg("keys/wechatpay-platform/platform-old-key.pem"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("merchant API certificate"));
}

#[test]
fn certs_decrypt_saves_each_certificate_and_checks_the_chain() {
    let dir = std::env::temp_dir().join(format!("chop-certs-{}", std::process::id()));
    let case = "wechatpay/certificates/java_download_certificate_response";
    let j = json(
        chop().args([
            "wechatpay",
            "certs",
            "decrypt",
            "--apiv3-key",
            "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
            "--response",
            &at(&format!("{case}/response.json")),
            "--root",
            &arg("keys/upstream/tenpay_root.pem"),
            "--out",
            dir.to_str().unwrap(),
            "--now",
            "1795420800",
            "--json",
        ]),
        0,
    );
    let c = &j["certificates"][0];
    assert_eq!(c["serial_no"], "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC");
    assert_eq!(c["chain"]["ok"], true);
    let saved = std::fs::read(dir.join("5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC.pem")).unwrap();
    assert_eq!(
        saved,
        std::fs::read(arg(&format!("{case}/certificate.pem"))).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn certs_decrypt_verifies_the_signature_on_first_use() {
    let dir = std::env::temp_dir().join(format!("chop-certs-go-{}", std::process::id()));
    let case = "wechatpay/certificates/go_mock_download_server";
    let mut c = chop();
    c.args([
        "wechatpay",
        "certs",
        "decrypt",
        "--apiv3-key",
        "mockAPIv3Key1234",
        "--danger-accept-16-byte-test-key",
        "--response",
        &at(&format!("{case}/response.json")),
        "--headers",
        &at(&format!("{case}/headers.txt")),
        "--out",
        dir.to_str().unwrap(),
        "--now",
        "1624523846",
    ]);
    c.assert()
        .success()
        .stdout(predicate::str::contains("verified with D7CE59D1F522D701"))
        .stdout(predicate::str::contains("trust on first use"));
    assert!(dir.join("D7CE59D1F522D701.pem").exists());
    // Against the Tenpay root, wechatpay-go's mock certificate does not chain: exit 1.
    c.args(["--root", &arg("keys/upstream/tenpay_root.pem")]);
    c.assert()
        .code(1)
        .stdout(predicate::str::contains("does NOT chain"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn certs_404_tells_to_switch_to_public_key_mode() {
    chop()
        .args([
            "wechatpay",
            "certs",
            "decrypt",
            "--apiv3-key",
            "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
            "--status",
            "404",
            "--response",
            &format!(
                "@{}",
                arg("wechatpay/certificates/resource_not_exists/response.json")
            ),
            "--out",
            std::env::temp_dir().join("chop-never").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("public-key mode"));
}
