//! Why a signature fails: comparisons and named causes, for `chop doctor`.
//!
//! ```
//! use chop::diagnose::compare_sign_strings;
//! // The detail.sign_information of a SIGN_ERROR answer (seed 001):
//! let theirs = "GET\\n/payscore/user-service-state?service_id=500001&appid=wxeaf7bf1de621b0c2&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\\n1559194069\\n18a427e78d2344e1a71156a2690cc4d6\\n\\n";
//! let ours = b"GET\n/payscore/user-service-state?appid=wxeaf7bf1de621b0c2&service_id=500001&openid=oWm9Z5JQwgV7BKAQUeKsUMVSjTpQ\n1559194069\n18a427e78d2344e1a71156a2690cc4d6\n\n";
//! let c = compare_sign_strings(ours, theirs, Some(157));
//! assert_eq!(c.causes[0].code(), "SIGN_URL_QUERY");
//! ```

mod sign_string;

pub use sign_string::{
    compare_sign_strings, unescape_sign_message, Cause, Comparison, UrlDifference,
};
