//! Message-push encryption, the official WXBizMsgCrypt scheme (消息推送 安全模式).
//!
//! - `msg_signature` = hex SHA-1 of the sorted, concatenated `token`,
//!   `timestamp`, `nonce` and `encrypt`;
//! - key = base64-decode(EncodingAESKey + "="), 32 bytes; IV = its first 16 bytes;
//! - AES-256-CBC over `random(16) ‖ len(msg) (4 bytes, big-endian) ‖ msg ‖ receive_id`,
//!   PKCS#7-padded to a multiple of **32** bytes.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine;

use super::Verified;
use crate::clock::{random_bytes, RandomError};
use crate::crypto::cbc::{aes_cbc_decrypt, aes_cbc_encrypt, CbcError, Padding};
use crate::crypto::digest::{constant_time_eq, sha1_hex};
use crate::secret::{SecretBytes, SecretString};

/// Base64 that accepts the EncodingAESKey's non-zero trailing bits (the
/// official samples decode with lenient decoders).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// The block size WXBizMsgCrypt pads to.
const PAD_BLOCK: usize = 32;

/// Encrypts, decrypts and signs pushed messages for one app.
///
/// ```
/// use chop::miniprogram::MsgCrypt;
/// let c = MsgCrypt::new("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")?;
/// let echo = c.verify_url(
///     "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
///     "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==")?;
/// assert_eq!(echo.into_value(), "1616140317555161061");
/// # Ok::<(), chop::miniprogram::MsgCryptError>(())
/// ```
#[derive(Debug, Clone)]
pub struct MsgCrypt {
    token: SecretString,
    key: SecretBytes,
    receive_id: String,
}

/// An encrypted message ready to push back: `Encrypt` and its `MsgSignature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedMessage {
    /// Base64 ciphertext (`Encrypt`).
    pub encrypt: String,
    /// `MsgSignature` over token, timestamp, nonce and `encrypt`.
    pub msg_signature: String,
    /// The timestamp signed.
    pub timestamp: String,
    /// The nonce signed.
    pub nonce: String,
}

impl EncryptedMessage {
    /// The XML reply of the official samples.
    ///
    /// ```
    /// let m = chop::miniprogram::EncryptedMessage { encrypt: "RW5j".into(), msg_signature: "ab".into(), timestamp: "1".into(), nonce: "n".into() };
    /// assert_eq!(m.to_xml(), "<xml>\n<Encrypt><![CDATA[RW5j]]></Encrypt>\n<MsgSignature><![CDATA[ab]]></MsgSignature>\n<TimeStamp>1</TimeStamp>\n<Nonce><![CDATA[n]]></Nonce>\n</xml>");
    /// ```
    pub fn to_xml(&self) -> String {
        format!(
            "<xml>\n<Encrypt><![CDATA[{}]]></Encrypt>\n<MsgSignature><![CDATA[{}]]></MsgSignature>\n<TimeStamp>{}</TimeStamp>\n<Nonce><![CDATA[{}]]></Nonce>\n</xml>",
            self.encrypt, self.msg_signature, self.timestamp, self.nonce
        )
    }

    /// The JSON reply (message push in JSON format).
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "Encrypt": self.encrypt,
            "MsgSignature": self.msg_signature,
            "TimeStamp": self.timestamp,
            "Nonce": self.nonce,
        })
        .to_string()
    }
}

/// The `Encrypt` field of a pushed message body, XML (`<Encrypt><![CDATA[…]]></Encrypt>`)
/// or JSON (`{"Encrypt":"…"}`).
///
/// ```
/// use chop::miniprogram::extract_encrypt;
/// assert_eq!(extract_encrypt(b"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[RW5j]]></Encrypt></xml>")?, "RW5j");
/// assert_eq!(extract_encrypt(br#"{"ToUserName":"gh","Encrypt":"RW5j"}"#)?, "RW5j");
/// # Ok::<(), chop::miniprogram::MsgCryptError>(())
/// ```
///
/// # Errors
/// [`MsgCryptError::NoEncrypt`] when the body has no `Encrypt` field.
pub fn extract_encrypt(body: &[u8]) -> Result<String, MsgCryptError> {
    let text = std::str::from_utf8(body).map_err(|_| MsgCryptError::NoEncrypt)?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let v: serde_json::Value =
            serde_json::from_str(trimmed).map_err(|_| MsgCryptError::NoEncrypt)?;
        return v
            .get("Encrypt")
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
            .ok_or(MsgCryptError::NoEncrypt);
    }
    let start = text.find("<Encrypt>").ok_or(MsgCryptError::NoEncrypt)? + "<Encrypt>".len();
    let len = text[start..]
        .find("</Encrypt>")
        .ok_or(MsgCryptError::NoEncrypt)?;
    let inner = text[start..start + len].trim();
    let inner = inner
        .strip_prefix("<![CDATA[")
        .and_then(|s| s.strip_suffix("]]>"))
        .unwrap_or(inner);
    Ok(inner.to_string())
}

/// Why a pushed message could not be decrypted, verified or encrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MsgCryptError {
    /// The EncodingAESKey is not 43 base64 characters.
    #[error("the EncodingAESKey must be the 43 characters from the console (消息推送 → EncodingAESKey): {reason}")]
    EncodingAesKey {
        /// What is wrong.
        reason: String,
    },
    /// The signature does not match.
    #[error("the msg_signature does not match sha1(sort(token, timestamp, nonce, encrypt)): check the Token configured in the console, and pass timestamp, nonce and msg_signature from the URL query and Encrypt from the body unchanged")]
    Signature,
    /// The body has no `Encrypt` field.
    #[error("the message body has no Encrypt field: in safe mode the body is <xml>…<Encrypt>…</Encrypt></xml> or {{\"Encrypt\":…}}; is the push in plain-text mode?")]
    NoEncrypt,
    /// `Encrypt` is not base64.
    #[error("Encrypt is not valid base64: pass it exactly as received (URL decoding may have turned `+` into a space)")]
    Base64,
    /// The ciphertext does not decrypt.
    #[error("the message does not decrypt with this EncodingAESKey: the key in the console was changed, or the message is for another app")]
    Decrypt {
        /// The cipher's complaint.
        #[source]
        source: CbcError,
    },
    /// The decrypted layout is broken (padding or length field).
    #[error("the decrypted message is malformed ({reason}): the EncodingAESKey is probably wrong")]
    Layout {
        /// What is wrong.
        reason: &'static str,
    },
    /// The receive id (appid / corpid) in the message is not ours.
    #[error("the message is addressed to `{got}`, not `{expected}`: use the appid (or corpid) the message push is configured for")]
    ReceiveId {
        /// The configured receive id.
        expected: String,
        /// The id in the message.
        got: String,
    },
    /// The message is not UTF-8 text.
    #[error("the decrypted message is not UTF-8 text")]
    NotUtf8,
    /// No randomness.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl MsgCrypt {
    /// `token` and `encoding_aes_key` as configured in the console;
    /// `receive_id` is the appid (or WeCom corpid) messages are addressed to
    /// (empty: do not check).
    ///
    /// # Errors
    /// [`MsgCryptError::EncodingAesKey`] when the key is not 43 base64 characters.
    pub fn new(
        token: impl Into<String>,
        encoding_aes_key: &str,
        receive_id: impl Into<String>,
    ) -> Result<Self, MsgCryptError> {
        let k = encoding_aes_key.trim();
        if k.len() != 43 {
            return Err(MsgCryptError::EncodingAesKey {
                reason: format!("it has {} characters", k.len()),
            });
        }
        let key = LENIENT
            .decode(format!("{k}="))
            .map_err(|_| MsgCryptError::EncodingAesKey {
                reason: "it is not base64".into(),
            })?;
        Ok(Self {
            token: SecretString::new(token),
            key: SecretBytes::new(key),
            receive_id: receive_id.into(),
        })
    }

    /// `msg_signature`: hex SHA-1 of the sorted, concatenated parts.
    pub fn signature(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        sha1_sorted(&[self.token.expose(), timestamp, nonce, encrypt])
    }

    /// Checks `msg_signature` and decrypts `encrypt`; returns the message.
    ///
    /// # Errors
    /// [`MsgCryptError`] naming the check that failed.
    pub fn decrypt(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<Verified<String, ()>, MsgCryptError> {
        let expected = self.signature(timestamp, nonce, encrypt);
        if !constant_time_eq(
            expected.as_bytes(),
            msg_signature.trim().to_ascii_lowercase().as_bytes(),
        ) {
            return Err(MsgCryptError::Signature);
        }
        let ct = STANDARD
            .decode(encrypt.trim())
            .map_err(|_| MsgCryptError::Base64)?;
        let key = self.key.expose();
        let plain = aes_cbc_decrypt(key, &key[..16], &ct, Padding::None)
            .map_err(|source| MsgCryptError::Decrypt { source })?;
        let (msg, receive_id) = unpack(&plain)?;
        if !self.receive_id.is_empty() && receive_id != self.receive_id.as_bytes() {
            return Err(MsgCryptError::ReceiveId {
                expected: self.receive_id.clone(),
                got: String::from_utf8_lossy(receive_id).into_owned(),
            });
        }
        let text = String::from_utf8(msg.to_vec()).map_err(|_| MsgCryptError::NotUtf8)?;
        Ok(Verified::new(text, ()))
    }

    /// URL verification in safe mode: checks `msg_signature` and decrypts `echostr`;
    /// answer the request with the returned text.
    ///
    /// # Errors
    /// As [`MsgCrypt::decrypt`].
    pub fn verify_url(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> Result<Verified<String, ()>, MsgCryptError> {
        self.decrypt(msg_signature, timestamp, nonce, echostr)
    }

    /// Encrypts `msg` with a random 16-byte prefix and signs it.
    ///
    /// # Errors
    /// [`MsgCryptError::Random`] when there is no randomness.
    pub fn encrypt(
        &self,
        msg: &[u8],
        timestamp: &str,
        nonce: &str,
    ) -> Result<EncryptedMessage, MsgCryptError> {
        Ok(self.encrypt_with(msg, timestamp, nonce, random_bytes::<16>()?))
    }

    /// Encrypts with a given 16-byte prefix (to reproduce a vector).
    pub fn encrypt_with(
        &self,
        msg: &[u8],
        timestamp: &str,
        nonce: &str,
        random: [u8; 16],
    ) -> EncryptedMessage {
        let mut buf = Vec::with_capacity(20 + msg.len() + self.receive_id.len() + PAD_BLOCK);
        buf.extend_from_slice(&random);
        buf.extend_from_slice(&u32::try_from(msg.len()).unwrap_or(u32::MAX).to_be_bytes());
        buf.extend_from_slice(msg);
        buf.extend_from_slice(self.receive_id.as_bytes());
        let pad = PAD_BLOCK - buf.len() % PAD_BLOCK;
        buf.extend(std::iter::repeat_n(pad as u8, pad));
        let key = self.key.expose();
        // The key is 32 bytes, the IV 16 and the input block-aligned: cannot fail.
        let ct = aes_cbc_encrypt(key, &key[..16], &buf, Padding::None).unwrap_or_default();
        let encrypt = STANDARD.encode(ct);
        EncryptedMessage {
            msg_signature: self.signature(timestamp, nonce, &encrypt),
            encrypt,
            timestamp: timestamp.to_string(),
            nonce: nonce.to_string(),
        }
    }
}

/// `msg_signature` for `token`: hex SHA-1 of the sorted, concatenated
/// `token`, `timestamp`, `nonce` and `encrypt`.
///
/// ```
/// use chop::miniprogram::msg_signature;
/// use chop::secret::SecretString;
/// let sig = msg_signature(&SecretString::new("QDG6eK"), "1409659589", "263014780",
///     "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==");
/// assert_eq!(sig, "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
/// ```
pub fn msg_signature(token: &SecretString, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    sha1_sorted(&[token.expose(), timestamp, nonce, encrypt])
}

/// URL verification in plain (明文) mode: `signature` = hex SHA-1 of the
/// sorted `token`, `timestamp`, `nonce`. Answer with `echostr` when it verifies.
///
/// ```
/// use chop::miniprogram::verify_plain_signature;
/// use chop::secret::SecretString;
/// assert!(verify_plain_signature(&SecretString::new("t"), "1", "2", "wrong").is_err());
/// ```
///
/// # Errors
/// [`MsgCryptError::Signature`] when it does not match.
pub fn verify_plain_signature(
    token: &SecretString,
    timestamp: &str,
    nonce: &str,
    signature: &str,
) -> Result<Verified<(), ()>, MsgCryptError> {
    let expected = sha1_sorted(&[token.expose(), timestamp, nonce]);
    if !constant_time_eq(
        expected.as_bytes(),
        signature.trim().to_ascii_lowercase().as_bytes(),
    ) {
        return Err(MsgCryptError::Signature);
    }
    Ok(Verified::new((), ()))
}

fn sha1_sorted(parts: &[&str]) -> String {
    let mut v: Vec<&str> = parts.to_vec();
    v.sort_unstable();
    sha1_hex(&[v.concat().as_bytes()])
}

/// Removes the 32-byte PKCS#7 padding and splits the layout into (msg, receive_id).
fn unpack(plain: &[u8]) -> Result<(&[u8], &[u8]), MsgCryptError> {
    let layout = |reason| MsgCryptError::Layout { reason };
    let pad = usize::from(*plain.last().ok_or(layout("empty"))?);
    if pad == 0 || pad > PAD_BLOCK || pad > plain.len() {
        return Err(layout("bad padding"));
    }
    if !plain[plain.len() - pad..]
        .iter()
        .all(|&b| usize::from(b) == pad)
    {
        return Err(layout("bad padding"));
    }
    let body = &plain[..plain.len() - pad];
    if body.len() < 20 {
        return Err(layout("shorter than the 20-byte header"));
    }
    let len = u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize;
    let rest = &body[20..];
    if len > rest.len() {
        return Err(layout("the length field exceeds the message"));
    }
    Ok(rest.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_length_is_checked() {
        assert!(matches!(
            MsgCrypt::new("t", "abc", ""),
            Err(MsgCryptError::EncodingAesKey { .. })
        ));
        assert!(matches!(
            MsgCrypt::new("t", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", ""),
            Err(MsgCryptError::EncodingAesKey { .. })
        ));
    }

    #[test]
    fn round_trip_pads_to_32() {
        let c = MsgCrypt::new("t", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxid").unwrap();
        for len in [0usize, 1, 7, 8, 40, 100] {
            let msg = vec![b'x'; len];
            let e = c.encrypt_with(&msg, "1", "2", [5; 16]);
            assert_eq!(STANDARD.decode(&e.encrypt).unwrap().len() % 32, 0);
            let d = c.decrypt(&e.msg_signature, "1", "2", &e.encrypt).unwrap();
            assert_eq!(d.into_value().len(), len);
        }
    }

    #[test]
    fn unpack_refuses_garbage() {
        assert!(unpack(&[]).is_err());
        assert!(unpack(&[0; 32]).is_err());
        assert!(unpack(&[33; 64]).is_err());
        let mut p = vec![0u8; 32];
        p[19] = 200; // length beyond the data
        p[31] = 1;
        assert!(unpack(&p).is_err());
    }
}
