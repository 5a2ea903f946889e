//! Every attempt is a span carrying operation, attempt number, status, request id and duration.
//! A tiny in-test subscriber records spans, so no subscriber crate is needed.

mod common;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use common::*;
use httpmock::HttpMockResponse;
use httpmock::prelude::*;
use nylas_workspaces::CreateWorkspace;
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

type Fields = BTreeMap<String, String>;

#[derive(Default)]
struct Capture {
    spans: Mutex<Vec<(String, Fields)>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push((attrs.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let (_, fields) = &mut spans[id.into_u64() as usize - 1];
        values.record(&mut Collect(fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        let shown = format!("{fields:?}");
        assert!(!shown.contains(KEY), "an event leaked the key: {shown}");
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[derive(Clone)]
struct Shared(Arc<Capture>);

impl Subscriber for Shared {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        self.0.enabled(m)
    }
    fn new_span(&self, a: &Attributes<'_>) -> Id {
        self.0.new_span(a)
    }
    fn record(&self, id: &Id, v: &Record<'_>) {
        self.0.record(id, v)
    }
    fn record_follows_from(&self, a: &Id, b: &Id) {
        self.0.record_follows_from(a, b)
    }
    fn event(&self, e: &Event<'_>) {
        self.0.event(e)
    }
    fn enter(&self, id: &Id) {
        self.0.enter(id)
    }
    fn exit(&self, id: &Id) {
        self.0.exit(id)
    }
}

#[test]
fn each_attempt_is_a_span_with_its_outcome() {
    let server = MockServer::start();
    let (_mock, _) = scripted(
        &server,
        vec![
            HttpMockResponse::builder()
                .status(503)
                .header("x-request-id", "req-first")
                .body("")
                .build(),
            json_response(
                200,
                &json!({"request_id": "req-second", "data": workspace("w")}),
            ),
        ],
    );
    let capture = Arc::new(Capture::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(Shared(Arc::clone(&capture)), || {
        runtime.block_on(async {
            client(&server)
                .create_workspace(CreateWorkspace::new("Sales"))
                .await
                .unwrap();
        });
    });

    let spans = capture.spans.lock().unwrap();
    let attempts: Vec<&Fields> = spans
        .iter()
        .filter(|(name, _)| name == "nylas_workspaces.attempt")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(attempts.len(), 2, "{spans:?}");
    for (i, (fields, (status, request_id))) in attempts
        .iter()
        .zip([("503", "req-first"), ("200", "req-second")])
        .enumerate()
    {
        assert_eq!(fields["operation"], "create_workspace");
        assert_eq!(fields["method"], "POST");
        assert_eq!(fields["attempt"], (i + 1).to_string());
        assert_eq!(fields["status"], status);
        assert_eq!(fields["request_id"], request_id);
        assert!(fields.contains_key("duration_ms"));
        assert!(!format!("{fields:?}").contains(KEY));
    }
}
