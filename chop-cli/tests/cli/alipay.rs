//! End-to-end tests of `chop alipay …`.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use test_support::cli::{chop, json};
use test_support::vectors::{arg, at, text};

/// `chop alipay <args>`.
fn alipay(args: &[&str]) -> Command {
    let mut c = chop();
    c.arg("alipay").args(args);
    c
}

#[test]
fn sign_json_gives_the_vector_content_and_signature() {
    let params = at("alipay/derived_request_sign/params.json");
    let key = arg("keys/alipay/node_app-private-key.pem");
    let j = json(
        &mut alipay(&["sign", "--key", &key, "--params", &params, "--json"]),
        0,
    );
    assert_eq!(
        j["sign_content"],
        text("alipay/derived_request_sign/sign_content.txt")
    );
    assert_eq!(j["sign"], text("alipay/derived_request_sign/sign_rsa2.b64"));
    assert_eq!(j["sign_type"], "RSA2");
}

#[test]
fn sign_own_vector_from_bare_base64_key_and_human_output() {
    let params = at("alipay/own_request_sign/params.json");
    alipay(&[
        "sign",
        "--key",
        &arg("keys/generated/key-pkcs8.b64"),
        "--sign-type",
        "RSA2",
        "--params",
        &params,
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains(text(
        "alipay/own_request_sign/sign_content.txt",
    )))
    .stdout(predicate::str::contains(text(
        "alipay/own_request_sign/sign_rsa2.b64",
    )));
}

#[test]
fn sign_form_params_and_sm2() {
    let j = json(
        &mut alipay(&[
            "sign",
            "--key",
            &arg("keys/alipay/generated/sm2-app-key.pem"),
            "--params",
            "b=2&a=%E4%B8%AD&sign_type=SM2&empty=",
            "--json",
        ]),
        0,
    );
    assert_eq!(j["sign_content"], "a=中&b=2&sign_type=SM2");
    assert_eq!(j["sign_type"], "SM2");
}

#[test]
fn legacy_rsa_signing_is_a_clear_error() {
    alipay(&[
        "sign",
        "--key",
        &arg("keys/alipay/node_app-private-key.pem"),
        "--params",
        "a=1&sign_type=RSA",
    ])
    .assert()
    .code(2)
    .stdout("")
    .stderr(predicate::str::contains("Alipay recommends RSA2"))
    .stderr(predicate::str::contains("what to do"));
}

#[test]
fn bad_params_and_missing_key_exit_2() {
    let key = arg("keys/alipay/node_app-private-key.pem");
    alipay(&["sign", "--key", &key, "--params", "a=1&a=2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("appears more than once"));
    alipay(&["sign", "--key", "/nonexistent.pem", "--params", "a=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read"));
    alipay(&["verify", "notify", "--params", "a=1"])
        .assert()
        .code(2);
}

#[test]
fn verify_notify_ok_and_failed() {
    let j = json(
        &mut alipay(&[
            "verify",
            "notify",
            "--params",
            &at("alipay/node_servicemarket_notify/body.form"),
            "--public-key",
            &arg("keys/alipay/node_alipay-notify-sign-public-key-v2.pem"),
            "--json",
        ]),
        0,
    );
    assert_eq!(j["verified"], true);
    assert_eq!(j["sign_type_signed"], true);
    assert_eq!(j["empty_values_signed"], false);
    assert_eq!(
        j["sign_content"],
        text("alipay/node_servicemarket_notify/sign_content_with_sign_type.txt")
    );
    // JSON params and a certificate work too.
    alipay(&[
        "verify",
        "notify",
        "--params",
        &at("alipay/java_rsacheck_rsa2_utf8/params.json"),
        "--cert",
        &arg("keys/alipay/java_appCertPublicKey_2019091767145019.crt"),
    ])
    .assert()
    .success()
    .stdout(predicate::str::contains("notify verified"));

    let j = json(
        &mut alipay(&[
            "verify",
            "notify",
            "--params",
            &format!(
                "@{}",
                arg("alipay/node_servicemarket_notify_tampered/body.form")
            ),
            "--public-key",
            &arg("keys/alipay/node_alipay-notify-sign-public-key-v2.pem"),
            "--json",
        ]),
        1,
    );
    assert_eq!(j["verified"], false);
    assert_eq!(
        j["tried"][0],
        text("alipay/node_servicemarket_notify_tampered/sign_content_without_sign_type.txt")
    );
}

#[test]
fn verify_response_ok_tampered_and_unreadable() {
    let key = arg("keys/generated/pub-spki.pem");
    let raw = arg("alipay/own_response_escapes_nested_sign/response.json");
    let j = json(
        &mut alipay(&[
            "verify",
            "response",
            "--response",
            &format!("@{raw}"),
            "--public-key",
            &key,
            "--method",
            "alipay.trade.query",
            "--json",
        ]),
        0,
    );
    assert_eq!(
        j["sign_content"],
        text("alipay/own_response_escapes_nested_sign/sign_content.txt")
    );
    let tampered =
        text("alipay/own_response_escapes_nested_sign/response.json").replace("0.01", "9.01");
    alipay(&[
        "verify",
        "response",
        "--response",
        &tampered,
        "--public-key",
        &key,
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::contains("does NOT verify"))
    .stdout(predicate::str::contains("9.01"));
    alipay(&[
        "verify",
        "response",
        "--response",
        "{\"a\":1}",
        "--public-key",
        &key,
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("_response"));
}

#[test]
fn phone_number_steps() {
    let dir = "alipay/own_encrypted_response";
    let aes = text(&format!("{dir}/key.b64"));
    let ct = text(&format!("{dir}/ciphertext.b64"));
    let sign = text(&format!("{dir}/sign.b64"));
    let phone = |aes: &str, public_key: &str| {
        alipay(&[
            "phone",
            "--aes-key",
            aes,
            "--public-key",
            public_key,
            "--response",
            &ct,
            "--sign",
            &sign,
            "--json",
        ])
    };
    let j = json(&mut phone(&aes, &arg("keys/generated/pub-spki.pem")), 0);
    assert_eq!(j["mobile"], "13800000000");
    assert_eq!(j["sign_content"], format!("\"{ct}\""));
    let j = json(
        &mut phone(&aes, &arg("keys/alipay/node_app-public-key.pem")),
        1,
    );
    assert_eq!(j["step"], "verify");
    let j = json(
        &mut phone(
            "aa4BtZ4tspm2wnXLb1ThQA==",
            &arg("keys/generated/pub-spki.pem"),
        ),
        1,
    );
    assert_eq!(j["step"], "decrypt");
    assert!(j["error"].as_str().unwrap().contains("wrong AES key"));
}

#[test]
fn aes_encrypt_and_decrypt() {
    let key = text("alipay/aes_java_test1234567/key.b64");
    alipay(&["encrypt", "--aes-key", &key, "--data", "test1234567"])
        .assert()
        .success()
        .stdout("ILpoMowjIQjfYMR847rnFQ==\n");
    alipay(&[
        "decrypt",
        "--aes-key",
        &key,
        "--data",
        "ILpoMowjIQjfYMR847rnFQ==",
    ])
    .assert()
    .success()
    .stdout("test1234567\n");
    alipay(&[
        "decrypt",
        "--aes-key",
        "AAAA",
        "--data",
        "ILpoMowjIQjfYMR847rnFQ==",
    ])
    .assert()
    .code(2)
    .stderr(predicate::str::contains("16 bytes"));
}

#[test]
fn cert_sn_of_cert_and_root() {
    let j = json(
        &mut alipay(&[
            "cert-sn",
            "--cert",
            &arg("keys/alipay/node_appCertPublicKey_2021001161683774.crt"),
            "--json",
        ]),
        0,
    );
    assert_eq!(j["sn"], "866efef280dec9137a87d047ac446315");
    assert_eq!(
        j["md5_input"],
        text("alipay/certsn_node_app_cert/md5_input.txt")
    );
    let j = json(
        &mut alipay(&[
            "cert-sn",
            "--root-cert",
            &arg("keys/alipay/gopay_alipayRootCert.crt"),
            "--json",
        ]),
        0,
    );
    assert_eq!(j["sn"], text("alipay/certsn_gopay_root/sn.txt"));
    assert_eq!(j["certificates"].as_array().unwrap().len(), 4);
    alipay(&["cert-sn"]).assert().code(2);
}

#[test]
fn v3_sign_reproduces_the_vector_and_v3_verify_checks_a_response() {
    let ctx: Value = serde_json::from_str(&text("alipay/own_v3_request/context.json")).unwrap();
    let s = |k: &str| ctx[k].as_str().unwrap().to_string();
    let body = at("alipay/own_v3_request/body.json");
    let j = json(
        &mut alipay(&[
            "v3-sign",
            "--app-id",
            &s("app_id"),
            "--key",
            &arg(&s("private_key_file")),
            "--app-cert-sn",
            &s("app_cert_sn"),
            "--method",
            "post",
            "--url",
            &s("url"),
            "--body",
            &body,
            "--app-auth-token",
            &s("app_auth_token"),
            "--timestamp",
            &s("timestamp"),
            "--nonce",
            &s("nonce"),
            "--json",
        ]),
        0,
    );
    assert_eq!(
        j["sign_string"],
        text("alipay/own_v3_request/sign_string.txt")
    );
    assert_eq!(
        j["authorization"],
        text("alipay/own_v3_request/authorization.txt")
    );

    let r: Value = serde_json::from_str(&text("alipay/own_v3_response/context.json")).unwrap();
    let h = |k: &str| r["headers"][k].as_str().unwrap().to_string();
    let body = at("alipay/own_v3_response/body.json");
    let args = |ts: &str| {
        vec![
            "v3-verify".to_string(),
            "--public-key".into(),
            arg("keys/generated/pub-spki.pem"),
            "--body".into(),
            body.clone(),
            "--timestamp".into(),
            ts.to_string(),
            "--nonce".into(),
            h("alipay-nonce"),
            "--signature".into(),
            h("alipay-signature"),
        ]
    };
    let ok = args(&h("alipay-timestamp"));
    alipay(&ok.iter().map(String::as_str).collect::<Vec<_>>())
        .assert()
        .success()
        .stdout(predicate::str::contains("response verified"));
    let bad = args("1");
    alipay(&bad.iter().map(String::as_str).collect::<Vec<_>>())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("does NOT verify"))
        .stdout(predicate::str::contains("1\\n"));
}

#[test]
fn verify_notify_with_a_pinned_sign_type() {
    let body = at("alipay/own_notify_form/body.form");
    let key = arg("keys/generated/pub-spki.pem");
    let verify = |sign_type: &str| {
        alipay(&[
            "verify",
            "notify",
            "--params",
            &body,
            "--public-key",
            &key,
            "--sign-type",
            sign_type,
        ])
    };
    verify("RSA2").assert().success();
    verify("RSA")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("expects RSA"));
}
