//! Files of grant ids: what `assign --grants-file` reads on the command line and what a
//! workspaces file's `grants_file` names, read by one mechanism so both accept the same files.
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
//!
//! The input is read line by line, never whole, and no line may be longer than
//! [`MAX_LINE_BYTES`]: memory stays proportional to the ids, and a wrong path such as
//! `/dev/zero` or a binary file ends in an error at its first line instead of filling
//! memory. A NUL byte or another control character (binary data), or bytes that are not
//! UTF-8, are refused with the line they are on.
//!
//! Standard input (`-` on the command line) is the CLI's business: this module reads paths and
//! readers only.

use std::collections::HashSet;
use std::fmt;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// The longest line accepted, in bytes (without its line break). Grant ids are a few dozen
/// bytes; even a wide CSV export row stays far below this.
pub const MAX_LINE_BYTES: usize = 4096;

/// The ids read from one file, in file order, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GrantIds {
    /// Unique ids, first occurrence first.
    pub ids: Vec<String>,
    /// How many lines repeated an id already read.
    pub duplicates: usize,
}

/// Why a file of grant ids could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdsFileError {
    /// The file, as it was given (a path, or a name such as `<stdin>`).
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

/// Reads and parses a file of grant ids.
pub fn read(path: &Path) -> Result<GrantIds, IdsFileError> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| IdsFileError {
        path: shown.clone(),
        line: None,
        reason: format!("cannot read it: {e}"),
    })?;
    read_from(BufReader::new(file), &shown)
}

/// Reads and parses grant ids from any reader, line by line; `shown` names the source in
/// errors.
pub fn read_from(mut reader: impl BufRead, shown: &str) -> Result<GrantIds, IdsFileError> {
    let fail = |line: Option<usize>, reason: String| IdsFileError {
        path: shown.to_owned(),
        line,
        reason,
    };
    let mut parser = Parser::default();
    let mut buffer = Vec::with_capacity(256);
    let mut line_no = 0;
    loop {
        line_no += 1;
        buffer.clear();
        match next_line(&mut reader, &mut buffer) {
            Ok(Line::End) => break,
            Ok(Line::Text) => {}
            Ok(Line::TooLong) => {
                return Err(fail(
                    Some(line_no),
                    format!(
                        "the line is longer than {MAX_LINE_BYTES} bytes; this is not a file \
                         of grant ids"
                    ),
                ));
            }
            Ok(Line::Binary) => {
                // The first problem on the line is the one reported.
                let reason = match std::str::from_utf8(&buffer) {
                    Err(e) => not_utf8(&e),
                    Ok(_) => "the line has a NUL byte: this is binary data, not a text file of \
                              grant ids"
                        .into(),
                };
                return Err(fail(Some(line_no), reason));
            }
            Err(e) => return Err(fail(Some(line_no), format!("cannot read it: {e}"))),
        }
        let text = std::str::from_utf8(&buffer).map_err(|e| fail(Some(line_no), not_utf8(&e)))?;
        parser
            .line(line_no, text)
            .map_err(|(line, reason)| fail(line, reason))?;
    }
    Ok(parser.finish())
}

fn not_utf8(error: &std::str::Utf8Error) -> String {
    format!(
        "not UTF-8 text (invalid byte at column {})",
        error.valid_up_to() + 1
    )
}

/// What [`next_line`] found.
enum Line {
    /// A line is in the buffer (the final line may lack its line break).
    Text,
    /// The input ended before any byte of a new line.
    End,
    /// The line exceeds [`MAX_LINE_BYTES`]; the rest of it was not read.
    TooLong,
    /// The line has a NUL byte; what precedes it is in the buffer, the rest was not read.
    Binary,
}

/// Reads one line into `buffer` (without the `\n`), never holding more than
/// [`MAX_LINE_BYTES`] + the reader's own buffer in memory.
fn next_line(reader: &mut impl BufRead, buffer: &mut Vec<u8>) -> io::Result<Line> {
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if buffer.is_empty() {
                Line::End
            } else {
                Line::Text
            });
        }
        let newline = available.iter().position(|&b| b == b'\n');
        let content = &available[..newline.unwrap_or(available.len())];
        // Only look as far as the limit: /dev/zero shows its NUL bytes at once.
        let room = (MAX_LINE_BYTES + 1).saturating_sub(buffer.len());
        let looked_at = &content[..content.len().min(room)];
        if let Some(nul) = looked_at.iter().position(|&b| b == 0) {
            buffer.extend_from_slice(&looked_at[..nul]);
            return Ok(Line::Binary);
        }
        if buffer.len() + content.len() > MAX_LINE_BYTES {
            return Ok(Line::TooLong);
        }
        buffer.extend_from_slice(content);
        let used = content.len() + usize::from(newline.is_some());
        reader.consume(used);
        if newline.is_some() {
            return Ok(Line::Text);
        }
    }
}

/// Parses the text of a grant-id file; errors carry the 1-based line number.
pub fn parse(text: &str) -> Result<GrantIds, (Option<usize>, String)> {
    let mut parser = Parser::default();
    for (index, line) in text.split('\n').enumerate() {
        parser.line(index + 1, line)?;
    }
    Ok(parser.finish())
}

/// The state of a file being parsed line by line.
#[derive(Default)]
struct Parser {
    /// The `grant_id` column, once a CSV header named one.
    column: Option<usize>,
    seen_content: bool,
    seen: HashSet<String>,
    out: GrantIds,
}

impl Parser {
    /// Takes one line (without its `\n`).
    fn line(&mut self, line_no: usize, raw_line: &str) -> Result<(), (Option<usize>, String)> {
        let raw_line = if line_no == 1 {
            raw_line.strip_prefix('\u{feff}').unwrap_or(raw_line)
        } else {
            raw_line
        };
        let raw_line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        // Tabs and carriage returns are whitespace, judged below; other controls mean the
        // file is not text at all.
        if let Some(c) = raw_line
            .chars()
            .find(|&c| c.is_ascii_control() && c != '\t' && c != '\r')
        {
            return Err((
                Some(line_no),
                format!(
                    "the line has the control character U+{:04X}: this is binary data, not a \
                     text file of grant ids",
                    u32::from(c)
                ),
            ));
        }
        let line = raw_line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let first_content_line = !self.seen_content;
        self.seen_content = true;
        if first_content_line && let Some(position) = header_column(line) {
            self.column = Some(position);
            return Ok(());
        }
        let id = match self.column {
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
        if self.seen.insert(id.clone()) {
            self.out.ids.push(id);
        } else {
            self.out.duplicates += 1;
        }
        Ok(())
    }

    fn finish(self) -> GrantIds {
        self.out
    }
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

    fn read_bytes(bytes: &[u8]) -> Result<GrantIds, IdsFileError> {
        read_from(bytes, "ids.txt")
    }

    #[test]
    fn reading_line_by_line_matches_parsing_the_whole_text() {
        let samples = [
            "# exported 2024-09-02\n\ng-1\n  g-2  \n# g-3 is gone\ng-4\n\n",
            "\u{feff}g-1\r\ng-2\r\n\r\ng-3",
            "g-1\ng-2\ng-1\ng-1\n",
            "\u{feff}email,\"Grant_ID\",team\r\nann@x.com,g-1,sales\r\n\"bob, jr@x.com\",\"g-2\",ops\r\n",
            "",
            "\n",
        ];
        for text in samples {
            // A tiny buffer makes every line straddle several reads.
            let tiny = BufReader::with_capacity(3, text.as_bytes());
            assert_eq!(
                read_from(tiny, "t").unwrap(),
                parse(text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_hundred_thousand_lines_are_read_with_duplicates_counted() {
        // A CSV export with CRLF endings; the last ten rows repeat the first ten ids.
        let mut text = String::from("grant_id\r\n");
        for i in 0..100_000 {
            text.push_str(&format!(
                "{:08}-0000-4000-8000-000000000000\r\n",
                i % 99_990
            ));
        }
        let parsed = read_from(BufReader::new(text.as_bytes()), "big.csv").unwrap();
        assert_eq!(parsed.ids.len(), 99_990);
        assert_eq!(parsed.duplicates, 10);
        assert_eq!(parsed.ids[99_989], "00099989-0000-4000-8000-000000000000");
    }

    #[test]
    fn an_endless_stream_of_zeros_or_of_one_letter_stops_at_the_first_line() {
        let zeros = read_from(BufReader::new(std::io::repeat(0)), "/dev/zero").unwrap_err();
        assert_eq!(zeros.line, Some(1));
        assert!(zeros.reason.contains("NUL"), "{zeros}");
        let letters = read_from(BufReader::new(std::io::repeat(b'a')), "aaa").unwrap_err();
        assert_eq!(letters.line, Some(1));
        assert!(
            letters.reason.contains("longer than 4096 bytes"),
            "{letters}"
        );
    }

    #[test]
    fn the_longest_line_is_accepted_and_one_byte_more_is_not() {
        let longest = "g".repeat(MAX_LINE_BYTES);
        let text = format!("g-1\n{longest}\r\n");
        // The \r of a CRLF ending counts, as it is on the line.
        let err = read_bytes(text.as_bytes()).unwrap_err();
        assert_eq!(err.line, Some(2));
        let text = format!("g-1\n{longest}\ng-2\n");
        assert_eq!(read_bytes(text.as_bytes()).unwrap().ids.len(), 3);
        let text = format!("g-1\n{longest}g\n");
        let err = read_bytes(text.as_bytes()).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.to_string().starts_with("ids.txt:2: the line is longer"),
            "{err}"
        );
    }

    #[test]
    fn binary_and_non_utf8_lines_are_refused_with_their_line() {
        let err = read_bytes(b"g-1\ng-2\ng\x003\n").unwrap_err();
        assert_eq!(
            (err.line, err.reason.contains("NUL")),
            (Some(3), true),
            "{err}"
        );
        let err = read_bytes(b"g-1\n\x1b[31mg-2\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.reason.contains("U+001B"), "{err}");
        let err = read_bytes(b"\xff\xfe\x00").unwrap_err();
        assert!(err.reason.contains("not UTF-8"), "{err}");
        let err = read_bytes(b"g-1\ng-\xff2\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.reason
                .contains("not UTF-8 text (invalid byte at column 3)"),
            "{err}"
        );
        // Tabs around an id are whitespace, as before; inside one they are refused as such.
        assert_eq!(read_bytes(b"\tg-1\t\n").unwrap().ids, ["g-1"]);
        let err = read_bytes(b"g\t1\n").unwrap_err();
        assert!(err.reason.contains("whitespace"), "{err}");
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
