//! Verifying what Alipay signed: the result type, async notifies and sync responses.

use super::error::VerifyError;
use super::public_key::AlipayPublicKey;
use super::response::SignedResponse;
use super::{EmptyValues, Params, SignContent, SignType, SignTypeRule};
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

/// A verified async notify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notify {
    /// All parameters as received (decoded once), `sign` removed.
    pub params: Params,
    /// Whether `sign_type` was part of the signed content.
    pub rule: SignTypeRule,
    /// Whether empty values were part of the signed content.
    pub empty_values: EmptyValues,
}

/// Verifies an async notify (异步通知), given its parameters as received.
///
/// `sign` is removed, then the content is built without `sign_type`
/// (rsaCheckV1) and, if that does not verify, with it (rsaCheckV2); each
/// without empty values and, when there are any, with them (see
/// [`EmptyValues`]). The result says which content verified. The sign type
/// is the notify's `sign_type` (RSA2 for an RSA key, SM2 for an SM2 key, when
/// absent); to pin it to your app's configured type, use
/// [`verify_notify_expecting`].
///
/// # Errors
/// [`VerifyError`] naming what failed; [`VerifyError::Mismatch`] carries
/// every content that was tried.
pub fn verify_notify(
    params: &Params,
    key: &AlipayPublicKey,
) -> Result<Verified<Notify>, VerifyError> {
    verify(params, key, None)
}

/// As [`verify_notify`], but the sign type is the one your app is configured
/// with (what Alipay's Java SDK takes from its caller), never the one the
/// notify claims: a notify whose `sign_type` says otherwise is refused.
///
/// ```
/// # use chop::alipay::*;
/// # let k = AlipayPublicKey::load(&std::fs::read("../vectors/keys/alipay/node_alipay-notify-sign-public-key-v2.pem").unwrap())?;
/// # let body = std::fs::read("../vectors/alipay/node_servicemarket_notify/body.form").unwrap();
/// let params = Params::from_form(&body)?;
/// assert!(verify_notify_expecting(&params, &k, SignType::Rsa2).is_ok());
/// assert!(matches!(
///     verify_notify_expecting(&params, &k, SignType::Rsa),
///     Err(VerifyError::UnexpectedSignType { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`verify_notify`], and [`VerifyError::UnexpectedSignType`].
pub fn verify_notify_expecting(
    params: &Params,
    key: &AlipayPublicKey,
    expected: SignType,
) -> Result<Verified<Notify>, VerifyError> {
    verify(params, key, Some(expected))
}

fn verify(
    params: &Params,
    key: &AlipayPublicKey,
    expected: Option<SignType>,
) -> Result<Verified<Notify>, VerifyError> {
    let mut params = params.clone();
    let sign = params
        .remove("sign")
        .filter(|s| !s.is_empty())
        .ok_or(VerifyError::MissingSign {
            what: "the notify",
            hint: "pass the whole POST body Alipay sent to notify_url, exactly as received",
        })?;
    let sign_type = match params.get("sign_type") {
        Some(t) => t
            .parse()
            .map_err(|_| VerifyError::UnknownSignType { got: t.to_string() })?,
        None => expected.unwrap_or_else(|| key.default_sign_type()),
    };
    if let Some(expected) = expected.filter(|e| *e != sign_type) {
        return Err(VerifyError::UnexpectedSignType {
            got: sign_type,
            expected,
        });
    }
    let mut variants = vec![(SignTypeRule::Excluded, EmptyValues::Dropped)];
    let has_empty = params.iter().any(|(k, v)| v.is_empty() && k != "sign_type");
    if has_empty {
        variants.push((SignTypeRule::Excluded, EmptyValues::Kept));
    }
    if params.get("sign_type").is_some_and(|t| !t.is_empty()) {
        variants.push((SignTypeRule::Included, EmptyValues::Dropped));
        if has_empty {
            variants.push((SignTypeRule::Included, EmptyValues::Kept));
        }
    }
    let contents: Vec<SignContent> = variants
        .iter()
        .map(|&(rule, empty)| SignContent::for_notify_with(&params, rule, empty))
        .collect();
    let content = key.check(sign_type, contents.clone(), &sign)?;
    let i = contents.iter().position(|c| *c == content).unwrap_or(0);
    let (rule, empty_values) = variants[i];
    Ok(verified(
        Notify {
            params,
            rule,
            empty_values,
        },
        content,
        sign_type,
        key,
    ))
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
