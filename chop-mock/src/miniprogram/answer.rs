//! The Mini Program gateway's answers: unsigned `{"errcode":…,"errmsg":…}`
//! bodies, and the sealed, signed phone-number answer (with the
//! `-Deprecated` pair after a rotation).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use chop::crypto::aead;
use chop::key::RsaPrivateKey;
use chop::miniprogram::{Aad, EncryptedBody, SignString};
use chop::signer::{SignatureScheme, Signer as _};
use serde_json::{json, Value};

use super::state::MiniProgram;
use crate::random::{random_bytes, random_hex};

/// The sealed, signed phone-number answer.
pub(crate) fn answer(mp: &MiniProgram, ts: i64, urlpath: &str, request: &Value) -> Response {
    let app = &mp.app;
    let Some(code) = request["code"].as_str().filter(|c| !c.is_empty()) else {
        return plain(
            StatusCode::OK,
            json!({"errcode": 40029, "errmsg": format!("invalid code rid: {}", rid())}),
        );
    };
    let digits: String = code
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .take(4)
        .collect();
    let (Ok(n), Ok(iv)) = (random_bytes::<16>(), random_bytes::<12>()) else {
        return system_error();
    };
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
        return system_error();
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
    if mp.rotated() {
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

/// An unsigned JSON answer.
pub(crate) fn plain(status: StatusCode, body: Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    r
}

/// A request id for `errmsg` (`… rid: …`).
pub(crate) fn rid() -> String {
    random_hex(8).map(|h| h.to_lowercase()).unwrap_or_default()
}

fn system_error() -> Response {
    plain(
        StatusCode::OK,
        json!({"errcode": -1, "errmsg": "system error"}),
    )
}
