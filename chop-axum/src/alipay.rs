//! Alipay async notifies (异步通知).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chop::alipay::{Notify, NotifyVerifier, Params, Verified};

/// How to check Alipay notifies: the core's [`NotifyVerifier`] — the Alipay
/// public key, the sign type your app is configured with, and (optionally)
/// your `app_id`.
///
/// ```
/// # let pem = std::fs::read("../vectors/keys/generated/pub-spki.pem")?;
/// use chop::alipay::{AlipayPublicKey, SignType};
/// let config = chop_axum::AlipayNotifyConfig::new(AlipayPublicKey::load(&pem)?, SignType::Rsa2)
///     .with_app_id("2021000122671080");
/// # let _ = config; Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type AlipayNotifyConfig = NotifyVerifier;

/// A verified Alipay async notify: every parameter as received, `sign` removed.
///
/// Extracting it reads the raw form body and verifies it with the state's
/// `Arc<AlipayNotifyConfig>` (`sign`, then `app_id` when configured). On failure
/// the handler does not run and Alipay gets the body `failure` (it retries).
/// Check `out_trade_no` and `total_amount` against your order before acting.
#[derive(Debug, Clone)]
pub struct AlipayNotification(pub Verified<Notify>);

impl AlipayNotification {
    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.0.value().params
    }

    /// One parameter.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params().get(key)
    }
}

/// Why a notify was refused: answered with the body `failure`.
#[derive(Debug)]
pub struct AlipayRejection {
    /// What failed, one line.
    pub reason: String,
}

impl IntoResponse for AlipayRejection {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "failure",
        )
            .into_response()
    }
}

/// Answers Alipay that the notify was processed: the body `success`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlipayAck;

impl IntoResponse for AlipayAck {
    fn into_response(self) -> Response {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "success",
        )
            .into_response()
    }
}

impl<S> FromRequest<S> for AlipayNotification
where
    S: Send + Sync,
    Arc<AlipayNotifyConfig>: FromRef<S>,
{
    type Rejection = AlipayRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let config = Arc::<AlipayNotifyConfig>::from_ref(state);
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| refuse(format!("body unreadable: {}", e.body_text())))?;
        let params = Params::from_form(&body).map_err(|e| refuse(crate::chain(&e)))?;
        let verified = config
            .verify(&params)
            .map_err(|e| refuse(crate::chain(&e)))?;
        Ok(Self(verified))
    }
}

fn refuse(reason: String) -> AlipayRejection {
    tracing::warn!(%reason, "chop: Alipay notify refused");
    AlipayRejection { reason }
}
