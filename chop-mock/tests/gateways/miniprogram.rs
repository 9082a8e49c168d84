//! Mini Program API security over loopback: the core seals, the mock opens and
//! answers sealed; failures get the 4023x codes.

use base64::Engine as _;
use chop::clock::{Clock as _, FixedClock, SystemClock};
use chop::key::{Certificate, RsaPrivateKey};
use chop::miniprogram::{
    ApiSecurityErrorCode as Code, OpenError, PlatformCertificates, RequestSealer, ResponseOpener,
};
use chop::secret::SecretBytes;
use chop_mock::{MiniProgramApp, MockState};
use test_support::mock;

fn sym(app: &MiniProgramApp) -> SecretBytes {
    SecretBytes::new(
        base64::engine::general_purpose::STANDARD
            .decode(&app.sym_key_b64)
            .unwrap(),
    )
}

fn sealer(app: &MiniProgramApp) -> RequestSealer {
    sealer_with(app, sym(app), &app.sym_sn, &app.app_key_pem)
}

/// A sealer for `app`'s id with this symmetric key, key number and private key.
fn sealer_with(
    app: &MiniProgramApp,
    sym: SecretBytes,
    sym_sn: &str,
    key_pem: &str,
) -> RequestSealer {
    RequestSealer::new(
        app.appid.clone(),
        sym,
        sym_sn,
        RsaPrivateKey::load(key_pem.as_bytes(), None).unwrap(),
    )
}

fn opener(app: &MiniProgramApp, certs: &[(&str, &str)]) -> ResponseOpener {
    let mut store = PlatformCertificates::default();
    for (n, pem) in certs {
        store
            .insert(*n, &Certificate::load(pem.as_bytes()).unwrap())
            .unwrap();
    }
    ResponseOpener::new(app.appid.clone(), sym(app), app.sym_sn.clone(), store)
}

/// Sends `body` with `headers` (name, value) and returns the answer.
async fn post(url: &str, headers: &[(&str, String)], body: String) -> http::Response<Vec<u8>> {
    let mut req = mock::client().post(url).body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    mock::into_http(req.send().await.unwrap()).await
}

fn url(base: &str, app: &MiniProgramApp) -> String {
    format!(
        "{base}/wxa/business/getuserphonenumber?access_token={}",
        app.access_token
    )
}

#[tokio::test]
async fn a_sealed_request_gets_a_sealed_answer_and_rotation_sends_the_deprecated_pair() {
    let (state, base) = mock::start_new().await;
    let app = state.merchant_files().miniprogram.clone();
    let url = url(&base, &app);
    let sealed = sealer(&app)
        .seal(
            &url,
            br#"{"code":"e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144"}"#,
        )
        .unwrap();
    let resp = post(&url, &sealed.headers, sealed.body.clone()).await;
    let current = opener(&app, &[(&app.platform_cert_number, &app.platform_cert_pem)]);
    let opened = current.open_response(&url, &resp).unwrap();
    let v: serde_json::Value = serde_json::from_str(&opened.value().plaintext).unwrap();
    assert_eq!(v["errcode"], 0);
    assert_eq!(v["phone_info"]["countryCode"], "86");
    assert_eq!(v["phone_info"]["watermark"]["appid"], app.appid.as_str());
    assert!(opened.value().rotation.is_none());
    assert!(resp.headers().get("Wechatmp-Serial-Deprecated").is_none());

    state.rotate_miniprogram_certificate();
    let sealed = sealer(&app).seal(&url, br#"{"code":"abc"}"#).unwrap();
    let resp = post(&url, &sealed.headers, sealed.body).await;
    assert_eq!(
        resp.headers()["Wechatmp-Serial"],
        app.next_platform_cert_number.as_str()
    );
    assert_eq!(
        resp.headers()["Wechatmp-Serial-Deprecated"],
        app.platform_cert_number.as_str()
    );
    // A client that only has the old certificate still opens it, and is told to update.
    let opened = current.open_response(&url, &resp).unwrap();
    let rotation = opened.value().rotation.clone().unwrap();
    assert_eq!(rotation.current, app.next_platform_cert_number);
    // A client with the new certificate opens it without the deprecated pair.
    let next = opener(
        &app,
        &[(&app.next_platform_cert_number, &app.next_platform_cert_pem)],
    );
    assert!(next
        .open_response(&url, &resp)
        .unwrap()
        .value()
        .rotation
        .is_none());
}

/// The errcode the mock answers for a request sealed by `sealer` whose
/// headers are changed by `edit`.
async fn errcode(
    url: &str,
    sealer: &RequestSealer,
    app: &MiniProgramApp,
    edit: impl FnOnce(&mut Vec<(&'static str, String)>),
) -> i64 {
    let sealed = sealer.seal(url, br#"{"code":"abc"}"#).unwrap();
    let mut headers = sealed.headers.clone();
    edit(&mut headers);
    let resp = post(url, &headers, sealed.body).await;
    match opener(app, &[(&app.platform_cert_number, &app.platform_cert_pem)])
        .open_response(url, &resp)
    {
        Err(OpenError::Unverified(e)) => {
            assert!(e.errmsg.contains("rid: "), "{}", e.errmsg);
            e.errcode
        }
        other => panic!("{other:?}"),
    }
}

fn drop_header(name: &'static str) -> impl FnOnce(&mut Vec<(&'static str, String)>) {
    move |h| h.retain(|(k, _)| *k != name)
}

fn set_header(name: &'static str, value: &str) -> impl FnOnce(&mut Vec<(&'static str, String)>) {
    let value = value.to_string();
    move |h| {
        h.retain(|(k, _)| *k != name);
        h.push((name, value));
    }
}

#[tokio::test]
async fn each_fault_gets_its_api_security_code() {
    let (state, base) = mock::start_new().await;
    let app = state.merchant_files().miniprogram.clone();
    let url = url(&base, &app);
    let good = sealer(&app);
    let code = |c: Code| c.code();

    assert_eq!(
        errcode(&url, &good, &app, drop_header("Wechatmp-Appid")).await,
        code(Code::MissingAppid)
    );
    assert_eq!(
        errcode(&url, &good, &app, drop_header("Wechatmp-TimeStamp")).await,
        code(Code::MissingTimestamp)
    );
    assert_eq!(
        errcode(&url, &good, &app, drop_header("Wechatmp-Signature")).await,
        code(Code::MissingSignature)
    );
    assert_eq!(
        errcode(
            &url,
            &good,
            &app,
            set_header("Wechatmp-Appid", "not-an-appid")
        )
        .await,
        code(Code::InvalidAppid)
    );
    assert_eq!(
        errcode(
            &url,
            &good,
            &app,
            set_header("Wechatmp-Appid", "wx0000000000000000")
        )
        .await,
        code(Code::AppidTokenMismatch)
    );
    assert_eq!(
        errcode(&url, &good, &app, set_header("Wechatmp-Serial", "0000")).await,
        code(Code::NoPublicKey)
    );

    let stale = sealer(&app).with_clock(FixedClock(SystemClock.now_unix() - 301));
    assert_eq!(
        errcode(&url, &stale, &app, |_| {}).await,
        code(Code::ExpiredTimestamp)
    );

    // Signed with another app's key: the signature does not verify.
    let other = MockState::generate()
        .unwrap()
        .merchant_files()
        .miniprogram
        .clone();
    let wrong_key = sealer_with(&app, sym(&app), &app.sym_sn, &other.app_key_pem);
    assert_eq!(
        errcode(&url, &wrong_key, &app, |_| {}).await,
        code(Code::InvalidSignature)
    );

    // Encrypted with another symmetric key, or another key number in the AAD.
    let wrong_sym = sealer_with(&app, sym(&other), &app.sym_sn, &app.app_key_pem);
    assert_eq!(
        errcode(&url, &wrong_sym, &app, |_| {}).await,
        code(Code::InvalidEncrypt)
    );
    let wrong_sn = sealer_with(&app, sym(&app), "0123", &app.app_key_pem);
    assert_eq!(
        errcode(&url, &wrong_sn, &app, |_| {}).await,
        code(Code::InvalidEncrypt)
    );

    // Access token missing or not the app's.
    let no_token = format!("{base}/wxa/business/getuserphonenumber");
    assert_eq!(errcode(&no_token, &good, &app, |_| {}).await, 41001);
    let bad_token = format!("{base}/wxa/business/getuserphonenumber?access_token=nope");
    assert_eq!(errcode(&bad_token, &good, &app, |_| {}).await, 40001);
}
