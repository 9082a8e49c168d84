//! Why a signature fails: comparisons and named causes, for `chop doctor`.
//!
//! Every check returns [`Finding`]s ([`crate::finding`]): a stable code, a
//! one-line message and what to do. An empty list means nothing is wrong.
//!
//! ```
//! use chop::diagnose::compare_sign_strings;
//! // The detail.sign_information of a SIGN_ERROR answer (seed 001):
//! let theirs = "GET\\n/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\\n1559194069\\n18a427e78d2344e1a71156a2690cc4d6\\n\\n";
//! let ours = b"GET\n/payscore/user-service-state?appid=wxeaf7bf1de621b0c2&service_id=500001&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\n1559194069\n18a427e78d2344e1a71156a2690cc4d6\n\n";
//! let c = compare_sign_strings(ours, theirs, Some(157));
//! assert_eq!(c.causes[0].code(), "SIGN_URL_QUERY");
//! ```

mod alipay;
mod callback;
mod key;
mod miniprogram;
mod sign_error;
mod sign_string;

pub use crate::finding::{Finding, Severity};
pub use alipay::{check_alipay_response, AlipayCheck, AlipayReport};
pub use callback::{check_callback, CallbackCheck};
pub use key::{check_key, KeyCheck, EXPIRY_WARNING_DAYS};
pub use miniprogram::{explain_errcode, MiniprogramRequest};
pub use sign_error::{
    check_request_signature, explain_error, RawRequest, RawRequestError, SignErrorReport,
};
pub use sign_string::{
    compare_sign_information, compare_sign_strings, Cause, Comparison, UrlDifference,
};

impl From<&Cause> for Finding {
    fn from(c: &Cause) -> Self {
        Finding::error(c.code(), c.to_string(), c.fix().to_string())
    }
}
