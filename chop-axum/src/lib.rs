//! # chop-axum — platform callbacks as axum extractors
//!
//! | callback | extractor | configured by (in your state) | on success | on failure |
//! |---|---|---|---|---|
//! | WeChat Pay notification (支付/退款通知) | [`WechatPayNotification<T>`] | `Arc<NotificationHandler>` | the verified envelope and typed payload; answer [`WechatPayAck`] | 4xx/5xx with `{"code":"FAIL","message":"…"}` (WeChat Pay retries) |
//! | Alipay async notify (异步通知) | [`AlipayNotification`] | `Arc<AlipayNotifyConfig>` | the verified parameters; answer [`AlipayAck`] (`success`) | the body `failure` (Alipay retries) |
//!
//! Both read the **raw body bytes** before anything parses them, verify the
//! signature over exactly those bytes, and log why a callback was refused with
//! `tracing` (the reason chain, never a key or a decrypted payload).
//!
//! ```
//! use std::sync::Arc;
//! use axum::{extract::FromRef, routing::post, Router};
//! use chop::wechatpay::{ApiV3Key, NotificationHandler, ResponseVerifier, Transaction};
//! use chop_axum::{WechatPayAck, WechatPayNotification};
//!
//! #[derive(Clone, FromRef)]
//! struct AppState {
//!     wechatpay: Arc<NotificationHandler>,
//! }
//!
//! async fn paid(n: WechatPayNotification<Transaction>) -> WechatPayAck {
//!     println!("{} paid {}", n.payload.out_trade_no, n.payload.amount.total);
//!     WechatPayAck
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = ResponseVerifier::new([]); // the platform certificates or public key
//! let handler = NotificationHandler::new(verifier, ApiV3Key::new("0123456789abcdef0123456789abcdef")?);
//! let app: Router = Router::new()
//!     .route("/notify/wechatpay", post(paid))
//!     .with_state(AppState { wechatpay: Arc::new(handler) });
//! # let _ = app; Ok(()) }
//! ```

#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod alipay;
mod wechatpay;

pub use alipay::{AlipayAck, AlipayNotification, AlipayNotifyConfig, AlipayRejection};
pub use wechatpay::{WechatPayAck, WechatPayFail, WechatPayNotification, WechatPayRejection};

/// The error and its causes on one line, for a log line (the core's printer).
pub(crate) use chop::error::chain;
