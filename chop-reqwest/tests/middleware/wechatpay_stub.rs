//! chop-reqwest's WeChat Pay middleware against a small axum stub on
//! 127.0.0.1 that signs with the core (the full mock is tested in e2e tests).

#![allow(clippy::result_large_err)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chop::key::{RsaPrivateKey, RsaPublicKey};
use chop::signer::{SignatureScheme, Signer};
use chop::wechatpay::{
    ApiV3Key, Authorization, EncryptedResource, MemoryKeyStore, PlatformKey, PlatformKeyStore,
    RequestSigner, ResponseVerifier, SignString, VerifyError, AEAD_AES_256_GCM,
};
use chop_reqwest::{core_error, CertificateRefresher, WechatPayMiddleware, WechatPayVerified};
use reqwest_middleware::ClientWithMiddleware;
use test_support::keys::{private_key, public_key};

const APIV3: &str = "0123456789abcdef0123456789abcdef";
const MCHID: &str = "1900009191";
const SERIAL: &str = "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB";
const OLD: &str = test_support::platform::OLD_SERIAL;
const NEW: &str = test_support::platform::NEW_SERIAL;

struct Stub {
    merchant: RsaPublicKey,
    old: &'static RsaPrivateKey,
    new: &'static RsaPrivateKey,
    use_new: AtomicBool,
    certs_fail: AtomicBool,
    tamper: AtomicBool,
    downloads: AtomicUsize,
}

impl Stub {
    fn signed(&self, status: StatusCode, body: String) -> Response {
        let (key, serial) = if self.use_new.load(Ordering::SeqCst) {
            (self.new, NEW)
        } else {
            (self.old, OLD)
        };
        self.signed_with(key, serial, status, body)
    }

    fn signed_with(
        &self,
        key: &RsaPrivateKey,
        serial: &str,
        status: StatusCode,
        body: String,
    ) -> Response {
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let nonce = "stubnonce0123456789";
        let msg = SignString::response(&ts, nonce, body.as_bytes());
        let sig = STANDARD.encode(
            key.sign(SignatureScheme::RsaPkcs1Sha256, msg.as_bytes())
                .unwrap(),
        );
        let body = if self.tamper.load(Ordering::SeqCst) {
            body.replace("weixin", "weixim")
        } else {
            body
        };
        (
            status,
            [
                ("Wechatpay-Timestamp", ts),
                ("Wechatpay-Nonce", nonce.to_string()),
                ("Wechatpay-Signature", sig),
                ("Wechatpay-Serial", serial.to_string()),
                ("Content-Type", "application/json".to_string()),
            ],
            body,
        )
            .into_response()
    }

    /// Checks the request's Authorization like the platform; `Err` is the 401.
    fn check(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), Response> {
        let fail = |m: &str| {
            (
                StatusCode::UNAUTHORIZED,
                format!(r#"{{"code":"SIGN_ERROR","message":"{m}"}}"#),
            )
                .into_response()
        };
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| fail("no Authorization"))?;
        let auth = Authorization::parse(auth).map_err(|_| fail("bad Authorization"))?;
        let ts: i64 = auth.timestamp.parse().map_err(|_| fail("bad timestamp"))?;
        let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let msg = SignString::request(method.as_str(), target, ts, &auth.nonce_str, body).unwrap();
        let sig = STANDARD
            .decode(&auth.signature)
            .map_err(|_| fail("bad base64"))?;
        if auth.id != MCHID || auth.serial_no != SERIAL {
            return Err(fail("wrong mchid or serial"));
        }
        self.merchant
            .verify(SignatureScheme::RsaPkcs1Sha256, msg.as_bytes(), &sig)
            .map_err(|_| fail("signature"))
    }
}

async fn order(
    State(s): State<Arc<Stub>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = s.check(&method, &uri, &headers, &body) {
        return r;
    }
    s.signed(
        StatusCode::OK,
        r#"{"code_url":"weixin://wxpay/bizpayurl?pr=stub"}"#.to_string(),
    )
}

async fn bill(
    State(s): State<Arc<Stub>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = s.check(&method, &uri, &headers, b"") {
        return r;
    }
    "unsigned,csv,bill\n".into_response()
}

async fn certificates(
    State(s): State<Arc<Stub>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    s.downloads.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    if let Err(r) = s.check(&method, &uri, &headers, b"") {
        return r;
    }
    if s.certs_fail.load(Ordering::SeqCst) {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"code":"SYSTEM_ERROR","message":"busy"}"#,
        )
            .into_response();
    }
    let key = ApiV3Key::new(APIV3).unwrap();
    let entry = |serial: &str, pem: &str| {
        let enc = EncryptedResource::encrypt(
            &key,
            AEAD_AES_256_GCM,
            "certificate",
            "0123456789ab",
            pem.as_bytes(),
        )
        .unwrap();
        serde_json::json!({"serial_no": serial, "effective_time": "", "expire_time": "", "encrypt_certificate": enc})
    };
    let current = test_support::platform::current();
    let body =
        serde_json::json!({"data": [entry(OLD, &current.old.pem), entry(NEW, &current.new.pem)]});
    // The download is signed with the old certificate during the rotation.
    s.signed_with(s.old, OLD, StatusCode::OK, body.to_string())
}

async fn start() -> (String, Arc<Stub>) {
    let stub = Arc::new(Stub {
        merchant: public_key("keys/generated/pub-spki.pem"),
        old: &test_support::platform::current().old.key,
        new: &test_support::platform::current().new.key,
        use_new: AtomicBool::new(false),
        certs_fail: AtomicBool::new(false),
        tamper: AtomicBool::new(false),
        downloads: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/v3/pay/transactions/native", post(order))
        .route("/v3/bill", get(bill))
        .route("/v3/certificates", get(certificates))
        .with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), stub)
}

fn signer() -> RequestSigner {
    RequestSigner::merchant(MCHID, SERIAL, private_key("keys/generated/key-pkcs8.pem"))
}

/// The old platform certificate, valid now: these tests verify with the wall
/// clock, so they never use the fixed-validity vector file.
fn old_key() -> PlatformKey {
    PlatformKey::certificate(test_support::platform::current().old.certificate.clone()).unwrap()
}

fn client(mw: WechatPayMiddleware) -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(mw)
        .build()
}

/// A client whose middleware signs with the merchant key and trusts the old
/// platform certificate.
fn trusting_old(signer: RequestSigner) -> ClientWithMiddleware {
    client(WechatPayMiddleware::new(
        signer,
        ResponseVerifier::new([old_key()]),
    ))
}

/// Places `ORDER` through `c`.
async fn order_through(
    c: &ClientWithMiddleware,
    base: &str,
) -> reqwest_middleware::Result<reqwest::Response> {
    c.post(format!("{base}/v3/pay/transactions/native"))
        .body(ORDER)
        .send()
        .await
}

const ORDER: &str = r#"{"appid":"wxd678efh567hg6787","mchid":"1900009191","description":"chop","out_trade_no":"1217752501201407033233368018","notify_url":"https://example.com/notify","amount":{"total":100,"currency":"CNY"}}"#;

#[tokio::test]
async fn an_order_is_signed_and_its_response_verified() {
    let (base, _stub) = start().await;
    let c = trusting_old(signer());
    let r = order_through(&c, &base).await.unwrap();
    assert_eq!(r.status(), 200);
    let v = r.extensions().get::<WechatPayVerified>().unwrap().clone();
    assert_eq!(v.key_id(), Some(OLD));
    let body = r.text().await.unwrap();
    assert_eq!(body, r#"{"code_url":"weixin://wxpay/bizpayurl?pr=stub"}"#);
    assert!(v
        .sign_string()
        .as_bytes()
        .ends_with(format!("\n{body}\n").as_bytes()));
}

#[tokio::test]
async fn a_tampered_response_is_the_cores_bad_signature() {
    let (base, stub) = start().await;
    stub.tamper.store(true, Ordering::SeqCst);
    let c = trusting_old(signer());
    let err = order_through(&c, &base).await.unwrap_err();
    match core_error::<VerifyError>(&err) {
        Some(VerifyError::BadSignature {
            serial,
            sign_string,
            ..
        }) => {
            assert_eq!(serial, OLD);
            assert!(String::from_utf8_lossy(sign_string.as_bytes()).contains("weixim"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_merchant_key_gets_the_unsigned_401() {
    let (base, _stub) = start().await;
    let wrong = RequestSigner::merchant(
        MCHID,
        SERIAL,
        private_key("keys/wechatpay-platform/platform-pubkey-key.pem"),
    );
    let c = trusting_old(wrong);
    let err = order_through(&c, &base).await.unwrap_err();
    match core_error::<VerifyError>(&err) {
        Some(VerifyError::UnsignedErrorResponse {
            status: 401,
            error: Some(e),
        }) => assert_eq!(e.code, "SIGN_ERROR"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_download_passes_through_unverified() {
    let (base, _stub) = start().await;
    let c = trusting_old(signer());
    let r = c
        .get(format!("{base}/v3/bill?token=T"))
        .with_extension(chop_reqwest::Download)
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "unsigned,csv,bill\n");
    let err = c
        .get(format!("{base}/v3/bill?token=T"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            core_error::<VerifyError>(&err),
            Some(VerifyError::MissingHeaders { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_rotation_downloads_once_for_all_concurrent_requests() {
    let (base, stub) = start().await;
    let store: Arc<dyn PlatformKeyStore> = Arc::new(MemoryKeyStore::with_keys([old_key()]));
    let refresher = Arc::new(
        CertificateRefresher::new(signer(), ApiV3Key::new(APIV3).unwrap(), store.clone())
            .with_url(format!("{base}/v3/certificates"))
            .with_policy(chop::wechatpay::RefreshPolicy::new().with_interval(3600)),
    );
    // The scheduled download happened; now the platform switches certificates.
    refresher.refresh().await.unwrap();
    store.remove(NEW);
    assert_eq!(stub.downloads.swap(0, Ordering::SeqCst), 1);
    stub.use_new.store(true, Ordering::SeqCst);
    let c = client(
        WechatPayMiddleware::new(signer(), ResponseVerifier::with_store(store.clone()))
            .with_refresher(refresher.clone()),
    );
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        let url = format!("{base}/v3/pay/transactions/native");
        tasks.push(tokio::spawn(
            async move { c.post(url).body(ORDER).send().await },
        ));
    }
    for t in tasks {
        let r = t.await.unwrap().unwrap();
        assert_eq!(
            r.extensions().get::<WechatPayVerified>().unwrap().key_id(),
            Some(NEW)
        );
    }
    assert_eq!(
        stub.downloads.load(Ordering::SeqCst),
        1,
        "one download shared by all requests"
    );
    assert!(store.find(NEW).is_some());
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_last_good_keys() {
    let (base, stub) = start().await;
    stub.certs_fail.store(true, Ordering::SeqCst);
    let store: Arc<dyn PlatformKeyStore> = Arc::new(MemoryKeyStore::with_keys([old_key()]));
    let refresher = Arc::new(
        CertificateRefresher::new(signer(), ApiV3Key::new(APIV3).unwrap(), store.clone())
            .with_url(format!("{base}/v3/certificates")),
    );
    let err = refresher.refresh().await.unwrap_err();
    assert!(
        matches!(
            err,
            chop_reqwest::RefreshError::Certs(chop::wechatpay::CertsError::Api { status: 500, .. })
        ),
        "{err:?}"
    );
    assert_eq!(store.ids(), [OLD]);
    assert!(!refresher.is_due(), "held back after a failure");
    let c = client(
        WechatPayMiddleware::new(signer(), ResponseVerifier::with_store(store.clone()))
            .with_refresher(refresher),
    );
    let r = order_through(&c, &base).await.unwrap();
    assert_eq!(
        r.extensions().get::<WechatPayVerified>().unwrap().key_id(),
        Some(OLD)
    );
    // A serial nobody has, and the download still failing: the core's UnknownSerial.
    stub.use_new.store(true, Ordering::SeqCst);
    let err = order_through(&c, &base).await.unwrap_err();
    assert!(
        matches!(
            core_error::<VerifyError>(&err),
            Some(VerifyError::UnknownSerial { .. })
        ),
        "{err:?}"
    );
    assert_eq!(store.ids(), [OLD]);
}

#[tokio::test]
async fn the_first_download_is_trusted_on_first_use() {
    let (base, _stub) = start().await;
    let store: Arc<dyn PlatformKeyStore> = Arc::new(MemoryKeyStore::new());
    let refresher =
        CertificateRefresher::new(signer(), ApiV3Key::new(APIV3).unwrap(), store.clone())
            .with_url(format!("{base}/v3/certificates"));
    let report = refresher.refresh().await.unwrap();
    assert!(report.trust_on_first_use);
    assert_eq!(report.verified_by, OLD);
    assert_eq!(store.ids(), [NEW, OLD]);
    let strict = CertificateRefresher::new(
        signer(),
        ApiV3Key::new(APIV3).unwrap(),
        Arc::new(MemoryKeyStore::new()),
    )
    .with_url(format!("{base}/v3/certificates"))
    .with_bootstrap(chop::wechatpay::Bootstrap::KnownKeysOnly);
    assert_eq!(
        strict.refresh().await.unwrap_err(),
        chop_reqwest::RefreshError::Certs(chop::wechatpay::CertsError::NoTrustedKey)
    );
}
