//! Micro-benchmarks of the client's own CPU work per call, without any network: building a
//! request (checking the documented rules, encoding the path or the JSON body) and decoding an
//! answer into the model types. `cargo bench -p nylas-workspaces --bench codec`.
//!
//! These tell whether the SDK's bookkeeping is small next to an HTTP round trip (tens of
//! microseconds on loopback); `cargo xtask bench` measures whole calls against the emulator.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use nylas_workspaces::bench_support as hooks;
use nylas_workspaces::{CreateWorkspace, ManualAssign};

/// A workspace as the API returns it, every field present.
const WORKSPACE: &str = r#"{"workspace_id":"9a0e5c4e-6f0b-4bd6-9f0c-1d1f4f7b2a10","application_id":"2b6d3d58-8c7f-4a3a-9d2e-8f1f4b3c2a11","name":"Sales","domain":"sales.example.com","auto_group":false,"default":false,"policy_id":"policy-1","rule_ids":["rule-1","rule-2"],"created_at":1725273600,"updated_at":1725277200}"#;

/// The `{request_id, data}` envelope around `data`.
fn envelope(data: &str) -> String {
    format!(r#"{{"request_id":"5fa64c92-e840-4357-86b9-2aa364d35b88","data":{data}}}"#)
}

fn request_building(c: &mut Criterion) {
    let mut group = c.benchmark_group("request");
    group.bench_function("get_path", |b| {
        b.iter(|| hooks::get_path(black_box("9a0e5c4e-6f0b-4bd6-9f0c-1d1f4f7b2a10")))
    });
    let create = CreateWorkspace::new("Sales")
        .domain("sales.example.com")
        .auto_group(false)
        .policy_id("policy-1")
        .rule_ids(["rule-1", "rule-2"]);
    group.bench_function("create_body", |b| {
        b.iter(|| hooks::create_body(black_box(&create)))
    });
    let ids: Vec<String> = (0..500).map(|i| format!("grant-{i:06}")).collect();
    group.throughput(Throughput::Elements(ids.len() as u64));
    group.bench_function("manual_assign_ids_500", |b| {
        b.iter_batched(
            || ManualAssign::new().assign(ids.iter().cloned()),
            |request| hooks::manual_assign_ids(black_box(&request)),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn response_decoding(c: &mut Criterion) {
    let mut group = c.benchmark_group("response");
    let single = envelope(WORKSPACE);
    group.bench_function("workspace", |b| {
        b.iter(|| hooks::decode_workspace(black_box(single.as_bytes())))
    });
    let page = envelope(&format!("[{}]", vec![WORKSPACE; 50].join(",")));
    group.throughput(Throughput::Elements(50));
    group.bench_function("workspace_page_50", |b| {
        b.iter(|| hooks::decode_workspace_page(black_box(page.as_bytes())))
    });
    group.finish();
}

criterion_group!(benches, request_building, response_decoding);
criterion_main!(benches);
