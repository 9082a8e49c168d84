//! Errors of the middleware itself (the checks' errors are the core's).

/// Why the middleware could not handle a request, apart from the checks.
///
/// The checks themselves fail with the core's errors; see [`crate::core_error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request body is a stream, so its bytes cannot be signed.
    #[error("the request body is a stream: chop signs the exact body bytes, so give the request a byte body (a String, Vec<u8>, or .json(...))")]
    StreamingBody,
    /// The Alipay request names no `method`.
    #[error("the Alipay request has no `method` parameter: put method=alipay.trade.query (or the API you call) in the query string or the form body")]
    AlipayNoMethod,
    /// The Alipay request body is not a form.
    #[error("the Alipay request body is not application/x-www-form-urlencoded ({reason}): send the gateway parameters as a form or in the query string")]
    AlipayBody {
        /// The parser's complaint.
        reason: String,
    },
    /// The encrypted Alipay response content is not a JSON string.
    #[error("the encrypted Alipay response content is not a JSON string ({reason})")]
    AlipayContent {
        /// The parser's complaint.
        reason: String,
    },
}
