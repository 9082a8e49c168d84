//! End-to-end tests of `chop wechatpay encrypt|decrypt` and `chop wechatpay certs decrypt`.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn v(rel: &str) -> String {
    format!("{}/../vectors/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn chop() -> Command {
    Command::cargo_bin("chop").unwrap()
}

fn json_out(c: &mut Command, code: i32) -> Value {
    let out = c.assert().code(code).get_output().stdout.clone();
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
}

#[test]
fn decrypt_upstream_oaep_vector() {
    let j = json_out(
        chop().args([
            "wechatpay",
            "decrypt",
            &format!("@{}", v("wechatpay/oaep/go_decryptor_oaep/ciphertext.b64")),
            "--key",
            &v("keys/upstream/go_test_private_key.pem"),
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
                v("wechatpay/oaep/java_pkcs1v15_decryptor/ciphertext.b64")
            ),
            "--key",
            &v("keys/upstream/java_core_merchant_private_key.pem"),
            "--pkcs1",
        ])
        .assert()
        .success()
        .stdout("plaintext\n");
}

#[test]
fn encrypt_picks_the_newest_certificate_and_round_trips() {
    let j = json_out(
        chop().args([
            "wechatpay",
            "encrypt",
            "张三",
            "--cert",
            &v("keys/wechatpay-platform/platform-old-cert.pem"),
            "--cert",
            &v("keys/wechatpay-platform/platform-new-cert.pem"),
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
            &v("keys/wechatpay-platform/platform-new-key.pem"),
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
            &v("keys/wechatpay-platform/platform-old-key.pem"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("merchant API certificate"));
}

#[test]
fn certs_decrypt_saves_each_certificate_and_checks_the_chain() {
    let dir = std::env::temp_dir().join(format!("chop-certs-{}", std::process::id()));
    let case = "wechatpay/certificates/java_download_certificate_response";
    let j = json_out(
        chop().args([
            "wechatpay",
            "certs",
            "decrypt",
            "--apiv3-key",
            "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb",
            "--response",
            &format!("@{}", v(&format!("{case}/response.json"))),
            "--root",
            &v("keys/upstream/tenpay_root.pem"),
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
        std::fs::read(v(&format!("{case}/certificate.pem"))).unwrap()
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
        &format!("@{}", v(&format!("{case}/response.json"))),
        "--headers",
        &format!("@{}", v(&format!("{case}/headers.txt"))),
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
    c.args(["--root", &v("keys/upstream/tenpay_root.pem")]);
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
                v("wechatpay/certificates/resource_not_exists/response.json")
            ),
            "--out",
            std::env::temp_dir().join("chop-never").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("public-key mode"));
}
