//! Callbacks (回调通知): verify, then decrypt.
//!
//! A callback is a POST whose JSON body is an envelope (`id`, `create_time`,
//! `event_type`, `resource_type`, `summary`) around an encrypted `resource`.
//! [`NotificationHandler::handle`] verifies the signature headers over the raw
//! body, parses the envelope, decrypts the resource with the APIv3 key and,
//! when a [`SeenIds`] store is set, refuses an id it has already accepted.
//!
//! **Pass the raw body bytes as received.** A framework that parses the JSON
//! and serializes it again (key order, spaces, `\u` escapes) changes the bytes
//! and the signature fails; this is the most common cause of failed callback
//! verification. Read the body as bytes before any JSON extractor.
//!
//! ```
//! use chop::clock::FixedClock;
//! use chop::key::Certificate;
//! use chop::wechatpay::{ApiV3Key, NotificationHandler, PlatformKey, ResponseVerifier, SignatureHeaders};
//!
//! # let dir = "../vectors/wechatpay/notify/go_notify_payscore";
//! # let pem = std::fs::read("../vectors/keys/upstream/go_test_cert_D7CE59D1F522D701.pem").unwrap();
//! # let body = std::fs::read(format!("{dir}/body.txt")).unwrap();
//! # let headers = std::fs::read_to_string(format!("{dir}/headers.txt")).unwrap();
//! let verifier = ResponseVerifier::new([PlatformKey::certificate(Certificate::load(&pem)?)?])
//!     .with_clock(FixedClock(1624523846));
//! // wechatpay-go's test uses a 16-byte key; real APIv3 keys are 32 bytes (ApiV3Key::new).
//! let key = ApiV3Key::danger_accept_16_byte_test_key("testMchAPIv3Key0")?;
//! let handler = NotificationHandler::new(verifier, key);
//! let n = handler.handle(&SignatureHeaders::from_text(&headers)?, &body)?;
//! assert_eq!(n.value().envelope.event_type, "PAYSCORE.USER_OPEN_SERVICE");
//! assert!(n.value().plaintext.starts_with(b"{\"mchid\":\"1234567890\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod payloads;

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use payloads::{Payer, RefundAmount, RefundNotification, Transaction, TransactionAmount};

use super::replay::SeenIds;
use super::resource::{ApiV3Key, DecryptError, EncryptedResource};
use super::verify::{ResponseVerifier, Verified};
use super::verify_error::VerifyError;
use super::SignatureHeaders;

/// The callback envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Notification {
    /// The notification id (the same across retries).
    pub id: String,
    /// When it was created, RFC 3339.
    pub create_time: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `REFUND.ABNORMAL`, …
    pub event_type: String,
    /// `encrypt-resource`.
    pub resource_type: String,
    /// A short description (`支付成功`).
    #[serde(default)]
    pub summary: String,
    /// The encrypted payload.
    pub resource: EncryptedResource,
}

/// A verified, decrypted callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecryptedNotification {
    /// The envelope.
    pub envelope: Notification,
    /// The decrypted `resource` (JSON).
    pub plaintext: Vec<u8>,
}

impl DecryptedNotification {
    /// Parses the plaintext as `T` (e.g. [`Transaction`], [`RefundNotification`],
    /// or your own type).
    ///
    /// # Errors
    /// [`NotifyError::Plaintext`] when the JSON does not fit `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, NotifyError> {
        serde_json::from_slice(&self.plaintext).map_err(|e| NotifyError::Plaintext {
            reason: e.to_string(),
        })
    }

    /// The plaintext of a payment notification (`TRANSACTION.*`).
    ///
    /// # Errors
    /// [`NotifyError::Plaintext`] when it is not a transaction.
    pub fn transaction(&self) -> Result<Transaction, NotifyError> {
        self.parse()
    }

    /// The plaintext of a refund notification (`REFUND.*`).
    ///
    /// # Errors
    /// [`NotifyError::Plaintext`] when it is not a refund.
    pub fn refund(&self) -> Result<RefundNotification, NotifyError> {
        self.parse()
    }
}

/// Why a callback was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NotifyError {
    /// The signature check failed; answer with an error status (WeChat Pay retries).
    #[error("the callback did not verify")]
    Verify(#[source] VerifyError),
    /// The body is not a notification envelope.
    #[error("the callback body is not a WeChat Pay notification envelope ({reason})")]
    Envelope {
        /// The parser's complaint.
        reason: String,
    },
    /// The resource could not be decrypted.
    #[error("cannot decrypt the callback resource")]
    Decrypt(#[source] DecryptError),
    /// The plaintext does not parse as the type asked for.
    #[error("the decrypted resource does not parse as expected ({reason})")]
    Plaintext {
        /// The parser's complaint.
        reason: String,
    },
    /// The id was accepted before (a retry, or a replay).
    #[error("notification `{id}` was already accepted at {first_seen}: if it was processed, answer success again; do not process it twice")]
    AlreadySeen {
        /// The notification id.
        id: String,
        /// When it was first accepted (unix seconds).
        first_seen: i64,
    },
}

impl From<VerifyError> for NotifyError {
    fn from(e: VerifyError) -> Self {
        NotifyError::Verify(e)
    }
}

/// Verifies and decrypts callbacks. Build it once and share it.
#[derive(Debug, Clone)]
pub struct NotificationHandler {
    verifier: ResponseVerifier,
    key: ApiV3Key,
    seen: Option<Arc<dyn SeenIds>>,
}

impl NotificationHandler {
    /// A handler verifying with `verifier` and decrypting with `key`.
    pub fn new(verifier: ResponseVerifier, key: ApiV3Key) -> Self {
        Self {
            verifier,
            key,
            seen: None,
        }
    }

    /// Refuses ids already accepted, remembered in `seen`.
    pub fn with_seen_ids(mut self, seen: Arc<dyn SeenIds>) -> Self {
        self.seen = Some(seen);
        self
    }

    /// Verifies, parses and decrypts one callback.
    ///
    /// `body` must be the raw bytes as received, before any JSON parsing
    /// (a re-serialized body no longer matches the signature).
    ///
    /// # Errors
    /// [`NotifyError`] saying which step failed; answer the callback with an
    /// error status so that WeChat Pay retries it.
    pub fn handle(
        &self,
        headers: &SignatureHeaders,
        body: &[u8],
    ) -> Result<Verified<DecryptedNotification>, NotifyError> {
        let verified = self.verifier.verify(headers, body)?;
        let verified = verified.try_map(|body| {
            let envelope: Notification =
                serde_json::from_slice(body).map_err(|e| NotifyError::Envelope {
                    reason: e.to_string(),
                })?;
            let plaintext = envelope
                .resource
                .decrypt(&self.key)
                .map_err(NotifyError::Decrypt)?;
            Ok::<_, NotifyError>(DecryptedNotification {
                envelope,
                plaintext,
            })
        })?;
        if let Some(seen) = &self.seen {
            let id = &verified.value().envelope.id;
            if let Some(first_seen) = seen.check_and_insert(id, self.verifier.now()) {
                return Err(NotifyError::AlreadySeen {
                    id: id.clone(),
                    first_seen,
                });
            }
        }
        Ok(verified)
    }

    /// Verifies and decrypts an `http::Request` (headers in any case, body bytes).
    ///
    /// # Errors
    /// As [`NotificationHandler::handle`].
    pub fn handle_request<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
    ) -> Result<Verified<DecryptedNotification>, NotifyError> {
        let headers = SignatureHeaders::from_header_map(request.headers())?;
        self.handle(&headers, request.body().as_ref())
    }
}
