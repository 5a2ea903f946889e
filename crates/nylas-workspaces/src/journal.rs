//! The durable journal of a bulk manual assignment: what was planned and what each request
//! did, on disk as it happens, so that no crash, kill or power cut can lose track of an id.
//!
//! The file is JSON Lines, appended to and never rewritten. Each line is
//! `{"crc32":"<8 hex digits>","record":{...}}`, the CRC-32 covering the exact bytes of the
//! record, and each line is flushed and `sync_data`'d before the next request result is
//! recorded. The records are: one `plan` (format, version, workspace, every id to assign and
//! remove after deduplication), one `chunk` per finished request, `stopped` when a run ends
//! early, `resume` when a later run picks the journal up, and `summary` at the end of a run.
//!
//! A crash mid-write can only damage the last line, so a torn or checksum-failing last line is
//! ignored when reading; a bad line anywhere else means the file was altered, and reading fails
//! naming that line. Later records win over earlier ones, so a resumed run's results replace
//! the failures it retried.

use std::collections::HashMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::bulk::NotSentReason;
use crate::bulk::{FailedGrant, GrantAction, GrantRef, ManualAssign, ManualAssignOutcome};
use crate::error::{Error, Result, SharedError};

/// The journal format version this crate writes and reads.
pub const JOURNAL_VERSION: u32 = 1;
/// The largest journal [`Journal::read`] accepts (1 GiB): far beyond a million ids, and a
/// bound on the memory a wrong or hostile file can make a reader use.
pub const MAX_JOURNAL_BYTES: u64 = 1 << 30;
/// The `format` field of the plan record, telling a journal from any other JSON Lines file.
const FORMAT: &str = "nylas-workspaces/manual-assign-journal";
const PREFIX: &[u8] = b"{\"crc32\":\"";
const MIDDLE: &[u8] = b"\",\"record\":";

/// Why a journal could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JournalErrorKind {
    /// Creating, writing or syncing the file failed (disk full, read-only, no such directory).
    Unwritable,
    /// The file could not be opened or read.
    Unreadable,
    /// The file is not a manual-assign journal of a version this crate reads.
    NotAJournal,
    /// A record other than the last is damaged or contradicts the plan: the file was altered.
    Corrupt,
    /// The file is larger than [`MAX_JOURNAL_BYTES`].
    TooLarge,
}

/// A journal that could not be written or read.
#[derive(Debug)]
#[non_exhaustive]
pub struct JournalError {
    /// The journal file.
    pub path: PathBuf,
    /// What kind of failure.
    pub kind: JournalErrorKind,
    /// The 1-based line of a corrupt record.
    pub line: Option<usize>,
    /// What went wrong, in words.
    pub message: String,
    /// The operating-system error, when there was one.
    pub source: Option<io::Error>,
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "journal {}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for JournalError {}

fn journal_error(path: &Path, kind: JournalErrorKind, message: impl Into<String>) -> Error {
    Error::Journal(Box::new(JournalError {
        path: path.to_owned(),
        kind,
        line: None,
        message: message.into(),
        source: None,
    }))
}

fn io_error(path: &Path, kind: JournalErrorKind, what: &str, source: io::Error) -> Error {
    Error::Journal(Box::new(JournalError {
        path: path.to_owned(),
        kind,
        line: None,
        message: what.to_owned(),
        source: Some(source),
    }))
}

fn corrupt(path: &Path, line: usize, message: impl Into<String>) -> Error {
    Error::Journal(Box::new(JournalError {
        path: path.to_owned(),
        kind: JournalErrorKind::Corrupt,
        line: Some(line),
        message: message.into(),
        source: None,
    }))
}

/// A request failure as a journal recorded it; read back as [`Error::Recorded`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedError {
    /// The error's text when it happened.
    pub message: String,
    /// The HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// The request id, when known.
    pub request_id: Option<String>,
    /// Whether the failure was retryable.
    pub retryable: bool,
}

impl RecordedError {
    fn of(error: &Error) -> Self {
        match error {
            Error::Recorded(recorded) => (**recorded).clone(),
            other => Self {
                message: other.to_string(),
                status: other.status(),
                request_id: other.request_id().map(str::to_owned),
                retryable: other.is_retryable(),
            },
        }
    }
}

impl fmt::Display for RecordedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One line of the journal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Record {
    /// Always the first line.
    Plan {
        format: String,
        version: u32,
        workspace_id: String,
        assign: Vec<String>,
        remove: Vec<String>,
    },
    /// A later run picked the journal up to send what was left.
    Resume { run: u32, pending: usize },
    /// One request finished.
    Chunk(ChunkRecord),
    /// A run stopped sending before the end.
    Stopped {
        run: u32,
        reason: NotSentReason,
        not_sent: usize,
    },
    /// A run ended; the counts cover the whole plan.
    Summary {
        run: u32,
        assigned: usize,
        removed: usize,
        unmatched: usize,
        failed: usize,
        not_sent: usize,
        complete: bool,
    },
}

/// What one request did to its ids.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ChunkRecord {
    pub(crate) run: u32,
    pub(crate) chunk: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) assigned: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) removed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) unmatched: Vec<GrantRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) failed: Vec<GrantRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<RecordedError>,
}

impl ChunkRecord {
    pub(crate) fn error_of(error: &Error) -> RecordedError {
        RecordedError::of(error)
    }
}

/// CRC-32 (IEEE 802.3, the zlib and PNG one), table-driven.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &b in bytes {
        crc = TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// The full line (with its newline) for a record's JSON bytes.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut line = Vec::with_capacity(body.len() + PREFIX.len() + MIDDLE.len() + 11);
    line.extend_from_slice(PREFIX);
    line.extend_from_slice(format!("{:08x}", crc32(body)).as_bytes());
    line.extend_from_slice(MIDDLE);
    line.extend_from_slice(body);
    line.extend_from_slice(b"}\n");
    line
}

/// The record of one line (without its newline), or why it is not one.
fn decode(line: &[u8]) -> std::result::Result<Record, String> {
    let rest = line.strip_prefix(PREFIX).ok_or("not a journal record")?;
    if rest.len() < 8 + MIDDLE.len() + 1 {
        return Err("the record is cut short".into());
    }
    let (sum, rest) = rest.split_at(8);
    let body = rest
        .strip_prefix(MIDDLE)
        .and_then(|r| r.strip_suffix(b"}"))
        .ok_or("not a journal record")?;
    let sum = std::str::from_utf8(sum)
        .ok()
        .and_then(|s| u32::from_str_radix(s, 16).ok())
        .ok_or("the checksum is not hexadecimal")?;
    if crc32(body) != sum {
        return Err("the checksum does not match the record".into());
    }
    serde_json::from_slice(body).map_err(|e| format!("the record does not parse: {e}"))
}

/// Appends records to a journal file, making each durable before returning.
pub(crate) struct JournalWriter {
    file: File,
    path: PathBuf,
    /// Bytes in the file after the last complete record.
    len: u64,
    /// Test hook: the write that would take the file past this many bytes writes only up to
    /// it and then fails as a full disk would.
    fail_after: Option<u64>,
    /// The first failure; once set nothing more is written (a later record after a torn one
    /// would turn the tear into corruption).
    broken: Option<SharedError>,
}

impl JournalWriter {
    /// Creates (or truncates) the journal and makes `plan` its first record.
    pub(crate) fn create(
        path: &Path,
        fail_after: Option<u64>,
        workspace_id: &str,
        assign: &[String],
        remove: &[String],
    ) -> Result<Self> {
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .map_err(|e| {
                io_error(
                    path,
                    JournalErrorKind::Unwritable,
                    "cannot create the journal",
                    e,
                )
            })?;
        sync_parent(path);
        let mut writer = Self {
            file,
            path: path.to_owned(),
            len: 0,
            fail_after,
            broken: None,
        };
        let plan = PlanRef {
            kind: "plan",
            format: FORMAT,
            version: JOURNAL_VERSION,
            workspace_id,
            assign,
            remove,
        };
        // The plan borrows the caller's ids: a bulk call may hold hundreds of thousands.
        let body = serde_json::to_vec(&plan).unwrap_or_default();
        if let Err(error) = writer.append_body(&body) {
            return Err(writer.give_back(error));
        }
        Ok(writer)
    }

    /// Opens an existing journal to append after its last complete record (dropping a torn
    /// tail), and records that run `run` starts with `pending` ids.
    pub(crate) fn reopen(
        path: &Path,
        fail_after: Option<u64>,
        journal: &Journal,
        run: u32,
        pending: usize,
    ) -> Result<Self> {
        let unwritable = |e| {
            io_error(
                path,
                JournalErrorKind::Unwritable,
                "cannot append to the journal",
                e,
            )
        };
        let mut file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(unwritable)?;
        file.set_len(journal.valid_len).map_err(unwritable)?;
        let mut len = journal.valid_len;
        if journal.newline_missing {
            // Only a plan record can be whole yet lack its newline (see `Journal::parse`).
            file.seek(SeekFrom::End(0)).map_err(unwritable)?;
            file.write_all(b"\n").map_err(unwritable)?;
            len += 1;
        }
        file.seek(SeekFrom::Start(len)).map_err(unwritable)?;
        let mut writer = Self {
            file,
            path: path.to_owned(),
            len,
            fail_after,
            broken: None,
        };
        if let Err(error) = writer.write(&Record::Resume { run, pending }) {
            return Err(writer.give_back(error));
        }
        Ok(writer)
    }

    /// The error of a writer that is being given up, whole: the writer keeps a second handle
    /// to it (so that later writes report it), which would make [`unshare`] rebuild it from
    /// its text, losing its `source` and repeating the path.
    fn give_back(mut self, error: SharedError) -> Error {
        self.broken = None;
        unshare(error)
    }

    /// Appends one record durably. After a failure every later call returns that failure.
    pub(crate) fn write(&mut self, record: &Record) -> std::result::Result<(), SharedError> {
        let body = serde_json::to_vec(record).unwrap_or_default();
        self.append_body(&body)
    }

    /// The failure that stopped the journal, if any.
    pub(crate) fn broken(&self) -> Option<&SharedError> {
        self.broken.as_ref()
    }

    fn append_body(&mut self, body: &[u8]) -> std::result::Result<(), SharedError> {
        if let Some(error) = &self.broken {
            return Err(Arc::clone(error));
        }
        let line = frame(body);
        match self.put(&line) {
            Ok(()) => {
                self.len += line.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Best effort: cut the partial line off so the file ends at a record boundary.
                let _ = self.file.set_len(self.len);
                let error = Arc::new(io_error(
                    &self.path,
                    JournalErrorKind::Unwritable,
                    "cannot write the journal",
                    e,
                ));
                self.broken = Some(Arc::clone(&error));
                Err(error)
            }
        }
    }

    fn put(&mut self, line: &[u8]) -> io::Result<()> {
        if let Some(limit) = self.fail_after
            && self.len + line.len() as u64 > limit
        {
            let room = usize::try_from(limit.saturating_sub(self.len)).unwrap_or(0);
            self.file.write_all(&line[..room.min(line.len())])?;
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device (injected)",
            ));
        }
        self.file.write_all(line)?;
        self.file.flush()?;
        self.file.sync_data()
    }
}

/// The plan record, serialised from borrowed ids (same shape as [`Record::Plan`]).
#[derive(Serialize)]
struct PlanRef<'a> {
    kind: &'static str,
    format: &'static str,
    version: u32,
    workspace_id: &'a str,
    assign: &'a [String],
    remove: &'a [String],
}

/// Makes a newly created file's directory entry durable too (best effort; not every platform
/// or file system allows syncing a directory).
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(parent) {
        let _ = dir.sync_all();
    }
}

/// The error out of its `Arc` when nothing else holds it (always, right after a first write).
fn unshare(error: SharedError) -> Error {
    Arc::try_unwrap(error).unwrap_or_else(|shared| {
        let (path, message) = match shared.as_ref() {
            Error::Journal(j) => (j.path.clone(), j.to_string()),
            other => (PathBuf::new(), other.to_string()),
        };
        journal_error(&path, JournalErrorKind::Unwritable, message)
    })
}

/// Where an id stands after the records read so far.
#[derive(Clone)]
enum State {
    Pending,
    Assigned,
    Removed,
    Unmatched,
    Failed(SharedError),
}

/// A journal read back: the plan, what each id's last record says, and what is left.
///
/// ```
/// use nylas_workspaces::{Journal, JournalErrorKind};
///
/// let path = std::env::temp_dir().join("not-a-journal.txt");
/// std::fs::write(&path, "hello\n").unwrap();
/// let err = Journal::read(&path).unwrap_err();
/// assert!(err.to_string().contains("not a manual-assign journal"));
/// # let _ = std::fs::remove_file(&path);
/// # let _ = JournalErrorKind::NotAJournal;
/// ```
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
    outcome: ManualAssignOutcome,
    runs: u32,
    finished: bool,
    torn_tail: bool,
    valid_len: u64,
    newline_missing: bool,
}

impl Journal {
    /// Reads a journal without sending anything. A torn or damaged last line (a crash while
    /// it was written) is ignored; any other damaged line is [`JournalErrorKind::Corrupt`],
    /// naming the line. Ids no record confirms are listed as not sent, with the reason the
    /// last run recorded, or [`NotSentReason::Interrupted`] when it recorded none (it died).
    pub fn read(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let unreadable = |e| {
            io_error(
                path,
                JournalErrorKind::Unreadable,
                "cannot read the journal",
                e,
            )
        };
        let file = File::open(path).map_err(unreadable)?;
        let too_large = || {
            journal_error(
                path,
                JournalErrorKind::TooLarge,
                format!("the journal is larger than {MAX_JOURNAL_BYTES} bytes"),
            )
        };
        if file.metadata().map_err(unreadable)?.len() > MAX_JOURNAL_BYTES {
            return Err(too_large());
        }
        // Every record is a JSON object: a file (or a device such as `/dev/zero`, whose
        // length reads as 0) that does not start with `{` is refused after one small read,
        // not after reading up to the size cap.
        let mut file = file.take(MAX_JOURNAL_BYTES + 1);
        let mut bytes = vec![0; 1];
        let first = file.read(&mut bytes).map_err(unreadable)?;
        bytes.truncate(first);
        if first == 1 && bytes[0] != b'{' {
            return Err(journal_error(
                path,
                JournalErrorKind::NotAJournal,
                "not a manual-assign journal: it does not start with a JSON record",
            ));
        }
        file.read_to_end(&mut bytes).map_err(unreadable)?;
        if bytes.len() as u64 > MAX_JOURNAL_BYTES {
            return Err(too_large());
        }
        Self::parse(path, &bytes)
    }

    fn parse(path: &Path, bytes: &[u8]) -> Result<Self> {
        let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        // `split` yields an empty piece after a final newline; a missing final newline means
        // the last line was cut short, and fails its checksum below.
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let not_a_journal = || {
            journal_error(
                path,
                JournalErrorKind::NotAJournal,
                format!(
                    "not a manual-assign journal (version {JOURNAL_VERSION} of \
                     nylas-workspaces): the first line is not its plan record"
                ),
            )
        };
        let first = *lines.first().ok_or_else(|| {
            journal_error(
                path,
                JournalErrorKind::NotAJournal,
                "the file is empty: not a manual-assign journal (or one whose run died before \
                 recording its plan, so before sending anything)",
            )
        })?;
        if !first.starts_with(PREFIX) {
            return Err(not_a_journal());
        }
        let (workspace_id, assign, remove) = match decode(first) {
            Ok(Record::Plan {
                format,
                version,
                workspace_id,
                assign,
                remove,
            }) if format == FORMAT => {
                if version != JOURNAL_VERSION {
                    return Err(journal_error(
                        path,
                        JournalErrorKind::NotAJournal,
                        format!(
                            "journal format version {version} is not supported (this crate \
                             reads version {JOURNAL_VERSION})"
                        ),
                    ));
                }
                (workspace_id, assign, remove)
            }
            Ok(_) => return Err(not_a_journal()),
            Err(_) if lines.len() == 1 => {
                return Err(journal_error(
                    path,
                    JournalErrorKind::NotAJournal,
                    "the plan record is cut short: the run died before sending anything",
                ));
            }
            Err(why) => return Err(corrupt(path, 1, why)),
        };

        let mut index: HashMap<&str, (GrantAction, usize)> =
            HashMap::with_capacity(assign.len() + remove.len());
        for (i, id) in assign.iter().enumerate() {
            index.insert(id, (GrantAction::Assign, i));
        }
        for (i, id) in remove.iter().enumerate() {
            index.insert(id, (GrantAction::Remove, assign.len() + i));
        }
        let mut states = vec![State::Pending; assign.len() + remove.len()];
        let mut request_ids = Vec::new();
        let mut runs = 1;
        let mut finished = false;
        let mut reason: Option<NotSentReason> = None;
        let mut torn_tail = false;
        // A plan record that is the whole file may be complete but for its newline (a crash
        // between the two): nothing was sent, and a resumed run adds the newline.
        let newline_missing = lines.len() == 1 && bytes.last() != Some(&b'\n');
        let mut valid_len = first.len() as u64 + u64::from(!newline_missing);
        let last = lines.len() - 1;

        for (n, raw) in lines.iter().enumerate().skip(1) {
            let line = n + 1;
            let record = match decode(raw) {
                Ok(record) => record,
                Err(_) if n == last => {
                    torn_tail = true;
                    break;
                }
                Err(why) => return Err(corrupt(path, line, why)),
            };
            // A final line without its newline was cut right before the newline: its record
            // is whole, but appending after it needs the newline, so it counts as torn.
            if n == last && bytes.last() != Some(&b'\n') {
                torn_tail = true;
                break;
            }
            let mut set = |id: &str, action: GrantAction, state: State| match index.get(id) {
                Some(&(planned, at)) if planned == action => {
                    states[at] = state;
                    Ok(())
                }
                _ => Err(corrupt(
                    path,
                    line,
                    format!("the record names grant {id:?} ({action:?}), which the plan does not"),
                )),
            };
            finished = false;
            match record {
                Record::Plan { .. } => {
                    return Err(corrupt(path, line, "a second plan record"));
                }
                Record::Resume { run, .. } => {
                    runs = run.max(runs);
                    reason = None;
                }
                Record::Chunk(chunk) => {
                    for id in &chunk.assigned {
                        set(id, GrantAction::Assign, State::Assigned)?;
                    }
                    for id in &chunk.removed {
                        set(id, GrantAction::Remove, State::Removed)?;
                    }
                    for g in &chunk.unmatched {
                        set(&g.grant_id, g.action, State::Unmatched)?;
                    }
                    if !chunk.failed.is_empty() {
                        let error = chunk.error.clone().unwrap_or(RecordedError {
                            message: "the request failed (no error was recorded)".into(),
                            status: None,
                            request_id: None,
                            retryable: false,
                        });
                        let error: SharedError = Arc::new(Error::Recorded(Box::new(error)));
                        for g in &chunk.failed {
                            set(&g.grant_id, g.action, State::Failed(Arc::clone(&error)))?;
                        }
                    }
                    if let Some(id) = chunk.request_id.filter(|id| !id.is_empty()) {
                        request_ids.push(id);
                    }
                }
                Record::Stopped { reason: why, .. } => reason = Some(why),
                Record::Summary { .. } => finished = true,
            }
            valid_len += raw.len() as u64 + 1;
        }

        let mut outcome = ManualAssignOutcome {
            workspace_id,
            request_ids,
            ..Default::default()
        };
        let planned = assign
            .into_iter()
            .map(|id| (id, GrantAction::Assign))
            .chain(remove.into_iter().map(|id| (id, GrantAction::Remove)));
        for ((grant_id, action), state) in planned.zip(states) {
            match state {
                State::Assigned => outcome.assigned.push(grant_id),
                State::Removed => outcome.removed.push(grant_id),
                State::Unmatched => outcome.unmatched.push(GrantRef { grant_id, action }),
                State::Failed(error) => outcome.failed.push(FailedGrant {
                    grant_id,
                    action,
                    error,
                }),
                State::Pending => outcome.not_sent.push(GrantRef { grant_id, action }),
            }
        }
        if !outcome.not_sent.is_empty() {
            outcome.not_sent_reason = Some(reason.unwrap_or(NotSentReason::Interrupted));
        }
        Ok(Self {
            path: path.to_owned(),
            outcome,
            runs,
            finished,
            torn_tail,
            valid_len,
            newline_missing,
        })
    }

    /// Writes the journal's complete records (without a torn tail) to `path`, synced, and
    /// returns the copy: [`Client::resume_manual_assign`](crate::Client::resume_manual_assign)
    /// on the copy continues the run while this file stays as it is. A failure is
    /// [`JournalErrorKind::Unwritable`] (or `Unreadable` for this file).
    pub fn copy_to(&self, path: impl AsRef<Path>) -> Result<Self> {
        let target = path.as_ref();
        let mut bytes = Vec::new();
        File::open(&self.path)
            .and_then(|f| f.take(self.valid_len).read_to_end(&mut bytes))
            .map_err(|e| {
                io_error(
                    &self.path,
                    JournalErrorKind::Unreadable,
                    "cannot read the journal",
                    e,
                )
            })?;
        if bytes.len() as u64 != self.valid_len {
            return Err(journal_error(
                &self.path,
                JournalErrorKind::Unreadable,
                "the journal changed while it was being copied",
            ));
        }
        if self.newline_missing {
            bytes.push(b'\n');
        }
        let unwritable = |e| {
            io_error(
                target,
                JournalErrorKind::Unwritable,
                "cannot write the journal copy",
                e,
            )
        };
        let mut file = File::create(target).map_err(unwritable)?;
        file.write_all(&bytes).map_err(unwritable)?;
        file.sync_data().map_err(unwritable)?;
        sync_parent(target);
        Ok(Self {
            path: target.to_owned(),
            valid_len: bytes.len() as u64,
            newline_missing: false,
            torn_tail: false,
            ..self.clone()
        })
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The workspace the plan targets.
    pub fn workspace_id(&self) -> &str {
        &self.outcome.workspace_id
    }

    /// Every planned id with what the journal says became of it so far.
    pub fn outcome(&self) -> &ManualAssignOutcome {
        &self.outcome
    }

    /// The outcome, taken out of the journal.
    pub fn into_outcome(self) -> ManualAssignOutcome {
        self.outcome
    }

    /// The ids still to send (failed or never confirmed), or `None` when every id was
    /// confirmed. This is what [`Client::resume_manual_assign`](crate::Client::resume_manual_assign)
    /// sends.
    pub fn pending(&self) -> Option<ManualAssign> {
        self.outcome.retry_request()
    }

    /// How many runs wrote to the journal (1, plus one per resume).
    pub fn runs(&self) -> u32 {
        self.runs
    }

    /// True when the last run ended normally, with a summary record.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// True when the last line was torn or damaged (a crash while it was written) and was
    /// ignored.
    pub fn had_torn_tail(&self) -> bool {
        self.torn_tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_record_line_round_trips_and_detects_a_flipped_byte() {
        let line = frame(&serde_json::to_vec(&Record::Resume { run: 2, pending: 7 }).unwrap());
        assert!(line.ends_with(b"}\n"));
        let body = &line[..line.len() - 1];
        assert!(matches!(
            decode(body),
            Ok(Record::Resume { run: 2, pending: 7 })
        ));
        let mut flipped = body.to_vec();
        let at = flipped.len() - 3;
        flipped[at] ^= 1;
        assert!(decode(&flipped).unwrap_err().contains("checksum"));
        // The line is JSON in its own right, for jq and friends.
        let value: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(value["record"]["kind"], "resume");
    }
}
