//! Errors from building and signing WeChat Pay requests.

use crate::clock::RandomError;
use crate::signer::SignError;

/// Why a request could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The method is not an uppercase token.
    #[error("the HTTP method `{method}` must be written in uppercase exactly as sent (GET, POST, PUT, PATCH, DELETE): WeChat Pay signs the method as it arrives")]
    Method {
        /// The method given.
        method: String,
    },
    /// The URL cannot be signed as given.
    #[error("cannot sign the URL `{url}`: {reason}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A header field (nonce, serial, mchid) cannot be placed in the header.
    #[error("invalid {field}: {reason}")]
    Field {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// No randomness for the nonce.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The signer failed.
    #[error(transparent)]
    Sign(#[from] SignError),
}
