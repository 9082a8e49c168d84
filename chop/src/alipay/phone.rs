//! Mini program phone number (获取会员手机号): verify, then decrypt.

use super::{
    decrypt_content, AesError, AesKey, AlipayPublicKey, SignContent, SignType, Verified,
    VerifyError,
};

/// The decrypted phone number response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    /// `mobile`.
    pub mobile: String,
    /// The whole decrypted JSON text, as decrypted.
    pub plaintext: String,
}

/// Which step of the phone number flow failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneError {
    /// Step 1, the signature check, failed.
    #[error("step 1 of 2 (verify the sign over the response) failed; the usual cause is the app's own public key (应用公钥) given instead of the Alipay public key (支付宝公钥) of this mini program — the signed content is the response with double quotes around it, which chop adds")]
    Verify(#[source] VerifyError),
    /// Step 2, decryption, failed.
    #[error("step 2 of 2 (decrypt the response) failed after the signature verified; the usual cause is the wrong AES key: use this mini program's key from 开发设置 → 接口内容加密方式")]
    Decrypt(#[source] AesError),
    /// The decrypted JSON holds no `mobile`.
    #[error("the decrypted response has no mobile (code {code}, msg {msg}, sub_code {sub_code}, sub_msg {sub_msg}): check that 获取会员手机号 is enabled and approved for this mini program and that the user agreed")]
    NoMobile {
        /// `code`.
        code: String,
        /// `msg`.
        msg: String,
        /// `sub_code`.
        sub_code: String,
        /// `sub_msg`.
        sub_msg: String,
    },
}

/// Verifies and decrypts the `response` and `sign` that `my.getPhoneNumber`
/// returns to the mini program (seed 003).
///
/// Step 1 checks `sign` over `"` + response + `"` with the Alipay public key
/// (a response starting with `{` is plain JSON and is checked as is, like
/// Alipay's Java SDK does); step 2 decrypts the response with the AES key.
/// The sign type is the key's default (RSA2 for RSA keys) unless given.
///
/// ```
/// use chop::alipay::{phone_number, AesKey, AlipayPublicKey};
/// # let dir = "../vectors/alipay/own_encrypted_response/";
/// # let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
/// # let key = AlipayPublicKey::load(&std::fs::read("../vectors/keys/generated/pub-spki.pem").unwrap())?;
/// let aes = AesKey::from_base64(&read("key.b64"))?;
/// let phone = phone_number(&read("ciphertext.b64"), &read("sign.b64"), None, &key, &aes)?;
/// assert_eq!(phone.value().mobile, "13800000000");
/// assert_eq!(phone.sign_string().as_str(), format!("\"{}\"", read("ciphertext.b64")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`PhoneError`] naming the step that failed and its usual cause.
pub fn phone_number(
    response: &str,
    sign: &str,
    sign_type: Option<SignType>,
    key: &AlipayPublicKey,
    aes_key: &AesKey,
) -> Result<Verified<PhoneNumber>, PhoneError> {
    let response = response.trim();
    let encrypted = !response.starts_with('{');
    let content = if encrypted {
        SignContent::quoted(response)
    } else {
        SignContent::raw(response)
    };
    let sign_type = sign_type.unwrap_or_else(|| key.default_sign_type());
    let content = key
        .check(sign_type, vec![content], sign)
        .map_err(PhoneError::Verify)?;
    let plaintext = if encrypted {
        decrypt_content(aes_key, response).map_err(PhoneError::Decrypt)?
    } else {
        response.to_string()
    };
    let json: serde_json::Value = serde_json::from_str(&plaintext).unwrap_or_default();
    let field = |k: &str| {
        json.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    match json.get("mobile").and_then(|v| v.as_str()) {
        Some(mobile) => Ok(super::verify::verified(
            PhoneNumber {
                mobile: mobile.to_string(),
                plaintext,
            },
            content,
            sign_type,
            key,
        )),
        None => Err(PhoneError::NoMobile {
            code: field("code"),
            msg: field("msg"),
            sub_code: field("sub_code"),
            sub_msg: field("sub_msg"),
        }),
    }
}
