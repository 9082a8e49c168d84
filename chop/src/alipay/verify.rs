//! Verifying what Alipay signed: the result type and sync responses.

use super::error::VerifyError;
use super::public_key::AlipayPublicKey;
use super::response::SignedResponse;
use super::{SignContent, SignType};
use crate::signer::SignatureScheme;

/// An Alipay value whose signature was checked, with the exact content `S`
/// that verified ([`SignContent`]; the v3 sign string for v3 responses), the
/// Alipay certificate SN in certificate mode, and the sign type.
///
/// ```
/// # use chop::alipay::*;
/// # let k = AlipayPublicKey::load(&std::fs::read("../vectors/keys/alipay/node_alipay-notify-sign-public-key-v2.pem").unwrap())?;
/// # let body = std::fs::read("../vectors/alipay/node_servicemarket_notify/body.form").unwrap();
/// let notify = verify_notify(&Params::from_form(&body)?, &k)?;
/// assert_eq!(notify.sign_type(), SignType::Rsa2);
/// assert!(notify.sign_string().as_str().contains("&sign_type=RSA2&"));
/// let params = notify.into_value().params;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type Verified<T, S = SignContent> = crate::verified::Verified<T, S>;

impl<T> Verified<T> {
    /// The sign type that verified.
    pub fn sign_type(&self) -> SignType {
        match self.scheme() {
            Some(SignatureScheme::RsaPkcs1Sha1) => SignType::Rsa,
            Some(SignatureScheme::Sm2Sm3) => SignType::Sm2,
            _ => SignType::Rsa2,
        }
    }
}

/// Verifies a sync response (同步响应) as received.
///
/// The sign type is the key's default (RSA2, or SM2 for an SM2 key) unless given. In certificate mode (a key made with
/// [`AlipayPublicKey::from_certificate`]) the response's `alipay_cert_sn`, when
/// present, must equal the certificate's SN.
///
/// ```
/// use chop::alipay::{verify_response, AlipayPublicKey};
/// # let key = AlipayPublicKey::load(&std::fs::read("../vectors/keys/alipay/node_alipay-public-key.pem").unwrap())?;
/// # let raw = std::fs::read("../vectors/alipay/node_open_file_upload/response.json").unwrap();
/// let verified = verify_response(&raw, Some("alipay.open.file.upload"), None, &key)?;
/// assert_eq!(verified.value().response_key, "alipay_open_file_upload_response");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`VerifyError`]: unreadable response, no `sign`, a certificate SN
/// mismatch, or a signature that does not match.
pub fn verify_response(
    raw: &[u8],
    method: Option<&str>,
    sign_type: Option<SignType>,
    key: &AlipayPublicKey,
) -> Result<Verified<SignedResponse>, VerifyError> {
    let parts = SignedResponse::parse(raw, method)?;
    let sign = parts.sign.clone().ok_or(VerifyError::MissingSign {
        what: "the response",
        hint: "gateway errors such as an invalid app_id (isv.invalid-app-id) come back unsigned; fix the request, then verify again",
    })?;
    if let (Some(got), Some(expected)) = (&parts.alipay_cert_sn, key.cert_sn()) {
        if got != expected {
            return Err(VerifyError::CertSnMismatch {
                got: got.clone(),
                expected: expected.to_string(),
            });
        }
    }
    let sign_type = sign_type.unwrap_or_else(|| key.default_sign_type());
    let content = key.check(sign_type, vec![parts.sign_content.clone()], &sign)?;
    Ok(verified(parts, content, sign_type, key))
}

/// `value`, verified over `content` as `sign_type` with `key`.
pub(crate) fn verified<T, S>(
    value: T,
    content: S,
    sign_type: SignType,
    key: &AlipayPublicKey,
) -> Verified<T, S> {
    Verified::new(value, content)
        .by_key(key.cert_sn())
        .with_scheme(sign_type.scheme())
}
