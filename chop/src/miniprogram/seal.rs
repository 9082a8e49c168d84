//! Sealing a request: add the security fields, encrypt, sign, build the headers.

use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;

use super::plaintext::{add_security_fields, PlaintextProblem};
use super::suite::{self, AppKey, SymError};
#[cfg(feature = "sm")]
use super::Sm2Settings;
use super::{url_path, Aad, EncryptedBody, SealError, SignString, Suite, IV_LEN};
use crate::clock::{random_bytes, Clock, RandomError, SystemClock};
use crate::instructions::{SetMode, SigningInstructions};
#[cfg(feature = "sm")]
use crate::key::Sm2PrivateKey;
use crate::secret::SecretBytes;
use crate::signer::{SignatureScheme, Signer};

/// The largest request data sealed by default (1 MiB).
pub const DEFAULT_MAX_BODY: usize = 1 << 20;

/// The per-request inputs that are normally random or the current time; give
/// them to reproduce a sealed request exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealInputs {
    /// Unix seconds: the AAD, `_timestamp`, the sign string and `Wechatmp-TimeStamp`.
    pub timestamp: i64,
    /// The 12-byte GCM IV.
    pub iv: [u8; IV_LEN],
    /// The `_n` value (the guide recommends 16–32 random bytes, base64).
    pub nonce: String,
}

impl SealInputs {
    /// `timestamp` with a random IV and a random `_n` (base64 of 16 bytes, unpadded).
    ///
    /// # Errors
    /// [`RandomError`] when the system has no randomness.
    pub fn random(timestamp: i64) -> Result<Self, RandomError> {
        Ok(Self {
            timestamp,
            iv: random_bytes::<IV_LEN>()?,
            nonce: STANDARD_NO_PAD.encode(random_bytes::<16>()?),
        })
    }
}

/// Encrypts and signs Mini Program API requests for one app.
///
/// Build it once at start-up; it holds the parsed key.
///
/// ```
/// use chop::key::RsaPrivateKey;
/// use chop::miniprogram::{RequestSealer, SealInputs};
/// use chop::secret::SecretBytes;
/// # use base64::Engine;
/// # let pem = std::fs::read("../vectors/keys/miniprogram/api_signature_app_private_key_97845f6ed842ea860df6fdf65941ff56.pem").unwrap();
/// # let key_b64 = "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=";
/// let key = SecretBytes::new(base64::engine::general_purpose::STANDARD.decode(key_b64)?);
/// let sealer = RequestSealer::new("wxba6223c06417af7b", key, "fa05fe1e5bcc79b81ad5ad4b58acf787",
///     RsaPrivateKey::load(&pem, None)?);
/// let iv: [u8; 12] = base64::engine::general_purpose::STANDARD.decode("fmW/zNxXlytUZBgj")?.try_into().unwrap();
/// let inputs = SealInputs { timestamp: 1635927954, iv, nonce: "o89QaPVsRu1yppIZzvSZc4".into() };
/// let sealed = sealer.seal_with(
///     "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=ACCESS_TOKEN",
///     br#"{"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}"#,
///     &inputs)?;
/// assert!(sealed.body.starts_with(r#"{"iv":"fmW/zNxXlytUZBgj","data":"0IDVdrPtSPF/"#));
/// assert_eq!(sealed.headers[0], ("Wechatmp-Appid", "wxba6223c06417af7b".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestSealer {
    app: AppKey,
    asym_sn: Option<String>,
    key: RequestKey,
    suite: Suite,
    clock: Arc<dyn Clock>,
    max_body: usize,
}

/// The private key that signs requests.
#[derive(Debug, Clone)]
enum RequestKey {
    Rsa(Arc<dyn Signer>),
    #[cfg(feature = "sm")]
    Sm2(Arc<Sm2PrivateKey>),
}

/// A sealed request: every intermediate, printable exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRequest {
    /// The `urlpath` (URL without the query).
    pub url_path: String,
    /// The timestamp used everywhere.
    pub timestamp: i64,
    /// The plaintext that was encrypted (the data with `_n`, `_appid`, `_timestamp`).
    pub plaintext: String,
    /// The GCM additional authenticated data.
    pub aad: Aad,
    /// The encrypted body as fields.
    pub encrypted: EncryptedBody,
    /// The exact body to send.
    pub body: String,
    /// The exact bytes that were signed.
    pub sign_string: SignString,
    /// Base64 of the signature.
    pub signature: String,
    /// The headers to send, in order, named as the guide writes them:
    /// `Wechatmp-Appid`, `Wechatmp-TimeStamp`, `Wechatmp-Signature`,
    /// `Wechatmp-Serial` (when the asymmetric key number is configured) and
    /// `Content-Type`. [`SealedRequest::instructions`] holds the same, ready to set.
    pub headers: Vec<(&'static str, String)>,
    instructions: SigningInstructions,
}

impl RequestSealer {
    /// A sealer for `appid` with the AES256_GCM + RSAwithSHA256 suite.
    ///
    /// `sym_key` is the decoded API symmetric key and `sym_sn` its number (对称密钥编号);
    /// `signer` is the app's private key (API非对称密钥) or any [`Signer`].
    pub fn new(
        appid: impl Into<String>,
        sym_key: SecretBytes,
        sym_sn: impl Into<String>,
        signer: impl Signer + 'static,
    ) -> Self {
        Self {
            app: AppKey::new(appid, sym_key, sym_sn),
            asym_sn: None,
            key: RequestKey::Rsa(Arc::new(signer)),
            suite: Suite::AesGcmRsa,
            clock: Arc::new(SystemClock),
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// A sealer for `appid` with the SM4_GCM + SM2withSM3 suite and the
    /// documented SM2 settings ([`Sm2Settings::default`]).
    ///
    /// `sym_key` is the 16-byte SM4 key; `asym_sn` is the number of the app's
    /// asymmetric key (非对称密钥编号): it is the SM2 user ID of the signature
    /// and is sent as `Wechatmp-Serial`.
    #[cfg(feature = "sm")]
    pub fn new_sm(
        appid: impl Into<String>,
        sym_key: SecretBytes,
        sym_sn: impl Into<String>,
        key: Sm2PrivateKey,
        asym_sn: impl Into<String>,
    ) -> Self {
        Self {
            app: AppKey::new(appid, sym_key, sym_sn),
            asym_sn: Some(asym_sn.into()),
            key: RequestKey::Sm2(Arc::new(key)),
            suite: Suite::sm(),
            clock: Arc::new(SystemClock),
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Changes the SM2 user ID or signature encoding of an SM sealer (no
    /// effect on an RSA sealer).
    #[cfg(feature = "sm")]
    pub fn with_sm2_settings(mut self, settings: Sm2Settings) -> Self {
        if matches!(self.key, RequestKey::Sm2(_)) {
            self.suite = Suite::Sm4GcmSm2(settings);
        }
        self
    }

    /// Also sends `Wechatmp-Serial` with the number of the app's asymmetric key
    /// (非对称密钥编号). The guide's header table lists only Appid, TimeStamp and
    /// Signature, but the platform answers 40230 (missing Wechatmp-Serial) on
    /// some APIs without it (reported in binarywang/WxJava issue #3915 for
    /// `/cgi-bin/express/intracity/*`, fixed by sending this header, not by
    /// signing the number), so sending it is recommended.
    pub fn with_asymmetric_sn(mut self, sn: impl Into<String>) -> Self {
        self.asym_sn = Some(sn.into());
        self
    }

    /// Uses `clock` for timestamps (default: the system clock).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Refuses request data larger than `max` bytes (default [`DEFAULT_MAX_BODY`]).
    pub fn with_max_body(mut self, max: usize) -> Self {
        self.max_body = max;
        self
    }

    /// The suite.
    pub fn suite(&self) -> &Suite {
        &self.suite
    }

    /// Seals `data` (the API's parameters as a JSON object, without the access
    /// token) for `url` with the current time, a random IV and a random `_n`.
    ///
    /// # Errors
    /// [`SealError`] for a bad URL, data that is not a JSON object, a wrong key
    /// length or a failed signer.
    pub fn seal(&self, url: &str, data: &[u8]) -> Result<SealedRequest, SealError> {
        let inputs = SealInputs::random(self.clock.now_unix())?;
        self.seal_with(url, data, &inputs)
    }

    /// Seals with given inputs (to reproduce a vector).
    ///
    /// # Errors
    /// As [`RequestSealer::seal`].
    pub fn seal_with(
        &self,
        url: &str,
        data: &[u8],
        inputs: &SealInputs,
    ) -> Result<SealedRequest, SealError> {
        if data.len() > self.max_body {
            return Err(SealError::TooLarge {
                len: data.len(),
                max: self.max_body,
            });
        }
        check_field("appid", &self.app.appid)?;
        check_field("symmetric key number (sn)", &self.app.sn)?;
        if let Some(sn) = &self.asym_sn {
            check_field("asymmetric key number (sn)", sn)?;
        }
        let path = url_path(url)?;
        let plaintext = add_security_fields(data, &inputs.nonce, &self.app.appid, inputs.timestamp)
            .map_err(|p| match p {
                PlaintextProblem::NotJson(reason) => SealError::NotJson { reason },
                PlaintextProblem::NotObject(found) => SealError::NotAnObject { found },
                PlaintextProblem::Reserved(field) => SealError::ReservedField { field },
            })?;
        let aad = self.app.aad(path, inputs.timestamp);
        let sealed = suite::seal(
            &self.suite,
            self.app.expose(),
            &inputs.iv,
            aad.as_bytes(),
            plaintext.as_bytes(),
        )
        .map_err(|e| match e {
            SymError::KeyLength {
                algorithm,
                got,
                expected,
            } => SealError::SymmetricKey {
                algorithm,
                got,
                expected,
            },
            SymError::Authentication => SealError::Encrypt {
                algorithm: self.suite.symmetric_name(),
            },
        })?;
        let encrypted = EncryptedBody::from_sealed(&inputs.iv, &sealed);
        let body = encrypted.to_json();
        let sign_string = SignString::new(path, &self.app.appid, inputs.timestamp, body.as_bytes());
        let raw = self.sign(sign_string.as_bytes())?;
        let signature = STANDARD.encode(raw);
        let mut headers = vec![
            ("Wechatmp-Appid", self.app.appid.clone()),
            ("Wechatmp-TimeStamp", inputs.timestamp.to_string()),
            ("Wechatmp-Signature", signature.clone()),
        ];
        if let Some(sn) = &self.asym_sn {
            headers.push(("Wechatmp-Serial", sn.clone()));
        }
        headers.push(("Content-Type", "application/json".to_string()));
        let mut instructions = SigningInstructions::default();
        for (name, value) in &headers {
            let sensitive = *name == "Wechatmp-Signature";
            instructions
                .set_header(name, value, SetMode::Replace, sensitive)
                .map_err(|e| SealError::Field {
                    field: "header",
                    reason: e.to_string(),
                })?;
        }
        Ok(SealedRequest {
            url_path: path.to_string(),
            timestamp: inputs.timestamp,
            plaintext,
            aad,
            encrypted,
            body,
            sign_string,
            signature,
            headers,
            instructions,
        })
    }
}

impl SealedRequest {
    /// The headers to set, `Wechatmp-Signature` marked sensitive.
    pub fn instructions(&self) -> &SigningInstructions {
        &self.instructions
    }

    /// Sets the headers and the sealed body on `request` (a POST to the URL
    /// that was sealed for).
    ///
    /// ```
    /// # use chop::key::RsaPrivateKey;
    /// # use chop::miniprogram::RequestSealer;
    /// # use chop::secret::SecretBytes;
    /// # let pem = std::fs::read("../vectors/keys/miniprogram/api_signature_app_private_key_97845f6ed842ea860df6fdf65941ff56.pem").unwrap();
    /// # let sealer = RequestSealer::new("wxba6223c06417af7b", SecretBytes::new(vec![7; 32]), "fa05fe1e5bcc79b81ad5ad4b58acf787", RsaPrivateKey::load(&pem, None)?);
    /// let url = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=ACCESS_TOKEN";
    /// let sealed = sealer.seal(url, br#"{"openid":"o","scene":0}"#)?;
    /// let mut req = http::Request::post(url).body(String::new())?;
    /// sealed.apply_to(&mut req);
    /// assert!(req.headers()["wechatmp-signature"].is_sensitive());
    /// assert_eq!(req.body(), &sealed.body);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to<B: From<String>>(&self, request: &mut http::Request<B>) {
        self.instructions.apply_to(request);
        *request.body_mut() = B::from(self.body.clone());
    }
}

impl RequestSealer {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SealError> {
        match &self.key {
            RequestKey::Rsa(signer) => Ok(signer.sign(SignatureScheme::RsaPssSha256, message)?),
            #[cfg(feature = "sm")]
            RequestKey::Sm2(key) => {
                let settings = match &self.suite {
                    Suite::Sm4GcmSm2(s) => s.clone(),
                    Suite::AesGcmRsa => Sm2Settings::default(),
                };
                let number = self.asym_sn.as_deref().unwrap_or_default();
                let id = settings.request_id.bytes(number);
                Ok(key.sign_with_id(id, message, settings.encoding)?)
            }
        }
    }
}

/// Appids and key numbers go into headers and the `|`-separated AAD.
fn check_field(field: &'static str, value: &str) -> Result<(), SealError> {
    if value.is_empty() {
        return Err(SealError::Field {
            field,
            reason: "it is empty; copy it from the MP console".into(),
        });
    }
    if !value.bytes().all(|b| b.is_ascii_graphic() && b != b'|') {
        return Err(SealError::Field {
            field,
            reason: "it contains a space, `|`, or a non-ASCII or control character; copy it from the MP console without surrounding text".into(),
        });
    }
    Ok(())
}
