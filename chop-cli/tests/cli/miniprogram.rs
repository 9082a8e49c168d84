//! End-to-end tests of `chop miniprogram …` with the official examples.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use test_support::cli::{chop, json};
use test_support::vectors::{arg, at, text};

const CASE: &str = "miniprogram/official_api_signature";
const URL: &str = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=ACCESS_TOKEN";
const SYM: &str = "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=";
const SYM_SN: &str = "fa05fe1e5bcc79b81ad5ad4b58acf787";
const CERT_SN: &str = "79ba700ea147819f640941bceb38b1d1";

fn seal() -> Command {
    let mut c = chop();
    c.args([
        "miniprogram",
        "seal",
        "--appid",
        "wxba6223c06417af7b",
        "--url",
        URL,
        "--sym-key",
        SYM,
        "--sym-sn",
        SYM_SN,
    ])
    .args([
        "--key",
        &arg("keys/miniprogram/api_signature_app_private_key_97845f6ed842ea860df6fdf65941ff56.pem"),
    ])
    .args([
        "--timestamp",
        "1635927954",
        "--iv",
        "fmW/zNxXlytUZBgj",
        "--nonce",
        "o89QaPVsRu1yppIZzvSZc4",
    ])
    .args(["--data", &at(&format!("{CASE}/request_data.json"))]);
    c
}

/// `chop miniprogram open` for the official example's app and platform
/// certificate, the certificate numbered `cert_sn`.
fn open_as(appid: &str, cert_sn: &str) -> Command {
    let mut c = chop();
    c.args([
        "miniprogram",
        "open",
        "--appid",
        appid,
        "--url",
        URL,
        "--sym-key",
        SYM,
        "--sym-sn",
        SYM_SN,
    ])
    .args([
        "--cert",
        &arg("keys/miniprogram/api_signature_platform_cert_79ba700ea147819f640941bceb38b1d1.pem"),
    ])
    .args(["--cert-sn", cert_sn]);
    c
}

/// Opens the official response, signed `sig`, at a time inside its window.
fn open(sig: &str) -> Command {
    let mut c = open_as("wxba6223c06417af7b", CERT_SN);
    c.args([
        "--timestamp",
        "1635927956",
        "--serial",
        CERT_SN,
        "--signature",
        sig,
    ])
    .args(["--body", &at(&format!("{CASE}/response_body.json"))])
    .args(["--now", "1635927960"]);
    c
}

#[test]
fn seal_json_reproduces_the_official_request() {
    let j = json(seal().arg("--json"), 0);
    assert_eq!(j["body"], text(&format!("{CASE}/request_body.json")));
    assert_eq!(
        j["plaintext"],
        text(&format!("{CASE}/request_plaintext.json"))
    );
    assert_eq!(j["aad"], text(&format!("{CASE}/request_aad.txt")));
    assert_eq!(
        j["sign_string"],
        text(&format!("{CASE}/request_sign_string.txt"))
    );
    assert_eq!(j["headers"]["Wechatmp-Appid"], "wxba6223c06417af7b");
    assert_eq!(j["headers"]["Wechatmp-TimeStamp"], "1635927954");
    assert!(j["headers"]["Wechatmp-Signature"].as_str().unwrap().len() > 300);
}

#[test]
fn seal_human_output() {
    seal()
        .assert()
        .success()
        .stdout(predicate::str::contains("body (324 bytes):"))
        .stdout(predicate::str::contains(
            r"https://api.weixin.qq.com/wxa/getuserriskrank\nwxba6223c06417af7b\n1635927954\n{",
        ))
        .stdout(predicate::str::contains("Wechatmp-Signature: "));
}

#[test]
fn open_official_response() {
    let j = json(
        open(&text(&format!("{CASE}/response_signature.b64"))).arg("--json"),
        0,
    );
    assert_eq!(j["verified"], true);
    assert_eq!(
        j["plaintext"],
        text(&format!("{CASE}/response_plaintext.json"))
    );
    assert_eq!(j["aad"], text(&format!("{CASE}/response_aad.txt")));
}

#[test]
fn open_with_a_wrong_signature_exits_1() {
    let sig = text(&format!("{CASE}/request_signature.b64"));
    open(&sig)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("NOT verified"))
        .stdout(predicate::str::contains("sign string checked (368 bytes)"));
}

#[test]
fn open_stale_exits_1_and_missing_header_exits_2() {
    open(&text(&format!("{CASE}/response_signature.b64")))
        .args(["--now", "1700000000"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("check the server clock"));
    let mut c = open_as("wxba6223c06417af7b", CERT_SN);
    c.args(["--timestamp", "1635927956", "--serial", CERT_SN])
        .args(["--body", &at(&format!("{CASE}/response_body.json"))]);
    c.assert()
        .code(2)
        .stderr(predicate::str::contains("no `Wechatmp-Signature` header"));
}

#[test]
fn open_unencrypted_error_is_marked_unverified() {
    let mut c = open_as("wx", CERT_SN);
    c.args([
        "--json",
        "--body",
        r#"{"errcode":40234,"errmsg":"invalid signature rid: 1"}"#,
    ]);
    let j = json(&mut c, 1);
    assert_eq!(j["verified"], false);
    assert_eq!(j["unverified_errcode"], 40234);
    assert!(j["error"].as_str().unwrap().starts_with("UNVERIFIED"));
}

#[test]
fn seal_bad_inputs_exit_2() {
    for (args, message) in [
        (["--data", "not json"], "is not JSON"),
        (["--sym-key", "AAAA"], "AES256_GCM needs 32"),
        (["--iv", "AAAA"], "12 bytes"),
        (["--suite", "sm"], "--key-sn"),
    ] {
        seal()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn decrypt_data_official_example() {
    let dir = "miniprogram/open_data_official_getuserinfo";
    let decrypt_for = |appid: &str| {
        let mut c = chop();
        c.args([
            "miniprogram",
            "decrypt-data",
            "--session-key",
            "tiihtNczf5v6AKRyjwEUhQ==",
            "--iv",
            "r7BXXKkLb8qrSNn05n0qiA==",
        ])
        .args([
            "--data",
            &at(&format!("{dir}/encrypted_data.b64")),
            "--appid",
            appid,
        ]);
        c
    };
    decrypt_for("wx4f4bc4dec97d474b")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "watermark: appid wx4f4bc4dec97d474b issued at 1477314187",
        ))
        .stdout(predicate::str::contains(text(&format!(
            "{dir}/plaintext.txt"
        ))));
    decrypt_for("wxother")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("issued to another app"));
}

#[test]
fn msg_decrypt_encrypt_verify_url() {
    let dir = "miniprogram/msg_wecom_sample_decryptmsg_qdg6ek";
    let common = [
        "--token",
        "QDG6eK",
        "--aes-key",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        "--receive-id",
        "wx5823bf96d3bd56c7",
    ];
    chop()
        .args(["miniprogram", "msg", "decrypt"])
        .args(common)
        .args([
            "--timestamp",
            "1409659813",
            "--nonce",
            "1372623149",
            "--msg-signature",
            "477715d11cdb4164915debcba66cb864d751f3e6",
        ])
        .args(["--encrypt", &at(&format!("{dir}/encrypt.b64")), "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "<Content><![CDATA[hello]]></Content>",
        ));
    chop()
        .args(["miniprogram", "msg", "decrypt"])
        .args(common)
        .args([
            "--timestamp",
            "1409659813",
            "--nonce",
            "1372623149",
            "--msg-signature",
            "0000",
        ])
        .args(["--encrypt", &at(&format!("{dir}/encrypt.b64"))])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("msg_signature does not match"));
    chop()
        .args(["miniprogram", "msg", "verify-url"])
        .args(common)
        .args(["--timestamp", "1409659589", "--nonce", "263014780", "--msg-signature", "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"])
        .args(["--echostr", "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="])
        .assert()
        .success()
        .stdout(predicate::str::contains("1616140317555161061"));
    let j = json(
        chop()
            .args(["miniprogram", "msg", "encrypt"])
            .args(common)
            .args([
                "--timestamp",
                "1",
                "--nonce",
                "2",
                "--msg",
                "<xml/>",
                "--random",
                "AAAAAAAAAAAAAAAAAAAAAA==",
                "--json",
            ]),
        0,
    );
    assert_eq!(j["msg_signature"].as_str().unwrap().len(), 40);
    chop()
        .args([
            "miniprogram",
            "msg",
            "verify-url",
            "--token",
            "QDG6eK",
            "--timestamp",
            "1409659589",
            "--nonce",
            "263014780",
        ])
        .args([
            "--signature",
            "93d1cec91cee4a4a8baada4c807ed13137622215",
            "--echostr",
            "hello",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("hello"));
    chop()
        .args([
            "miniprogram",
            "msg",
            "decrypt",
            "--token",
            "t",
            "--aes-key",
            "short",
            "--timestamp",
            "1",
            "--nonce",
            "2",
        ])
        .args(["--msg-signature", "x", "--encrypt", "y"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("43 characters"));
}

#[test]
fn sm_suite_seal_then_open() {
    let sym = "QkJCQkJCQkJCQkJCQkJCQg=="; // 16 bytes
    let sm = |verb: &str| {
        let mut c = chop();
        c.args(["miniprogram", verb, "--suite", "sm", "--appid", "wxapp"])
            .args(["--url", URL, "--sym-key", sym, "--sym-sn", "s1"]);
        c
    };
    let j = json(
        sm("seal")
            .args([
                "--key",
                &arg("keys/upstream/skit_sm2_private_key_pkcs8.pem"),
                "--key-sn",
                "k1",
                "--timestamp",
                "1700000000",
            ])
            .args(["--data", r#"{"a":1}"#, "--json"]),
        0,
    );
    assert_eq!(j["suite"], "SM4_GCM + SM2withSM3");
    assert_eq!(j["headers"]["Wechatmp-Serial"], "k1");
    // Opened as a response of a "platform certificate" numbered k1 holding the same key.
    sm("open")
        .args([
            "--cert",
            &arg("keys/upstream/skit_sm2_cert.pem"),
            "--cert-sn",
            "k1",
            "--serial",
            "k1",
        ])
        .args(["--timestamp", "1700000000", "--now", "1700000000"])
        .args([
            "--signature",
            j["headers"]["Wechatmp-Signature"].as_str().unwrap(),
        ])
        .args(["--body", j["body"].as_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""a":1}"#));
}

#[test]
fn open_during_rotation_warns_to_replace_the_certificate() {
    let sig = text(&format!("{CASE}/response_signature.b64"));
    let mut c = open_as("wxba6223c06417af7b", "2171af9cdf1d7404423852e7e183d852");
    c.args(["--timestamp", "1635927956", "--serial", CERT_SN])
        .args([
            "--signature",
            "eA==",
            "--deprecated-serial",
            "2171af9cdf1d7404423852e7e183d852",
            "--deprecated-signature",
            &sig,
        ])
        .args([
            "--body",
            &at(&format!("{CASE}/response_body.json")),
            "--now",
            "1635927956",
            "--json",
        ]);
    let out = c
        .assert()
        .success()
        .stderr(predicate::str::contains("is being retired"))
        .get_output()
        .stdout
        .clone();
    let j: Value = serde_json::from_slice(&out).unwrap();
    assert!(j["warning"]
        .as_str()
        .unwrap()
        .contains("download certificate 79ba700ea147819f640941bceb38b1d1"));
}

#[test]
fn errcode_and_raw_data() {
    chop()
        .args(["miniprogram", "errcode", "40234"])
        .assert()
        .success()
        .stdout(predicate::str::contains("40234 API_Invalid_Signature"))
        .stdout(predicate::str::contains(
            "what to do: rebuild the sign string",
        ));
    chop()
        .args(["miniprogram", "errcode", "45009"])
        .assert()
        .code(2);
    let dir = "miniprogram/raw_data_official_signature";
    let sig = text(&format!("{dir}/signature.hex"));
    let raw = at(&format!("{dir}/raw_data.txt"));
    chop()
        .args([
            "miniprogram",
            "check-raw-data",
            "--session-key",
            "HyVFkGl5F5OQWJZZaNzBBg==",
            "--raw-data",
            &raw,
            "--signature",
            &sig,
        ])
        .assert()
        .success();
    chop()
        .args([
            "miniprogram",
            "check-raw-data",
            "--session-key",
            "tiihtNczf5v6AKRyjwEUhQ==",
            "--raw-data",
            &raw,
            "--signature",
            &sig,
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("wx.login"));
}

#[test]
fn msg_decrypt_from_an_xml_body() {
    let dir = "miniprogram/msg_mp_official_sample_spamtest";
    let xml = format!("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{}]]></Encrypt></xml>", text(&format!("{dir}/encrypt.b64")));
    let decrypt = || {
        let mut c = chop();
        c.args(["miniprogram", "msg", "decrypt", "--token", "spamtest"])
            .args(["--aes-key", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"]);
        c
    };
    decrypt()
        .args([
            "--receive-id",
            "wx2c2769f8efd9abc2",
            "--timestamp",
            "1409735669",
            "--nonce",
            "1320562132",
        ])
        .args([
            "--msg-signature",
            "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
            "--body",
            &xml,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "<Content><![CDATA[abcdteT]]></Content>",
        ));
    decrypt()
        .args([
            "--timestamp",
            "1",
            "--nonce",
            "2",
            "--msg-signature",
            "x",
            "--body",
            "<xml></xml>",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no Encrypt field"));
}
