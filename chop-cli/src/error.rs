//! CLI errors and exit codes: 0 success, 1 a check failed, 2 bad usage or bad input.

use std::error::Error as StdError;
use std::fmt;

/// Exit code when a check fails (a signature does not verify, a key is damaged).
pub(crate) const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad usage or bad input.
pub(crate) const EXIT_BAD_INPUT: u8 = 2;

/// An error the CLI reports on stderr before exiting.
#[derive(Debug)]
pub(crate) struct CliError {
    /// 1 or 2.
    pub(crate) code: u8,
    /// What failed, one line.
    pub(crate) message: String,
    /// The chain of causes, outermost first.
    pub(crate) causes: Vec<String>,
    /// What to do, if there is more to say than the message.
    pub(crate) hint: Option<String>,
}

impl CliError {
    /// Bad input (exit 2) with a message.
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self {
            code: EXIT_BAD_INPUT,
            message: message.into(),
            causes: Vec::new(),
            hint: None,
        }
    }

    /// Bad input (exit 2) caused by `err`, whose chain is kept.
    pub(crate) fn from_err(context: impl Into<String>, err: &(dyn StdError + 'static)) -> Self {
        let causes = chop::error::Report::new(err)
            .causes()
            .map(|c| c.to_string())
            .collect();
        Self {
            code: EXIT_BAD_INPUT,
            message: context.into(),
            causes,
            hint: None,
        }
    }

    /// Adds what to do.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        for c in &self.causes {
            write!(f, "\n  caused by: {c}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  what to do: {h}")?;
        }
        Ok(())
    }
}

/// The outcome of a command that ran: success, or a failed check (exit 1).
pub(crate) type CmdResult = Result<Outcome, CliError>;

/// Whether the command's checks passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: the command ran and a check failed; its output says which.
    CheckFailed,
}
