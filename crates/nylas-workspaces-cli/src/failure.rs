//! How a command fails, and which exit code each failure gets.
//!
//! Scripts branch on the exit code, so the mapping is the contract: 1 when Nylas or the network
//! failed (worth retrying or reporting), 2 when the request itself is wrong (fix the command:
//! bad flags, unreadable files, or a request a documented API rule forbids, refused before
//! anything was sent), 3 when a bulk assignment went through only in part or was stopped (see
//! the report), 5 when the assign report (its journal) could not be written: if that happened
//! at the start nothing was sent, otherwise sending stopped and the summary says what was done.

use std::path::PathBuf;
use std::process::ExitCode;

use nylas_workspaces::{Error, JournalErrorKind, ManualAssignOutcome};

/// Exit code of a successful run.
pub const EXIT_OK: u8 = 0;
/// Exit code of an API or network failure.
pub const EXIT_API: u8 = 1;
/// Exit code of a usage error or a request refused by a documented rule.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of a bulk assignment that partly failed, or was stopped by a signal.
pub const EXIT_PARTIAL: u8 = 3;
/// Exit code of a bulk assignment whose report (journal) could not be written.
pub const EXIT_REPORT: u8 = 5;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The command line or an input file is unusable; nothing was sent.
    Usage(String),
    /// The client crate or the server refused or failed the request.
    Api(Error),
    /// A bulk assignment went through in part; the outcome says which ids did not, and the
    /// report (when one was written) lets `--retry-from` finish the job.
    Partial {
        outcome: Box<ManualAssignOutcome>,
        report_path: Option<PathBuf>,
    },
    /// Something local went wrong after requests were sent (e.g. writing the report).
    Local(String),
}

impl Failure {
    /// The exit code scripts see.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => EXIT_USAGE,
            Self::Partial { outcome, .. } if outcome.journal_error.is_some() => EXIT_REPORT,
            Self::Partial { .. } => EXIT_PARTIAL,
            Self::Local(_) => EXIT_API,
            Self::Api(error) => match error {
                // Refused before sending: the command must change, retrying cannot help.
                Error::InvariantViolation { .. }
                | Error::Config { .. }
                | Error::InvalidRequest { .. }
                | Error::PlanFile(_) => EXIT_USAGE,
                Error::Journal(journal) if journal.kind == JournalErrorKind::Unwritable => {
                    EXIT_REPORT
                }
                Error::Journal(_) => EXIT_USAGE,
                Error::BulkPartial(outcome) if outcome.journal_error.is_some() => EXIT_REPORT,
                Error::BulkPartial(_) => EXIT_PARTIAL,
                _ => EXIT_API,
            },
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::BulkPartial(outcome) => Self::Partial {
                outcome,
                report_path: None,
            },
            other => Self::Api(other),
        }
    }
}

/// Turns a numeric exit code into the process's.
pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nylas_workspaces::Rule;

    #[test]
    fn codes_follow_the_documented_contract() {
        let refused = Error::InvariantViolation {
            rule: Rule::NoGrantIds,
            message: "m".into(),
        };
        assert_eq!(Failure::from(refused).exit_code(), EXIT_USAGE);
        assert_eq!(Failure::Usage("x".into()).exit_code(), EXIT_USAGE);
        let unsendable = Error::InvalidRequest {
            operation: "get_workspace",
            reason: "the URL is too long".into(),
        };
        assert_eq!(Failure::from(unsendable).exit_code(), EXIT_USAGE);
        let partial = Error::BulkPartial(Box::default());
        assert_eq!(Failure::from(partial).exit_code(), EXIT_PARTIAL);
        assert_eq!(Failure::Local("disk full".into()).exit_code(), EXIT_API);
    }

    #[test]
    fn a_report_that_could_not_be_written_is_exit_5() {
        let journal_failed = nylas_workspaces::ManualAssignOutcome {
            journal_error: Some(std::sync::Arc::new(Error::InvariantViolation {
                rule: Rule::NoGrantIds,
                message: "stand-in for a journal error".into(),
            })),
            ..Default::default()
        };
        let partial = Failure::from(Error::BulkPartial(Box::new(journal_failed)));
        assert_eq!(partial.exit_code(), EXIT_REPORT);
        assert_eq!(EXIT_REPORT, 5);
    }
}
