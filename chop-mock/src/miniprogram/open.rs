//! Opening a sealed Mini Program request as the platform does: access
//! token, `Wechatmp-*` headers, timestamp window, RSA-PSS signature, then
//! AES-256-GCM with the AAD and the `_appid`/`_timestamp` inside.

use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use chop::clock::{within_window, DEFAULT_WINDOW_SECS};
use chop::crypto::aead;
use chop::miniprogram::{Aad, ApiSecurityErrorCode as Code, EncryptedBody, SignString};
use chop::signer::SignatureScheme;
use serde_json::Value;

use super::state::MiniProgram;

/// Why a request is refused: an API-security code, or another platform error.
pub(crate) enum Reject {
    Code(Code),
    Other(i64, &'static str),
}

/// The request's decrypted JSON, or why it is refused.
pub(crate) fn open(
    mp: &MiniProgram,
    now: i64,
    urlpath: &str,
    query: &str,
    h: &HeaderMap,
    body: &[u8],
) -> Result<Value, Reject> {
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
    if !within_window(ts, now, DEFAULT_WINDOW_SECS) {
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
