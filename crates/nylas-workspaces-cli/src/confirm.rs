//! Asking before a destructive command, and refusing to guess when nobody can answer.
//!
//! `delete` cannot be undone, so it goes ahead only on a clear yes: `--yes` on the command
//! line, or `y`/`yes` typed at the terminal in answer to a question naming the workspace.
//! Without a terminal on standard input (a script, a pipe, cron) there is nobody to ask, and
//! silently going ahead would make a typo in a script destructive; the command stops with
//! exit code 2 and names `--yes` instead. Anything but a yes (Enter, `n`, end of input, a
//! read error) keeps the workspace.

use std::io::{BufRead, IsTerminal, Read, Write};

use crate::failure::Failure;
use crate::render;

/// The longest answer read from the terminal; the rest of a longer line is left unread, so a
/// pasted file cannot grow memory.
const MAX_ANSWER_BYTES: u64 = 256;

/// Whether `answer` (a line typed at the prompt) means yes: `y` or `yes`, in any case, with
/// surrounding spaces ignored. Everything else means no.
pub fn is_yes(answer: &str) -> bool {
    let answer = answer.trim();
    answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes")
}

/// The question asked before deleting: the id, and the name when known, escaped because both
/// came from the command line or the server.
pub fn delete_question(id: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!(
            "Delete workspace {} ({})? [y/N] ",
            render::escape(id),
            render::escape(name)
        ),
        None => format!("Delete workspace {}? [y/N] ", render::escape(id)),
    }
}

/// Why a delete without `--yes` and without a terminal is refused (exit code 2).
pub fn needs_yes(id: &str) -> Failure {
    Failure::Usage(format!(
        "not deleting workspace {} without confirmation: standard input is not a terminal, so \
         there is nobody to ask; pass --yes to delete it",
        render::escape(id)
    ))
}

/// Why nothing was deleted after the question was not answered yes (exit code 2).
pub fn declined(id: &str) -> Failure {
    Failure::Usage(format!(
        "workspace {} was not deleted: the answer was not yes",
        render::escape(id)
    ))
}

/// Whether standard input is a terminal someone could answer at.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal()
}

/// Asks `question` on stderr and reads one answer from standard input: true only for a yes.
pub fn ask(question: &str) -> bool {
    let mut stderr = std::io::stderr().lock();
    if stderr
        .write_all(question.as_bytes())
        .and_then(|()| stderr.flush())
        .is_err()
    {
        // A question nobody can see gets no answer.
        return false;
    }
    drop(stderr);
    read_answer(&mut std::io::stdin().lock())
}

/// Reads one line (at most [`MAX_ANSWER_BYTES`]) and judges it; end of input is a no.
fn read_answer(input: &mut impl BufRead) -> bool {
    let mut line = Vec::new();
    match input
        .by_ref()
        .take(MAX_ANSWER_BYTES)
        .read_until(b'\n', &mut line)
    {
        Ok(0) | Err(_) => false,
        // Cut off at the bound: not an answer anyone typed.
        Ok(n) if n as u64 == MAX_ANSWER_BYTES && !line.ends_with(b"\n") => false,
        Ok(_) => is_yes(&String::from_utf8_lossy(&line)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_clear_yes_counts() {
        for yes in ["y", "Y", "yes", "YES", " yes \n", "y\r\n"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in [
            "",
            "\n",
            "n",
            "no",
            "N",
            "yep",
            "sure",
            "y es",
            "yes please",
            "ye",
            "1",
        ] {
            assert!(!is_yes(no), "{no:?}");
        }
    }

    #[test]
    fn the_answer_is_one_bounded_line_and_end_of_input_is_no() {
        assert!(read_answer(&mut &b"y\nmore lines\n"[..]));
        assert!(!read_answer(&mut &b""[..]));
        assert!(!read_answer(&mut &b"n\ny\n"[..]));
        // A huge line is cut at the bound and is not a yes, however it starts.
        let mut long = b"yes".to_vec();
        long.extend(std::iter::repeat_n(b' ', 10_000));
        long.extend(b"y\n");
        assert!(!read_answer(&mut &long[..]));
    }

    #[test]
    fn the_question_names_the_workspace_with_hostile_characters_escaped() {
        assert_eq!(
            delete_question("ws-1", Some("Sales")),
            "Delete workspace ws-1 (Sales)? [y/N] "
        );
        assert_eq!(
            delete_question("ws\u{1b}]0;x\u{7}", None),
            "Delete workspace ws\\u{1b}]0;x\\u{7}? [y/N] "
        );
        let refusal = render::failure_text(&needs_yes("ws-\u{202e}1"));
        assert!(refusal.contains("--yes"), "{refusal}");
        assert!(refusal.contains("ws-\\u{202e}1"), "{refusal}");
    }
}
