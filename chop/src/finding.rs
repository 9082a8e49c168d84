//! Findings: what a check found wrong, as a stable code, a one-line message and what to do.
//!
//! Key inspection ([`crate::key::inspect`]) and the diagnoses of
//! [`crate::diagnose`] both report findings; an empty list means nothing is wrong.
//!
//! ```
//! use chop::finding::{Finding, Severity};
//! let f = Finding::warning("KEY_EXPIRES_SOON", "the certificate expires in 10 days".into(), "renew it".into());
//! assert_eq!((f.code, f.severity.as_str()), ("KEY_EXPIRES_SOON", "warning"));
//! ```

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Something is wrong: signatures fail or will fail.
    Error,
    /// Worth acting on, but nothing fails yet.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One thing a check (or `chop doctor`) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A stable code, e.g. `KEY_INCONSISTENT`, `SIGN_URL_QUERY`.
    pub code: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do.
    pub fix: String,
}

impl Finding {
    /// An error finding.
    pub fn error(code: &'static str, message: String, fix: String) -> Self {
        Self {
            code,
            severity: Severity::Error,
            message,
            fix,
        }
    }

    /// A warning finding.
    pub fn warning(code: &'static str, message: String, fix: String) -> Self {
        Self {
            code,
            severity: Severity::Warning,
            message,
            fix,
        }
    }
}
