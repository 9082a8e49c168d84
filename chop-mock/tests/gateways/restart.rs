//! A callback in flight when the mock dies is delivered after a restart with the
//! same `--state DIR`: the outbox is kept on disk, not in memory.

use std::time::Duration;

use chop::wechatpay::{ApiV3Key, NotificationHandler};
use chop_mock::{CallbackConfig, DeliveryStatus, MockState};
use test_support::mock::{
    self, client, merchant_signer, platform_verifier, receiver, wait_for_delivery, wait_until,
};

async fn place_order(state: &MockState, base: &str, no: &str, notify: &str) {
    let m = &state.merchant_files().wechatpay;
    let body = format!(
        r#"{{"appid":"wxd678efh567hg6787","mchid":"{}","description":"restart","out_trade_no":"{no}","notify_url":"{notify}","amount":{{"total":1,"currency":"CNY"}},"payer":{{"openid":"o1"}}}}"#,
        m.mchid
    );
    let signed = merchant_signer(state)
        .sign("POST", "/v3/pay/transactions/jsapi", body.as_bytes())
        .unwrap();
    let r = client()
        .post(format!("{base}/v3/pay/transactions/jsapi"))
        .header("authorization", signed.authorization_header())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

fn outbox_len(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("outbox")).map_or(0, |d| d.count())
}

#[test]
fn a_callback_in_flight_survives_a_restart_with_state() {
    let dir = std::env::temp_dir().join(format!("chop-mock-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // The merchant's endpoint lives through both runs of the mock; it fails the first call.
    let receiver_rt = tokio::runtime::Runtime::new().unwrap();
    let (url, seen) = receiver_rt.block_on(receiver(1));

    // Run 1: the first attempt fails, the next retry is a minute away; then the mock dies.
    let run1 = tokio::runtime::Runtime::new().unwrap();
    let id = run1.block_on(async {
        let slow = CallbackConfig {
            retry_delays: vec![Duration::from_secs(60)],
            timeout: Duration::from_secs(2),
        };
        let state = MockState::load_or_create(&dir)
            .unwrap()
            .with_callbacks(slow);
        let base = mock::start(state.clone()).await;
        place_order(&state, &base, "R1", &url).await;
        let id = state.pay("R1", None).unwrap();
        wait_until(|| seen.try_lock().is_ok_and(|s| s.len() == 1)).await;
        assert_eq!(
            seen.lock().await.len(),
            1,
            "the first attempt reached the receiver"
        );
        id
    });
    drop(run1); // the process "dies": its server and its retry task are gone
    assert_eq!(
        outbox_len(&dir),
        1,
        "the undelivered callback is kept on disk"
    );

    // Run 2: same --state; the callback goes out again and is delivered once.
    let run2 = tokio::runtime::Runtime::new().unwrap();
    run2.block_on(async {
        let fast = CallbackConfig {
            retry_delays: vec![Duration::from_millis(20); 3],
            timeout: Duration::from_secs(2),
        };
        let state = MockState::load_or_create(&dir)
            .unwrap()
            .with_callbacks(fast);
        mock::start(state.clone()).await;
        // Resumed and delivered (it panics with the deliveries otherwise).
        wait_for_delivery(&state, |d| {
            d.id == id && d.status == DeliveryStatus::Delivered
        })
        .await;
        // The resumed callback is the same notification, and it verifies and decrypts.
        let m = &state.merchant_files().wechatpay;
        let handler = NotificationHandler::new(
            platform_verifier(&state),
            ApiV3Key::new(&m.api_v3_key).unwrap(),
        );
        let seen = seen.lock().await;
        assert_eq!(
            seen.len(),
            2,
            "one failed attempt before the restart, one delivery after"
        );
        let n = handler.handle_request(&seen[1]).unwrap();
        assert_eq!(n.value().envelope.id, id);
        assert_eq!(n.value().transaction().unwrap().out_trade_no, "R1");
    });
    assert_eq!(outbox_len(&dir), 0, "nothing left to deliver");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `--state DIR` written by the mock before it was split per platform
/// (`tests/data/state-written-before-issue-11/`), with an outbox entry in the
/// format that version wrote: it loads with the same keys, and the callback
/// goes out.
#[test]
fn a_state_dir_written_by_an_older_mock_loads_and_resumes() {
    use base64::Engine as _;
    let old = include_str!("../data/state-written-before-issue-11/mock-state.TEST-ONLY.json");
    let fixture: serde_json::Value = serde_json::from_str(old).unwrap();
    let dir = std::env::temp_dir().join(format!("chop-mock-old-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("outbox")).unwrap();
    std::fs::write(dir.join(chop_mock::STATE_FILE), old).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (url, seen) = receiver(0).await;
        let body = br#"{"id":"old-1"}"#;
        let entry = format!(
            r#"{{"id":"old-1","url":"{url}","body":"{}","kind":"WechatPay"}}"#,
            base64::engine::general_purpose::STANDARD.encode(body)
        );
        std::fs::write(dir.join("outbox/old-1.json"), entry).unwrap();
        let state = MockState::load_or_create(&dir).unwrap();
        let files = state.merchant_files();
        let m = &files.wechatpay;
        for (got, field) in [
            (&m.mchid, "mchid"),
            (&m.merchant_serial, "merchant_serial"),
            (&m.merchant_key_pem, "merchant_key_pem"),
            (&m.api_v3_key, "api_v3_key"),
            (&m.public_key_id, "public_key_id"),
        ] {
            assert_eq!(got, fixture[field].as_str().unwrap(), "{field}");
        }
        assert_eq!(m.platform_cert_pem, fixture["platform_cert_pems"][0]);
        assert_eq!(
            serde_json::to_value(&files.miniprogram).unwrap(),
            fixture["miniprogram"]["app"]
        );
        assert_eq!(
            serde_json::to_value(&files.alipay).unwrap(),
            fixture["alipay"]["app"]
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(chop_mock::STATE_FILE)).unwrap(),
            old,
            "read, not regenerated"
        );
        mock::start(state.clone()).await;
        wait_for_delivery(&state, |d| {
            d.id == "old-1" && d.status == DeliveryStatus::Delivered
        })
        .await;
        let seen = seen.lock().await;
        assert_eq!(seen.len(), 1, "{:?}", state.deliveries());
        assert_eq!(seen[0].body(), body);
        assert_eq!(
            seen[0].headers()["wechatpay-serial"],
            m.platform_serial.as_str(),
            "signed afresh with the stored platform key"
        );
    });
    assert_eq!(outbox_len(&dir), 0, "nothing left to deliver");
    let _ = std::fs::remove_dir_all(&dir);
}
