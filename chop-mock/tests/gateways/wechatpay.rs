//! End-to-end over loopback: the core signs, the mock verifies and answers.

use std::time::Duration;

use chop::clock::{Clock as _, FixedClock, FixedNonce, SystemClock};
use chop::key::RsaPrivateKey;
use chop::wechatpay::{
    verify_download, ApiV3Key, CertificatesResponse, ErrorBody, NotificationHandler, PlatformKey,
    RequestSigner, ResponseVerifier, SignComparison, SignatureHeaders, Trust, VerifyError,
};
use chop_mock::{CallbackConfig, DeliveryStatus, MockState};
use test_support::mock::{self, client, merchant_signer, platform_verifier, receiver};

struct Mock {
    state: MockState,
    base: String,
}

async fn start(state: MockState) -> Mock {
    let base = mock::start(state.clone()).await;
    Mock { state, base }
}

/// Sends a request signed by `signer`; returns the answer as an `http::Response`.
async fn send(
    mock: &Mock,
    signer: &RequestSigner,
    method: &str,
    path: &str,
    body: &str,
) -> (http::Response<Vec<u8>>, chop::wechatpay::SignedRequest) {
    let signed = signer.sign(method, path, body.as_bytes()).unwrap();
    let req = client()
        .request(method.parse().unwrap(), format!("{}{path}", mock.base))
        .header("authorization", signed.authorization_header())
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(body.to_string());
    (mock::into_http(req.send().await.unwrap()).await, signed)
}

fn order(no: &str, notify: &str) -> String {
    format!(
        r#"{{"appid":"wxd678efh567hg6787","mchid":"1900000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"{no}","notify_url":"{notify}","amount":{{"total":100,"currency":"CNY"}},"payer":{{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}}}"#
    )
}

#[tokio::test]
async fn a_correctly_signed_order_succeeds_and_the_answer_verifies() {
    let mock = start(MockState::generate().unwrap()).await;
    let signer = merchant_signer(&mock.state);
    let (resp, _) = send(
        &mock,
        &signer,
        "POST",
        "/v3/pay/transactions/jsapi",
        &order("T1", "http://127.0.0.1:9/n"),
    )
    .await;
    assert_eq!(
        resp.status(),
        200,
        "{}",
        String::from_utf8_lossy(resp.body())
    );
    let v = platform_verifier(&mock.state)
        .verify_response(&resp)
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(v.value()).unwrap();
    assert!(json["prepay_id"].as_str().unwrap().starts_with("wx"));
    assert_eq!(
        v.key_id(),
        Some(
            mock.state
                .merchant_files()
                .wechatpay
                .platform_serial
                .as_str()
        )
    );

    // The order can be queried, and the query answer verifies too.
    let (resp, _) = send(
        &mock,
        &signer,
        "GET",
        "/v3/pay/transactions/out-trade-no/T1?mchid=1900000109",
        "",
    )
    .await;
    assert_eq!(resp.status(), 200);
    let v = platform_verifier(&mock.state)
        .verify_response(&resp)
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(v.value()).unwrap();
    assert_eq!(json["trade_state"], "NOTPAY");

    // Native, and an unknown order.
    let native = order("T2", "http://127.0.0.1:9/n")
        .replace(r#","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}"#, "");
    let (resp, _) = send(
        &mock,
        &signer,
        "POST",
        "/v3/pay/transactions/native",
        &native,
    )
    .await;
    assert_eq!(resp.status(), 200);
    let (resp, _) = send(
        &mock,
        &signer,
        "GET",
        "/v3/pay/transactions/out-trade-no/NOPE?mchid=1900000109",
        "",
    )
    .await;
    assert_eq!(resp.status(), 404);
    platform_verifier(&mock.state)
        .verify_response(&resp)
        .unwrap();
    assert_eq!(
        ErrorBody::parse(resp.body()).unwrap().code,
        "ORDER_NOT_EXIST"
    );
}

#[tokio::test]
async fn the_echo_shows_the_sign_string_the_mock_verified() {
    let mock = start(MockState::generate().unwrap()).await;
    let m = &mock.state.merchant_files().wechatpay;
    let now = SystemClock.now_unix();
    let signer = merchant_signer(&mock.state)
        .with_clock(FixedClock(now))
        .with_nonces(FixedNonce::new("593BEC0C930BF1AFEB40B4A08C8FB242"));
    let (resp, _) = send(
        &mock,
        &signer,
        "POST",
        "/v3/mock/echo?a=1&b=%E4%B8%AD",
        "{\"x\":1}",
    )
    .await;
    assert_eq!(resp.status(), 200);
    let json: serde_json::Value = serde_json::from_slice(resp.body()).unwrap();
    let expected = format!("POST\n/v3/mock/echo?a=1&b=%E4%B8%AD\n{now}\n593BEC0C930BF1AFEB40B4A08C8FB242\n{{\"x\":1}}\n");
    assert_eq!(json["sign_message"], expected.as_str());
    assert_eq!(json["sign_message_length"], expected.len());
    assert!(!m.mchid.is_empty());
}

#[tokio::test]
async fn a_wrong_key_gets_sign_error_with_the_truncated_sign_message() {
    let mock = start(MockState::generate().unwrap()).await;
    let m = &mock.state.merchant_files().wechatpay;
    // Another merchant's key: the platform key is as good as any wrong key.
    let other = MockState::generate().unwrap();
    let wrong = RsaPrivateKey::load(
        other.merchant_files().wechatpay.merchant_key_pem.as_bytes(),
        None,
    )
    .unwrap();
    let now = SystemClock.now_unix();
    let signer = RequestSigner::merchant(m.mchid.clone(), m.merchant_serial.clone(), wrong)
        .with_clock(FixedClock(now))
        .with_nonces(FixedNonce::new("18a427e78d2344e1a71156a2690cc4d6"));

    // GET: no body, the whole sign string comes back.
    let path = "/v3/pay/transactions/out-trade-no/T9?mchid=1900000109";
    let (resp, signed) = send(&mock, &signer, "GET", path, "").await;
    assert_eq!(resp.status(), 401);
    match platform_verifier(&mock.state).verify_response(&resp) {
        Err(VerifyError::UnsignedErrorResponse { status: 401, .. }) => {}
        other => panic!("{other:?}"),
    }
    let e = ErrorBody::parse(resp.body()).unwrap();
    assert_eq!(e.code, "SIGN_ERROR");
    assert_eq!(e.message, "错误的签名,验签失败");
    let info = e.sign_information().unwrap();
    assert_eq!(info.method, "GET");
    assert_eq!(info.url, path);
    let expected = format!("GET\n{path}\n{now}\n18a427e78d2344e1a71156a2690cc4d6\n\n");
    assert_eq!(info.truncated_sign_message, expected);
    assert_eq!(info.sign_message_length, expected.len() as u64);
    assert_eq!(info.compare(&signed.sign_string), SignComparison::Same);

    // POST with a long body: the body is cut after 64 bytes.
    let body = order("T10", "http://127.0.0.1:9/n");
    let (resp, signed) = send(&mock, &signer, "POST", "/v3/pay/transactions/jsapi", &body).await;
    let e = ErrorBody::parse(resp.body()).unwrap();
    let info = e.sign_information().unwrap();
    let head =
        format!("POST\n/v3/pay/transactions/jsapi\n{now}\n18a427e78d2344e1a71156a2690cc4d6\n");
    assert_eq!(
        info.truncated_sign_message,
        format!(
            "{head}{{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1900000109\",\"description\""
        )
    );
    assert_eq!(
        info.sign_message_length,
        (head.len() + body.len() + 1) as u64
    );
    assert_eq!(info.compare(&signed.sign_string), SignComparison::Same);
}

#[tokio::test]
async fn a_stale_timestamp_wrong_serial_bad_schema_and_garbage_get_the_platform_401s() {
    let mock = start(MockState::generate().unwrap()).await;
    let m = mock.state.merchant_files().wechatpay.clone();
    let key = || RsaPrivateKey::load(m.merchant_key_pem.as_bytes(), None).unwrap();
    let path = "/v3/certificates";
    let message = |resp: &http::Response<Vec<u8>>| {
        assert_eq!(resp.status(), 401);
        let e = ErrorBody::parse(resp.body()).unwrap();
        assert!(e.detail.is_none());
        e.message
    };

    let stale = merchant_signer(&mock.state).with_clock(FixedClock(SystemClock.now_unix() - 301));
    let (resp, _) = send(&mock, &stale, "GET", path, "").await;
    assert_eq!(
        message(&resp),
        "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟"
    );
    let ahead = merchant_signer(&mock.state).with_clock(FixedClock(SystemClock.now_unix() + 400));
    let (resp, _) = send(&mock, &ahead, "GET", path, "").await;
    assert_eq!(
        message(&resp),
        "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟"
    );

    let wrong_serial = RequestSigner::merchant(m.mchid.clone(), "00AA", key());
    let (resp, _) = send(&mock, &wrong_serial, "GET", path, "").await;
    assert_eq!(message(&resp), "商户证书序列号有误。");

    let wrong_mchid = RequestSigner::merchant("1230000109", m.merchant_serial.clone(), key());
    let (resp, _) = send(&mock, &wrong_mchid, "GET", path, "").await;
    assert_eq!(message(&resp), "商户未申请过证书。");

    let brand = RequestSigner::brand(m.mchid.clone(), m.merchant_serial.clone(), key());
    let (resp, _) = send(&mock, &brand, "GET", path, "").await;
    assert_eq!(message(&resp), "Http头Authorization认证类型不正确");

    for auth in [
        None,
        Some("Bearer x"),
        Some("WECHATPAY2-SHA256-RSA2048 mchid=1900000109"),
    ] {
        let mut req = client().get(format!("{}{path}", mock.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401);
        let e = ErrorBody::parse(&r.bytes().await.unwrap()).unwrap();
        let want = if auth == Some("Bearer x") {
            "Http头Authorization认证类型不正确"
        } else {
            "Http头Authorization值格式错误"
        };
        assert_eq!(e.message, want, "{auth:?}");
    }
}

#[tokio::test]
async fn a_rotated_certificate_is_found_by_downloading_the_certificates() {
    let mock = start(MockState::generate().unwrap()).await;
    let signer = merchant_signer(&mock.state);
    let key = ApiV3Key::new(&mock.state.merchant_files().wechatpay.api_v3_key).unwrap();
    let old = mock.state.platform_serial();
    mock.state.rotate_platform_certificate();
    let new = mock.state.platform_serial();
    assert_ne!(old, new);

    let verifier = platform_verifier(&mock.state);
    let (resp, _) = send(&mock, &signer, "GET", "/v3/certificates", "").await;
    assert_eq!(resp.status(), 200);
    // The client only knows the old certificate: the new serial is unknown.
    let err = verifier.verify_response(&resp).unwrap_err();
    assert!(err.to_string().contains(&new), "{err}");

    // It downloads /v3/certificates, decrypts it with the APIv3 key, and trusts
    // the new certificate on first use.
    let parsed = CertificatesResponse::parse(200, resp.body()).unwrap();
    let certs = parsed.decrypt(&key).unwrap();
    let serials: Vec<_> = certs.iter().map(|c| c.serial_no.clone()).collect();
    assert_eq!(serials, [old.clone(), new.clone()]);
    let headers = SignatureHeaders::from_header_map(resp.headers()).unwrap();
    let download =
        verify_download(certs, &headers, resp.body(), Trust::FirstUse(&SystemClock)).unwrap();
    assert_eq!(download.verified_by, new);
    download.apply_to(verifier.store().as_ref(), SystemClock.now_unix());
    let (resp, _) = send(
        &mock,
        &signer,
        "POST",
        "/v3/pay/transactions/jsapi",
        &order("R1", "http://127.0.0.1:9/n"),
    )
    .await;
    assert_eq!(
        verifier.verify_response(&resp).unwrap().key_id(),
        Some(new.as_str())
    );
}

#[tokio::test]
async fn public_key_mode_signs_with_the_pub_key_id() {
    let mock = start(MockState::generate().unwrap()).await;
    mock.state.set_public_key_mode(true);
    let m = mock.state.merchant_files().wechatpay.clone();
    let pk = chop::key::RsaPublicKey::load(m.public_key_pem.as_bytes()).unwrap();
    let verifier = ResponseVerifier::new([PlatformKey::public_key(m.public_key_id.clone(), pk)]);
    let (resp, _) = send(
        &mock,
        &merchant_signer(&mock.state),
        "GET",
        "/v3/certificates",
        "",
    )
    .await;
    let v = verifier.verify_response(&resp).unwrap();
    assert!(v.key_id().unwrap().starts_with("PUB_KEY_ID_"));
}

async fn wait_delivered(state: &MockState) -> chop_mock::Delivery {
    mock::wait_for_delivery(state, |d| d.status != DeliveryStatus::Pending).await
}

#[tokio::test]
async fn callbacks_verify_and_decrypt_and_a_tampered_one_does_not() {
    let (url, seen) = receiver(2).await;
    let config = CallbackConfig {
        retry_delays: vec![Duration::from_millis(10); 3],
        timeout: Duration::from_secs(2),
    };
    let mock = start(MockState::generate().unwrap().with_callbacks(config)).await;
    let signer = merchant_signer(&mock.state);
    let (resp, _) = send(
        &mock,
        &signer,
        "POST",
        "/v3/pay/transactions/jsapi",
        &order("P1", &url),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let id = mock.state.pay("P1", None).unwrap();
    let d = wait_delivered(&mock.state).await;
    assert_eq!(
        (d.id.as_str(), d.status, d.attempts),
        (id.as_str(), DeliveryStatus::Delivered, 3)
    );

    let key = ApiV3Key::new(&mock.state.merchant_files().wechatpay.api_v3_key).unwrap();
    let handler = NotificationHandler::new(platform_verifier(&mock.state), key);
    let seen = seen.lock().await;
    assert_eq!(seen.len(), 3);
    for req in seen.iter() {
        let n = handler.handle_request(req).unwrap();
        assert_eq!(n.value().envelope.id, id);
        let tx = n.value().transaction().unwrap();
        assert_eq!(tx.out_trade_no, "P1");
        assert_eq!(tx.trade_state, "SUCCESS");
    }
    // One byte changed in the body: the signature no longer verifies.
    let mut tampered = seen[2].clone();
    let pos = tampered.body().iter().position(|&b| b == b'1').unwrap();
    tampered.body_mut()[pos] = b'2';
    assert!(matches!(
        handler.handle_request(&tampered),
        Err(chop::wechatpay::NotifyError::Verify(
            VerifyError::BadSignature { .. }
        ))
    ));

    // The order now reads as paid, and can be refunded.
    let (resp, _) = send(
        &mock,
        &signer,
        "GET",
        "/v3/pay/transactions/out-trade-no/P1?mchid=1900000109",
        "",
    )
    .await;
    let json: serde_json::Value = serde_json::from_slice(resp.body()).unwrap();
    assert_eq!(json["trade_state"], "SUCCESS");
    let refund = r#"{"out_trade_no":"P1","out_refund_no":"R1","amount":{"refund":40,"total":100,"currency":"CNY"}}"#;
    let (resp, _) = send(
        &mock,
        &signer,
        "POST",
        "/v3/refund/domestic/refunds",
        refund,
    )
    .await;
    assert_eq!(
        resp.status(),
        200,
        "{}",
        String::from_utf8_lossy(resp.body())
    );
    platform_verifier(&mock.state)
        .verify_response(&resp)
        .unwrap();
}

#[tokio::test]
async fn callbacks_only_go_to_loopback_and_give_up_after_the_schedule() {
    let config = CallbackConfig {
        retry_delays: vec![Duration::from_millis(5); 2],
        timeout: Duration::from_millis(500),
    };
    let mock = start(MockState::generate().unwrap().with_callbacks(config)).await;
    let signer = merchant_signer(&mock.state);
    send(
        &mock,
        &signer,
        "POST",
        "/v3/pay/transactions/jsapi",
        &order("G1", "http://127.0.0.1:1/n"),
    )
    .await;
    assert!(matches!(
        mock.state.pay("G1", Some("http://example.com/n")),
        Err(chop_mock::MockError::NotLoopback(_))
    ));
    assert!(matches!(
        mock.state.pay("NOPE", None),
        Err(chop_mock::MockError::UnknownOrder(_))
    ));
    mock.state.pay("G1", None).unwrap();
    let d = wait_delivered(&mock.state).await;
    assert_eq!((d.status, d.attempts), (DeliveryStatus::GaveUp, 3));
}

#[test]
fn state_is_kept_between_runs() {
    let dir = std::env::temp_dir().join(format!("chop-mock-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let a = MockState::load_or_create(&dir).unwrap();
    let b = MockState::load_or_create(&dir).unwrap();
    assert_eq!(a.merchant_files(), b.merchant_files());
    let m = &a.merchant_files().wechatpay;
    let on_disk = std::fs::read_to_string(m.merchant_key_path.as_ref().unwrap()).unwrap();
    assert_eq!(on_disk, m.merchant_key_pem);
    let json: chop_mock::MerchantFiles =
        serde_json::from_slice(&std::fs::read(dir.join(chop_mock::MERCHANT_FILE)).unwrap())
            .unwrap();
    assert_eq!(&json, a.merchant_files());
    std::fs::write(dir.join(chop_mock::STATE_FILE), "{").unwrap();
    assert!(matches!(
        MockState::load_or_create(&dir),
        Err(chop_mock::MockError::State(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
