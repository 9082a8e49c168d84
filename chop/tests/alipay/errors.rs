//! Alipay bad-input cases: each gets a typed error whose message says what to fix.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::alipay::*;
use chop::key::{Certificate, RsaPrivateKey};
use chop::signer::{SignatureScheme, Signer};
use test_support::vectors::read;

fn alipay_key() -> AlipayPublicKey {
    AlipayPublicKey::load(&read("keys/generated/pub-spki.pem")).unwrap()
}

/// Signs with the TEST ONLY key whose public half is `alipay_key()`.
fn sign(content: &str) -> String {
    let key = RsaPrivateKey::load(&read("keys/generated/key-pkcs1.pem"), None).unwrap();
    STANDARD.encode(
        key.sign(SignatureScheme::RsaPkcs1Sha256, content.as_bytes())
            .unwrap(),
    )
}

fn is_one_lowercase_line(e: &dyn std::error::Error) {
    let s = e.to_string();
    assert!(!s.contains('\n'), "{s}");
    assert!(s.chars().next().unwrap().is_lowercase(), "{s}");
}

#[test]
fn notify_without_sign_or_with_bad_sign() {
    let p = Params::from_form(b"a=1&sign_type=RSA2").unwrap();
    let e = verify_notify(&p, &alipay_key()).unwrap_err();
    assert!(matches!(e, VerifyError::MissingSign { .. }));
    is_one_lowercase_line(&e);

    let p = Params::from_form(b"a=1&sign=not base64").unwrap();
    let e = verify_notify(&p, &alipay_key()).unwrap_err();
    assert_eq!(e, VerifyError::SignNotBase64);
    assert!(e.to_string().contains("decoded twice"));

    let p = Params::from_form(b"a=1&sign=AAAA&sign_type=MD5").unwrap();
    let e = verify_notify(&p, &alipay_key()).unwrap_err();
    assert_eq!(e, VerifyError::UnknownSignType { got: "MD5".into() });
    is_one_lowercase_line(&e);
}

#[test]
fn mismatch_names_the_usual_cause_and_chains_the_source() {
    let p = Params::from_pairs([("a", "1"), ("sign", &sign("a=2"))]).unwrap();
    let e = verify_notify(&p, &alipay_key()).unwrap_err();
    is_one_lowercase_line(&e);
    assert!(e.to_string().contains("not your app's own public key"));
    assert!(std::error::Error::source(&e).is_some());
    match e {
        VerifyError::Mismatch { tried, .. } => assert_eq!(tried[0].as_str(), "a=1"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unsigned_error_response_says_why() {
    let raw = br#"{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"}}"#;
    let e = verify_response(raw, Some("alipay.trade.query"), None, &alipay_key()).unwrap_err();
    assert!(matches!(e, VerifyError::MissingSign { .. }));
    assert!(e.to_string().contains("unsigned"));
    let e = verify_response(b"not json", None, None, &alipay_key()).unwrap_err();
    assert!(matches!(
        e,
        VerifyError::Response(ResponseError::Malformed { .. })
    ));
    is_one_lowercase_line(&e);
}

#[test]
fn signed_error_response_verifies() {
    let content = r#"{"code":"40004","msg":"Business Failed","sub_code":"ACQ.TRADE_NOT_EXIST"}"#;
    let raw = format!(
        r#"{{"alipay_trade_query_response":{content},"sign":"{}"}}"#,
        sign(content)
    );
    let v = verify_response(
        raw.as_bytes(),
        Some("alipay.trade.query"),
        None,
        &alipay_key(),
    )
    .unwrap();
    assert_eq!(v.sign_string().as_str(), content);
}

#[test]
fn phone_response_without_mobile() {
    let plain = r#"{"code":"40003","msg":"Insufficient Conditions","sub_code":"isv.invalid-auth-relations","sub_msg":"无授权关系"}"#;
    let aes = AesKey::from_base64("aa4BtZ4tspm2wnXLb1ThQA==").unwrap();
    let e = phone_number(plain, &sign(plain), None, &alipay_key(), &aes).unwrap_err();
    match &e {
        PhoneError::NoMobile { code, sub_code, .. } => {
            assert_eq!(code, "40003");
            assert_eq!(sub_code, "isv.invalid-auth-relations");
        }
        other => panic!("{other:?}"),
    }
    is_one_lowercase_line(&e);
}

#[test]
fn certificate_without_rsa_key_and_keys_of_the_wrong_kind() {
    let chain = Certificate::load_all(&read("keys/alipay/node_alipayRootCert.crt")).unwrap();
    let ecdsa = chain
        .iter()
        .find(|c| c.subject().contains("E1"))
        .expect("the E1 (ECDSA) root");
    let e = AlipayPublicKey::from_certificate(ecdsa).unwrap_err();
    assert!(matches!(e, CertSnError::NotRsa { .. }), "{e:?}");
    is_one_lowercase_line(&e);
    assert!(AlipayPublicKey::load(b"").is_err());
    assert!(AlipayPublicKey::load(&read("keys/generated/key-pkcs1.pem")).is_err());
}

#[test]
fn sign_type_mismatch_and_unknown() {
    let key = RsaPrivateKey::load(&read("keys/generated/key-pkcs8.b64"), None).unwrap();
    let p = Params::from_pairs([("a", "1"), ("sign_type", "SM2")]).unwrap();
    let e = sign_params(&p, SignType::Rsa2, &key).unwrap_err();
    assert!(matches!(e, SignRequestError::SignTypeMismatch { .. }));
    is_one_lowercase_line(&e);
    // An RSA key asked for SM2 is the signer's error, chained.
    let p = Params::from_pairs([("a", "1")]).unwrap();
    let e = sign_params(&p, SignType::Sm2, &key).unwrap_err();
    assert!(matches!(e, SignRequestError::Sign(_)));
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn pkcs1_and_pkcs8_bare_base64_keys_sign_the_same() {
    let p = Params::from_json(&read("alipay/own_request_sign/params.json")).unwrap();
    let a = RsaPrivateKey::load(&read("keys/generated/key-pkcs1.b64"), None).unwrap();
    let b = RsaPrivateKey::load(&read("keys/generated/key-pkcs8.b64"), None).unwrap();
    let sa = sign_params(&p, SignType::Rsa2, &a).unwrap();
    let sb = sign_params(&p, SignType::Rsa2, &b).unwrap();
    assert_eq!(sa.sign, sb.sign);
    assert_eq!(
        sa.sign,
        String::from_utf8(read("alipay/own_request_sign/sign_rsa2.b64")).unwrap()
    );
}

#[test]
fn mutated_inputs_never_panic() {
    let key = alipay_key();
    let response = read("alipay/own_response_escapes_nested_sign/response.json");
    let notify = read("alipay/own_notify_form/body.form");
    let root = read("keys/alipay/node_alipayRootCert.crt");
    let replacements = [
        b'"', b'\\', b'{', b'}', b'%', b'&', b'=', 0xff, 0xe4, b' ', b'A',
    ];
    for input in [&response, &notify, &root] {
        for i in 0..input.len() {
            let _ = SignedResponse::parse(&input[..i], None);
            let _ = Params::from_form(&input[..i]);
            for r in replacements {
                let mut m = input.to_vec();
                m[i] = r;
                let _ = verify_response(&m, Some("alipay.trade.query"), None, &key);
                if let Ok(p) = Params::parse(&m) {
                    let _ = verify_notify(&p, &key);
                }
                if input == &root && i % 31 == 0 {
                    let _ = root_cert_sn(&m);
                }
            }
        }
    }
}

#[test]
fn expected_sign_type_is_pinned() {
    let mut p = Params::from_form(&read("alipay/own_notify_form/body.form")).unwrap();
    assert!(verify_notify_expecting(&p, &alipay_key(), SignType::Rsa2).is_ok());
    let e = verify_notify_expecting(&p, &alipay_key(), SignType::Rsa).unwrap_err();
    assert_eq!(
        e,
        VerifyError::UnexpectedSignType {
            got: SignType::Rsa2,
            expected: SignType::Rsa
        }
    );
    is_one_lowercase_line(&e);
    // Without sign_type in the notify, the expected type is used.
    p.remove("sign_type");
    let v = verify_notify_expecting(&p, &alipay_key(), SignType::Rsa2).unwrap();
    assert_eq!(v.sign_type(), SignType::Rsa2);
}
