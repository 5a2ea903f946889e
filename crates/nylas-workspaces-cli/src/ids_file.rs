//! Grant-id files for `assign --grants-file` / `--remove-file`.
//!
//! The format and the reader live in the crate ([`nylas_workspaces::grant_ids`]), because a
//! workspaces file's `grants_file` reads the same files: one mechanism, one set of limits. What
//! is the command line's own is standard input: `-` reads it, and only once per run.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub use nylas_workspaces::grant_ids::{GrantIds, IdsFileError, MAX_LINE_BYTES, parse, read_from};

/// Set once standard input has been handed to a reader: it can be read only once per run.
static STDIN_TAKEN: AtomicBool = AtomicBool::new(false);

/// Reads and parses a file of grant ids; `-` reads standard input, so ids can be piped in.
/// Standard input can be read only once: a second `-` (for `--grants-file` and
/// `--remove-file`, or twice for one of them) is an error, not a silently empty list.
pub fn read(path: &Path) -> Result<GrantIds, IdsFileError> {
    if path == Path::new("-") {
        let shown = "<stdin>";
        if STDIN_TAKEN.swap(true, Ordering::SeqCst) {
            return Err(IdsFileError {
                path: shown.into(),
                line: None,
                reason: "standard input can be read only once, but `-` was given for more than \
                         one --grants-file/--remove-file; put one of the lists in a file"
                    .into(),
            });
        }
        return read_from(io::stdin().lock(), shown);
    }
    nylas_workspaces::grant_ids::read(path)
}
