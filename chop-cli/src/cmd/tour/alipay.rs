//! The Alipay steps of the tour.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::alipay::{encrypt_content, phone_number, AesKey, AlipayPublicKey, SignContent, SignType};
use chop::clock::{Clock as _, SystemClock};
use chop::key::RsaPrivateKey;
use chop::signer::{SignatureScheme, Signer as _};
use chop_reqwest::{AlipayMiddleware, AlipayVerified};
use reqwest_middleware::ClientWithMiddleware;

use super::merchant::Merchant;
use super::{plain_client, req_err, Report};

const A: &str = "Alipay";

pub(super) async fn run(
    r: &mut Report,
    base: &str,
    state: &chop_mock::MockState,
    merchant: &Merchant,
    state_dir: &std::path::Path,
) {
    let a = state.merchant_files().alipay.clone();
    let keys = (|| {
        let load = || {
            RsaPrivateKey::load(a.app_private_key_pem.as_bytes(), None)
                .map_err(|e| super::chain(&e))
        };
        let app = (load()?, load()?);
        let alipay = AlipayPublicKey::load(a.alipay_public_key_pem.as_bytes())
            .map_err(|e| super::chain(&e))?;
        let aes = AesKey::from_base64(&a.aes_key_b64).map_err(|e| super::chain(&e))?;
        Ok::<_, String>((app, alipay, aes))
    })();
    let (app, alipay, aes) = match keys {
        Ok(k) => k,
        Err(e) => return r.step(&format!("{A}: load the app's keys"), Err(e)),
    };
    let plain = reqwest_middleware::ClientBuilder::new(plain_client())
        .with(AlipayMiddleware::new(app.0, SignType::Rsa2, alipay.clone()))
        .build();
    let encrypted = reqwest_middleware::ClientBuilder::new(plain_client())
        .with(
            AlipayMiddleware::new(app.1, SignType::Rsa2, alipay.clone())
                .with_content_encryption(aes.clone()),
        )
        .build();
    let no = format!("ALITOUR{}", SystemClock.now_unix());
    let gateway = format!("{base}/gateway.do");

    let biz =
        serde_json::json!({"out_trade_no": no, "total_amount": "88.88", "subject": "chop tour"})
            .to_string();
    let step = call(&plain, &gateway, &a.app_id, "alipay.trade.precreate", &biz).await;
    r.step(
        &format!("{A}: alipay.trade.precreate signed (RSA2), its answer verified"),
        step,
    );

    let biz = serde_json::json!({"out_trade_no": no}).to_string();
    let step = call(&encrypted, &gateway, &a.app_id, "alipay.trade.query", &biz).await;
    r.step(
        &format!(
            "{A}: alipay.trade.query with AES content encryption, answer verified then decrypted"
        ),
        step,
    );

    let step = async {
        let notify_url = format!("{}/notify/alipay", merchant.base);
        let resp = plain_client()
            .post(format!("{base}/mock/alipay/pay"))
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(serde_json::json!({"out_trade_no": no, "notify_url": notify_url}).to_string())
            .send()
            .await
            .map_err(|e| super::chain(&e))?;
        if !resp.status().is_success() {
            let s = resp.status();
            return Err(format!(
                "the mock did not pay: HTTP {s}: {}",
                resp.text().await.unwrap_or_default()
            ));
        }
        let mut rx = merchant.alipay.lock().await;
        let p = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .map_err(|_| "no notify within 10 s".to_string())?
            .ok_or("the notify server stopped")?;
        if p.get("out_trade_no") != Some(no.as_str())
            || p.get("trade_status") != Some("TRADE_SUCCESS")
        {
            return Err(format!("unexpected notify: {:?}", p.get("trade_status")));
        }
        let mut signed = p.clone();
        signed.remove("sign_type");
        Ok(vec![
            format!(
                "notify verified (sign_type left out, as Alipay signs notifies): {}…",
                SignContent::for_request(&signed)
                    .as_str()
                    .chars()
                    .take(120)
                    .collect::<String>()
            ),
            format!(
                "trade_status {} total_amount {}; answered `success`",
                p.get("trade_status").unwrap_or(""),
                p.get("total_amount").unwrap_or("")
            ),
        ])
    }
    .await;
    r.step(
        &format!("{A}: async notify → chop-axum verifies it, answers `success`"),
        step,
    );

    let step = phone(&alipay, &aes, state_dir);
    r.step(
        &format!("{A}: mini program phone number (my.getPhoneNumber): verify, then decrypt"),
        step,
    );
}

async fn call(
    client: &ClientWithMiddleware,
    gateway: &str,
    app_id: &str,
    method: &str,
    biz: &str,
) -> Result<Vec<String>, String> {
    let ts = "2026-11-23 12:00:00";
    let form = [
        ("app_id", app_id),
        ("method", method),
        ("charset", "utf-8"),
        ("version", "1.0"),
        ("timestamp", ts),
        ("biz_content", biz),
    ];
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let resp = client
        .post(gateway)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded;charset=utf-8",
        )
        .body(body)
        .send()
        .await
        .map_err(|e| req_err(&e))?;
    let v = resp
        .extensions()
        .get::<AlipayVerified>()
        .cloned()
        .ok_or("no verification recorded")?;
    let text = resp.text().await.map_err(|e| super::chain(&e))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let inner = &json[&v.response_key];
    if inner["code"] != "10000" {
        return Err(format!("the gateway answered {text}"));
    }
    Ok(vec![
        format!(
            "request sign content ({} bytes): {}…",
            v.request_sign_content.len(),
            v.request_sign_content
                .as_str()
                .chars()
                .take(150)
                .collect::<String>()
        ),
        format!(
            "answer {} verified over ({} bytes, encrypted: {}): {}…",
            v.response_key,
            v.response_sign_content.len(),
            v.encrypted,
            v.response_sign_content
                .as_str()
                .chars()
                .take(90)
                .collect::<String>()
        ),
        format!(
            "answer: {}",
            inner.to_string().chars().take(120).collect::<String>()
        ),
    ])
}

/// Plays the mini program's side: Alipay's answer to my.getPhoneNumber is an
/// AES-encrypted JSON signed with quotes around it. It is made here with the
/// mock's TEST ONLY Alipay key (from its state directory); the server side is
/// the core's `phone_number`.
fn phone(
    alipay: &AlipayPublicKey,
    aes: &AesKey,
    state_dir: &std::path::Path,
) -> Result<Vec<String>, String> {
    let stored = std::fs::read(state_dir.join(chop_mock::STATE_FILE)).map_err(|e| e.to_string())?;
    let stored: serde_json::Value = serde_json::from_slice(&stored).map_err(|e| e.to_string())?;
    let pem = stored["alipay"]["alipay_private_key_pem"]
        .as_str()
        .ok_or("the mock state has no Alipay key")?;
    let key = RsaPrivateKey::load(pem.as_bytes(), None).map_err(|e| super::chain(&e))?;
    let response = encrypt_content(
        aes,
        br#"{"code":"10000","msg":"Success","mobile":"13800000000"}"#,
    )
    .map_err(|e| super::chain(&e))?;
    let content = SignContent::quoted(&response);
    let sign = STANDARD.encode(
        key.sign(SignatureScheme::RsaPkcs1Sha256, content.as_bytes())
            .map_err(|e| super::chain(&e))?,
    );
    let phone = phone_number(&response, &sign, None, alipay, aes).map_err(|e| super::chain(&e))?;
    Ok(vec![
        format!("response (from my.getPhoneNumber, made with the mock's TEST ONLY Alipay key): {response}"),
        format!("step 1: sign verified over {} (the response in double quotes)", phone.sign_string().as_str()),
        format!("step 2: decrypted with the AES key: mobile {}", phone.value().mobile),
    ])
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
