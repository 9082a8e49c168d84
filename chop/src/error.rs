//! Printing an error with its causes, one way for the whole workspace: the
//! error's message, then each `source()` in turn.
//!
//! ```
//! use chop::error::{chain, Report};
//! let e = chop::wechatpay::NotifyError::Verify(chop::wechatpay::VerifyError::Probe);
//! assert!(chain(&e).starts_with("the callback did not verify: this is a WeChat Pay signature probe"));
//! assert_eq!(Report::new(&e).causes().count(), 2);
//! ```

use std::error::Error;
use std::fmt;

/// An error and its causes, displayed on one line joined by `: ` (a cause
/// whose text the line already holds is left out), as logs and one-line
/// reports show them.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a>(&'a (dyn Error + 'static));

impl<'a> Report<'a> {
    /// The report of `error`.
    pub fn new(error: &'a (dyn Error + 'static)) -> Self {
        Self(error)
    }

    /// The error itself, then each `source()` in turn (for a list of "caused by" lines).
    pub fn causes(&self) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
        std::iter::successors(Some(self.0), |e: &&'a (dyn Error + 'static)| (*e).source())
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        for cause in self.causes() {
            let text = cause.to_string();
            if line.is_empty() {
                line = text;
            } else if !line.contains(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
        }
        f.write_str(&line)
    }
}

/// [`Report`] as a `String`: the error and its causes on one line.
pub fn chain(error: &(dyn Error + 'static)) -> String {
    Report::new(error).to_string()
}
