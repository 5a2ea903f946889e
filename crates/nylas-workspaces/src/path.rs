//! Turning a caller's workspace id into one safe path segment.
//!
//! Ids come from users, files and the command line. Encoding every byte outside the RFC 3986
//! unreserved set means an id such as `a/b` or `a?b` stays one segment of the intended route.
//! `.` and `..` cannot be made safe by encoding (URL parsers treat `%2E` as a dot too and
//! collapse the segment), so they are refused, as is the empty id.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::{Error, Result, Rule};

/// Everything except ALPHA / DIGIT / `-` / `.` / `_` / `~` is percent-encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Validates a workspace id and returns it percent-encoded for use as one path segment.
pub(crate) fn workspace_segment(id: &str) -> Result<String> {
    if id.is_empty() {
        return Err(Error::invariant(
            Rule::WorkspaceIdInvalid,
            "the workspace id is empty",
        ));
    }
    if id == "." || id == ".." {
        return Err(Error::invariant(
            Rule::WorkspaceIdInvalid,
            format!("the workspace id {id:?} would be read as a relative path"),
        ));
    }
    Ok(utf8_percent_encode(id, SEGMENT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_ids_are_unchanged() {
        assert_eq!(
            workspace_segment("2f6b1c9e-ws_1.x~y").unwrap(),
            "2f6b1c9e-ws_1.x~y"
        );
    }

    #[test]
    fn route_changing_characters_are_encoded() {
        assert_eq!(workspace_segment("../x").unwrap(), "..%2Fx");
        assert_eq!(workspace_segment("a/b").unwrap(), "a%2Fb");
        assert_eq!(workspace_segment("a?b#c").unwrap(), "a%3Fb%23c");
        assert_eq!(workspace_segment("a b%").unwrap(), "a%20b%25");
        assert_eq!(workspace_segment("é").unwrap(), "%C3%A9");
    }

    #[test]
    fn empty_and_dot_segments_are_refused() {
        for bad in ["", ".", ".."] {
            assert_eq!(
                workspace_segment(bad).unwrap_err().rule(),
                Some(Rule::WorkspaceIdInvalid)
            );
        }
        assert!(workspace_segment("...").is_ok());
    }
}
