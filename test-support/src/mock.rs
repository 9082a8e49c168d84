//! The in-process mock on 127.0.0.1, a client that reaches it, and a
//! merchant's callback endpoint on loopback (feature `mock`).
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use test_support::mock;
//! let state = chop_mock::MockState::generate().unwrap();
//! let base = mock::start(state.clone()).await;
//! let signed = mock::merchant_signer(&state).sign("GET", "/v3/certificates", b"").unwrap();
//! let r = mock::client()
//!     .get(format!("{base}/v3/certificates"))
//!     .header("authorization", signed.authorization_header())
//!     .send()
//!     .await
//!     .unwrap();
//! let resp = mock::into_http(r).await;
//! assert_eq!(resp.status(), 200);
//! mock::platform_verifier(&state).verify_response(&resp).unwrap();
//! # });
//! ```

use std::sync::Arc;
use std::time::Duration;

use chop::key::{Certificate, RsaPrivateKey};
use chop::wechatpay::{PlatformKey, RequestSigner, ResponseVerifier};
use chop_mock::{Delivery, MockState};
use http::StatusCode;

/// Serves the mock over `state` on a free 127.0.0.1 port; returns its base URL.
pub async fn start(state: MockState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(chop_mock::serve(listener, state));
    base
}

/// A mock with freshly generated TEST ONLY keys, served as by [`start`];
/// returns its state and base URL.
pub async fn start_new() -> (MockState, String) {
    let state = MockState::generate().expect("generate the mock's keys");
    let base = start(state.clone()).await;
    (state, base)
}

/// A client for loopback servers (no proxy from the environment).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a reqwest client")
}

/// `r` read into an `http::Response`, the form the core verifies.
pub async fn into_http(r: reqwest::Response) -> http::Response<Vec<u8>> {
    let mut b = http::Response::builder().status(r.status().as_u16());
    for (k, v) in r.headers() {
        b = b.header(k.as_str(), v.as_bytes());
    }
    let body = r.bytes().await.expect("the response body").to_vec();
    b.body(body).expect("a response")
}

/// A signer with the mock's WeChat Pay merchant id, serial and key.
pub fn merchant_signer(state: &MockState) -> RequestSigner {
    let m = &state.merchant_files().wechatpay;
    RequestSigner::merchant(
        m.mchid.clone(),
        m.merchant_serial.clone(),
        RsaPrivateKey::load(m.merchant_key_pem.as_bytes(), None).expect("the merchant key"),
    )
}

/// A verifier that knows the mock's current WeChat Pay platform certificate.
pub fn platform_verifier(state: &MockState) -> ResponseVerifier {
    let pem = &state.merchant_files().wechatpay.platform_cert_pem;
    let cert = Certificate::load(pem.as_bytes()).expect("the platform certificate");
    ResponseVerifier::new([PlatformKey::certificate(cert).expect("an RSA certificate")])
}

/// The requests a [`receiver`] got, in order.
pub type Captured = Arc<tokio::sync::Mutex<Vec<http::Request<Vec<u8>>>>>;

/// A merchant callback endpoint on loopback (`POST /notify`) that answers 500
/// to the first `fail` calls, then 204; returns its URL and what it received.
pub async fn receiver(fail: usize) -> (String, Captured) {
    receiver_answering(fail, StatusCode::NO_CONTENT, "").await
}

/// A [`receiver`] that answers `status` with `body` once it stops failing
/// (an Alipay merchant answers `200 success`).
pub async fn receiver_answering(
    fail: usize,
    status: StatusCode,
    body: &'static str,
) -> (String, Captured) {
    use axum::extract::Request;
    let seen: Captured = Arc::default();
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/notify",
        axum::routing::post(move |req: Request| {
            let s = s.clone();
            async move {
                let (parts, b) = req.into_parts();
                let b = axum::body::to_bytes(b, 1 << 20).await.unwrap_or_default();
                let mut all = s.lock().await;
                all.push(http::Request::from_parts(parts, b.to_vec()));
                if all.len() <= fail {
                    (StatusCode::INTERNAL_SERVER_ERROR, "")
                } else {
                    (status, body)
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let url = format!(
        "http://{}/notify",
        listener.local_addr().expect("local address")
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// Polls `done` every 25 ms for at most 5 s; whether it became true.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut n = 0;
/// assert!(test_support::mock::wait_until(|| { n += 1; n == 3 }).await);
/// # });
/// ```
pub async fn wait_until(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    done()
}

/// The first of the mock's deliveries for which `done` holds, waiting at most
/// 5 s; panics with every delivery when none does.
pub async fn wait_for_delivery(state: &MockState, done: impl Fn(&Delivery) -> bool) -> Delivery {
    let find = || state.deliveries().into_iter().find(|d| done(d));
    wait_until(|| find().is_some()).await;
    find().unwrap_or_else(|| panic!("no delivery finished in 5 s: {:?}", state.deliveries()))
}
