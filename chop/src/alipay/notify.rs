//! Async notifies (异步通知): which contents Alipay may have signed, the
//! configured sign type, and the app a notify is for.

use super::error::VerifyError;
use super::public_key::AlipayPublicKey;
use super::verify::{verified, Verified};
use super::{EmptyValues, Params, SignContent, SignType, SignTypeRule};

/// Verifies the async notifies of one app: with the Alipay public key, as the
/// sign type the app is configured with (never the one a notify claims), and,
/// when given, only notifies whose `app_id` is this app's. Build it once and
/// share it.
///
/// ```
/// use chop::alipay::{AlipayPublicKey, NotifyVerifier, Params, SignType, VerifyError};
/// # let k = AlipayPublicKey::load(&std::fs::read("../vectors/keys/alipay/node_alipay-notify-sign-public-key-v2.pem").unwrap())?;
/// # let body = std::fs::read("../vectors/alipay/node_servicemarket_notify/body.form").unwrap();
/// let params = Params::from_form(&body)?;
/// let verifier = NotifyVerifier::new(k, SignType::Rsa2);
/// assert!(verifier.verify(&params).is_ok());
/// let other_app = verifier.with_app_id("2021000000000000");
/// assert!(matches!(other_app.verify(&params), Err(VerifyError::AppIdMismatch { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct NotifyVerifier {
    key: AlipayPublicKey,
    sign_type: SignType,
    app_id: Option<String>,
}

impl NotifyVerifier {
    /// Verifies with `key` (支付宝公钥) as `sign_type`.
    pub fn new(key: AlipayPublicKey, sign_type: SignType) -> Self {
        Self {
            key,
            sign_type,
            app_id: None,
        }
    }

    /// Also refuses notifies for another `app_id`.
    pub fn with_app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// Verifies a notify's parameters as received ([`verify_notify_expecting`]),
    /// then checks its `app_id` when one is configured.
    ///
    /// # Errors
    /// As [`verify_notify_expecting`], and [`VerifyError::AppIdMismatch`].
    pub fn verify(&self, params: &Params) -> Result<Verified<Notify>, VerifyError> {
        let notify = verify_notify_expecting(params, &self.key, self.sign_type)?;
        if let Some(expected) = &self.app_id {
            let got = notify.value().params.get("app_id").unwrap_or("");
            if got != expected {
                return Err(VerifyError::AppIdMismatch {
                    got: got.to_string(),
                    expected: expected.clone(),
                });
            }
        }
        Ok(notify)
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
