//! The Mini Program steps of the tour.

use base64::Engine as _;
use chop::key::{Certificate, RsaPrivateKey};
use chop::miniprogram::{PlatformCertificates, RequestSealer, ResponseOpener};
use chop::secret::SecretBytes;
use chop_reqwest::{MiniProgramMiddleware, MiniProgramOpened};

use super::{plain_client, req_err, Report};

pub(super) async fn run(r: &mut Report, base: &str, state: &chop_mock::MockState) {
    let step = sealed_call(base, state).await;
    r.step(
        "Mini Program: sealed getuserphonenumber call (AES256_GCM + RSAwithSHA256)",
        step,
    );
}

async fn sealed_call(base: &str, state: &chop_mock::MockState) -> Result<Vec<String>, String> {
    let app = state.merchant_files().miniprogram.clone();
    let sym = || {
        base64::engine::general_purpose::STANDARD
            .decode(&app.sym_key_b64)
            .map(SecretBytes::new)
            .map_err(|e| e.to_string())
    };
    let key =
        RsaPrivateKey::load(app.app_key_pem.as_bytes(), None).map_err(|e| super::chain(&e))?;
    let sealer = RequestSealer::new(app.appid.clone(), sym()?, app.sym_sn.clone(), key);
    let mut certs = PlatformCertificates::default();
    let cert = Certificate::load(app.platform_cert_pem.as_bytes()).map_err(|e| super::chain(&e))?;
    certs
        .insert(app.platform_cert_number.clone(), &cert)
        .map_err(|e| super::chain(&e))?;
    let opener = ResponseOpener::new(app.appid.clone(), sym()?, app.sym_sn.clone(), certs);
    let client = reqwest_middleware::ClientBuilder::new(plain_client())
        .with(MiniProgramMiddleware::new(sealer, opener))
        .build();
    let url = format!(
        "{base}/wxa/business/getuserphonenumber?access_token={}",
        app.access_token
    );
    let resp = client
        .post(&url)
        .body(r#"{"code":"e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144"}"#)
        .send()
        .await
        .map_err(|e| req_err(&e))?;
    let o = resp
        .extensions()
        .get::<MiniProgramOpened>()
        .cloned()
        .ok_or("no opened response recorded")?;
    let text = resp.text().await.map_err(|e| super::chain(&e))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if v["errcode"] != 0 {
        return Err(format!("errcode {}: {text}", v["errcode"]));
    }
    Ok(vec![
        format!("AAD: {}", o.sealed.aad),
        format!(
            "request sign string ({} bytes): {}…",
            o.sealed.sign_string.len(),
            o.sealed
                .sign_string
                .escaped()
                .chars()
                .take(110)
                .collect::<String>()
        ),
        format!(
            "answer verified with platform certificate {} over: {}…",
            o.opened.key_id().unwrap_or_default(),
            o.opened
                .sign_string()
                .escaped()
                .chars()
                .take(90)
                .collect::<String>()
        ),
        format!(
            "decrypted: phoneNumber {} (countryCode {})",
            v["phone_info"]["phoneNumber"], v["phone_info"]["countryCode"]
        ),
    ])
}
