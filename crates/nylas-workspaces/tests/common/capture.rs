//! A tiny `tracing` subscriber that records every span and event with its fields, so tests
//! can check what the crate reports (and that the key is in none of it) without a
//! subscriber crate.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

pub type Fields = BTreeMap<String, String>;

/// An event as recorded: its level, its fields (`message` among them) and the name of the
/// span it happened in, if any.
#[derive(Debug, Clone)]
pub struct Seen {
    pub level: Level,
    pub fields: Fields,
    pub span: Option<String>,
}

impl Seen {
    pub fn message(&self) -> &str {
        self.fields.get("message").map_or("", String::as_str)
    }
}

#[derive(Default)]
struct Inner {
    spans: Vec<(String, Fields)>,
    events: Vec<Seen>,
    /// The spans entered on this (single) thread, innermost last.
    stack: Vec<u64>,
}

/// Records everything; clones share one record.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Inner>>);

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Capture {
    /// Runs `body` on a current-thread runtime with this subscriber as the default.
    pub fn run<F: std::future::Future>(&self, body: F) -> F::Output {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        tracing::subscriber::with_default(self.clone(), || runtime.block_on(body))
    }

    pub fn spans(&self) -> Vec<(String, Fields)> {
        self.0.lock().unwrap().spans.clone()
    }

    pub fn events(&self) -> Vec<Seen> {
        self.0.lock().unwrap().events.clone()
    }

    /// The events whose message starts with `prefix`.
    pub fn events_named(&self, prefix: &str) -> Vec<Seen> {
        self.events()
            .into_iter()
            .filter(|e| e.message().starts_with(prefix))
            .collect()
    }

    /// Everything recorded, as one text (every field's `Debug` included), for leak checks.
    pub fn everything(&self) -> String {
        let inner = self.0.lock().unwrap();
        format!("{:?}{:?}", inner.spans, inner.events)
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        let mut inner = self.0.lock().unwrap();
        inner
            .spans
            .push((attrs.metadata().name().to_owned(), fields));
        Id::from_u64(inner.spans.len() as u64)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut inner = self.0.lock().unwrap();
        let (_, fields) = &mut inner.spans[id.into_u64() as usize - 1];
        values.record(&mut Collect(fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        let mut inner = self.0.lock().unwrap();
        let span = inner
            .stack
            .last()
            .map(|id| inner.spans[*id as usize - 1].0.clone());
        inner.events.push(Seen {
            level: *event.metadata().level(),
            fields,
            span,
        });
    }
    fn enter(&self, id: &Id) {
        self.0.lock().unwrap().stack.push(id.into_u64());
    }
    fn exit(&self, id: &Id) {
        let mut inner = self.0.lock().unwrap();
        if let Some(at) = inner
            .stack
            .iter()
            .rposition(|entered| *entered == id.into_u64())
        {
            inner.stack.remove(at);
        }
    }
}
