//! `-v`/`-vv`: the client crate's `tracing` events and spans, one line each on stderr.
//!
//! The `nylas-workspaces` crate describes what it does as `tracing` data: a
//! `nylas_workspaces.attempt` span per request attempt (operation, method, attempt number,
//! status, request id, duration, filled in as the attempt goes), and events for retries,
//! pauses and bulk chunks. This module is the small subscriber that prints them: a span when
//! it closes (so every field is known), an event when it happens, with the fields of the span
//! it happened in. It forwards whatever the crate emits, with every field, instead of a fixed
//! list, so a new event shows up without a change here.
//!
//! Why not `tracing-subscriber`: the job is one fixed format on one stream with a level
//! threshold, about a hundred lines; its `fmt` layer would bring a registry, sharded slabs and
//! thread-local pools for it, and its output would still need the escaping below.
//!
//! Rules: nothing is printed unless asked for (`-v` info, `-vv` debug, `-vvv` trace); only
//! this project's crates (targets starting with `nylas_workspaces`) are shown, not the HTTP
//! stack's internals; lines go to stderr only, so stdout (and `--json`) stays exact; every
//! line goes through [`render::escape`], so a server's error text cannot drive the terminal.
//! The API key is never in what the crate records, and nothing else reaches this module.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use crate::render;

/// The prefix of the `tracing` targets that are shown: this project's crates.
const TARGET_PREFIX: &str = "nylas_workspaces";

/// The level `-v` repeated `count` times asks for; `None` for no `-v` (silence).
pub fn level_for(count: u8) -> Option<Level> {
    match count {
        0 => None,
        1 => Some(Level::INFO),
        2 => Some(Level::DEBUG),
        _ => Some(Level::TRACE),
    }
}

/// Installs the stderr log for the whole process when `-v` was given. Nothing is installed
/// without it, so the crate's events cost a disabled callsite check and print nothing.
pub fn install(verbose: u8) {
    if let Some(level) = level_for(verbose) {
        // Fails only if a subscriber is already installed, which leaves that one in charge.
        let _ = tracing::subscriber::set_global_default(StderrLog::new(level, Sink::Stderr));
    }
}

/// Where finished lines go.
enum Sink {
    /// The process's stderr, one write per line so lines never interleave mid-way.
    Stderr,
    /// A buffer, for the unit tests.
    #[cfg(test)]
    Buffer(std::sync::Arc<Mutex<String>>),
}

impl Sink {
    fn write_line(&self, line: &str) {
        let mut text = render::escape(line).into_owned();
        text.push('\n');
        match self {
            // A closed stderr is no reason to fail the command being logged.
            Sink::Stderr => {
                let _ = std::io::stderr().lock().write_all(text.as_bytes());
            }
            #[cfg(test)]
            Sink::Buffer(buffer) => buffer.lock().unwrap().push_str(&text),
        }
    }
}

/// A span that is still open: its name, level and the fields recorded so far.
struct OpenSpan {
    metadata: &'static Metadata<'static>,
    fields: Fields,
    /// Handles to the span still alive; it closes when the last one is dropped.
    handles: usize,
}

/// A `tracing` subscriber printing this project's spans and events, at or above a level.
pub struct StderrLog {
    max: Level,
    sink: Sink,
    next_id: AtomicU64,
    spans: Mutex<HashMap<u64, OpenSpan>>,
}

thread_local! {
    /// The spans entered on this thread, innermost last: an event's context.
    static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

impl StderrLog {
    fn new(max: Level, sink: Sink) -> Self {
        Self {
            max,
            sink,
            next_id: AtomicU64::new(1),
            spans: Mutex::new(HashMap::new()),
        }
    }

    fn spans(&self) -> std::sync::MutexGuard<'_, HashMap<u64, OpenSpan>> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep logging.
        self.spans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Subscriber for StderrLog {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max && metadata.target().starts_with(TARGET_PREFIX)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(self.max))
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut fields = Fields::default();
        // Fields filled in later (status, request id) keep their declared place.
        for declared in attributes.metadata().fields() {
            fields.pairs.declare(declared.name());
        }
        attributes.record(&mut fields);
        let span = OpenSpan {
            metadata: attributes.metadata(),
            fields,
            handles: 1,
        };
        self.spans().insert(id, span);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(open) = self.spans().get_mut(&span.into_u64()) {
            values.record(&mut open.fields);
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let context = match event.parent() {
            Some(parent) => Some(parent.into_u64()),
            None if event.is_contextual() => ENTERED.with(|e| e.borrow().last().copied()),
            None => None,
        };
        let mut line = format!("{:<5} ", event.metadata().level());
        if let Some(open) = context.and_then(|id| self.spans().get(&id).map(OpenSpan::label)) {
            let _ = write!(line, "{open}: ");
        }
        line.push_str(&fields.message.unwrap_or_default());
        fields.pairs.write_to(&mut line);
        self.sink.write_line(&line);
    }

    fn enter(&self, span: &Id) {
        ENTERED.with(|e| e.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, span: &Id) {
        let id = span.into_u64();
        ENTERED.with(|e| {
            let mut entered = e.borrow_mut();
            if let Some(at) = entered.iter().rposition(|&x| x == id) {
                entered.remove(at);
            }
        });
    }

    fn clone_span(&self, span: &Id) -> Id {
        if let Some(open) = self.spans().get_mut(&span.into_u64()) {
            open.handles += 1;
        }
        span.clone()
    }

    fn try_close(&self, span: Id) -> bool {
        let closed = {
            let mut spans = self.spans();
            let id = span.into_u64();
            match spans.get_mut(&id) {
                Some(open) if open.handles > 1 => {
                    open.handles -= 1;
                    None
                }
                Some(_) => spans.remove(&id),
                None => None,
            }
        };
        let Some(closed) = closed else {
            return false;
        };
        let mut line = format!("{:<5} {}:", closed.metadata.level(), closed.metadata.name());
        closed.fields.pairs.write_to(&mut line);
        self.sink.write_line(&line);
        true
    }
}

impl OpenSpan {
    /// `name{key=value ...}`, the way an event names the span it happened in.
    fn label(&self) -> String {
        let mut pairs = String::new();
        self.fields.pairs.write_to(&mut pairs);
        format!("{}{{{}}}", self.metadata.name(), pairs.trim_start())
    }
}

/// The fields of a span or event as text: the message apart, the rest as `key=value`.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    pairs: Pairs,
}

/// `key=value` pairs in declared (else recorded) order; a field without a value yet is
/// left out.
#[derive(Default)]
struct Pairs(Vec<(&'static str, Option<String>)>);

impl Pairs {
    /// Reserves a place for a field a span declares.
    fn declare(&mut self, key: &'static str) {
        if key != "message" {
            self.0.push((key, None));
        }
    }

    fn set(&mut self, key: &'static str, value: String) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = Some(value),
            None => self.0.push((key, Some(value))),
        }
    }

    /// Appends ` key=value` for each pair with a value.
    fn write_to(&self, out: &mut String) {
        for (key, value) in &self.0 {
            if let Some(value) = value {
                let _ = write!(out, " {key}={value}");
            }
        }
    }
}

/// A value as shown: bare when it reads unambiguously, else quoted with Rust's escapes.
fn shown(text: String) -> String {
    let plain = !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == '=' || c == '"' || render::is_unsafe_char(c));
    if plain { text } else { format!("{text:?}") }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = Some(value.to_owned());
        } else {
            self.pairs.set(field.name(), shown(value.to_owned()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = Some(format!("{value:?}"));
        } else {
            self.pairs.set(field.name(), shown(format!("{value:?}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// A log at `max` writing into a buffer, and the buffer.
    fn buffered(max: Level) -> (StderrLog, Arc<Mutex<String>>) {
        let buffer = Arc::new(Mutex::new(String::new()));
        (StderrLog::new(max, Sink::Buffer(buffer.clone())), buffer)
    }

    /// Runs `body` under a log at `max`, and returns what it printed.
    fn capture(max: Level, body: impl FnOnce()) -> String {
        let (log, buffer) = buffered(max);
        tracing::subscriber::with_default(log, body);
        buffer.lock().unwrap().clone()
    }

    #[test]
    fn the_count_of_v_picks_the_level() {
        assert_eq!(level_for(0), None);
        assert_eq!(level_for(1), Some(Level::INFO));
        assert_eq!(level_for(2), Some(Level::DEBUG));
        assert_eq!(level_for(9), Some(Level::TRACE));
    }

    #[test]
    fn a_span_prints_once_when_its_last_handle_closes_with_every_field() {
        let (log, buffer) = buffered(Level::INFO);
        tracing::subscriber::with_default(log, || {
            let span = tracing::info_span!(
                target: "nylas_workspaces::transport",
                "nylas_workspaces.attempt",
                operation = "get_workspace",
                attempt = 1_u32,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            let other = span.clone();
            span.record("request_id", "req 1");
            span.record("status", 503_u16);
            drop(span);
            assert_eq!(*buffer.lock().unwrap(), "", "printed while still open");
            drop(other);
        });
        assert_eq!(
            *buffer.lock().unwrap(),
            "INFO  nylas_workspaces.attempt: operation=get_workspace attempt=1 status=503 \
             request_id=\"req 1\"\n"
        );
    }

    #[test]
    fn events_carry_their_span_and_respect_the_level() {
        let run = || {
            let span = tracing::info_span!(
                target: "nylas_workspaces::transport",
                "nylas_workspaces.attempt",
                operation = "list_workspaces",
            );
            span.in_scope(|| {
                tracing::debug!(target: "nylas_workspaces::transport", wait_ms = 250_u64, error = %"HTTP 503: busy", "retrying");
                tracing::info!(target: "nylas_workspaces::bulk", chunk = 2_u32, "chunk done");
            });
        };
        let debug = capture(Level::DEBUG, run);
        assert!(
            debug.contains(
                "DEBUG nylas_workspaces.attempt{operation=list_workspaces}: retrying wait_ms=250 \
                 error=\"HTTP 503: busy\"\n"
            ),
            "{debug}"
        );
        assert!(
            debug.contains(
                "INFO  nylas_workspaces.attempt{operation=list_workspaces}: chunk done chunk=2\n"
            ),
            "{debug}"
        );
        let info = capture(Level::INFO, run);
        assert!(!info.contains("retrying"), "{info}");
        assert!(info.contains("chunk done chunk=2"), "{info}");
    }

    #[test]
    fn other_crates_are_not_shown() {
        let text = capture(Level::TRACE, || {
            tracing::info!(target: "hyper::proto", "read 512 bytes");
            tracing::info!(target: "reqwest", "connecting");
            tracing::info!(target: "nylas_workspaces_cli::x", "shown");
        });
        assert_eq!(text, "INFO  shown\n");
    }

    #[test]
    fn control_characters_from_a_server_are_escaped() {
        let text = capture(Level::DEBUG, || {
            tracing::debug!(target: "nylas_workspaces", error = %"bad\u{1b}]0;pwned\u{7}\nline", "retrying \u{202e}x");
        });
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(text.contains("\\u{1b}]0;pwned"), "{text}");
        assert!(text.contains("retrying \\u{202e}x"), "{text}");
    }
}
