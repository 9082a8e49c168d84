//! The WeChat Pay steps of the tour.

use std::sync::Arc;
use std::time::Duration;

use chop::clock::{Clock as _, SystemClock};
use chop::key::RsaPrivateKey;
use chop::wechatpay::{
    encrypt_sensitive_with_store, ApiV3Key, MemoryKeyStore, PlatformKeyStore, RequestSigner,
    ResponseVerifier, SignComparison, VerifyError,
};
use chop_reqwest::{CertificateRefresher, WechatPayMiddleware, WechatPaySigned, WechatPayVerified};
use reqwest_middleware::ClientWithMiddleware;

use super::merchant::Merchant;
use super::{plain_client, req_err, Report};

const W: &str = "WeChat Pay";

pub(super) async fn run(
    r: &mut Report,
    base: &str,
    state: &chop_mock::MockState,
    merchant: &Merchant,
) {
    let m = state.merchant_files().wechatpay.clone();
    let key = match RsaPrivateKey::load(m.merchant_key_pem.as_bytes(), None) {
        Ok(k) => k,
        Err(e) => {
            return r.step(
                &format!("{W}: load the merchant key"),
                Err(super::chain(&e)),
            )
        }
    };
    let signer = RequestSigner::merchant(m.mchid.clone(), m.merchant_serial.clone(), key);
    let apiv3 = match ApiV3Key::new(&m.api_v3_key) {
        Ok(k) => k,
        Err(e) => return r.step(&format!("{W}: the APIv3 key"), Err(super::chain(&e))),
    };
    let store: Arc<dyn PlatformKeyStore> = Arc::new(MemoryKeyStore::new());
    let refresher = Arc::new(
        CertificateRefresher::new(signer.clone(), apiv3, store.clone())
            .with_url(format!("{base}/v3/certificates"))
            .with_client(plain_client()),
    );

    // 1. The platform certificates, trusted on first use.
    let step = refresher.refresh().await.map(|rep| {
        vec![
            format!(
                "downloaded {} (trust on first use: {}), signature by {}",
                rep.serials.join(", "),
                rep.trust_on_first_use,
                rep.verified_by
            ),
            "decrypted with the APIv3 key (AEAD_AES_256_GCM, AAD `certificate`)".to_string(),
        ]
    });
    r.step(
        &format!("{W}: download the platform certificates (GET /v3/certificates)"),
        step.map_err(|e| super::chain(&e)),
    );

    let client: ClientWithMiddleware = reqwest_middleware::ClientBuilder::new(plain_client())
        .with(
            WechatPayMiddleware::new(signer.clone(), ResponseVerifier::with_store(store.clone()))
                .with_refresher(refresher.clone()),
        )
        .build();
    let notify = format!("{}/notify/wechatpay", merchant.base);

    // 2. A Native order, signed and its answer verified.
    let no = format!("TOUR{}", SystemClock.now_unix());
    let step = order(&client, base, &m.mchid, &no, &notify).await;
    r.step(
        &format!("{W}: create a Native order (POST /v3/pay/transactions/native)"),
        step,
    );

    // 3. Query it.
    let step = async {
        let url = format!(
            "{base}/v3/pay/transactions/out-trade-no/{no}?mchid={}",
            m.mchid
        );
        let resp = client.get(&url).send().await.map_err(|e| req_err(&e))?;
        let mut lines = signed_lines(&resp);
        let body = resp.text().await.map_err(|e| super::chain(&e))?;
        let v: serde_json::Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
        lines.push(format!("trade_state: {}", v["trade_state"]));
        Ok(lines)
    }
    .await;
    r.step(
        &format!("{W}: query the order (GET …/out-trade-no/{no}?mchid=…)"),
        step,
    );

    // 4. The payment-success callback, verified and decrypted by chop-axum.
    let step = async {
        let resp = plain_client()
            .post(format!("{base}/mock/pay"))
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(serde_json::json!({"out_trade_no": no}).to_string())
            .send()
            .await
            .map_err(|e| super::chain(&e))?;
        if !resp.status().is_success() {
            return Err(format!("the mock did not pay: HTTP {}", resp.status()));
        }
        let mut rx = merchant.accepted.lock().await;
        let got = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .map_err(|_| "no callback within 10 s".to_string())?
            .ok_or("the callback server stopped")?;
        if got.out_trade_no != no || got.trade_state != "SUCCESS" {
            return Err(format!("unexpected callback: {}", got.plaintext));
        }
        Ok(vec![
            format!(
                "callback {} verified with {} (TIMESTAMP\\nNONCE\\nBODY\\n over the raw body)",
                got.id, got.serial
            ),
            format!("resource decrypted: {}", truncate(&got.plaintext, 110)),
            "answered 204: WeChat Pay stops retrying".to_string(),
        ])
    }
    .await;
    r.step(
        &format!("{W}: payment callback → chop-axum verifies, decrypts, parses a Transaction"),
        step,
    );

    // 5. A tampered callback is refused with 401 {"code":"FAIL",…}.
    let step = tampered(base, &m.mchid, &merchant.base, merchant, &client, &notify).await;
    r.step(
        &format!("{W}: a tampered callback is refused (401 FAIL)"),
        step,
    );

    // 6. Sensitive fields.
    let step = async {
        let field = encrypt_sensitive_with_store(store.as_ref(), SystemClock.now_unix(), "张三")
            .map_err(|e| super::chain(&e))?;
        let body = serde_json::json!({"name": field.ciphertext}).to_string();
        let resp = client
            .post(format!("{base}/v3/mock/echo"))
            .body(body)
            .send()
            .await
            .map_err(|e| req_err(&e))?;
        let sent_serial = field.serial.clone();
        let mut lines = vec![format!(
            "`张三` → RSA-OAEP(SHA-1) with platform key {sent_serial}: {}…",
            truncate(&field.ciphertext, 40)
        )];
        lines.extend(signed_lines(&resp));
        lines.push(format!(
            "Wechatpay-Serial: {sent_serial} sent with the request"
        ));
        Ok(lines)
    }
    .await;
    r.step(
        &format!("{W}: encrypt a sensitive field and send it (Wechatpay-Serial)"),
        step,
    );

    // 7. A certificate rotation: the next answer names a new serial.
    let step = async {
        let before = store.ids();
        plain_client()
            .post(format!("{base}/mock/rotate"))
            .send()
            .await
            .map_err(|e| super::chain(&e))?;
        let url = format!(
            "{base}/v3/pay/transactions/out-trade-no/{no}?mchid={}",
            m.mchid
        );
        let resp = client.get(&url).send().await.map_err(|e| req_err(&e))?;
        let v = resp
            .extensions()
            .get::<WechatPayVerified>()
            .cloned()
            .ok_or("no verification recorded")?;
        let serial = v.key_id().unwrap_or_default().to_string();
        if before.contains(&serial) {
            return Err(format!("the answer was still signed by {serial}"));
        }
        Ok(vec![
            format!("keys before: {}", before.join(", ")),
            format!("answer signed by {serial}: unknown → one download → verified"),
            format!("keys after: {}", store.ids().join(", ")),
        ])
    }
    .await;
    r.step(
        &format!("{W}: certificate rotation handled by the refresher"),
        step,
    );

    // 8. A wrong key: SIGN_ERROR with the truncated sign message, compared.
    let step = wrong_key(base, &m.mchid, &m.merchant_serial, &no, store.clone()).await;
    r.step(
        &format!("{W}: a wrong private key gets 401 SIGN_ERROR, diagnosed"),
        step,
    );
}

async fn order(
    client: &ClientWithMiddleware,
    base: &str,
    mchid: &str,
    no: &str,
    notify: &str,
) -> Result<Vec<String>, String> {
    let body = serde_json::json!({
        "appid": "wxd678efh567hg6787", "mchid": mchid, "description": "chop tour",
        "out_trade_no": no, "notify_url": notify, "amount": {"total": 100, "currency": "CNY"}
    })
    .to_string();
    let resp = client
        .post(format!("{base}/v3/pay/transactions/native"))
        .body(body)
        .send()
        .await
        .map_err(|e| req_err(&e))?;
    let status = resp.status();
    let mut lines = signed_lines(&resp);
    let text = resp.text().await.map_err(|e| super::chain(&e))?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {text}"));
    }
    lines.push(format!("answer: {}", truncate(&text, 100)));
    Ok(lines)
}

/// Pays a second order to a capturing URL, then posts a tampered copy of the
/// captured callback to the chop-axum endpoint.
async fn tampered(
    base: &str,
    mchid: &str,
    merchant_base: &str,
    merchant: &Merchant,
    client: &ClientWithMiddleware,
    notify: &str,
) -> Result<Vec<String>, String> {
    let no = format!("TOURT{}", SystemClock.now_unix());
    order(client, base, mchid, &no, notify).await?;
    plain_client()
        .post(format!("{base}/mock/pay"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(serde_json::json!({"out_trade_no": no, "notify_url": format!("{merchant_base}/notify/capture")}).to_string())
        .send()
        .await
        .map_err(|e| super::chain(&e))?;
    let mut raw = None;
    for _ in 0..200 {
        raw = merchant
            .captured
            .lock()
            .ok()
            .and_then(|c| c.last().cloned());
        if raw.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let raw = raw.ok_or("no callback captured within 5 s")?;
    let body = String::from_utf8_lossy(&raw.body).replacen(
        "TRANSACTION.SUCCESS",
        "TRANSACTION.SUCCESs",
        1,
    );
    let mut req = plain_client().post(notify).body(body);
    for (k, v) in &raw.headers {
        if k.as_str().starts_with("wechatpay-") || k == http::header::CONTENT_TYPE {
            req = req.header(k, v);
        }
    }
    let resp = req.send().await.map_err(|e| super::chain(&e))?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| super::chain(&e))?;
    if status != 401 || !text.contains(r#""code":"FAIL""#) {
        return Err(format!("expected 401 FAIL, got HTTP {status}: {text}"));
    }
    Ok(vec![
        "one byte of event_type changed after signing".to_string(),
        format!(
            "chop-axum answered HTTP {status} {text} (WeChat Pay retries; the handler never ran)"
        ),
    ])
}

async fn wrong_key(
    base: &str,
    mchid: &str,
    serial: &str,
    no: &str,
    store: Arc<dyn PlatformKeyStore>,
) -> Result<Vec<String>, String> {
    let other = chop_mock::MockState::generate().map_err(|e| super::chain(&e))?;
    let wrong = RsaPrivateKey::load(
        other.merchant_files().wechatpay.merchant_key_pem.as_bytes(),
        None,
    )
    .map_err(|e| super::chain(&e))?;
    let signer = RequestSigner::merchant(mchid, serial, wrong);
    // Signed by hand here, so that the sign string can be compared with the platform's.
    let path = format!("/v3/pay/transactions/out-trade-no/{no}?mchid={mchid}");
    let signed = signer
        .sign("GET", &path, b"")
        .map_err(|e| super::chain(&e))?;
    let client = plain_client();
    let mut request = client
        .get(format!("{base}{path}"))
        .build()
        .map_err(|e| super::chain(&e))?;
    signed
        .instructions()
        .apply_to_headers(request.headers_mut());
    let resp = client
        .execute(request)
        .await
        .map_err(|e| super::chain(&e))?;
    let mut b = http::Response::builder().status(resp.status());
    for (k, v) in resp.headers() {
        b = b.header(k, v);
    }
    let body = resp.bytes().await.map_err(|e| super::chain(&e))?;
    let resp = b.body(body.to_vec()).map_err(|e| e.to_string())?;
    let err = match ResponseVerifier::with_store(store).verify_response(&resp) {
        Ok(_) => {
            return Err(format!(
                "the mock accepted a wrong key: HTTP {}",
                resp.status()
            ))
        }
        Err(e) => e,
    };
    let VerifyError::UnsignedErrorResponse {
        status,
        error: Some(body),
    } = err
    else {
        return Err(format!(
            "expected an unsigned 401 SIGN_ERROR, got: {}",
            super::chain(&err)
        ));
    };
    let info = body
        .sign_information()
        .ok_or("no sign_information in the error body")?;
    let verdict = match info.compare(&signed.sign_string) {
        SignComparison::Same => {
            "the platform built the same sign string as chop: the key, not the message, is wrong"
                .to_string()
        }
        other => format!("the sign strings differ: {other:?}"),
    };
    Ok(vec![
        format!("HTTP {status} {}: {}", body.code, body.message),
        format!(
            "chop's sign string ({} bytes): {}",
            signed.sign_string.len(),
            signed.sign_string.escaped()
        ),
        format!(
            "truncated_sign_message ({} bytes): {}",
            info.sign_message_length,
            info.truncated_sign_message.escape_debug()
        ),
        verdict,
    ])
}

/// The request's and the answer's sign strings.
fn signed_lines(resp: &reqwest::Response) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(WechatPaySigned(s)) = resp.extensions().get::<WechatPaySigned>() {
        lines.push(format!(
            "request sign string ({} bytes): {}",
            s.sign_string.len(),
            s.sign_string.escaped()
        ));
        lines.push(format!(
            "Authorization: {}",
            truncate(&s.authorization_header(), 120)
        ));
    }
    if let Some(v) = resp.extensions().get::<WechatPayVerified>() {
        lines.push(format!(
            "answer verified with {} over ({} bytes): {}",
            v.key_id().unwrap_or_default(),
            v.sign_string().len(),
            truncate(&v.sign_string().escaped(), 120)
        ));
    }
    lines
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let t: String = s.chars().take(max).collect();
    format!("{t}…")
}
