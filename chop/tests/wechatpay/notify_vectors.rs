//! Callbacks and AEAD: every case in `vectors/wechatpay/notify/` and `vectors/wechatpay/aead/`.

use std::sync::Arc;

use chop::wechatpay::{
    ApiV3Key, DecryptError, EncryptedResource, MemorySeenIds, Notification, NotificationHandler,
    NotifyError, SignatureHeaders, VerifyError, AEAD_AES_256_GCM,
};
use serde_json::Value;
use test_support::vectors::{assert_every_case_run, json, read, text};
use test_support::wechatpay::{apiv3_key, verifier};

const NOTIFY_CASES: &[&str] = &[
    "chop_payment_success",
    "chop_refund_success",
    "go_notify_payscore",
    "java_notification_json",
];
const AEAD_CASES: &[&str] = &[
    "go_utils_aes",
    "go_utils_aes_bad_base64",
    "go_utils_aes_not_aes_ciphertext",
    "go_utils_aes_wrong_key",
    "gopay_malformed_ciphertext",
    "gopay_malformed_nonce_lengths",
    "java_aead_aes_cipher",
    "java_bad_aad",
    "java_bad_nonce",
    "skit_aes_gcm_platform_cert",
];

#[test]
fn every_notify_and_aead_folder_is_run() {
    assert_every_case_run("wechatpay/notify", NOTIFY_CASES, &[]);
    assert_every_case_run("wechatpay/aead", AEAD_CASES, &[]);
}

fn key(ctx: &Value) -> ApiV3Key {
    let k = ctx["apiv3_key"].as_str().or(ctx["key"].as_str()).unwrap();
    // The upstream Go/Java cases use 16-byte keys (really AES-128-GCM).
    apiv3_key(k)
}

#[test]
fn notify_cases_verify_and_decrypt_exactly() {
    for case in NOTIFY_CASES {
        let dir = format!("wechatpay/notify/{case}");
        let ctx = json(&format!("{dir}/context.json"));
        let body = read(&format!("{dir}/body.txt"));
        let plaintext = read(&format!("{dir}/plaintext.txt"));
        if ctx["decrypt_only"] == true {
            let v: Value = serde_json::from_slice(&body).unwrap();
            let r: EncryptedResource = serde_json::from_value(v["resource"].clone()).unwrap();
            assert_eq!(r.decrypt(&key(&ctx)).unwrap(), plaintext, "{case}");
            continue;
        }
        let headers = SignatureHeaders::from_text(&text(&format!("{dir}/headers.txt"))).unwrap();
        let handler = NotificationHandler::new(verifier(&ctx), key(&ctx));
        let n = handler
            .handle(&headers, &body)
            .unwrap_or_else(|e| panic!("{case}: {e:?}"));
        assert_eq!(n.key_id(), ctx["expect"]["ok"].as_str(), "{case}");
        assert_eq!(n.value().plaintext, plaintext, "{case}");
        if let Some(f) = ctx["expected_fields"].as_object() {
            let e = &n.value().envelope;
            assert_eq!(e.id, f["id"].as_str().unwrap());
            assert_eq!(e.create_time, f["create_time"].as_str().unwrap());
            assert_eq!(e.event_type, f["event_type"].as_str().unwrap());
            assert_eq!(e.resource_type, f["resource_type"].as_str().unwrap());
            assert_eq!(e.summary, f["summary"].as_str().unwrap());
            assert_eq!(e.resource.algorithm, f["algorithm"].as_str().unwrap());
            assert_eq!(
                e.resource.associated_data,
                f["associated_data"].as_str().unwrap()
            );
            assert_eq!(
                e.resource.original_type.as_deref(),
                f["original_type"].as_str()
            );
        }
        // Through http::Request as well.
        let mut req = http::Request::post("/notify");
        for line in text(&format!("{dir}/headers.txt")).lines() {
            let (k, v) = line.split_once(':').unwrap();
            req = req.header(k.trim().to_ascii_lowercase(), v.trim());
        }
        let req = req.body(body.clone()).unwrap();
        assert_eq!(handler.handle_request(&req).unwrap(), n, "{case}");
    }
}

#[test]
fn typed_payment_and_refund_payloads() {
    let ctx = json("wechatpay/notify/chop_payment_success/context.json");
    let h = NotificationHandler::new(verifier(&ctx), key(&ctx));
    let dir = "wechatpay/notify/chop_payment_success";
    let headers = SignatureHeaders::from_text(&text(&format!("{dir}/headers.txt"))).unwrap();
    let n = h
        .handle(&headers, &read(&format!("{dir}/body.txt")))
        .unwrap();
    let t = n.value().transaction().unwrap();
    assert_eq!(t.trade_state, "SUCCESS");
    assert_eq!(t.out_trade_no, "1217752501201407033233368018");
    assert_eq!(t.amount.total, 100);
    assert_eq!(
        t.payer.unwrap().openid.unwrap(),
        "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    );
    assert!(n.value().refund().is_err());

    let dir = "wechatpay/notify/chop_refund_success";
    let ctx = json(&format!("{dir}/context.json"));
    let h = NotificationHandler::new(verifier(&ctx), key(&ctx));
    let headers = SignatureHeaders::from_text(&text(&format!("{dir}/headers.txt"))).unwrap();
    let n = h
        .handle(&headers, &read(&format!("{dir}/body.txt")))
        .unwrap();
    assert_eq!(n.value().envelope.event_type, "REFUND.SUCCESS");
    let r = n.value().refund().unwrap();
    assert_eq!(
        (r.refund_status.as_str(), r.amount.refund),
        ("SUCCESS", 100)
    );
    assert_eq!(
        r.user_received_account.as_deref(),
        Some("招商银行信用卡0403")
    );
}

#[test]
fn reserialized_callback_body_fails_with_the_raw_body_hint() {
    let dir = "wechatpay/notify/chop_payment_success";
    let ctx = json(&format!("{dir}/context.json"));
    let h = NotificationHandler::new(verifier(&ctx), key(&ctx));
    let headers = SignatureHeaders::from_text(&text(&format!("{dir}/headers.txt"))).unwrap();
    let body = read(&format!("{dir}/body.txt"));
    // What a framework does: parse, then serialize again (pretty, or reordered).
    let v: Value = serde_json::from_slice(&body).unwrap();
    let again = serde_json::to_vec_pretty(&v).unwrap();
    let e = h.handle(&headers, &again).unwrap_err();
    let NotifyError::Verify(VerifyError::BadSignature { sign_string, .. }) = &e else {
        panic!("{e:?}");
    };
    assert!(sign_string.as_bytes().ends_with(b"\n}\n"));
    let chain = std::error::Error::source(&e).unwrap().to_string();
    assert!(chain.contains("parsed and serialized again"), "{chain}");
}

#[test]
fn seen_ids_refuse_a_second_delivery() {
    let dir = "wechatpay/notify/chop_payment_success";
    let ctx = json(&format!("{dir}/context.json"));
    let h = NotificationHandler::new(verifier(&ctx), key(&ctx))
        .with_seen_ids(Arc::new(MemorySeenIds::default()));
    let headers = SignatureHeaders::from_text(&text(&format!("{dir}/headers.txt"))).unwrap();
    let body = read(&format!("{dir}/body.txt"));
    assert!(h.handle(&headers, &body).is_ok());
    let e = h.handle(&headers, &body).unwrap_err();
    assert!(matches!(&e, NotifyError::AlreadySeen { id, .. } if id == "chop-chop_payment_success"));
    assert!(e.to_string().contains("answer success again"));
}

#[test]
fn wrong_apiv3_key_and_bad_envelope_are_typed() {
    let dir = "wechatpay/notify/chop_payment_success";
    let ctx = json(&format!("{dir}/context.json"));
    let wrong = ApiV3Key::new("0123456789abcdef0123456789abcdef").unwrap();
    let h = NotificationHandler::new(verifier(&ctx), wrong);
    let headers = SignatureHeaders::from_text(&text(&format!("{dir}/headers.txt"))).unwrap();
    let e = h
        .handle(&headers, &read(&format!("{dir}/body.txt")))
        .unwrap_err();
    assert!(
        matches!(e, NotifyError::Decrypt(DecryptError::Aead(_))),
        "{e:?}"
    );
    let envelope: Result<Notification, _> = serde_json::from_str("{}");
    assert!(envelope.is_err());
}

fn resource(ctx: &Value, ciphertext: &str, nonce: &str) -> EncryptedResource {
    EncryptedResource::new(
        AEAD_AES_256_GCM,
        ciphertext,
        ctx["associated_data"].as_str().unwrap(),
        nonce,
    )
}

#[test]
fn aead_positive_cases_decrypt_exactly() {
    for case in AEAD_CASES {
        let dir = format!("wechatpay/aead/{case}");
        let ctx = json(&format!("{dir}/context.json"));
        if ctx["expect"] != "ok" {
            continue;
        }
        let ct = text(&format!("{dir}/ciphertext.b64"));
        let r = resource(&ctx, &ct, ctx["nonce"].as_str().unwrap());
        let plain = r
            .decrypt(&key(&ctx))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(plain, read(&format!("{dir}/plaintext.txt")), "{case}");
    }
}

#[test]
fn aead_negative_cases_error_and_never_panic() {
    let mut checked = 0;
    for case in AEAD_CASES {
        let dir = format!("wechatpay/aead/{case}");
        let ctx = json(&format!("{dir}/context.json"));
        if ctx["expect"] == "ok" {
            continue;
        }
        let key = apiv3_key(ctx["key"].as_str().unwrap());
        let nonces: Vec<&str> = match ctx["nonces"].as_array() {
            Some(n) => n.iter().map(|v| v.as_str().unwrap()).collect(),
            None => vec![ctx["nonce"].as_str().unwrap()],
        };
        let cts: Vec<&str> = match ctx["ciphertexts_b64"].as_array() {
            Some(c) => c.iter().map(|v| v.as_str().unwrap()).collect(),
            None => vec![ctx["ciphertext_b64"].as_str().unwrap()],
        };
        for n in &nonces {
            for c in &cts {
                let r = resource(&ctx, c, n);
                let e = std::panic::catch_unwind(|| r.decrypt(&key))
                    .unwrap_or_else(|_| panic!("{case}: panicked"))
                    .expect_err(case);
                assert!(!e.to_string().is_empty());
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 + 4 + 3);
}
