//! WeChat Mini Program server API security (服务端API签名加密指南): this folder
//! owns the Mini Program's formats and rules — sealing requests, opening
//! responses, classic open data and message-push encryption.
//!
//! With API security switched on in the MP console, a request's JSON is
//! encrypted (GCM) and signed, and the response is signed by the platform
//! certificate and encrypted. Each step is a value you can print:
//!
//! 1. the plaintext: the API's JSON with `_n`, `_appid`, `_timestamp` added,
//! 2. the [`Aad`] `urlpath|appid|timestamp|sn`,
//! 3. the [`EncryptedBody`] `{"iv":…,"data":…,"authtag":…}` (the exact body sent),
//! 4. the [`SignString`] `urlpath\nappid\ntimestamp\npostdata` (no trailing newline),
//! 5. its signature and the `Wechatmp-*` headers.
//!
//! [`RequestSealer`] does 1–5; [`ResponseOpener`] checks a response the other
//! way round and tells which check failed. [`ApiSecurityErrorCode`] explains
//! the platform's 40230–40240 answers.
//!
//! ```
//! use chop::key::{Certificate, RsaPrivateKey};
//! use chop::miniprogram::{PlatformCertificates, RequestSealer, ResponseOpener};
//! use chop::secret::SecretBytes;
//! # use base64::Engine;
//! # let b64 = base64::engine::general_purpose::STANDARD;
//! # let key_pem = std::fs::read("../vectors/keys/miniprogram/api_signature_app_private_key_97845f6ed842ea860df6fdf65941ff56.pem")?;
//! # let cert_pem = std::fs::read("../vectors/keys/miniprogram/api_signature_platform_cert_79ba700ea147819f640941bceb38b1d1.pem")?;
//! // Once, at start-up: the keys and numbers from the MP console (API安全).
//! let sym = || SecretBytes::new(b64.decode("otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY=").unwrap());
//! let sealer = RequestSealer::new("wxba6223c06417af7b", sym(), "fa05fe1e5bcc79b81ad5ad4b58acf787",
//!     RsaPrivateKey::load(&key_pem, None)?);
//! let mut certs = PlatformCertificates::default();
//! certs.insert("79ba700ea147819f640941bceb38b1d1", &Certificate::load(&cert_pem)?)?;
//! let opener = ResponseOpener::new("wxba6223c06417af7b", sym(), "fa05fe1e5bcc79b81ad5ad4b58acf787", certs);
//!
//! // Per request: seal, set the sealed body and the `Wechatmp-*` headers on the
//! // request, send it, then open the answer with `opener.open_response(url, &response)`.
//! let url = "https://api.weixin.qq.com/wxa/getuserriskrank?access_token=ACCESS_TOKEN";
//! let sealed = sealer.seal(url, br#"{"appid":"wxba6223c06417af7b","openid":"o","scene":0}"#)?;
//! println!("aad: {}\nsign string: {}", sealed.aad, sealed.sign_string.escaped());
//! let mut request = http::Request::post(url).body(String::new())?;
//! sealed.apply_to(&mut request);
//! assert!(request.body().starts_with(r#"{"iv":""#));
//! assert!(request.headers()["wechatmp-signature"].is_sensitive());
//! # let _ = opener;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Also here: classic open data ([`decrypt_open_data`], [`verify_raw_data`])
//! and message-push encryption ([`MsgCrypt`], the WXBizMsgCrypt scheme).
//!
//! Source: <https://developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature.html>.

mod body;
mod certs;
mod errcode;
mod error;
mod headers;
mod message;
mod msg_crypt;
mod open;
mod open_data;
mod plaintext;
mod seal;
mod suite;
mod url;

pub use body::{BodyError, EncryptedBody, IV_LEN, TAG_LEN};
pub use certs::{PlatformCertStore, PlatformCertificates};
pub use errcode::ApiSecurityErrorCode;
pub use error::{OpenError, SealError, UnverifiedPlatformError};
pub use headers::ResponseHeaders;
pub use message::{Aad, SignString};
pub use msg_crypt::{
    extract_encrypt, msg_signature, verify_plain_signature, EncryptedMessage, MsgCrypt,
    MsgCryptError,
};
pub use open::{
    CertificateRotation, OpenedResponse, ResponseOpener, Verified, DEFAULT_MAX_RESPONSE,
    DEFAULT_WINDOW_SECS,
};
pub use open_data::{
    decrypt_open_data, raw_data_signature, verify_raw_data, OpenData, OpenDataError, Watermark,
};
pub use plaintext::SECURITY_FIELDS;
pub use seal::{RequestSealer, SealInputs, SealedRequest, DEFAULT_MAX_BODY};
pub use suite::Suite;
#[cfg(feature = "sm")]
pub use suite::{Sm2Encoding, Sm2Settings, Sm2UserId};
pub use url::url_path;
