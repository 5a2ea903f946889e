//! The bridge from the crate's `tracing` events to Python's `logging`.
//!
//! The crate reports what it does through `tracing`: a `nylas_workspaces.attempt` span per
//! HTTP attempt (operation, method, attempt number, then status, request id and duration as
//! they become known) and events inside it (a retry and its wait, a spent retry budget, a
//! rate cut, ...). Python users read logs through `logging`, so this module installs a
//! [`Subscriber`] as the process's global `tracing` default when the native module loads and
//! hands every span and event whose target is the crate's (`nylas_workspaces` or below it) to
//! `nylas_workspaces._logs._emit`, which turns it into a record of the logger
//! `nylas_workspaces`. The bridge is generic: any span (logged once, when it closes, so that
//! every field recorded during its life is known) or event (logged when it happens, with the
//! fields of the span it happened in) is forwarded with its message and fields; there is no
//! list of known events to keep up to date.
//!
//! **Cheap when nothing listens.** Whether a record would be emitted is decided here without
//! the GIL: [`THRESHOLD`] holds the lowest Python level that the `nylas_workspaces` logger
//! would emit, and a span or event below it is refused in [`Subscriber::enabled`] with one
//! atomic load, so by default (WARNING) an attempt costs no Python call at all. Python keeps
//! the threshold current: `_logs` wraps `logging`'s `Manager._clear_cache`, the method that
//! `Logger.setLevel`, `logging.disable` and the `logging.config` functions all call to drop
//! the per-logger caches behind `Logger.isEnabledFor`, and recomputes the threshold there. The
//! threshold is therefore exactly as fresh as Python's own cache: `caplog.set_level(...)`
//! after import is honoured by the next call, and a change that Python itself would not see
//! (assigning `logger.level` directly) is not seen here either. This was chosen over
//! refreshing on every client call (which would cost a Python call per call and would sit in
//! every call path of the binding) and over a timer (which would be late after a change).
//! The threshold errs only on the side of asking Python: a record that passes it is still
//! checked by `Logger.isEnabledFor`, filters and `Logger.disabled` in Python.
//!
//! **Threads and locks.** Records are delivered on the thread that emitted them (a tokio
//! worker for `AsyncClient`, the caller itself with the GIL released for `Client`), which
//! takes the GIL for the call. No lock of this module is held while Python runs: a closing
//! span is taken out of the span table before its record is delivered. The crate must in turn
//! emit its events outside its own locks, or a thread that holds such a lock would wait for
//! the GIL while holding it. Nothing here panics: a poisoned lock is used as is, an
//! exception raised while logging is swallowed by `_emit` (after `logging`'s usual report on
//! stderr), and a `KeyboardInterrupt` that a signal handler raised during the delivery is
//! re-armed so that the waiting call still sees the Ctrl-C. During interpreter shutdown
//! records are dropped.
//!
//! **Another subscriber.** If a global `tracing` default already exists in this module's
//! copy of `tracing` (only possible when the crate is linked into a Rust program that set
//! one before loading the module), it is left in place and the bridge stays silent. Other
//! extension modules have their own copy of `tracing` and do not interfere.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// The target prefix of the crate's spans and events.
const CRATE_TARGET: &str = "nylas_workspaces";

/// A threshold no level reaches: nothing is forwarded until Python has connected.
const OFF: u32 = u32::MAX;

/// The lowest Python level (`logging.DEBUG` = 10, ...) that is forwarded.
static THRESHOLD: AtomicU32 = AtomicU32::new(OFF);

/// `nylas_workspaces._logs._emit`, set once by `_connect_logging`.
static SINK: OnceLock<Py<PyAny>> = OnceLock::new();

/// Adds the bridge's functions to the native module and installs the subscriber.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_connect_logging, m)?)?;
    m.add_function(wrap_pyfunction!(_set_log_threshold, m)?)?;
    // An existing default is kept (see the module doc); the bridge is then silent.
    let _ = tracing::subscriber::set_global_default(Bridge::default());
    Ok(())
}

/// Sets the function that receives the records; a later call keeps the first one.
#[pyfunction]
fn _connect_logging(sink: Py<PyAny>) {
    let _ = SINK.set(sink);
}

/// Sets the lowest Python level that is forwarded (negative means everything).
#[pyfunction]
fn _set_log_threshold(level: i64) {
    let level = u32::try_from(level.max(0)).unwrap_or(OFF);
    THRESHOLD.store(level, Ordering::Relaxed);
}

/// Whether `target` is the crate's own.
fn is_ours(target: &str) -> bool {
    target
        .strip_prefix(CRATE_TARGET)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

/// The Python level number of a `tracing` level (`logging` has no TRACE; 5 stands for it).
fn python_level(level: &Level) -> u32 {
    match *level {
        Level::TRACE => 5,
        Level::DEBUG => 10,
        Level::INFO => 20,
        Level::WARN => 30,
        Level::ERROR => 40,
    }
}

/// Whether a span or event at `level` would reach Python now.
fn wanted(level: &Level) -> bool {
    python_level(level) >= THRESHOLD.load(Ordering::Relaxed)
}

/// A field's value, kept until it is handed to Python.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

/// Named values in the order they were first recorded; a later value replaces an earlier one.
#[derive(Clone, Debug, Default)]
struct Fields(Vec<(&'static str, Value)>);

impl Fields {
    fn set(&mut self, name: &'static str, value: Value) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// The values as a Python dict (ints, floats, bools and strings).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in &self.0 {
            match value {
                Value::Bool(v) => dict.set_item(name, v)?,
                Value::Int(v) => dict.set_item(name, v)?,
                Value::UInt(v) => dict.set_item(name, v)?,
                Value::Float(v) => dict.set_item(name, v)?,
                Value::Str(v) => dict.set_item(name, v)?,
            }
        }
        Ok(dict)
    }
}

/// Collects the fields of a span or event; an event's `message` is kept apart.
#[derive(Default)]
struct Collect {
    fields: Fields,
    message: Option<String>,
}

impl Collect {
    fn put(&mut self, field: &Field, value: Value) {
        match (field.name(), value) {
            ("message", Value::Str(text)) => self.message = Some(text),
            (name, value) => self.fields.set(name, value),
        }
    }
}

impl Visit for Collect {
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::Int(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::UInt(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::Float(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::Str(value.to_owned()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::Str(format!("{value:?}")));
    }
}

/// A live span: what it is, what it has recorded so far, and how many handles it has.
struct SpanData {
    metadata: &'static Metadata<'static>,
    /// Its parent's fields at its creation, then its own.
    fields: Fields,
    handles: usize,
}

/// The subscriber: a table of live spans and, per thread, the spans entered.
#[derive(Default)]
struct Bridge {
    spans: Mutex<HashMap<u64, SpanData>>,
    next_id: AtomicU64,
}

thread_local! {
    /// The spans this thread is inside, innermost last.
    static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// The innermost span this thread is inside.
fn current() -> Option<u64> {
    ENTERED
        .try_with(|stack| stack.borrow().last().copied())
        .ok()
        .flatten()
}

impl Bridge {
    fn spans(&self) -> MutexGuard<'_, HashMap<u64, SpanData>> {
        self.spans.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The name and fields of a live span.
    fn context(&self, id: u64) -> Option<(&'static str, Fields)> {
        self.spans()
            .get(&id)
            .map(|span| (span.metadata.name(), span.fields.clone()))
    }
}

impl Subscriber for Bridge {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if is_ours(metadata.target()) {
            // Asked again each time, since the Python level can change.
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        is_ours(metadata.target()) && wanted(metadata.level())
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut collect = Collect::default();
        attrs.record(&mut collect);
        let parent = if attrs.is_contextual() {
            current()
        } else {
            attrs.parent().map(Id::into_u64)
        };
        let mut fields = parent
            .and_then(|id| self.context(id))
            .map(|(_, fields)| fields)
            .unwrap_or_default();
        for (name, value) in collect.fields.0 {
            fields.set(name, value);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let span = SpanData {
            metadata: attrs.metadata(),
            fields,
            handles: 1,
        };
        self.spans().insert(id, span);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut collect = Collect::default();
        values.record(&mut collect);
        if let Some(data) = self.spans().get_mut(&span.into_u64()) {
            for (name, value) in collect.fields.0 {
                data.fields.set(name, value);
            }
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        if !wanted(metadata.level()) {
            return;
        }
        let mut collect = Collect::default();
        event.record(&mut collect);
        let parent = if event.is_contextual() {
            current()
        } else {
            event.parent().map(Id::into_u64)
        };
        let (span, span_fields) = match parent.and_then(|id| self.context(id)) {
            Some((name, fields)) => (Some(name), fields),
            None => (None, Fields::default()),
        };
        deliver(&Delivery {
            metadata,
            message: collect.message,
            fields: collect.fields,
            span,
            span_fields,
        });
    }

    fn enter(&self, span: &Id) {
        let _ = ENTERED.try_with(|stack| stack.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, span: &Id) {
        let id = span.into_u64();
        let _ = ENTERED.try_with(|stack| {
            let mut stack = stack.borrow_mut();
            if let Some(at) = stack.iter().rposition(|entered| *entered == id) {
                stack.remove(at);
            }
        });
    }

    fn clone_span(&self, id: &Id) -> Id {
        if let Some(data) = self.spans().get_mut(&id.into_u64()) {
            data.handles += 1;
        }
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        let closed = {
            let mut spans = self.spans();
            let key = id.into_u64();
            match spans.get_mut(&key) {
                Some(data) if data.handles > 1 => {
                    data.handles -= 1;
                    None
                }
                Some(_) => spans.remove(&key),
                None => None,
            }
        };
        // The table's lock is released before Python runs.
        let Some(span) = closed else {
            return false;
        };
        if wanted(span.metadata.level()) {
            deliver(&Delivery {
                metadata: span.metadata,
                message: None,
                fields: Fields::default(),
                span: Some(span.metadata.name()),
                span_fields: span.fields,
            });
        }
        true
    }
}

/// One record on its way to `_emit`.
struct Delivery<'a> {
    metadata: &'a Metadata<'a>,
    /// An event's message; None for a closing span.
    message: Option<String>,
    /// An event's own fields.
    fields: Fields,
    /// The closing span, or the span the event happened in.
    span: Option<&'static str>,
    span_fields: Fields,
}

/// Calls `_emit(level, target, file, line, message, fields, span, span_fields)` with the GIL.
fn deliver(record: &Delivery<'_>) {
    let Some(sink) = SINK.get() else {
        return;
    };
    let _ = Python::try_attach(|py| {
        let call = || -> PyResult<()> {
            let meta = record.metadata;
            let args = (
                python_level(meta.level()),
                meta.target(),
                meta.file(),
                meta.line(),
                record.message.as_deref(),
                record.fields.to_dict(py)?,
                record.span,
                record.span_fields.to_dict(py)?,
            );
            sink.call1(py, args)?;
            Ok(())
        };
        if let Err(error) = call() {
            if error.is_instance_of::<PyKeyboardInterrupt>(py) {
                // SAFETY: PyErr_SetInterrupt only flags SIGINT as pending; it may be called
                // from any thread and needs nothing but an initialised interpreter.
                unsafe { pyo3::ffi::PyErr_SetInterrupt() };
            } else {
                // `_emit` catches every Exception itself; this is a BaseException (say,
                // SystemExit from a signal handler) that cannot be raised from here.
                error.write_unraisable(py, None);
            }
        }
    });
}
