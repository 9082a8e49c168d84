//! End to end over loopback against chop-mock: every platform through the
//! middlewares, including the failures a user meets.

use std::sync::Arc;

use base64::Engine as _;
use chop::clock::{Clock as _, FixedClock, SystemClock};
use chop::key::{Certificate, RsaPrivateKey};
use chop::miniprogram::{OpenError, PlatformCertificates, RequestSealer, ResponseOpener};
use chop::secret::SecretBytes;
use chop::wechatpay::{
    ApiV3Key, MemoryKeyStore, PlatformKeyStore, RequestSigner, ResponseVerifier, VerifyError,
};
use chop_mock::MockState;
use chop_reqwest::{
    core_error, AlipayMiddleware, CertificateRefresher, MiniProgramMiddleware, WechatPayMiddleware,
    WechatPayVerified,
};
use test_support::mock::{client as http_client, start_new};

fn client(mw: impl reqwest_middleware::Middleware) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(http_client())
        .with(mw)
        .build()
}

fn wechatpay(
    state: &MockState,
    base: &str,
    key_pem: &str,
    clock: i64,
) -> (
    reqwest_middleware::ClientWithMiddleware,
    Arc<dyn PlatformKeyStore>,
) {
    let m = &state.merchant_files().wechatpay;
    let signer = RequestSigner::merchant(
        m.mchid.clone(),
        m.merchant_serial.clone(),
        RsaPrivateKey::load(key_pem.as_bytes(), None).unwrap(),
    )
    .with_clock(FixedClock(clock));
    let store: Arc<dyn PlatformKeyStore> = Arc::new(MemoryKeyStore::new());
    let refresher = Arc::new(
        CertificateRefresher::new(
            signer.clone(),
            ApiV3Key::new(&m.api_v3_key).unwrap(),
            store.clone(),
        )
        .with_url(format!("{base}/v3/certificates"))
        .with_client(http_client()),
    );
    let mw = WechatPayMiddleware::new(signer, ResponseVerifier::with_store(store.clone()))
        .with_refresher(refresher);
    (client(mw), store)
}

fn now() -> i64 {
    SystemClock.now_unix()
}

#[tokio::test]
async fn wechatpay_order_query_and_rotation() {
    let (state, base) = start_new().await;
    let m = state.merchant_files().wechatpay.clone();
    let (c, store) = wechatpay(&state, &base, &m.merchant_key_pem, now());
    let body = format!(
        r#"{{"appid":"wxd678efh567hg6787","mchid":"{}","description":"e2e","out_trade_no":"E1","notify_url":"http://127.0.0.1:9/n","amount":{{"total":1,"currency":"CNY"}}}}"#,
        m.mchid
    );
    // The store is empty: the first response's serial triggers the download.
    let r = c
        .post(format!("{base}/v3/pay/transactions/native"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.extensions().get::<WechatPayVerified>().unwrap().key_id(),
        Some(m.platform_serial.as_str())
    );
    state.rotate_platform_certificate();
    let r = c
        .get(format!(
            "{base}/v3/pay/transactions/out-trade-no/E1?mchid={}",
            m.mchid
        ))
        .send()
        .await
        .unwrap();
    let serial = r
        .extensions()
        .get::<WechatPayVerified>()
        .unwrap()
        .key_id()
        .unwrap()
        .to_string();
    assert_eq!(serial, state.platform_serial());
    assert_ne!(serial, m.platform_serial);
    assert_eq!(store.ids().len(), 2);
}

#[tokio::test]
async fn a_wrong_key_gets_sign_error_with_the_truncated_sign_message() {
    let (state, base) = start_new().await;
    let m = state.merchant_files().wechatpay.clone();
    let other = MockState::generate().unwrap();
    let t = now();
    let (c, _) = wechatpay(
        &state,
        &base,
        &other.merchant_files().wechatpay.merchant_key_pem,
        t,
    );
    let path = format!("/v3/pay/transactions/out-trade-no/E2?mchid={}", m.mchid);
    let err = c.get(format!("{base}{path}")).send().await.unwrap_err();
    let Some(VerifyError::UnsignedErrorResponse {
        status: 401,
        error: Some(e),
    }) = core_error::<VerifyError>(&err)
    else {
        panic!("{err:?}");
    };
    assert_eq!(e.code, "SIGN_ERROR");
    let info = e.sign_information().unwrap();
    assert_eq!(info.url, path);
    let head = format!("GET\n{path}\n{t}\n");
    assert!(
        info.truncated_sign_message.starts_with(&head),
        "{}",
        info.truncated_sign_message
    );
    assert!(info.truncated_sign_message.ends_with("\n\n"));
    assert_eq!(
        info.sign_message_length,
        info.truncated_sign_message.len() as u64
    );
}

#[tokio::test]
async fn a_stale_timestamp_is_refused_with_401() {
    let (state, base) = start_new().await;
    let m = state.merchant_files().wechatpay.clone();
    let (c, _) = wechatpay(&state, &base, &m.merchant_key_pem, now() - 3600);
    let err = c
        .get(format!(
            "{base}/v3/pay/transactions/out-trade-no/E3?mchid={}",
            m.mchid
        ))
        .send()
        .await
        .unwrap_err();
    match core_error::<VerifyError>(&err) {
        Some(VerifyError::UnsignedErrorResponse {
            status: 401,
            error: Some(e),
        }) => {
            assert_eq!(e.code, "SIGN_ERROR", "{e:?}");
        }
        other => panic!("{other:?}"),
    }
}

fn sym(b64: &str) -> SecretBytes {
    SecretBytes::new(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
}

#[tokio::test]
async fn miniprogram_sealed_call_and_a_wrong_symmetric_key() {
    let (state, base) = start_new().await;
    let app = state.merchant_files().miniprogram.clone();
    let mut certs = PlatformCertificates::default();
    certs
        .insert(
            app.platform_cert_number.clone(),
            &Certificate::load(app.platform_cert_pem.as_bytes()).unwrap(),
        )
        .unwrap();
    let url = format!(
        "{base}/wxa/business/getuserphonenumber?access_token={}",
        app.access_token
    );
    let make = |key: SecretBytes| {
        let sealer = RequestSealer::new(
            app.appid.clone(),
            key,
            app.sym_sn.clone(),
            RsaPrivateKey::load(app.app_key_pem.as_bytes(), None).unwrap(),
        );
        let opener = ResponseOpener::new(
            app.appid.clone(),
            sym(&app.sym_key_b64),
            app.sym_sn.clone(),
            certs.clone(),
        );
        client(MiniProgramMiddleware::new(sealer, opener))
    };
    let r = make(sym(&app.sym_key_b64))
        .post(&url)
        .body(r#"{"code":"abc"}"#)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["errcode"], 0);
    assert_eq!(v["phone_info"]["countryCode"], "86");
    let err = make(SecretBytes::new(vec![9; 32]))
        .post(&url)
        .body(r#"{"code":"abc"}"#)
        .send()
        .await
        .unwrap_err();
    match core_error::<OpenError>(&err) {
        Some(OpenError::Unverified(e)) => assert!((40230..=40240).contains(&e.errcode), "{e:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn alipay_signed_call_and_a_wrong_app_key() {
    use chop::alipay::{AlipayPublicKey, GatewayError, SignType, VerifyError as AlipayVerifyError};
    let (state, base) = start_new().await;
    let a = state.merchant_files().alipay.clone();
    let alipay = AlipayPublicKey::load(a.alipay_public_key_pem.as_bytes()).unwrap();
    let form = |no: &str| {
        format!("app_id={}&method=alipay.trade.precreate&charset=utf-8&version=1.0&timestamp=2026-11-23+12%3A00%3A00&biz_content=%7B%22out_trade_no%22%3A%22{no}%22%2C%22total_amount%22%3A%221.00%22%2C%22subject%22%3A%22e2e%22%7D", a.app_id)
    };
    let ok = client(AlipayMiddleware::new(
        RsaPrivateKey::load(a.app_private_key_pem.as_bytes(), None).unwrap(),
        SignType::Rsa2,
        alipay.clone(),
    ));
    let r = ok
        .post(format!("{base}/gateway.do"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form("A1"))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["alipay_trade_precreate_response"]["code"], "10000");
    let other = MockState::generate().unwrap();
    let wrong = client(AlipayMiddleware::new(
        RsaPrivateKey::load(
            other.merchant_files().alipay.app_private_key_pem.as_bytes(),
            None,
        )
        .unwrap(),
        SignType::Rsa2,
        alipay,
    ));
    let err = wrong
        .post(format!("{base}/gateway.do"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form("A2"))
        .send()
        .await
        .unwrap_err();
    // The gateway's isv.invalid-signature answer is unsigned.
    assert!(
        matches!(
            core_error::<GatewayError>(&err),
            Some(GatewayError::Verify(AlipayVerifyError::MissingSign { .. }))
        ),
        "{err:?}"
    );
}
