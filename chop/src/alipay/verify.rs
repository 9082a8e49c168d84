//! Verifying what Alipay signed: the key, the result type, the errors, notifies.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::response::ResponseError;
use super::{
    cert_sn, CertSnError, EmptyValues, Params, ParamsError, SignContent, SignType, SignTypeRule,
};
#[cfg(feature = "sm")]
use crate::crypto::sm::Sm2PublicKey;
use crate::key::{BadSignature, Certificate, KeyError, RsaPublicKey};

/// The Alipay public key (支付宝公钥) that checks Alipay's signatures, with the
/// Alipay certificate SN (`alipay_cert_sn`) in public-key-certificate mode.
///
/// Not your app's public key (应用公钥): that one checks *your* signatures.
///
/// ```
/// use chop::alipay::AlipayPublicKey;
/// # let pem = std::fs::read("../vectors/keys/alipay/node_alipayCertPublicKey_RSA2.crt").unwrap();
/// let key = AlipayPublicKey::from_certificate_file(&pem)?;
/// assert_eq!(key.cert_sn(), Some("7513daaaa48aa3ba2e4018d84402479c"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct AlipayPublicKey {
    key: Key,
    cert_sn: Option<String>,
}

#[derive(Debug, Clone)]
enum Key {
    Rsa(RsaPublicKey),
    #[cfg(feature = "sm")]
    Sm2(Sm2PublicKey),
}

/// A value whose signature was checked, with the exact content that verified.
///
/// ```
/// # use chop::alipay::*;
/// # let k = AlipayPublicKey::load(&std::fs::read("../vectors/keys/alipay/node_alipay-notify-sign-public-key-v2.pem").unwrap())?;
/// # let body = std::fs::read("../vectors/alipay/node_servicemarket_notify/body.form").unwrap();
/// let notify = verify_notify(&Params::from_form(&body)?, &k)?;
/// assert_eq!(notify.sign_type(), SignType::Rsa2);
/// assert!(notify.sign_content().as_str().contains("&sign_type=RSA2&"));
/// let params = notify.into_inner().params;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T> {
    value: T,
    sign_content: SignContent,
    sign_type: SignType,
}

impl<T> Verified<T> {
    pub(crate) fn new(value: T, sign_content: SignContent, sign_type: SignType) -> Self {
        Self {
            value,
            sign_content,
            sign_type,
        }
    }

    /// The verified value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The verified value, taken out.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The exact content the signature covers.
    pub fn sign_content(&self) -> &SignContent {
        &self.sign_content
    }

    /// The sign type that verified.
    pub fn sign_type(&self) -> SignType {
        self.sign_type
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

impl AlipayPublicKey {
    /// The Alipay public key as the open platform shows it (bare base64), or
    /// as PEM or DER: RSA, or SM2 with the `sm` feature.
    ///
    /// # Errors
    /// [`KeyError`] when it is neither an RSA nor an SM2 public key.
    pub fn load(input: &[u8]) -> Result<Self, KeyError> {
        match RsaPublicKey::load(input) {
            Ok(key) => Ok(Self::rsa(key)),
            #[cfg(feature = "sm")]
            Err(e @ KeyError::NotRsa { .. }) => {
                Sm2PublicKey::load(input).map(Self::sm2).map_err(|_| e)
            }
            Err(e) => Err(e),
        }
    }

    /// From a parsed RSA public key (public-key mode: no certificate SN).
    pub fn rsa(key: RsaPublicKey) -> Self {
        Self {
            key: Key::Rsa(key),
            cert_sn: None,
        }
    }

    /// From a parsed SM2 public key (sign_type SM2).
    #[cfg(feature = "sm")]
    pub fn sm2(key: Sm2PublicKey) -> Self {
        Self {
            key: Key::Sm2(key),
            cert_sn: None,
        }
    }

    /// From the Alipay public key certificate (alipayCertPublicKey_RSA2.crt);
    /// its SN is then checked against `alipay_cert_sn` in responses.
    ///
    /// # Errors
    /// [`CertSnError`] when the certificate has no RSA (or SM2) key or cannot be read.
    pub fn from_certificate(cert: &Certificate) -> Result<Self, CertSnError> {
        let key = match cert.rsa_public_key() {
            Some(k) => Key::Rsa(k.clone()),
            #[cfg(feature = "sm")]
            None if Sm2PublicKey::from_certificate(cert).is_ok() => {
                Key::Sm2(Sm2PublicKey::from_certificate(cert).map_err(CertSnError::Key)?)
            }
            None => {
                return Err(CertSnError::NotRsa {
                    algorithm: cert.key_algorithm().to_string(),
                })
            }
        };
        let sn = cert_sn(cert)?;
        Ok(Self {
            key,
            cert_sn: Some(sn.sn),
        })
    }

    /// From the bytes of the certificate file (PEM or DER; the first certificate).
    ///
    /// # Errors
    /// [`CertSnError`] when the file holds no usable certificate.
    pub fn from_certificate_file(input: &[u8]) -> Result<Self, CertSnError> {
        let cert = Certificate::load(input).map_err(CertSnError::Key)?;
        Self::from_certificate(&cert)
    }

    /// The Alipay certificate SN in certificate mode.
    pub fn cert_sn(&self) -> Option<&str> {
        self.cert_sn.as_deref()
    }

    /// The RSA key, if it is one.
    pub fn rsa_key(&self) -> Option<&RsaPublicKey> {
        match &self.key {
            Key::Rsa(k) => Some(k),
            #[cfg(feature = "sm")]
            Key::Sm2(_) => None,
        }
    }

    /// `RSA` or `SM2`.
    pub fn algorithm(&self) -> &'static str {
        match &self.key {
            Key::Rsa(_) => "RSA",
            #[cfg(feature = "sm")]
            Key::Sm2(_) => "SM2",
        }
    }

    /// The sign type this key checks when none is named: RSA2 or SM2.
    pub fn default_sign_type(&self) -> SignType {
        match &self.key {
            Key::Rsa(_) => SignType::Rsa2,
            #[cfg(feature = "sm")]
            Key::Sm2(_) => SignType::Sm2,
        }
    }

    /// Checks a raw signature over `message` with `sign_type`.
    ///
    /// # Errors
    /// [`VerifyError::KeyDoesNotFit`] for a sign type of another key type,
    /// [`VerifyError::Mismatch`] when it does not verify.
    pub fn verify_raw(
        &self,
        sign_type: SignType,
        message: &SignContent,
        signature: &[u8],
    ) -> Result<(), VerifyError> {
        let result = match (&self.key, sign_type) {
            (Key::Rsa(k), SignType::Rsa2 | SignType::Rsa) => {
                k.verify(sign_type.scheme(), message.as_bytes(), signature)
            }
            #[cfg(feature = "sm")]
            (Key::Sm2(k), SignType::Sm2) => k.verify(message.as_bytes(), signature),
            _ => {
                return Err(VerifyError::KeyDoesNotFit {
                    sign_type,
                    key: self.algorithm(),
                })
            }
        };
        result.map_err(|source| VerifyError::Mismatch {
            sign_type,
            tried: vec![message.clone()],
            source,
        })
    }

    /// Checks `sign` (base64) over each of `contents` in turn; the first that
    /// verifies is returned.
    pub(crate) fn check(
        &self,
        sign_type: SignType,
        contents: Vec<SignContent>,
        sign: &str,
    ) -> Result<SignContent, VerifyError> {
        let sig = decode_sign(sign)?;
        let mut last = None;
        for content in &contents {
            match self.verify_raw(sign_type, content, &sig) {
                Ok(()) => return Ok(content.clone()),
                Err(VerifyError::Mismatch { source, .. }) => last = Some(source),
                Err(other) => return Err(other),
            }
        }
        Err(VerifyError::Mismatch {
            sign_type,
            tried: contents,
            source: last.unwrap_or(BadSignature {
                scheme: sign_type.scheme(),
            }),
        })
    }
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
    Ok(Verified::new(
        Notify {
            params,
            rule,
            empty_values,
        },
        content,
        sign_type,
    ))
}

/// Decodes a base64 `sign`, tolerating the line breaks some SDKs insert (a
/// space is an error: it is a `+` decoded twice).
pub(crate) fn decode_sign(sign: &str) -> Result<Vec<u8>, VerifyError> {
    let compact: String = sign.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    STANDARD
        .decode(compact)
        .map_err(|_| VerifyError::SignNotBase64)
}
