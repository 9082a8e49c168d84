//! WeChat Pay API v3 (微信支付 APIv3) — merchant, partner and brand APIs: this
//! folder owns WeChat Pay's formats and rules (sign strings, signing,
//! response and callback verification, callbacks, sensitive fields, platform
//! keys and certificates).
//!
//! Signing a request takes three steps, each a value you can print:
//! 1. the [`SignString`] `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`,
//! 2. its SHA256withRSA signature, base64,
//! 3. the [`Authorization`] header.
//!
//! [`RequestSigner`] does all three and returns a [`SignedRequest`] that holds
//! them and the headers to set ([`SignedRequest::instructions`], the
//! credential marked sensitive); [`SignedRequest::apply_to`] sets them on an
//! `http::Request` ([`RequestSigner::sign_request`] signs one as it will be sent).
//!
//! ```
//! use chop::key::RsaPrivateKey;
//! use chop::wechatpay::RequestSigner;
//!
//! # let pem = std::fs::read("../vectors/keys/seed002/apiclient_test_key.pem").unwrap();
//! let key = RsaPrivateKey::load(&pem, None)?; // once, at start-up
//! let signer = RequestSigner::merchant("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", key);
//! let body = br#"{"appid":"wxd678efh567hg6787","mchid":"1900009191"}"#;
//! let signed = signer.sign("POST", "/v3/pay/transactions/jsapi", body)?;
//! println!("sign string: {} ({} bytes)", signed.sign_string.escaped(), signed.sign_string.len());
//! println!("Authorization: {}", signed.authorization);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! After signing, everything a merchant's server needs:
//!
//! | task | API |
//! |---|---|
//! | verify a response or callback (`TIMESTAMP\nNONCE\nBODY\n`, window, probes, serials) | [`ResponseVerifier`] → [`Verified`] (value, sign string, serial, timestamp) or [`VerifyError`] |
//! | the platform keys: certificates, the public key (`PUB_KEY_ID_…`), both during a migration | [`PlatformKey`] (an id and a [`crate::key::VerifyingKey`]), [`PlatformKeyStore`], [`MemoryKeyStore`] |
//! | error responses (`SIGN_ERROR`'s `sign_information`), unsigned errors | [`ErrorBody`], [`SignatureHeaders::of_response`], [`VerifyError::UnsignedErrorResponse`] |
//! | callbacks: verify, decrypt `resource`, typed payloads, seen ids | [`NotificationHandler`], [`Transaction`], [`RefundNotification`], [`SeenIds`] |
//! | sensitive fields (RSA-OAEP SHA-1; SM2 with `sm`) | [`encrypt_sensitive`], [`decrypt_sensitive`] |
//! | `/v3/certificates`: decrypt, verify (trusted key, trust on first use, or the store with a [`Bootstrap`] rule), chain, refresh | [`CertificatesResponse`], [`verify_download`], [`Trust`], [`verify_chain`], [`RefreshPolicy`] |
//! | 国密 (`sm` feature): `WECHATPAY2-SM2-WITH-SM3`, `AEAD_SM4_GCM` | [`RequestSigner::merchant_sm2`], [`PlatformKey`] with SM2 certificates, [`EncryptedResource`] |
//!
//! Verify the **raw body bytes as received**: a framework that parses the JSON
//! and serializes it again changes the bytes, and the signature fails.

mod authorization;
mod certs;
mod error;
mod error_body;
pub mod headers;
mod media;
mod message;
mod notify;
mod platform;
mod replay;
mod reserialized;
mod resource;
mod sensitive;
mod sign;
mod store;
mod verify;
mod verify_error;

pub use authorization::{Authorization, AuthorizationParseError, Schema};
pub use certs::{
    verify_chain, verify_download, Bootstrap, CertificateDownload, CertificateEntry,
    CertificatesResponse, CertsError, ChainError, DownloadedCertificate, RefreshPolicy, Trust,
    UnknownSerialAction, CERTIFICATE_AAD, DEFAULT_REFRESH_INTERVAL_SECS,
};
pub use error::RequestError;
pub(crate) use error_body::first_difference;
pub use error_body::{
    unescape_sign_message, ErrorBody, ErrorBodyParseError, ErrorDetail, SignComparison,
    SignInformation,
};
pub use headers::SignatureHeaders;
pub use media::MediaUpload;
pub use message::{request_target, SignString};
pub use notify::{
    DecryptedNotification, Notification, NotificationHandler, NotifyError, Payer, RefundAmount,
    RefundNotification, Transaction, TransactionAmount,
};
pub use platform::{KeySource, PlatformKey, PUBLIC_KEY_ID_PREFIX};
pub use replay::{MemorySeenIds, SeenIds};
pub use reserialized::reserialized_hint;
pub use resource::{
    ApiV3Key, ApiV3KeyError, DecryptError, EncryptedResource, AEAD_AES_256_GCM, AEAD_SM4_GCM,
};
#[cfg(feature = "sm")]
pub use sensitive::decrypt_sensitive_sm2;
pub use sensitive::{
    decrypt_sensitive, decrypt_sensitive_with, encrypt_sensitive, encrypt_sensitive_with_store,
    EncryptedField, RsaPadding, SensitiveError,
};
pub use sign::{Identity, RequestSigner, SignedRequest, USER_AGENT_VALUE};
pub use store::{MemoryKeyStore, PlatformKeyStore};
pub use verify::{ResponseVerifier, Verified, DEFAULT_WINDOW_SECS};
pub use verify_error::{Skew, VerifyError, SIGNTEST_PREFIX};
