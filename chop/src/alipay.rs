//! Alipay open platform (支付宝开放平台): this folder owns Alipay's formats and
//! rules — request signing and gateway preparation ([`Gateway`]), notify and
//! response verification, content encryption, certificate mode, the v3 API.
//!
//! Every intermediate is a value you can print: the [`SignContent`] that is
//! signed or verified, the certificate SN inputs ([`CertSn`]), the v3
//! sign strings. Verification returns [`Verified`] (the value, the content
//! that verified, the certificate SN, the sign type) or a [`VerifyError`] that
//! says what to fix — never a bool.
//!
//! ```
//! use chop::alipay::{sign_params, verify_notify, AlipayPublicKey, Params, SignType};
//! use chop::key::RsaPrivateKey;
//!
//! // Signing a request with the app private key (应用私钥, bare base64 as Alipay's tool writes it).
//! # let b64 = std::fs::read("../vectors/keys/generated/key-pkcs8.b64").unwrap();
//! let app_key = RsaPrivateKey::load(&b64, None)?;
//! let params = Params::from_pairs([("app_id", "2021000122671080"), ("method", "alipay.trade.query"),
//!     ("sign_type", "RSA2"), ("biz_content", r#"{"out_trade_no":"20150320010101001"}"#)])?;
//! let signed = sign_params(&params, SignType::Rsa2, &app_key)?;
//! println!("sign content: {}\nsign: {}", signed.sign_content, signed.sign);
//!
//! // Verifying an async notify with the Alipay public key (支付宝公钥), body as received.
//! # let pem = std::fs::read("../vectors/keys/alipay/node_alipay-notify-sign-public-key-v2.pem").unwrap();
//! let alipay_key = AlipayPublicKey::load(&pem)?;
//! # let body = std::fs::read("../vectors/alipay/node_servicemarket_notify/body.form").unwrap();
//! let notify = verify_notify(&Params::from_form(&body)?, &alipay_key)?;
//! assert_eq!(notify.value().params.get("notify_type"), Some("servicemarket_order_notify"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod aes;
mod cert_sn;
mod content;
mod dn;
mod error;
mod gateway;
mod notify;
mod params;
mod phone;
mod public_key;
mod response;
mod sign;
mod sign_type;
mod v3;
mod verify;

pub use aes::{decrypt_content, encrypt_content, AesError, AesKey};
pub use cert_sn::{cert_sn, root_cert_sn, CertSn, CertSnError, RootCertSn, RootEntry};
pub use content::{EmptyValues, SignContent, SignTypeRule};
pub use error::VerifyError;
pub use gateway::{Gateway, GatewayError, GatewayRequest, GatewayResponse, FORM_CONTENT_TYPE};
pub use notify::{verify_notify, verify_notify_expecting, Notify, NotifyVerifier};
pub use params::{Params, ParamsError};
pub use phone::{phone_number, PhoneError, PhoneNumber};
pub use public_key::AlipayPublicKey;
pub use response::{ResponseError, SignedResponse};
pub use sign::{sign_params, SignRequestError, SignedParams};
pub use sign_type::{SignType, UnknownSignType};
pub use v3::{
    verify_v3_response, V3Authorization, V3Error, V3RequestSigner, V3ResponseHeaders, V3SignString,
    V3SignedRequest, V3_SCHEME,
};
pub use verify::{verify_response, Verified};
