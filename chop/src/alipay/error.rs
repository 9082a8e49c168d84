//! Why an Alipay signature was not accepted.

use super::content::SignContent;
use super::params::ParamsError;
use super::response::ResponseError;
use super::sign_type::SignType;
use crate::key::BadSignature;

/// Why an Alipay signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No signature was found.
    #[error("{what} has no `sign`: {hint}")]
    MissingSign {
        /// What was checked.
        what: &'static str,
        /// Why that may be.
        hint: &'static str,
    },
    /// A header needed for verification is missing.
    #[error("the response has no `{name}` header: pass the response headers exactly as received")]
    MissingHeader {
        /// The header's name.
        name: &'static str,
    },
    /// The signature is not base64.
    #[error("the `sign` value is not base64: pass it exactly as received (a form body decoded once turns `+` into spaces if decoded twice)")]
    SignNotBase64,
    /// The `sign_type` is not one chop knows.
    #[error("unknown sign_type `{got}`: Alipay uses RSA2, RSA or SM2")]
    UnknownSignType {
        /// What was given.
        got: String,
    },
    /// The notify claims another sign type than the one expected.
    #[error("the notify says sign_type={got} but this app expects {expected}: check 接口加签方式 in the open platform, or refuse the notify (a changed sign_type is not Alipay's)")]
    UnexpectedSignType {
        /// The notify's `sign_type`.
        got: SignType,
        /// The expected one.
        expected: SignType,
    },
    /// The key cannot check this sign type.
    #[error("the content is signed with {sign_type} but the Alipay public key given is an {key} key: use the Alipay public key of the matching type (RSA2/RSA: an RSA key; SM2: an SM2 key)")]
    KeyDoesNotFit {
        /// The sign type.
        sign_type: SignType,
        /// The key's type: `RSA` or `SM2`.
        key: &'static str,
    },
    /// The signature does not match.
    #[error("the {sign_type} signature does not match the signed content: check that you use the Alipay public key (支付宝公钥) of this app — not your app's own public key (应用公钥) — that it is current, and that the content reached you unchanged")]
    Mismatch {
        /// The sign type checked.
        sign_type: SignType,
        /// Every content that was tried, as built.
        tried: Vec<SignContent>,
        /// The backend's result.
        #[source]
        source: BadSignature,
    },
    /// The response was signed with another Alipay certificate.
    #[error("the response is signed with the Alipay certificate SN {got}, but the Alipay public key certificate given has SN {expected}: download the current alipayCertPublicKey_RSA2.crt from the open platform (Alipay rotated its certificate)")]
    CertSnMismatch {
        /// `alipay_cert_sn` (or `alipay-sn`) in the response.
        got: String,
        /// The SN of the certificate given.
        expected: String,
    },
    /// The notify is for another app.
    #[error("the notify is for app_id `{got}`, not this app's `{expected}`: refuse it (it was sent to the wrong notify_url, or it is not Alipay's)")]
    AppIdMismatch {
        /// The notify's `app_id` (empty when absent).
        got: String,
        /// This app's.
        expected: String,
    },
    /// The notify parameters could not be read.
    #[error("cannot read the notify parameters")]
    Params(#[source] ParamsError),
    /// The sync response could not be read.
    #[error("cannot read the response")]
    Response(#[source] ResponseError),
}

impl From<ParamsError> for VerifyError {
    fn from(e: ParamsError) -> Self {
        VerifyError::Params(e)
    }
}

impl From<ResponseError> for VerifyError {
    fn from(e: ResponseError) -> Self {
        VerifyError::Response(e)
    }
}
