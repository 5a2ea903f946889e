//! Turning a caller's workspace, grant, policy or rule id into one safe path segment.
//!
//! Ids come from users, files and the command line. Encoding every byte outside the RFC 3986
//! unreserved set means an id such as `a/b` or `a?b` stays one segment of the intended route.
//! `.` and `..` cannot be made safe by encoding (URL parsers treat `%2E` as a dot too and
//! collapse the segment), so they are refused, as are ids that cannot name a workspace: empty,
//! whitespace only (sent as `%20`, it would only earn a confusing 404), or containing control
//! characters (a NUL or newline is a sign of a broken file or a pasted mistake).

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
    id_segment("workspace", Rule::WorkspaceIdInvalid, id)
}

/// Validates a grant id for a path (`GET /v3/grants/{grant_id}`).
pub(crate) fn grant_segment(id: &str) -> Result<String> {
    id_segment("grant", Rule::GrantIdInvalid, id)
}

/// Validates a policy or rule id for a path (`noun` is `policy` or `rule`).
pub(crate) fn reference_segment(noun: &str, id: &str) -> Result<String> {
    id_segment(noun, Rule::ReferenceIdInvalid, id)
}

/// Validates the id of a `noun` (refusing it under `rule`) and percent-encodes it.
pub(crate) fn id_segment(noun: &str, rule: Rule, id: &str) -> Result<String> {
    if id.is_empty() {
        return Err(Error::invariant(rule, format!("the {noun} id is empty")));
    }
    if id.trim().is_empty() {
        return Err(Error::invariant(
            rule,
            format!("the {noun} id {:?} is only whitespace", shown(id)),
        ));
    }
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(Error::invariant(
            rule,
            format!(
                "the {noun} id {:?} contains the control character {c:?}",
                shown(id)
            ),
        ));
    }
    if id == "." || id == ".." {
        return Err(Error::invariant(
            rule,
            format!("the {noun} id {id:?} would be read as a relative path"),
        ));
    }
    Ok(utf8_percent_encode(id, SEGMENT).to_string())
}

/// At most the first 64 characters of an id, for messages (an id can be arbitrarily long).
pub(crate) fn shown(id: &str) -> String {
    match id.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &id[..end]),
        None => id.to_owned(),
    }
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

    #[test]
    fn blank_and_control_character_ids_are_refused_and_shown_escaped() {
        for bad in [" ", "\t \u{3000}", "ws\0", "ws-1\n", "\u{7f}", "a\u{85}b"] {
            let err = workspace_segment(bad).unwrap_err();
            assert_eq!(err.rule(), Some(Rule::WorkspaceIdInvalid), "{bad:?}");
            let text = err.to_string();
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
        let text = workspace_segment("ws\n1").unwrap_err().to_string();
        assert!(text.contains("control character '\\n'"), "{text}");
        let long = format!("{}\n", "x".repeat(70_000));
        assert!(workspace_segment(&long).unwrap_err().to_string().len() < 300);
        assert!(workspace_segment(" ws-1").is_ok());
    }
}
