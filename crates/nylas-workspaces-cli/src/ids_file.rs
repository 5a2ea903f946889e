//! Grant-id files for `assign --grants-file` / `--remove-file`.
//!
//! Files come from spreadsheets, database exports and hand-edited lists, so the parser accepts
//! what those produce and refuses, with a line number, what it cannot read unambiguously:
//!
//! * one id per line; blank lines and lines starting with `#` are skipped;
//! * Windows line endings and a UTF-8 byte-order mark are tolerated;
//! * a CSV export whose header row has a `grant_id` column (any position, any case, optionally
//!   quoted) is read from that column; other columns are ignored;
//! * duplicates are kept once (first occurrence) and counted, so the summary can say so.
//!
//! A line with a comma in a file without a `grant_id` header, an id containing whitespace, an
//! empty `grant_id` cell or a row too short to have one are errors: guessing there would risk
//! moving the wrong grants.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

/// The ids read from one file, in file order, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GrantIds {
    /// Unique ids, first occurrence first.
    pub ids: Vec<String>,
    /// How many lines repeated an id already read.
    pub duplicates: usize,
}

/// Why a file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdsFileError {
    /// The file, as given on the command line.
    pub path: String,
    /// The 1-based line, when the problem is on one line.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for IdsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path, self.reason),
            None => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

impl std::error::Error for IdsFileError {}

/// Reads and parses a file of grant ids; `-` reads standard input, so ids can be piped in.
pub fn read(path: &Path) -> Result<GrantIds, IdsFileError> {
    let from_stdin = path == Path::new("-");
    let shown = if from_stdin {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    };
    let bytes = if from_stdin {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer).map(|_| buffer)
    } else {
        std::fs::read(path)
    };
    let bytes = bytes.map_err(|e| IdsFileError {
        path: shown.clone(),
        line: None,
        reason: format!("cannot read it: {e}"),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| IdsFileError {
        path: shown.clone(),
        line: None,
        reason: format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    parse(&text).map_err(|(line, reason)| IdsFileError {
        path: shown,
        line,
        reason,
    })
}

/// Parses the text of a grant-id file; errors carry the 1-based line number.
pub fn parse(text: &str) -> Result<GrantIds, (Option<usize>, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut column: Option<usize> = None;
    let mut seen_content = false;
    let mut seen = HashSet::new();
    let mut out = GrantIds::default();

    for (index, raw_line) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let first_content_line = !seen_content;
        seen_content = true;
        if first_content_line && let Some(position) = header_column(line) {
            column = Some(position);
            continue;
        }
        let id = match column {
            Some(position) => csv_cell(line, position, line_no)?,
            None if line.contains(',') => {
                return Err((
                    Some(line_no),
                    "this line has a comma, but the file has no header row naming a grant_id \
                     column; add one, or put one id per line"
                        .into(),
                ));
            }
            None => line.to_owned(),
        };
        if id.chars().any(char::is_whitespace) {
            return Err((
                Some(line_no),
                format!("{id:?} contains whitespace, which no grant id does"),
            ));
        }
        if seen.insert(id.clone()) {
            out.ids.push(id);
        } else {
            out.duplicates += 1;
        }
    }
    Ok(out)
}

/// The position of the `grant_id` column when `line` is a CSV header naming one.
fn header_column(line: &str) -> Option<usize> {
    let cells = split_csv(line).ok()?;
    cells
        .iter()
        .position(|cell| cell.trim().eq_ignore_ascii_case("grant_id"))
}

/// The cell at `position` of a CSV row, trimmed and non-empty.
fn csv_cell(
    line: &str,
    position: usize,
    line_no: usize,
) -> Result<String, (Option<usize>, String)> {
    let cells = split_csv(line).map_err(|reason| (Some(line_no), reason))?;
    let cell = cells.get(position).ok_or_else(|| {
        (
            Some(line_no),
            format!(
                "the row has {} column(s); the grant_id column is number {}",
                cells.len(),
                position + 1
            ),
        )
    })?;
    let id = cell.trim();
    if id.is_empty() {
        return Err((Some(line_no), "the grant_id cell is empty".into()));
    }
    Ok(id.to_owned())
}

/// Splits one CSV row on commas, honouring double-quoted cells (`""` is a quote inside one).
/// A quoted cell that runs to the end of the line is an error: multi-line cells are not
/// something a grant id ever needs.
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', true) => in_quotes = false,
            ('"', false) if cell.trim().is_empty() => {
                cell.clear();
                in_quotes = true;
            }
            (',', false) => cells.push(std::mem::take(&mut cell)),
            (c, _) => cell.push(c),
        }
    }
    if in_quotes {
        return Err("a quoted cell is not closed on this line".into());
    }
    cells.push(cell);
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        parse(text).unwrap().ids
    }

    #[test]
    fn one_id_per_line_with_blanks_and_comments() {
        let text = "# exported 2024-09-02\n\ng-1\n  g-2  \n# g-3 is gone\ng-4\n\n";
        assert_eq!(ids(text), ["g-1", "g-2", "g-4"]);
    }

    #[test]
    fn crlf_and_bom_are_tolerated() {
        let text = "\u{feff}g-1\r\ng-2\r\n\r\ng-3";
        assert_eq!(ids(text), ["g-1", "g-2", "g-3"]);
    }

    #[test]
    fn duplicates_are_kept_once_and_counted() {
        let parsed = parse("g-1\ng-2\ng-1\ng-1\n").unwrap();
        assert_eq!(parsed.ids, ["g-1", "g-2"]);
        assert_eq!(parsed.duplicates, 2);
    }

    #[test]
    fn csv_with_a_grant_id_column() {
        let text = "\u{feff}email,\"Grant_ID\",team\r\nann@x.com,g-1,sales\r\n\
                    \"bob, jr@x.com\",\"g-2\",ops\r\n# comment\r\ncid@x.com, g-3 ,\r\n";
        assert_eq!(ids(text), ["g-1", "g-2", "g-3"]);
    }

    #[test]
    fn a_header_only_column_file_works() {
        assert_eq!(ids("grant_id\ng-1\ng-2\n"), ["g-1", "g-2"]);
    }

    #[test]
    fn an_empty_file_gives_no_ids() {
        assert_eq!(parse("").unwrap(), GrantIds::default());
        assert_eq!(parse("# nothing\n\n").unwrap(), GrantIds::default());
    }

    #[test]
    fn ambiguous_lines_are_refused_with_their_line_number() {
        let (line, reason) = parse("g-1\ng-2,g-3\n").unwrap_err();
        assert_eq!(line, Some(2));
        assert!(reason.contains("grant_id"), "{reason}");

        let (line, _) = parse("email,grant_id\na@x.com,g-1\nb@x.com\n").unwrap_err();
        assert_eq!(line, Some(3));

        let (line, reason) = parse("email,grant_id\na@x.com,\n").unwrap_err();
        assert_eq!(
            (line, reason.as_str()),
            (Some(2), "the grant_id cell is empty")
        );

        let (line, _) = parse("g-1\ng 2\n").unwrap_err();
        assert_eq!(line, Some(2));

        let (line, _) = parse("grant_id\n\"g-1\n").unwrap_err();
        assert_eq!(line, Some(2));
    }

    #[test]
    fn quoted_cells_unescape_doubled_quotes() {
        assert_eq!(
            split_csv(r#"a,"b ""c""",d"#).unwrap(),
            ["a", "b \"c\"", "d"]
        );
    }

    #[test]
    fn unreadable_files_are_typed_errors() {
        let err = read(Path::new("/definitely/not/here.txt")).unwrap_err();
        assert_eq!(err.line, None);
        assert!(
            err.to_string()
                .starts_with("/definitely/not/here.txt: cannot read it")
        );
    }
}
