//! The error of a workspaces file that cannot be used, with the line it is about.
//!
//! One type serves both moments a file can be wrong: while it is read (syntax, unknown keys, a
//! bad version, a duplicate entry, an unreadable `grants_file`) and while it is planned against
//! the live state (a policy name that names nothing, a name shared by two rules, an entry that
//! two live workspaces match). Either way the user fixes the same file, so the message points
//! at the same place: `file:line: what is wrong`.

use std::fmt;

/// What kind of problem a [`PlanFileError`] is; stable snake_case names via
/// [`PlanFileErrorKind::as_str`] for the CLI and Python.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlanFileErrorKind {
    /// The file could not be read, or is larger than [`MAX_PLAN_FILE_BYTES`](super::MAX_PLAN_FILE_BYTES).
    Io,
    /// Not valid YAML (or JSON), or a YAML feature the format does not use (tags, several
    /// documents, non-text keys), or nested or expanded beyond the limits.
    Syntax,
    /// `version` is missing or is not `1`.
    Version,
    /// A key the format does not know.
    UnknownKey,
    /// A value of the wrong kind or shape (a list where a name belongs, an empty name, ...).
    InvalidValue,
    /// Two entries describe the same workspace, or one grant is listed for two workspaces.
    DuplicateEntry,
    /// A `grants_file` could not be read or parsed.
    GrantsFile,
    /// A policy or rule that is neither an id nor the name of one in the application.
    UnknownReference,
    /// A policy or rule name shared by several of them.
    AmbiguousReference,
    /// An entry that several live workspaces match, or that matches one the file cannot
    /// manage there (the default workspace, or a workspace another entry already matched).
    AmbiguousMatch,
    /// The live state cannot be written as a file that plans back to no changes (two
    /// workspaces without a domain sharing a name, say).
    NotExportable,
}

impl PlanFileErrorKind {
    /// A stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Io => "io",
            Self::Syntax => "syntax",
            Self::Version => "version",
            Self::UnknownKey => "unknown_key",
            Self::InvalidValue => "invalid_value",
            Self::DuplicateEntry => "duplicate_entry",
            Self::GrantsFile => "grants_file",
            Self::UnknownReference => "unknown_reference",
            Self::AmbiguousReference => "ambiguous_reference",
            Self::AmbiguousMatch => "ambiguous_match",
            Self::NotExportable => "not_exportable",
        }
    }
}

/// Why a workspaces file cannot be used; names the file (when it came from one) and the
/// 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanFileError {
    /// The file as it was given, or `None` for text that came without a path.
    pub file: Option<String>,
    /// The 1-based line the problem is on, when it is on one.
    pub line: Option<usize>,
    /// The kind of problem.
    pub kind: PlanFileErrorKind,
    /// What is wrong, in words.
    pub message: String,
}

impl PlanFileError {
    pub(crate) fn new(
        kind: PlanFileErrorKind,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: None,
            line,
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn at(kind: PlanFileErrorKind, line: usize, message: impl Into<String>) -> Self {
        Self::new(kind, Some(line), message)
    }

    pub(crate) fn in_file(mut self, file: Option<&str>) -> Self {
        if self.file.is_none() {
            self.file = file.map(str::to_owned);
        }
        self
    }
}

impl fmt::Display for PlanFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: {}", self.message),
            (Some(file), None) => write!(f, "{file}: {}", self.message),
            (None, Some(line)) => write!(f, "line {line}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for PlanFileError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_file_and_line() {
        let error = PlanFileError::at(PlanFileErrorKind::UnknownKey, 7, "unknown key `nmae`");
        assert_eq!(error.to_string(), "line 7: unknown key `nmae`");
        let error = error.in_file(Some("ws.yaml"));
        assert_eq!(error.to_string(), "ws.yaml:7: unknown key `nmae`");
        assert_eq!(error.kind.as_str(), "unknown_key");
    }
}
