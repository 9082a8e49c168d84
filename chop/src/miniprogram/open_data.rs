//! Classic open data: `encryptedData` decryption with the user's `session_key`
//! and the `rawData` signature (开放数据校验与解密).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::Verified;
use crate::crypto::cbc::{aes_cbc_decrypt, CbcError, Padding};
use crate::crypto::digest::{constant_time_eq, sha1_hex};
use crate::secret::SecretString;

/// The `watermark` object inside decrypted open data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watermark {
    /// The appid the data was issued to.
    pub appid: String,
    /// When the data was issued (unix seconds).
    pub timestamp: i64,
}

/// Decrypted open data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenData {
    /// The decrypted text, exactly.
    pub plaintext: String,
    /// The watermark, when the JSON has one.
    pub watermark: Option<Watermark>,
}

/// Why open data could not be decrypted or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenDataError {
    /// An input is not base64.
    #[error("`{field}` is not valid base64: pass the value exactly as wx.getUserInfo / getPhoneNumber / code2session gave it")]
    Base64 {
        /// `session_key`, `iv` or `encryptedData`.
        field: &'static str,
    },
    /// The session key or IV has the wrong length.
    #[error("`{field}` decodes to {got} bytes, but {expected} are required")]
    Length {
        /// `session_key` or `iv`.
        field: &'static str,
        /// Bytes found.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
    /// The data does not decrypt.
    #[error("encryptedData does not decrypt with this session_key and iv: usually a later wx.login replaced the session key (each wx.login makes the old session_key invalid; call wx.login before getting the data, then code2session, and use that session_key), or the iv belongs to other encryptedData")]
    Decrypt {
        /// The cipher's complaint.
        #[source]
        source: CbcError,
    },
    /// The plaintext is not JSON text.
    #[error("the decrypted data is not JSON text ({reason}): the session key is probably wrong")]
    NotJson {
        /// What is wrong.
        reason: String,
    },
    /// The watermark's appid is not ours.
    #[error("the data's watermark.appid is {}, expected `{expected}`: it was issued to another app (or the watermark is missing)", got.as_deref().map(|g| format!("`{g}`")).unwrap_or_else(|| "missing".into()))]
    WatermarkAppid {
        /// The appid expected.
        expected: String,
        /// `watermark.appid` found.
        got: Option<String>,
    },
    /// The rawData signature does not match.
    #[error("the rawData signature does not match sha1(rawData + session_key): the rawData was changed, or the session_key is not the one of the wx.login that produced it")]
    RawDataSignature,
}

/// Decrypts `encryptedData` (AES-128-CBC, PKCS#7, key = base64-decoded
/// `session_key`, IV = base64-decoded `iv`), and, when `appid` is given,
/// checks `watermark.appid`.
///
/// ```
/// use chop::miniprogram::decrypt_open_data;
/// use chop::secret::SecretString;
/// # let data = std::fs::read_to_string("../vectors/miniprogram/open_data_official_getuserinfo/encrypted_data.b64").unwrap();
/// let key = SecretString::new("tiihtNczf5v6AKRyjwEUhQ==");
/// let out = decrypt_open_data(&key, "r7BXXKkLb8qrSNn05n0qiA==", &data, Some("wx4f4bc4dec97d474b"))?;
/// assert_eq!(out.watermark.unwrap().timestamp, 1477314187);
/// # Ok::<(), chop::miniprogram::OpenDataError>(())
/// ```
///
/// # Errors
/// [`OpenDataError`]; a decryption failure names the usual cause (a later `wx.login`).
pub fn decrypt_open_data(
    session_key: &SecretString,
    iv: &str,
    encrypted_data: &str,
    appid: Option<&str>,
) -> Result<OpenData, OpenDataError> {
    let key = decode("session_key", session_key.expose(), 16)?;
    let iv = decode("iv", iv, 16)?;
    let data = STANDARD
        .decode(encrypted_data.trim())
        .map_err(|_| OpenDataError::Base64 {
            field: "encryptedData",
        })?;
    let plain = aes_cbc_decrypt(&key, &iv, &data, Padding::Pkcs7)
        .map_err(|source| OpenDataError::Decrypt { source })?;
    let plaintext = String::from_utf8(plain).map_err(|_| OpenDataError::NotJson {
        reason: "not UTF-8".into(),
    })?;
    let watermark = if plaintext.is_empty() {
        None
    } else {
        let v: Value = serde_json::from_str(&plaintext).map_err(|e| OpenDataError::NotJson {
            reason: e.to_string(),
        })?;
        v.get("watermark").map(|w| Watermark {
            appid: w
                .get("appid")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            timestamp: w
                .get("timestamp")
                .and_then(Value::as_i64)
                .unwrap_or_default(),
        })
    };
    if let Some(expected) = appid {
        let got = watermark.as_ref().map(|w| w.appid.clone());
        if got.as_deref() != Some(expected) {
            return Err(OpenDataError::WatermarkAppid {
                expected: expected.to_string(),
                got,
            });
        }
    }
    Ok(OpenData {
        plaintext,
        watermark,
    })
}

/// The `rawData` signature: lowercase hex of `sha1(rawData + session_key)`,
/// where `session_key` is the base64 text as code2session returned it.
///
/// ```
/// use chop::miniprogram::raw_data_signature;
/// use chop::secret::SecretString;
/// let raw = r#"{"nickName":"Band","gender":1}"#;
/// assert_eq!(raw_data_signature(raw.as_bytes(), &SecretString::new("k")).len(), 40);
/// ```
pub fn raw_data_signature(raw_data: &[u8], session_key: &SecretString) -> String {
    sha1_hex(&[raw_data, session_key.expose().as_bytes()])
}

/// Checks a `signature` sent with `rawData` (hex, any case).
///
/// # Errors
/// [`OpenDataError::RawDataSignature`] when it does not match.
pub fn verify_raw_data(
    raw_data: &[u8],
    signature: &str,
    session_key: &SecretString,
) -> Result<Verified<(), ()>, OpenDataError> {
    let expected = raw_data_signature(raw_data, session_key);
    let given = signature.trim().to_ascii_lowercase();
    if !constant_time_eq(expected.as_bytes(), given.as_bytes()) {
        return Err(OpenDataError::RawDataSignature);
    }
    Ok(Verified::new((), ()))
}

fn decode(field: &'static str, b64: &str, expected: usize) -> Result<Vec<u8>, OpenDataError> {
    let v = STANDARD
        .decode(b64.trim())
        .map_err(|_| OpenDataError::Base64 { field })?;
    if v.len() != expected {
        return Err(OpenDataError::Length {
            field,
            got: v.len(),
            expected,
        });
    }
    Ok(v)
}
