//! 国密 (ShangMi) WeChat Pay: every case in `vectors/wechatpay/sm/`.
#![cfg(feature = "sm")]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::crypto::aead::sm4_gcm_open;
use chop::crypto::sm::sm3;
use chop::key::Certificate;
use chop::key::{Sm2PrivateKey, Sm2PublicKey};
use chop::signer::SignatureScheme;
use chop::wechatpay::{
    decrypt_sensitive_sm2, encrypt_sensitive, ApiV3Key, Authorization, EncryptedResource,
    NotificationHandler, PlatformKey, RequestSigner, Schema, SignatureHeaders, VerifyError,
    AEAD_SM4_GCM,
};
use test_support::vectors::{assert_every_case_run, json, read, text};
use test_support::wechatpay::verifier;

const CASES: &[&str] = &[
    "chop_sm2_sm4_notification",
    "java_shangmi_aead_sm4_gcm",
    "java_shangmi_sm2_decrypt",
    "java_shangmi_sm2_verify",
    "skit_api_sm4_gcm",
    "skit_tenpayv3_sm2_decrypt",
    "skit_tenpayv3_sm2_verify",
    "skit_tenpayv3_sm4_gcm_certificate",
];

#[test]
fn every_sm_folder_is_run() {
    assert_every_case_run("wechatpay/sm", CASES, &[]);
}

fn dir(case: &str) -> String {
    format!("wechatpay/sm/{case}")
}

#[test]
fn sm2_signatures_verify_with_certificates_and_public_keys() {
    for case in ["java_shangmi_sm2_verify", "skit_tenpayv3_sm2_verify"] {
        let ctx = json(&format!("{}/context.json", dir(case)));
        let msg = read(&format!("{}/message.txt", dir(case)));
        let sig = STANDARD
            .decode(text(&format!("{}/signature.b64", dir(case))))
            .unwrap();
        let cert = Certificate::load(&read(ctx["certificate_file"].as_str().unwrap())).unwrap();
        assert_eq!(
            cert.serial_hex(),
            ctx["cert_serial"].as_str().unwrap().to_ascii_uppercase()
        );
        let key = PlatformKey::certificate(cert).unwrap();
        assert_eq!(key.scheme(), SignatureScheme::Sm2Sm3);
        key.verify_signature(&msg, &sig)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert!(key.verify_signature(b"false-message", &sig).is_err());
        if let Some(p) = ctx["public_key_file"].as_str() {
            let pk =
                PlatformKey::public_key("PUB_KEY_ID_SM2", Sm2PublicKey::load(&read(p)).unwrap());
            pk.verify_signature(&msg, &sig).unwrap();
        }
    }
}

#[test]
fn sm2_fields_decrypt_exactly() {
    for case in ["java_shangmi_sm2_decrypt", "skit_tenpayv3_sm2_decrypt"] {
        let ctx = json(&format!("{}/context.json", dir(case)));
        let key = match ctx["private_key_file"].as_str() {
            Some(f) => Sm2PrivateKey::load(&read(f)).unwrap(),
            None => {
                let hex = ctx["private_key_hex"].as_str().unwrap();
                let bytes: Vec<u8> = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect();
                Sm2PrivateKey::from_scalar_bytes(&bytes).unwrap()
            }
        };
        let ct = text(&format!("{}/ciphertext.b64", dir(case)));
        let want = text(&format!("{}/plaintext.txt", dir(case)));
        assert_eq!(
            decrypt_sensitive_sm2(&key, &ct).unwrap().expose(),
            want,
            "{case}"
        );
        // wechatpay-java's negative: every "1" replaced by "2" must fail.
        if ctx["negative"].is_string() {
            assert!(decrypt_sensitive_sm2(&key, &ct.replace('1', "2")).is_err());
        }
    }
}

#[test]
fn sm2_encrypt_for_a_platform_key_round_trips() {
    let cert = Certificate::load(&read(
        "keys/upstream/java_shangmi_sm2_merchant_certificate.pem",
    ))
    .unwrap();
    let key = Sm2PrivateKey::load(&read(
        "keys/upstream/java_shangmi_sm2_merchant_private_key.pem",
    ))
    .unwrap();
    let f = encrypt_sensitive(&PlatformKey::certificate(cert).unwrap(), "张三").unwrap();
    assert_eq!(f.serial, "54E7F59ED8DF4570CFB14780EA8152D45A675EE6");
    assert_eq!(
        decrypt_sensitive_sm2(&key, &f.ciphertext).unwrap().expose(),
        "张三"
    );
}

#[test]
fn aead_sm4_gcm_with_the_derived_key() {
    let case = "java_shangmi_aead_sm4_gcm";
    let ctx = json(&format!("{}/context.json", dir(case)));
    let apiv3 = ctx["apiv3_key"].as_str().unwrap();
    let derived: String = sm3(apiv3.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(derived, ctx["derived_sm4_key_hex"].as_str().unwrap());
    let r = EncryptedResource::new(
        AEAD_SM4_GCM,
        text(&format!("{}/ciphertext.b64", dir(case))),
        ctx["associated_data"].as_str().unwrap(),
        ctx["nonce"].as_str().unwrap(),
    );
    let key = ApiV3Key::new(apiv3).unwrap();
    assert_eq!(
        r.decrypt(&key).unwrap(),
        read(&format!("{}/plaintext.txt", dir(case)))
    );
    let bad = EncryptedResource::new(
        AEAD_SM4_GCM,
        ctx["negative_ciphertext_b64"].as_str().unwrap(),
        ctx["associated_data"].as_str().unwrap(),
        ctx["nonce"].as_str().unwrap(),
    );
    assert!(bad.decrypt(&key).is_err());
}

#[test]
fn skit_sm4_gcm_with_literal_keys() {
    // SKIT passes the SM4 key directly (no SM3 derivation): checked at the primitive.
    for case in ["skit_api_sm4_gcm", "skit_tenpayv3_sm4_gcm_certificate"] {
        let ctx = json(&format!("{}/context.json", dir(case)));
        let ct = STANDARD
            .decode(text(&format!("{}/ciphertext.b64", dir(case))))
            .unwrap();
        let plain = sm4_gcm_open(
            ctx["sm4_key_literal"].as_str().unwrap().as_bytes(),
            ctx["nonce"].as_str().unwrap().as_bytes(),
            ctx["associated_data"].as_str().unwrap().as_bytes(),
            &ct,
        )
        .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(
            plain,
            read(&format!("{}/plaintext.txt", dir(case))),
            "{case}"
        );
    }
}

#[test]
fn sm_callback_verifies_with_sm2_and_decrypts_with_sm4() {
    let case = "chop_sm2_sm4_notification";
    let ctx = json(&format!("{}/context.json", dir(case)));
    let headers =
        SignatureHeaders::from_text(&text(&format!("{}/headers.txt", dir(case)))).unwrap();
    assert_eq!(
        headers.signature_type.as_deref(),
        Some("WECHATPAY2-SM2-WITH-SM3")
    );
    let body = read(&format!("{}/body.txt", dir(case)));
    let sign_string =
        chop::wechatpay::SignString::response(&headers.timestamp, &headers.nonce, &body);
    assert_eq!(
        sign_string.as_bytes(),
        &read(&format!("{}/message.txt", dir(case)))[..]
    );
    let h = NotificationHandler::new(
        verifier(&ctx),
        ApiV3Key::new(ctx["apiv3_key"].as_str().unwrap()).unwrap(),
    );
    let n = h.handle(&headers, &body).unwrap();
    assert_eq!(n.key_id(), Some("54E7F59ED8DF4570CFB14780EA8152D45A675EE6"));
    assert_eq!(
        n.value().plaintext,
        read(&format!("{}/plaintext.txt", dir(case)))
    );
    assert_eq!(n.value().transaction().unwrap().amount.total, 100);
    // Tampered: the SM2 check fails with the same typed error as RSA.
    let mut t = body.clone();
    t[5] ^= 1;
    let e = h.handle(&headers, &t).unwrap_err();
    assert!(matches!(
        e,
        chop::wechatpay::NotifyError::Verify(VerifyError::BadSignature { .. })
    ));
}

#[test]
fn sm2_request_signing_uses_the_sm_schema_and_verifies() {
    let key = Sm2PrivateKey::load(&read(
        "keys/upstream/java_shangmi_sm2_merchant_private_key.pem",
    ))
    .unwrap();
    let public = key.public_key();
    let signer = RequestSigner::merchant_sm2(
        "1900009191",
        "54E7F59ED8DF4570CFB14780EA8152D45A675EE6",
        key,
    );
    let signed = signer
        .sign_at(
            "GET",
            "/v3/certificates?algorithm_type=SM2",
            b"",
            1554208460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
        )
        .unwrap();
    assert_eq!(
        signed.sign_string.as_bytes(),
        b"GET\n/v3/certificates?algorithm_type=SM2\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
    );
    let header = signed.authorization_header();
    assert!(header.starts_with(
        r#"WECHATPAY2-SM2-WITH-SM3 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242""#
    ));
    let parsed = Authorization::parse(&header).unwrap();
    assert_eq!(parsed.schema, Schema::MerchantSm2);
    let sig = STANDARD.decode(&signed.signature).unwrap();
    assert_eq!(sig[0], 0x30, "DER SEQUENCE");
    public.verify(signed.sign_string.as_bytes(), &sig).unwrap();
}
