//! `diagnose::check_alipay_response`: a correct response, then one thing broken
//! at a time, and only that thing named.

use chop::alipay::AlipayPublicKey;
use chop::diagnose::{check_alipay_response, AlipayCheck, Severity};
use chop::key::{Certificate, RsaPublicKey};
use test_support::vectors::read;

const RESPONSE: &str = "alipay/node_open_file_upload/response.json";
const METHOD: Option<&str> = Some("alipay.open.file.upload");

fn codes(raw: &[u8], check: &AlipayCheck<'_>) -> Vec<&'static str> {
    check_alipay_response(raw, check)
        .unwrap()
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

fn alipay_key() -> AlipayPublicKey {
    AlipayPublicKey::load(&read("keys/alipay/node_alipay-public-key.pem")).unwrap()
}

#[test]
fn correct_response_and_its_signed_content() {
    let key = alipay_key();
    let check = AlipayCheck {
        method: METHOD,
        alipay_key: Some(&key),
        ..Default::default()
    };
    let r = check_alipay_response(&read(RESPONSE), &check).unwrap();
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(
        r.response.sign_content.as_bytes(),
        read("alipay/node_open_file_upload/sign_content.txt")
    );
    assert!(!r.response.encrypted);
}

#[test]
fn app_public_key_used_as_alipay_key() {
    let app = read("keys/alipay/node_app-public-key.pem");
    let wrong = AlipayPublicKey::load(&app).unwrap();
    let app_key = RsaPublicKey::load(&app).unwrap();
    let check = AlipayCheck {
        method: METHOD,
        alipay_key: Some(&wrong),
        app_public_key: Some(&app_key),
        ..Default::default()
    };
    assert_eq!(
        codes(&read(RESPONSE), &check),
        ["ALIPAY_APP_KEY_AS_ALIPAY_KEY"]
    );
}

#[test]
fn changed_content_is_a_mismatch() {
    let key = alipay_key();
    let raw = String::from_utf8(read(RESPONSE))
        .unwrap()
        .replace("Success", "success");
    let check = AlipayCheck {
        method: METHOD,
        alipay_key: Some(&key),
        ..Default::default()
    };
    assert_eq!(codes(raw.as_bytes(), &check), ["ALIPAY_SIGNATURE_MISMATCH"]);
}

#[test]
fn unsigned_and_unchecked() {
    let raw = br#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"}}"#;
    assert_eq!(
        codes(raw, &AlipayCheck::default()),
        ["ALIPAY_RESPONSE_UNSIGNED"]
    );
    let r = check_alipay_response(
        &read(RESPONSE),
        &AlipayCheck {
            method: METHOD,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.findings.len(), 1);
    assert_eq!(
        (r.findings[0].code, r.findings[0].severity),
        ("ALIPAY_SIGNATURE_UNCHECKED", Severity::Warning)
    );
}

#[test]
fn encrypted_response_quote_rule() {
    let key = AlipayPublicKey::load(&read("keys/generated/pub-spki.pem")).unwrap();
    let check = AlipayCheck {
        method: Some("alipay.user.info.share"),
        alipay_key: Some(&key),
        ..Default::default()
    };
    let r = check_alipay_response(&read("alipay/own_encrypted_response/response.json"), &check)
        .unwrap();
    assert!(r.response.encrypted);
    assert!(r.response.sign_content.as_str().starts_with('"'));
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[test]
fn certificate_sns_recomputed() {
    let cert = Certificate::load(&read(
        "keys/alipay/node_appCertPublicKey_2021001161683774.crt",
    ))
    .unwrap();
    let sn = String::from_utf8(read("alipay/certsn_node_app_cert/sn.txt")).unwrap();
    let ok = AlipayCheck {
        app_cert: Some((&cert, sn.trim())),
        ..Default::default()
    };
    let raw = br#"{"x_response":{"code":"10000"}}"#;
    assert_eq!(codes(raw, &ok), ["ALIPAY_RESPONSE_UNSIGNED"]);
    let bad = AlipayCheck {
        app_cert: Some((&cert, "0000")),
        ..Default::default()
    };
    assert_eq!(
        codes(raw, &bad),
        ["ALIPAY_RESPONSE_UNSIGNED", "ALIPAY_APP_CERT_SN_MISMATCH"]
    );
    let root = read("keys/alipay/node_alipayRootCert.crt");
    let root_sn = String::from_utf8(read("alipay/certsn_node_root/sn.txt")).unwrap();
    let ok = AlipayCheck {
        root_cert: Some((&root, root_sn.trim())),
        ..Default::default()
    };
    assert_eq!(codes(raw, &ok), ["ALIPAY_RESPONSE_UNSIGNED"]);
    let bad = AlipayCheck {
        root_cert: Some((&root, "abc_def")),
        ..Default::default()
    };
    assert_eq!(
        codes(raw, &bad),
        ["ALIPAY_RESPONSE_UNSIGNED", "ALIPAY_ROOT_CERT_SN_MISMATCH"]
    );
}

#[test]
fn response_signed_with_another_alipay_certificate() {
    let key = AlipayPublicKey::from_certificate_file(&read(
        "keys/alipay/node_alipayCertPublicKey_RSA2.crt",
    ))
    .unwrap();
    let raw = String::from_utf8(read(RESPONSE)).unwrap().replace(
        ",\"sign\":",
        ",\"alipay_cert_sn\":\"00000000000000000000000000000000\",\"sign\":",
    );
    let check = AlipayCheck {
        method: METHOD,
        alipay_key: Some(&key),
        ..Default::default()
    };
    assert_eq!(codes(raw.as_bytes(), &check), ["ALIPAY_CERT_SN_MISMATCH"]);
}

#[test]
fn unreadable_response_is_a_typed_error() {
    assert!(check_alipay_response(b"<html>", &AlipayCheck::default()).is_err());
}
