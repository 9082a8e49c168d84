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
}
