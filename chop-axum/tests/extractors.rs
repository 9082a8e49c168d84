//! The extractors with callbacks signed by the core, served in-process.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::alipay::{sign_params, AlipayPublicKey, Params, SignType};
use chop::signer::{SignatureScheme, Signer};
use chop::wechatpay::{
    ApiV3Key, EncryptedResource, MemorySeenIds, NotificationHandler, PlatformKey, ResponseVerifier,
    SignString, Transaction, AEAD_AES_256_GCM,
};
use chop_axum::{
    AlipayAck, AlipayNotification, AlipayNotifyConfig, WechatPayAck, WechatPayNotification,
};
use http_body_util::BodyExt;
use test_support::keys::private_key;
use test_support::vectors;
use tower::ServiceExt;

const APIV3: &str = "0123456789abcdef0123456789abcdef";
const OLD: &str = test_support::platform::OLD_SERIAL;

#[derive(Clone, FromRef)]
struct AppState {
    wechatpay: Arc<NotificationHandler>,
    alipay: Arc<AlipayNotifyConfig>,
}

async fn paid(n: WechatPayNotification<Transaction>) -> WechatPayAck {
    assert_eq!(n.payload.out_trade_no, "1217752501201407033233368018");
    assert_eq!(n.verified.key_id(), Some(OLD));
    WechatPayAck
}

async fn alipaid(n: AlipayNotification) -> AlipayAck {
    assert_eq!(n.get("trade_status"), Some("TRADE_SUCCESS"));
    AlipayAck
}

fn app() -> Router {
    // Verified with the wall clock: a certificate valid now, made at test time.
    let cert = test_support::platform::current().old.certificate.clone();
    let verifier = ResponseVerifier::new([PlatformKey::certificate(cert).unwrap()]);
    let handler = NotificationHandler::new(verifier, ApiV3Key::new(APIV3).unwrap())
        .with_seen_ids(Arc::new(MemorySeenIds::new(3600)));
    let alipay = AlipayNotifyConfig::new(
        AlipayPublicKey::load(&vectors::key("generated/pub-spki.pem")).unwrap(),
        SignType::Rsa2,
    )
    .with_app_id("2021000122671080");
    Router::new()
        .route("/wechatpay", post(paid))
        .route("/alipay", post(alipaid))
        .with_state(AppState {
            wechatpay: Arc::new(handler),
            alipay: Arc::new(alipay),
        })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn wechatpay_callback(id: &str, timestamp: i64, tamper: bool) -> Request<Body> {
    let resource = serde_json::json!({
        "appid": "wxd678efh567hg6787", "mchid": "1900009191",
        "out_trade_no": "1217752501201407033233368018", "transaction_id": "4200000000000000000000000001",
        "trade_type": "NATIVE", "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
        "bank_type": "OTHERS", "success_time": "2026-11-23T16:00:00+08:00",
        "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        "amount": {"total": 100, "payer_total": 100, "currency": "CNY", "payer_currency": "CNY"}
    });
    let enc = EncryptedResource::encrypt(
        &ApiV3Key::new(APIV3).unwrap(),
        AEAD_AES_256_GCM,
        "transaction",
        "fdasflkja484",
        resource.to_string().as_bytes(),
    )
    .unwrap();
    let mut body = serde_json::json!({
        "id": id, "create_time": "2026-11-23T16:00:00+08:00", "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS", "summary": "支付成功", "resource": enc
    })
    .to_string();
    let ts = timestamp.to_string();
    let msg = SignString::response(&ts, "n0nce", body.as_bytes());
    let key = &test_support::platform::current().old.key;
    let sig = STANDARD.encode(
        key.sign(SignatureScheme::RsaPkcs1Sha256, msg.as_bytes())
            .unwrap(),
    );
    if tamper {
        body = body.replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESs");
    }
    Request::post("/wechatpay")
        .header("Wechatpay-Timestamp", ts)
        .header("Wechatpay-Nonce", "n0nce")
        .header("Wechatpay-Signature", sig)
        .header("Wechatpay-Serial", OLD)
        .header("Content-Type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

async fn answer(req: Request<Body>) -> (StatusCode, String) {
    let r = app().oneshot(req).await.unwrap();
    let status = r.status();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_signed_wechatpay_callback_reaches_the_handler() {
    assert_eq!(
        answer(wechatpay_callback("EV-1", now(), false)).await,
        (StatusCode::NO_CONTENT, String::new())
    );
}

#[tokio::test]
async fn a_tampered_wechatpay_callback_gets_401_fail() {
    let (status, body) = answer(wechatpay_callback("EV-2", now(), true)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], "FAIL");
    assert_eq!(v["message"], "signature verification failed");
}

#[tokio::test]
async fn a_stale_wechatpay_callback_gets_401_fail() {
    let (status, body) = answer(wechatpay_callback("EV-3", now() - 3600, false)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains(r#""code":"FAIL""#));
}

#[tokio::test]
async fn missing_headers_and_a_non_envelope_are_refused() {
    let req = Request::post("/wechatpay").body(Body::from("{}")).unwrap();
    assert_eq!(answer(req).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_retried_wechatpay_callback_is_answered_200_without_running_the_handler() {
    let a = app();
    let r = a
        .clone()
        .oneshot(wechatpay_callback("EV-4", now(), false))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = a
        .oneshot(wechatpay_callback("EV-4", now(), false))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

fn alipay_notify(app_id: &str, tamper: bool) -> Request<Body> {
    let mut params = Params::from_pairs([
        ("app_id", app_id),
        ("notify_id", "2026112300222160000000001"),
        ("notify_type", "trade_status_sync"),
        ("notify_time", "2026-11-23 16:00:00"),
        ("out_trade_no", "20150320010101001"),
        ("trade_no", "2026112322001400000000000001"),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", "88.88"),
        ("charset", "utf-8"),
        ("version", "1.0"),
    ])
    .unwrap();
    let key = private_key("keys/generated/key-pkcs8.b64");
    let signed = sign_params(&params, SignType::Rsa2, &key).unwrap();
    params.set("sign_type", "RSA2");
    params.set("sign", signed.sign);
    if tamper {
        params.set("total_amount", "0.01");
    }
    let form = test_support::form::encode(params.iter());
    Request::post("/alipay")
        .header(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(form))
        .unwrap()
}

#[tokio::test]
async fn a_signed_alipay_notify_is_answered_success() {
    assert_eq!(
        answer(alipay_notify("2021000122671080", false)).await,
        (StatusCode::OK, "success".to_string())
    );
}

#[tokio::test]
async fn a_tampered_or_foreign_alipay_notify_is_answered_failure() {
    assert_eq!(
        answer(alipay_notify("2021000122671080", true)).await.1,
        "failure"
    );
    assert_eq!(
        answer(alipay_notify("2021000000000000", false)).await.1,
        "failure"
    );
}
