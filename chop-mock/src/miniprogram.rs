//! The Mini Program API-security gateway: `POST /wxa/business/getuserphonenumber`.
//!
//! Opens sealed requests as the platform does (headers, access token, appid,
//! timestamp window, RSA-PSS signature over `urlpath\nappid\ntimestamp\nbody`,
//! AES-256-GCM with the AAD `urlpath|appid|timestamp|sn`, `_appid` and
//! `_timestamp` inside) and answers the 4023x codes when a check fails
//! (unsigned `{"errcode":…,"errmsg":…}`, as the platform does). Successful
//! answers are sealed and signed with the platform key; after
//! [`MockState::rotate_miniprogram_certificate`] they carry the
//! `Wechatmp-Serial-Deprecated`/`Wechatmp-Signature-Deprecated` pair too.
//!
//! `urlpath` is the full URL without the query; the mock rebuilds it from
//! `http://` and the `Host` header it received.
//!
//! Not raised: 40230 (the mock accepts requests without `Wechatmp-Serial`, as
//! the core's sealer sends none by default) and 40238 (the app always has a key).

use std::sync::atomic::Ordering;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use chop::crypto::aead;
use chop::key::{Certificate, RsaPrivateKey};
use chop::miniprogram::{Aad, ApiSecurityErrorCode as Code, EncryptedBody, SignString};
use chop::secret::SecretBytes;
use chop::signer::{SignatureScheme, Signer as _};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::keys::{generate_rsa, self_signed};
use crate::state::{random_alnum, random_hex};
use crate::{MockError, MockState};

/// The window on `Wechatmp-TimeStamp`, seconds.
const WINDOW_SECS: i64 = 300;

/// The Mini Program side of [`crate::MerchantFiles`] (TEST ONLY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MiniProgramApp {
    /// The appid (`Wechatmp-Appid`).
    pub appid: String,
    /// The access token the mock accepts (`?access_token=`).
    pub access_token: String,
    /// The API symmetric key (AES-256-GCM), base64.
    pub sym_key_b64: String,
    /// The symmetric key's number (sn), in the AAD.
    pub sym_sn: String,
    /// The app's API signature private key (RSA, PSS), PKCS#8 PEM.
    pub app_key_pem: String,
    /// The app key's number (sn), for `Wechatmp-Serial` if you send it.
    pub app_key_sn: String,
    /// The platform certificate in force at start-up, PEM.
    pub platform_cert_pem: String,
    /// Its number (证书编号), the `Wechatmp-Serial` of answers.
    pub platform_cert_number: String,
    /// The certificate a rotation switches to, PEM.
    pub next_platform_cert_pem: String,
    /// Its number.
    pub next_platform_cert_number: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct MpStored {
    app: MiniProgramApp,
    platform_key_pems: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct MpInner {
    pub(crate) app: MiniProgramApp,
    sym_key: SecretBytes,
    app_public: chop::key::RsaPublicKey,
    platform_keys: Vec<RsaPrivateKey>,
}

impl MockState {
    /// Mini Program: answers are signed with the next certificate, and with
    /// the old one in the `-Deprecated` pair.
    pub fn rotate_miniprogram_certificate(&self) {
        self.inner.mp_rotated.store(true, Ordering::SeqCst);
    }
}

pub(crate) fn generate() -> Result<MpStored, MockError> {
    let app = generate_rsa()?;
    let mut sym = vec![0u8; 32];
    aws_lc_rs::rand::fill(&mut sym).map_err(|_| MockError::KeyGen("random"))?;
    let mut keys = Vec::new();
    let mut certs = Vec::new();
    for n in 1..=2 {
        let g = generate_rsa()?;
        let k = RsaPrivateKey::load(g.pem.as_bytes(), None)?;
        let (pem, _) = self_signed(
            &k,
            &g.spki_der,
            &random_hex(16)?,
            &format!("TEST ONLY Mini Program platform {n}"),
            365,
        )?;
        keys.push(g.pem);
        certs.push((random_hex(16)?.to_lowercase(), pem));
    }
    let appid = format!("wx{}", random_hex(8)?.to_lowercase());
    Ok(MpStored {
        app: MiniProgramApp {
            access_token: format!("TEST_ONLY_{}", random_alnum(40)?),
            appid,
            sym_key_b64: STANDARD.encode(&sym),
            sym_sn: random_hex(16)?.to_lowercase(),
            app_key_pem: app.pem,
            app_key_sn: random_hex(16)?.to_lowercase(),
            platform_cert_number: certs[0].0.clone(),
            platform_cert_pem: certs[0].1.clone(),
            next_platform_cert_number: certs[1].0.clone(),
            next_platform_cert_pem: certs[1].1.clone(),
        },
        platform_key_pems: keys,
    })
}

pub(crate) fn load(s: MpStored) -> Result<MpInner, MockError> {
    let sym_key = STANDARD
        .decode(&s.app.sym_key_b64)
        .map_err(|_| MockError::State("Mini Program symmetric key is not base64".into()))?;
    let app_key = RsaPrivateKey::load(s.app.app_key_pem.as_bytes(), None)?;
    Certificate::load(s.app.platform_cert_pem.as_bytes())?;
    let platform_keys = s
        .platform_key_pems
        .iter()
        .map(|p| RsaPrivateKey::load(p.as_bytes(), None))
        .collect::<Result<Vec<_>, _>>()?;
    if platform_keys.len() != 2 {
        return Err(MockError::State(
            "two Mini Program platform keys expected".into(),
        ));
    }
    Ok(MpInner {
        app: s.app,
        sym_key: SecretBytes::new(sym_key),
        app_public: app_key.public_key().clone(),
        platform_keys,
    })
}

/// `POST /wxa/business/getuserphonenumber?access_token=…`.
pub(crate) async fn get_user_phone_number(
    State(state): State<MockState>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, 1 << 20).await else {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"errcode": 44002, "errmsg": "empty post data or too large"}),
        );
    };
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let urlpath = format!("http://{host}{}", parts.uri.path());
    let query = parts.uri.query().unwrap_or("");
    match open(&state, &urlpath, query, &parts.headers, &body) {
        Ok(request) => answer(&state, &urlpath, &request),
        Err(Reject::Code(code)) => plain(
            StatusCode::OK,
            json!({"errcode": code.code(), "errmsg": format!("{} rid: {}", code.name(), rid())}),
        ),
        Err(Reject::Other(errcode, errmsg)) => plain(
            StatusCode::OK,
            json!({"errcode": errcode, "errmsg": format!("{errmsg} rid: {}", rid())}),
        ),
    }
}

enum Reject {
    Code(Code),
    Other(i64, &'static str),
}

fn open(
    state: &MockState,
    urlpath: &str,
    query: &str,
    h: &HeaderMap,
    body: &[u8],
) -> Result<Value, Reject> {
    let mp = &state.inner.mp;
    let header = |name: &str, code: Code| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or(Reject::Code(code))
    };
    let token = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("access_token="));
    match token {
        None => return Err(Reject::Other(41001, "access_token missing")),
        Some(t) if t != mp.app.access_token => {
            return Err(Reject::Other(
                40001,
                "invalid credential, access_token is invalid or not latest",
            ))
        }
        Some(_) => {}
    }
    let appid = header("Wechatmp-Appid", Code::MissingAppid)?;
    let ts_text = header("Wechatmp-TimeStamp", Code::MissingTimestamp)?;
    let signature = header("Wechatmp-Signature", Code::MissingSignature)?;
    if appid != mp.app.appid {
        return Err(Reject::Code(if appid.starts_with("wx") {
            Code::AppidTokenMismatch
        } else {
            Code::InvalidAppid
        }));
    }
    if let Some(serial) = h.get("Wechatmp-Serial").and_then(|v| v.to_str().ok()) {
        if serial != mp.app.app_key_sn {
            return Err(Reject::Code(Code::NoPublicKey));
        }
    }
    let ts: i64 = ts_text
        .parse()
        .map_err(|_| Reject::Code(Code::ExpiredTimestamp))?;
    if (state.inner.clock.now_unix() - ts).abs() > WINDOW_SECS {
        return Err(Reject::Code(Code::ExpiredTimestamp));
    }
    let sign_string = SignString::new(urlpath, &appid, &ts_text, body);
    let sig = STANDARD
        .decode(signature.as_bytes())
        .map_err(|_| Reject::Code(Code::InvalidSignature))?;
    mp.app_public
        .verify(SignatureScheme::RsaPssSha256, sign_string.as_bytes(), &sig)
        .map_err(|_| Reject::Code(Code::InvalidSignature))?;
    let encrypted = EncryptedBody::parse(body).map_err(|_| Reject::Code(Code::InvalidEncrypt))?;
    let aad = Aad::new(urlpath, &appid, ts, &mp.app.sym_sn);
    let plain = aead::aes_gcm_open(
        mp.sym_key.expose(),
        &encrypted.iv,
        aad.as_bytes(),
        &encrypted.sealed(),
    )
    .map_err(|_| Reject::Code(Code::InvalidEncrypt))?;
    let value: Value =
        serde_json::from_slice(&plain).map_err(|_| Reject::Code(Code::InvalidEncrypt))?;
    if value["_appid"] != appid.as_str()
        || value["_timestamp"].as_i64() != Some(ts)
        || !value["_n"].is_string()
    {
        return Err(Reject::Code(Code::InvalidEncrypt));
    }
    Ok(value)
}

/// The sealed, signed phone-number answer.
fn answer(state: &MockState, urlpath: &str, request: &Value) -> Response {
    let mp = &state.inner.mp;
    let app = &mp.app;
    let Some(code) = request["code"].as_str().filter(|c| !c.is_empty()) else {
        return plain(
            StatusCode::OK,
            json!({"errcode": 40029, "errmsg": format!("invalid code rid: {}", rid())}),
        );
    };
    let ts = state.inner.clock.now_unix();
    let digits: String = code
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .take(4)
        .collect();
    let mut n = [0u8; 16];
    let mut iv = [0u8; 12];
    if aws_lc_rs::rand::fill(&mut n).is_err() || aws_lc_rs::rand::fill(&mut iv).is_err() {
        return plain(
            StatusCode::OK,
            json!({"errcode": -1, "errmsg": "system error"}),
        );
    }
    let plaintext = json!({
        "errcode": 0, "errmsg": "ok",
        "phone_info": {
            "phoneNumber": format!("1380013{digits}"), "purePhoneNumber": format!("1380013{digits}"),
            "countryCode": "86", "watermark": { "timestamp": ts, "appid": app.appid },
        },
        "_n": STANDARD_NO_PAD.encode(n), "_appid": app.appid, "_timestamp": ts,
    })
    .to_string();
    let aad = Aad::new(urlpath, &app.appid, ts, &app.sym_sn);
    let Ok(sealed) = aead::aes_gcm_seal(
        mp.sym_key.expose(),
        &iv,
        aad.as_bytes(),
        plaintext.as_bytes(),
    ) else {
        return plain(
            StatusCode::OK,
            json!({"errcode": -1, "errmsg": "system error"}),
        );
    };
    let body = EncryptedBody::from_sealed(&iv, &sealed).to_json();
    let sign_string = SignString::new(urlpath, &app.appid, ts, body.as_bytes());
    let sign = |k: &RsaPrivateKey| {
        k.sign(SignatureScheme::RsaPssSha256, sign_string.as_bytes())
            .map(|s| STANDARD.encode(s))
            .unwrap_or_default()
    };
    let mut headers = vec![
        ("Wechatmp-Appid", app.appid.clone()),
        ("Wechatmp-TimeStamp", ts.to_string()),
    ];
    if state.inner.mp_rotated.load(Ordering::SeqCst) {
        headers.push(("Wechatmp-Serial", app.next_platform_cert_number.clone()));
        headers.push(("Wechatmp-Signature", sign(&mp.platform_keys[1])));
        headers.push((
            "Wechatmp-Serial-Deprecated",
            app.platform_cert_number.clone(),
        ));
        headers.push(("Wechatmp-Signature-Deprecated", sign(&mp.platform_keys[0])));
    } else {
        headers.push(("Wechatmp-Serial", app.platform_cert_number.clone()));
        headers.push(("Wechatmp-Signature", sign(&mp.platform_keys[0])));
    }
    let mut r = plain(StatusCode::OK, Value::Null);
    *r.body_mut() = Body::from(body);
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::try_from(value) {
            r.headers_mut().insert(name, v);
        }
    }
    r
}

fn plain(status: StatusCode, body: Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    r
}

fn rid() -> String {
    random_hex(8).map(|h| h.to_lowercase()).unwrap_or_default()
}
