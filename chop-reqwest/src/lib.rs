//! # chop-reqwest — sign every request, verify every response
//!
//! [reqwest-middleware] middlewares for the three platforms chop covers,
//! each a config struct built once plus `impl Middleware`:
//!
//! | platform | middleware | on the way out | on the way back |
//! |---|---|---|---|
//! | WeChat Pay API v3 | [`WechatPayMiddleware`] | `Authorization`, `Wechatpay-Serial` | verify the signature over the buffered body; refresh platform certificates ([`CertificateRefresher`]) |
//! | Mini Program API security | [`MiniProgramMiddleware`] | seal (encrypt + sign) the JSON body | open (verify + decrypt) the response; the body becomes the plaintext |
//! | Alipay open platform | [`AlipayMiddleware`] | `sign_type`, `sign` (and `biz_content` encrypted when configured) | verify the `…_response` signature; decrypt encrypted content |
//!
//! Each is a loop over the core's rules: the core signs and returns the
//! headers and query to set ([`chop::instructions::SigningInstructions`]),
//! decides which certificates to trust ([`chop::wechatpay::Trust`]) and
//! what a response means; the middleware sends, buffers and applies.
//!
//! ```no_run
//! use chop::key::RsaPrivateKey;
//! use chop::wechatpay::{PlatformKey, RequestSigner, ResponseVerifier};
//! use chop_reqwest::WechatPayMiddleware;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let key = RsaPrivateKey::load(&std::fs::read("apiclient_key.pem")?, None)?;
//! let signer = RequestSigner::merchant("1900009191", "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB", key);
//! let wechatpay_key = chop::key::RsaPublicKey::load(&std::fs::read("pub_key.pem")?)?;
//! let verifier = ResponseVerifier::new([PlatformKey::public_key("PUB_KEY_ID_0114232134912410000000000000", wechatpay_key)]);
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(WechatPayMiddleware::new(signer, verifier))
//!     .build();
//! let response = client
//!     .get("https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1900009191")
//!     .send()
//!     .await?; // signed on the way out, verified on the way back
//! println!("{}", response.text().await?);
//! # Ok(()) }
//! ```
//!
//! ## Errors
//!
//! A failed check is the core's typed error (for example
//! [`chop::wechatpay::VerifyError`], [`chop::miniprogram::OpenError`],
//! [`chop::alipay::GatewayError`], whose `source()` is the step's own error
//! such as [`chop::alipay::VerifyError`]) inside
//! [`reqwest_middleware::Error::Middleware`]. Get it back with [`core_error`]:
//!
//! ```
//! use chop::wechatpay::VerifyError;
//! # fn f(err: reqwest_middleware::Error) {
//! if let Some(VerifyError::BadSignature { sign_string, .. }) = chop_reqwest::core_error::<VerifyError>(&err) {
//!     eprintln!("the response did not verify over {}", sign_string.escaped());
//! }
//! # }
//! ```
//!
//! ## Responses the platform does not sign
//!
//! WeChat Pay does not sign file downloads (bills, `download_url`, media):
//! mark such a request with the [`Download`] extension
//! (`client.get(url).with_extension(chop_reqwest::Download)`). Its request is
//! signed as usual; a successful response passes through unbuffered and
//! unverified (streaming works), so check the file's digest (`hash_value` from
//! the bill API) yourself. Every other response is buffered whole, because the
//! signature covers the exact body bytes.
//!
//! The crate enables no TLS backend of reqwest: add reqwest with the features
//! you use (`rustls` is reqwest's default).
//!
//! [reqwest-middleware]: https://docs.rs/reqwest-middleware

#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod alipay;
mod body;
mod error;
pub mod miniprogram;
pub mod wechatpay;

pub use alipay::{AlipayMiddleware, AlipayVerified};
pub use error::Error;
pub use miniprogram::{MiniProgramMiddleware, MiniProgramOpened};
pub use wechatpay::{
    CertificateRefresher, RefreshError, RefreshReport, WechatPayMiddleware, WechatPaySigned,
    WechatPayVerified,
};

/// A request extension: the response is a download the platform does not
/// sign; pass a successful one through unbuffered and unverified.
///
/// ```
/// # async fn f(client: reqwest_middleware::ClientWithMiddleware) -> reqwest_middleware::Result<()> {
/// let bill = client
///     .get("https://api.mch.weixin.qq.com/v3/billdownload/file?token=T")
///     .with_extension(chop_reqwest::Download)
///     .send()
///     .await?;
/// # let _ = bill; Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Download;

/// The typed error of type `E` inside a [`reqwest_middleware::Error`], if
/// that is what it holds (a core error such as
/// [`chop::wechatpay::VerifyError`], or this crate's [`Error`]).
///
/// ```
/// use chop_reqwest::{core_error, Error};
/// let err = reqwest_middleware::Error::middleware(Error::StreamingBody);
/// assert_eq!(core_error::<Error>(&err), Some(&Error::StreamingBody));
/// assert!(core_error::<chop::wechatpay::VerifyError>(&err).is_none());
/// ```
pub fn core_error<E>(err: &reqwest_middleware::Error) -> Option<&E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match err {
        reqwest_middleware::Error::Middleware(e) => e.downcast_ref::<E>(),
        reqwest_middleware::Error::Reqwest(_) => None,
    }
}

/// Wraps a typed error for [`reqwest_middleware`].
pub(crate) fn mw<E>(err: E) -> reqwest_middleware::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    reqwest_middleware::Error::middleware(err)
}
