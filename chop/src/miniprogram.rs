//! WeChat Mini Program server API security (服务端API签名加密指南).
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

pub use body::{BodyError, EncryptedBody, IV_LEN, TAG_LEN};
pub use certs::{PlatformCertStore, PlatformCertificates, PlatformKey};
pub use errcode::ApiSecurityErrorCode;
pub use error::{OpenError, SealError, UnverifiedPlatformError};
pub use headers::ResponseHeaders;
pub use message::{url_path, Aad, SignString};
pub use msg_crypt::{
    msg_signature, verify_plain_signature, EncryptedMessage, MsgCrypt, MsgCryptError,
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
