//! WeChat Pay notifications (支付结果通知, 退款结果通知).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chop::wechatpay::{
    DecryptedNotification, Notification, NotificationHandler, NotifyError, SignatureHeaders,
    Transaction, Verified,
};
use serde::de::DeserializeOwned;

/// A verified, decrypted WeChat Pay notification with its payload parsed as `T`
/// ([`Transaction`] by default; [`chop::wechatpay::RefundNotification`] for
/// refunds, or a type of your own).
///
/// Extracting it reads the raw body, verifies the `Wechatpay-*` signature
/// headers over it with the state's `Arc<NotificationHandler>` (which also
/// refuses ids already accepted when it has seen ids), decrypts `resource`
/// and parses it. It consumes the body, so it is the handler's last
/// extractor. On failure the handler does not run: the answer is a
/// [`WechatPayRejection`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WechatPayNotification<T = Transaction> {
    /// The envelope: `id`, `event_type`, `create_time`, `summary`, the encrypted resource.
    pub envelope: Notification,
    /// The decrypted resource, parsed.
    pub payload: T,
    /// The decrypted resource as JSON text (exactly as decrypted).
    pub plaintext: String,
    /// What verified: the sign string, the serial (or `PUB_KEY_ID_…`) of the
    /// key and `Wechatpay-Timestamp`.
    pub verified: Verified<()>,
}

/// Why a notification was refused, answered the way WeChat Pay expects: an
/// error status with `{"code":"FAIL","message":"…"}`, so that it retries.
///
/// | cause | status |
/// |---|---|
/// | missing or bad signature headers, timestamp outside the window, unknown serial, bad signature | 401 |
/// | body not a notification envelope | 400 |
/// | resource does not decrypt (wrong APIv3 key?), payload not a `T`, body unreadable | 500 |
///
/// A notification id already accepted (with seen ids configured) is answered
/// `200` with no body: WeChat Pay stops retrying and the handler is not run
/// again.
#[derive(Debug)]
pub struct WechatPayRejection {
    status: StatusCode,
    message: &'static str,
    /// The core's error, when a check failed.
    pub error: Option<NotifyError>,
}

impl WechatPayRejection {
    /// The status answered.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for WechatPayRejection {
    fn into_response(self) -> Response {
        if self.status == StatusCode::OK {
            return StatusCode::OK.into_response();
        }
        WechatPayFail::new(self.status, self.message).into_response()
    }
}

/// Answers WeChat Pay that the notification was received: `204 No Content`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WechatPayAck;

impl IntoResponse for WechatPayAck {
    fn into_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}

/// Answers WeChat Pay that processing failed (it retries):
/// `{"code":"FAIL","message":"…"}` with an error status.
///
/// ```
/// use axum::response::IntoResponse;
/// let r = chop_axum::WechatPayFail::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "database unavailable").into_response();
/// assert_eq!(r.status(), 500);
/// ```
#[derive(Debug, Clone)]
pub struct WechatPayFail {
    status: StatusCode,
    message: String,
}

impl WechatPayFail {
    /// A failure with `status` (4xx or 5xx) and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for WechatPayFail {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": "FAIL", "message": self.message}).to_string();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}

impl<S, T> FromRequest<S> for WechatPayNotification<T>
where
    S: Send + Sync,
    Arc<NotificationHandler>: FromRef<S>,
    T: DeserializeOwned + Send + 'static,
{
    type Rejection = WechatPayRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let handler = Arc::<NotificationHandler>::from_ref(state);
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            tracing::warn!(reason = %e.body_text(), "chop: WeChat Pay notification refused: body unreadable");
            WechatPayRejection {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: "body unreadable",
                error: None,
            }
        })?;
        let verified = SignatureHeaders::from_header_map(&headers)
            .map_err(NotifyError::Verify)
            .and_then(|h| handler.handle(&h, &body))
            .map_err(reject)?;
        let payload = verified.value().parse::<T>().map_err(reject)?;
        Ok(build(verified, payload))
    }
}

fn build<T>(verified: Verified<DecryptedNotification>, payload: T) -> WechatPayNotification<T> {
    let (n, verified) = verified.into_parts();
    WechatPayNotification {
        envelope: n.envelope,
        payload,
        plaintext: String::from_utf8_lossy(&n.plaintext).into_owned(),
        verified,
    }
}

fn reject(error: NotifyError) -> WechatPayRejection {
    let (status, message) = match &error {
        NotifyError::Verify(_) => (StatusCode::UNAUTHORIZED, "signature verification failed"),
        NotifyError::Envelope { .. } => (StatusCode::BAD_REQUEST, "not a notification"),
        NotifyError::Decrypt(_) => (StatusCode::INTERNAL_SERVER_ERROR, "cannot decrypt resource"),
        NotifyError::AlreadySeen { .. } => (StatusCode::OK, ""),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot process notification",
        ),
    };
    if status == StatusCode::OK {
        tracing::info!(reason = %crate::chain(&error), "chop: WeChat Pay notification retried; already accepted");
    } else {
        tracing::warn!(status = status.as_u16(), reason = %crate::chain(&error), "chop: WeChat Pay notification refused");
    }
    WechatPayRejection {
        status,
        message,
        error: Some(error),
    }
}
