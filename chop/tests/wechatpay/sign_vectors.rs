//! WeChat Pay v3 request-signing vectors from `vectors/wechatpay/`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::clock::{FixedClock, FixedNonce};
use chop::key::{Certificate, Component, KeyError, RsaPrivateKey, RsaPublicKey};
use chop::signer::{SignatureScheme, Signer};
use chop::wechatpay::{RequestSigner, Schema, SignString};
use serde_json::Value;
use test_support::keys::{certificate, private_key, public_key};
use test_support::vectors::{self, read, text, Case};

fn context(case: &str) -> Value {
    Case::new(format!("wechatpay/{case}")).context()
}

/// A merchant signer with a context's `mchid`, `serial_no` and `private_key_file`.
fn merchant_signer(ctx: &Value) -> RequestSigner {
    let key = private_key(ctx["private_key_file"].as_str().unwrap());
    RequestSigner::merchant(
        ctx["mchid"].as_str().unwrap(),
        ctx["serial_no"].as_str().unwrap(),
        key,
    )
}

/// The case's `message.txt` and its decoded `signature.b64`.
fn signed(case: &str) -> (Vec<u8>, Vec<u8>) {
    let c = Case::new(format!("wechatpay/{case}"));
    let sig = STANDARD.decode(c.text("signature.b64")).unwrap();
    (c.read("message.txt"), sig)
}

/// The cases this file runs; the guard test below checks that none is missing.
const CASES: &[&str] = &[
    "seed002_get_certificates",
    "seed004_brand_path_param",
    "go_signer_source",
    "java_rsa_verifier_message",
    "skit_rsa4096_sign",
    "skit_rsa4096_verify",
    "java_credential_get",
];

#[test]
fn every_vector_folder_is_run() {
    // Groups of cases run by other modules (each has its own guard).
    const GROUPS: &[&str] = &["verify", "notify", "aead", "oaep", "certificates", "sm"];
    vectors::assert_every_case_run("wechatpay", CASES, GROUPS);
}

#[test]
fn seed002_get_certificates_from_path_and_full_url() {
    let case = "seed002_get_certificates";
    let ctx = context(case);
    let signer = merchant_signer(&ctx)
        .with_clock(FixedClock(ctx["timestamp"].as_i64().unwrap()))
        .with_nonces(FixedNonce::new(ctx["nonce"].as_str().unwrap()));
    let message = read(&format!("wechatpay/{case}/message.txt"));
    let signature = text(&format!("wechatpay/{case}/signature.b64"));
    let authorization = text(&format!("wechatpay/{case}/authorization.txt"));
    for url in ctx["urls"].as_array().unwrap() {
        let signed = signer.sign("GET", url.as_str().unwrap(), b"").unwrap();
        assert_eq!(
            signed.sign_string.as_bytes(),
            &message[..],
            "sign string from {url}"
        );
        assert_eq!(signed.sign_string.len(), 66);
        assert_eq!(signed.signature, signature, "signature from {url}");
        assert_eq!(signed.authorization_header(), authorization);
    }
}

#[test]
fn seed002_applied_to_http_request() {
    let ctx = context("seed002_get_certificates");
    let key = private_key(ctx["private_key_file"].as_str().unwrap());
    let signer = RequestSigner::merchant(
        "1900009191",
        "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
        key,
    )
    .with_clock(FixedClock(1554208460))
    .with_nonces(FixedNonce::new("593BEC0C930BF1AFEB40B4A08C8FB242"));
    let mut req = http::Request::get("https://api.mch.weixin.qq.com/v3/certificates")
        .body(Vec::<u8>::new())
        .unwrap();
    let mut signed = signer.sign_request(&req).unwrap();
    signed.set_wechatpay_serial("PUB_KEY_ID_0112").unwrap();
    signed.apply_to(&mut req);
    let h = req.headers();
    assert_eq!(
        h["authorization"].to_str().unwrap(),
        text("wechatpay/seed002_get_certificates/authorization.txt")
    );
    assert!(h["authorization"].is_sensitive(), "a credential");
    assert_eq!(h["accept"], "application/json");
    assert_eq!(h["wechatpay-serial"], "PUB_KEY_ID_0112");
    assert!(h["user-agent"].to_str().unwrap().starts_with("chop/"));
    assert!(
        h.get("content-type").is_none(),
        "GET with no body gets no Content-Type"
    );
}

#[test]
fn seed004_brand_sign_string_and_header_type() {
    let case = "seed004_brand_path_param";
    let ctx = context(case);
    let message = read(&format!("wechatpay/{case}/message.txt"));
    for url in ctx["urls"].as_array().unwrap() {
        let s = SignString::request(
            "GET",
            url.as_str().unwrap(),
            ctx["timestamp"].as_i64().unwrap(),
            ctx["nonce"].as_str().unwrap(),
            b"",
        )
        .unwrap();
        assert_eq!(s.as_bytes(), &message[..]);
    }
    // The header type and field names are the brand ones; use a good key to check the shape.
    let signer = RequestSigner::brand(
        "100XX",
        "3493DE0D9BB4EB98A8C65EAA7E8EE887EC24B71A",
        private_key("keys/generated/key-pkcs8.pem"),
    );
    let signed = signer
        .sign_at(
            "GET",
            ctx["urls"][0].as_str().unwrap(),
            b"",
            1554208460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
        )
        .unwrap();
    assert_eq!(signed.authorization.schema, Schema::Brand);
    let prefix = text(&format!("wechatpay/{case}/authorization_prefix.txt"));
    assert!(
        signed.authorization_header().starts_with(&prefix),
        "{}",
        signed.authorization_header()
    );
}

#[test]
fn seed004_key_is_refused_naming_d_and_qinv() {
    let ctx = context("seed004_brand_path_param");
    let err =
        RsaPrivateKey::load(&read(ctx["private_key_file"].as_str().unwrap()), None).unwrap_err();
    let KeyError::Inconsistent(detail) = &err else {
        panic!("expected Inconsistent, got {err:?}");
    };
    assert_eq!(detail.wrong, vec![Component::D, Component::QInv]);
    let msg = err.to_string();
    assert!(msg.contains("d and qInv are wrong"), "{msg}");
    assert!(msg.contains("n, p, q, e, dP, dQ are consistent"), "{msg}");
    assert!(msg.contains("damaged when copied"), "{msg}");
    // The documented signature does not verify with the key's own public half.
    let inspection =
        chop::key::inspect(&read(ctx["private_key_file"].as_str().unwrap()), None).unwrap();
    let chop::key::Item::PrivateKey { public, .. } = &inspection.items[0] else {
        panic!()
    };
    let (message, documented) = signed("seed004_brand_path_param");
    assert!(public
        .verify(SignatureScheme::RsaPkcs1Sha256, &message, &documented)
        .is_err());
}

#[test]
fn upstream_signing_vectors_reproduce() {
    for case in [
        "go_signer_source",
        "java_rsa_verifier_message",
        "skit_rsa4096_sign",
    ] {
        let ctx = context(case);
        let message = read(&format!("wechatpay/{case}/message.txt"));
        let expected = text(&format!("wechatpay/{case}/signature.b64"));
        let mut files = vec![ctx["private_key_file"].as_str().unwrap()];
        files.extend(ctx["also_private_key_file"].as_str());
        for file in files {
            let key = private_key(file);
            let sig = key.sign(SignatureScheme::RsaPkcs1Sha256, &message).unwrap();
            assert_eq!(STANDARD.encode(&sig), expected, "{case} with {file}");
            let cert = certificate(ctx["certificate_file"].as_str().unwrap());
            let public = cert.rsa_public_key().unwrap();
            public
                .verify(SignatureScheme::RsaPkcs1Sha256, &message, &sig)
                .unwrap();
            if let Some(serial) = ctx["cert_serial"].as_str() {
                assert_eq!(cert.serial_hex(), serial.to_ascii_uppercase(), "{case}");
            }
        }
    }
}

#[test]
fn go_vector_negative_cases() {
    let (message, sig) = signed("go_signer_source");
    let cert = certificate("keys/upstream/go_test_cert_F5765756002FDD77.pem");
    let key = cert.rsa_public_key().unwrap();
    assert!(key
        .verify(SignatureScheme::RsaPkcs1Sha256, &message, &sig)
        .is_ok());
    assert!(key
        .verify(SignatureScheme::RsaPkcs1Sha256, b"wrong source", &sig)
        .is_err());
    assert!(key
        .verify(SignatureScheme::RsaPkcs1Sha256, b"", &sig)
        .is_err());
    assert!(key
        .verify(SignatureScheme::RsaPkcs1Sha256, &message, b"")
        .is_err());
    // A short serial stays short: no padding to 40 characters.
    let other = certificate("keys/upstream/go_test_cert_D7CE59D1F522D701.pem");
    assert_eq!(other.serial_hex(), "D7CE59D1F522D701");
    // A key of another merchant does not verify it.
    let wrong = public_key("keys/upstream/java_core_wechat_pay_public_key.pem");
    assert!(wrong
        .verify(SignatureScheme::RsaPkcs1Sha256, &message, &sig)
        .is_err());
}

#[test]
fn java_signature_fails_against_wechat_pay_public_key() {
    let (message, sig) = signed("java_rsa_verifier_message");
    let wrong = public_key("keys/upstream/java_core_wechat_pay_public_key.pem");
    assert!(wrong
        .verify(SignatureScheme::RsaPkcs1Sha256, &message, &sig)
        .is_err());
}

#[test]
fn skit_rsa4096_verify_with_every_public_key_form() {
    let ctx = context("skit_rsa4096_verify");
    let (message, sig) = signed("skit_rsa4096_verify");
    for file in ctx["public_key_files"].as_array().unwrap() {
        let bytes = read(file.as_str().unwrap());
        let key = match RsaPublicKey::load(&bytes) {
            Ok(k) => k,
            Err(_) => Certificate::load(&bytes)
                .unwrap()
                .rsa_public_key()
                .unwrap()
                .clone(),
        };
        assert_eq!(key.bits(), 4096);
        key.verify(SignatureScheme::RsaPkcs1Sha256, &message, &sig)
            .unwrap();
        assert!(key
            .verify(SignatureScheme::RsaPkcs1Sha256, &message, b"FAKE SIGN")
            .is_err());
    }
}

#[test]
fn java_credential_request_from_full_url_with_query() {
    let case = "java_credential_get";
    let ctx = context(case);
    let signer = merchant_signer(&ctx);
    let signed = signer
        .sign_at(
            "GET",
            ctx["urls"][0].as_str().unwrap(),
            b"",
            ctx["timestamp"].as_i64().unwrap(),
            ctx["nonce"].as_str().unwrap(),
        )
        .unwrap();
    assert_eq!(
        signed.sign_string.as_bytes(),
        &read(&format!("wechatpay/{case}/message.txt"))[..]
    );
    assert_eq!(
        signed.signature,
        text(&format!("wechatpay/{case}/signature.b64"))
    );
}
