//! Signing Alipay OpenAPI (v2 gateway) requests.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{Params, SignContent, SignType};
use crate::signer::{SignError, SignatureScheme, Signer};

/// A signed request: the exact content and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParams {
    /// The exact bytes that were signed.
    pub sign_content: SignContent,
    /// Base64 of the signature: the value of the `sign` parameter.
    pub sign: String,
    /// The sign type used.
    pub sign_type: SignType,
}

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignRequestError {
    /// The parameters say one `sign_type` and another was asked for.
    #[error("the parameters say sign_type={in_params} but signing was asked with {requested}: make them agree (Alipay verifies with the sign_type it receives)")]
    SignTypeMismatch {
        /// The `sign_type` parameter.
        in_params: String,
        /// The sign type asked for.
        requested: SignType,
    },
    /// Legacy `RSA` (SHA1withRSA) signing is not available with this key.
    ///
    /// chop's file-backed [`RsaPrivateKey`](crate::key::RsaPrivateKey) signs
    /// with aws-lc, which makes SHA-1 RSA signatures for verification only.
    /// Verifying `RSA` notifies and responses works. A [`Signer`] of your own
    /// (an HSM or KMS) that supports [`SignatureScheme::RsaPkcs1Sha1`] is used
    /// as is.
    #[error("chop cannot sign with the legacy sign_type RSA (SHA1withRSA): its crypto backend (aws-lc) offers SHA-1 RSA signatures for verification only; Alipay recommends RSA2 — set 接口加签方式 to RSA2 in the Alipay open platform console (开发设置), upload the same app public key there, and send sign_type=RSA2")]
    LegacyRsaUnsupported,
    /// The signer failed.
    #[error("cannot sign the request")]
    Sign(#[source] SignError),
}

/// Signs Alipay request parameters (OpenAPI, `https://openapi.alipay.com/gateway.do`).
///
/// The sign content is [`SignContent::for_request`]; `signer` is the app
/// private key (应用私钥: an [`RsaPrivateKey`](crate::key::RsaPrivateKey) for
/// RSA2, loaded from the bare base64 Alipay's key tool writes) or any
/// [`Signer`]. Put the returned `sign` into the request as the `sign` parameter.
///
/// ```
/// use chop::alipay::{sign_params, Params, SignType};
/// use chop::key::RsaPrivateKey;
///
/// # let b64 = std::fs::read("../vectors/keys/generated/key-pkcs8.b64").unwrap();
/// let key = RsaPrivateKey::load(&b64, None)?;
/// let params = Params::from_pairs([
///     ("app_id", "2021000122671080"), ("method", "alipay.trade.query"),
///     ("charset", "utf-8"), ("sign_type", "RSA2"), ("version", "1.0"),
///     ("timestamp", "2024-05-13 17:49:20"), ("biz_content", r#"{"out_trade_no":"1"}"#),
/// ])?;
/// let signed = sign_params(&params, SignType::Rsa2, &key)?;
/// assert!(signed.sign_content.as_str().starts_with("app_id=2021000122671080&biz_content={"));
/// assert_eq!(signed.sign.len(), 344);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`SignRequestError`] when the `sign_type` parameter disagrees with
/// `sign_type`, for legacy RSA with a key that cannot make SHA-1 signatures, or
/// when the signer fails.
pub fn sign_params(
    params: &Params,
    sign_type: SignType,
    signer: &dyn Signer,
) -> Result<SignedParams, SignRequestError> {
    if let Some(in_params) = params.get("sign_type") {
        if in_params.parse::<SignType>().ok() != Some(sign_type) {
            return Err(SignRequestError::SignTypeMismatch {
                in_params: in_params.to_string(),
                requested: sign_type,
            });
        }
    }
    let sign_content = SignContent::for_request(params);
    let raw = signer
        .sign(sign_type.scheme(), sign_content.as_bytes())
        .map_err(|e| match e {
            SignError::UnsupportedScheme {
                scheme: SignatureScheme::RsaPkcs1Sha1,
            } => SignRequestError::LegacyRsaUnsupported,
            other => SignRequestError::Sign(other),
        })?;
    Ok(SignedParams {
        sign_content,
        sign: STANDARD.encode(raw),
        sign_type,
    })
}
