//! Alipay over loopback: the core signs requests and verifies answers and notifies.

use chop::alipay::{
    decrypt_content, encrypt_content, sign_params, verify_notify_expecting, verify_response,
    AesKey, AlipayPublicKey, Params, SignType, SignedResponse, Verified, VerifyError,
};
use chop::key::RsaPrivateKey;
use chop_mock::{AlipayApp, DeliveryStatus, MockState};
use test_support::{form, mock};

/// Signs `method` with `biz_content` by `key` and posts it; returns the raw answer.
async fn call(
    base: &str,
    app: &AlipayApp,
    key: &RsaPrivateKey,
    method: &str,
    biz: &str,
    aes: bool,
) -> String {
    let mut params = Params::from_pairs([
        ("app_id", app.app_id.as_str()),
        ("method", method),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", "2026-11-23 16:00:00"),
        ("version", "1.0"),
        ("biz_content", biz),
    ])
    .unwrap();
    if aes {
        let k = AesKey::from_base64(&app.aes_key_b64).unwrap();
        params.set("encrypt_type", "AES");
        params.set("biz_content", encrypt_content(&k, biz.as_bytes()).unwrap());
    }
    let signed = sign_params(&params, SignType::Rsa2, key).unwrap();
    params.set("sign", signed.sign);
    let r = mock::client()
        .post(format!("{base}/gateway.do"))
        .header(
            "content-type",
            "application/x-www-form-urlencoded;charset=utf-8",
        )
        .body(form::encode(params.iter()))
        .send()
        .await
        .unwrap();
    r.text().await.unwrap()
}

/// [`call`] signed with the app's own key; the answer verified with the
/// mock's Alipay public key.
async fn call_verified(
    base: &str,
    app: &AlipayApp,
    method: &str,
    biz: &str,
    aes: bool,
) -> Verified<SignedResponse> {
    let raw = call(base, app, &app_key(app), method, biz, aes).await;
    verify_response(raw.as_bytes(), Some(method), None, &alipay_key(app)).unwrap()
}

fn app_key(app: &AlipayApp) -> RsaPrivateKey {
    RsaPrivateKey::load(app.app_private_key_pem.as_bytes(), None).unwrap()
}

fn alipay_key(app: &AlipayApp) -> AlipayPublicKey {
    AlipayPublicKey::load(app.alipay_public_key_pem.as_bytes()).unwrap()
}

#[tokio::test]
async fn signed_requests_get_signed_answers_plain_and_encrypted() {
    let (state, base) = mock::start_new().await;
    let app = state.merchant_files().alipay.clone();
    let v = call_verified(
        &base,
        &app,
        "alipay.trade.precreate",
        r#"{"out_trade_no":"A1","total_amount":"88.88","subject":"Iphone6 16G"}"#,
        false,
    )
    .await;
    let content: serde_json::Value = serde_json::from_str(v.value().sign_content.as_str()).unwrap();
    assert_eq!(content["code"], "10000");
    assert!(content["qr_code"]
        .as_str()
        .unwrap()
        .starts_with("https://qr.alipay.com/"));

    // Encrypted: the answer's value is a quoted ciphertext, signed with its quotes.
    let v = call_verified(
        &base,
        &app,
        "alipay.trade.query",
        r#"{"out_trade_no":"A1"}"#,
        true,
    )
    .await;
    assert!(v.value().encrypted);
    let quoted = v.value().sign_content.as_str();
    let plain = decrypt_content(
        &AesKey::from_base64(&app.aes_key_b64).unwrap(),
        &quoted[1..quoted.len() - 1],
    )
    .unwrap();
    let content: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(content["trade_status"], "WAIT_BUYER_PAY");
    assert_eq!(content["total_amount"], "88.88");

    // Unknown trade: a signed business error.
    let v = call_verified(
        &base,
        &app,
        "alipay.trade.query",
        r#"{"out_trade_no":"NOPE"}"#,
        false,
    )
    .await;
    assert!(v
        .value()
        .sign_content
        .as_str()
        .contains(r#""sub_code":"ACQ.TRADE_NOT_EXIST""#));
}

#[tokio::test]
async fn a_bad_signature_gets_the_unsigned_invalid_signature_answer_with_the_content() {
    let (state, base) = mock::start_new().await;
    let app = state.merchant_files().alipay.clone();
    let other = MockState::generate().unwrap();
    let wrong = app_key(&other.merchant_files().alipay);
    let raw = call(
        &base,
        &app,
        &wrong,
        "alipay.trade.query",
        r#"{"out_trade_no":"A1"}"#,
        false,
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let r = &json["alipay_trade_query_response"];
    assert_eq!(r["code"], "40002");
    assert_eq!(r["sub_code"], "isv.invalid-signature");
    let expected = format!(
        r#"app_id={}&biz_content={{"out_trade_no":"A1"}}&charset=utf-8&method=alipay.trade.query&sign_type=RSA2&timestamp=2026-11-23 16:00:00&version=1.0"#,
        app.app_id
    );
    assert!(
        r["sub_msg"].as_str().unwrap().ends_with(&expected),
        "{}",
        r["sub_msg"]
    );
    assert!(matches!(
        verify_response(
            raw.as_bytes(),
            Some("alipay.trade.query"),
            None,
            &alipay_key(&app)
        ),
        Err(VerifyError::MissingSign { .. })
    ));
}

#[tokio::test]
async fn notifies_verify_and_a_tampered_one_does_not() {
    let (state, base) = mock::start_new().await;
    let app = state.merchant_files().alipay.clone();
    let raw = call(
        &base,
        &app,
        &app_key(&app),
        "alipay.trade.precreate",
        r#"{"out_trade_no":"N1","total_amount":"9.90","subject":"x y"}"#,
        false,
    )
    .await;
    assert!(raw.contains("10000"));

    let (url, seen) = mock::receiver_answering(0, http::StatusCode::OK, "success").await;

    let id = state.alipay_pay("N1", &url).unwrap();
    let done = mock::wait_for_delivery(&state, |d| {
        d.id == id && d.status != DeliveryStatus::Pending
    })
    .await;
    assert_eq!(done.status, DeliveryStatus::Delivered);
    let body = seen.lock().await[0].body().clone();
    let params = Params::from_form(&body).unwrap();
    let v = verify_notify_expecting(&params, &alipay_key(&app), SignType::Rsa2).unwrap();
    assert_eq!(v.value().params.get("out_trade_no"), Some("N1"));
    assert_eq!(params.get("trade_status"), Some("TRADE_SUCCESS"));

    let mut tampered = params.clone();
    tampered.set("total_amount", "0.01");
    assert!(matches!(
        verify_notify_expecting(&tampered, &alipay_key(&app), SignType::Rsa2),
        Err(VerifyError::Mismatch { .. })
    ));
    assert!(matches!(
        state.alipay_pay("N1", "http://example.com/x"),
        Err(chop_mock::MockError::NotLoopback(_))
    ));
}
