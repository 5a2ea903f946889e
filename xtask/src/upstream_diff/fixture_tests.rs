//! End-to-end tests on the fixture documents in `xtask/tests/fixtures/upstream/`.
//!
//! Cargo runs tests from the package directory, so fixture paths are relative to `xtask/`
//! and appear that way in the rendered report.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};

use super::compare::Change;
use super::document::{self, Syntax};
use super::{Classified, Options, Report, UpstreamDiffError, accepted, compare_documents};
use super::{compare_files, default_accepted_file, render};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from("tests/fixtures/upstream").join(name)
}

fn options(upstream: &str, ours: &str, accepted: Option<&str>) -> Options {
    Options {
        upstream: fixture(upstream),
        ours: fixture(ours),
        accepted: accepted.map_or_else(default_accepted_file, fixture),
        accepted_named: true,
        json: false,
    }
}

/// One difference on one line: `operation | section | field | facet | change`.
fn line(item: &Classified) -> String {
    let d = &item.difference;
    let change = match &d.change {
        Change::OnlyOurs => "only ours".to_string(),
        Change::OnlyUpstream => "only upstream".to_string(),
        Change::Changed { ours, upstream } => {
            let shown = |v: &Option<Value>| v.as_ref().map_or("-".into(), Value::to_string);
            format!("ours {}, upstream {}", shown(ours), shown(upstream))
        }
    };
    [
        Some(d.operation.as_str()),
        Some(d.section.as_deref().unwrap_or("-")),
        Some(d.field.as_deref().unwrap_or("-")),
        Some(d.facet.as_deref().unwrap_or("-")),
        Some(change.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" | ")
}

fn lines(report: &Report) -> Vec<String> {
    report.differences.iter().map(line).collect()
}

/// What the 3.1 slice differs in from our (frozen) 3.0 spec: exactly the differences the
/// project keeps on purpose.
const SLICE_DIFFERENCES: &[&str] = &[
    "autogroup-workspace | parameter header idempotency-key | - | - | only ours",
    "autogroup-workspace | request body | after_created_at | format | ours \"int64\", upstream -",
    "autogroup-workspace | request body | after_created_at | type | ours \"integer\", upstream \"number\"",
    "autogroup-workspace | response 400 | - | - | only ours",
    "autogroup-workspace | response 429 | - | - | only ours",
    "autogroup-workspace | response 5XX | - | - | only ours",
    "create-workspace | parameter header idempotency-key | - | - | only ours",
    "create-workspace | request body | auto_group | default | ours -, upstream true",
    "create-workspace | request body | domain | nullable | ours true, upstream false",
    "create-workspace | request body | domain | required | ours false, upstream true",
    "create-workspace | response 200 | data.domain | nullable | ours true, upstream false",
    "create-workspace | response 200 | data.policy_id | nullable | ours true, upstream false",
    "create-workspace | response 200 | data.rule_ids | nullable | ours true, upstream false",
    "create-workspace | response 429 | - | - | only ours",
    "create-workspace | response 5XX | - | - | only ours",
    "delete-workspace | response 429 | - | - | only ours",
    "delete-workspace | response 5XX | - | - | only ours",
    "get-all-workspaces | parameter query limit | - | - | only ours",
    "get-all-workspaces | parameter query page_token | - | - | only ours",
    "get-all-workspaces | response 200 | data[].domain | nullable | ours true, upstream false",
    "get-all-workspaces | response 200 | data[].policy_id | nullable | ours true, upstream false",
    "get-all-workspaces | response 200 | data[].rule_ids | nullable | ours true, upstream false",
    "get-all-workspaces | response 200 | next_cursor | - | only ours",
    "get-all-workspaces | response 400 | - | - | only ours",
    "get-all-workspaces | response 429 | - | - | only ours",
    "get-all-workspaces | response 5XX | - | - | only ours",
    "get-workspace | response 200 | data.domain | nullable | ours true, upstream false",
    "get-workspace | response 200 | data.policy_id | nullable | ours true, upstream false",
    "get-workspace | response 200 | data.rule_ids | nullable | ours true, upstream false",
    "get-workspace | response 429 | - | - | only ours",
    "get-workspace | response 5XX | - | - | only ours",
    "manually-assign-workspace | response 200 | data.domain | nullable | ours true, upstream false",
    "manually-assign-workspace | response 200 | data.grants_assigned | nullable | ours true, upstream false",
    "manually-assign-workspace | response 200 | data.grants_removed | nullable | ours true, upstream false",
    "manually-assign-workspace | response 400 | - | - | only ours",
    "manually-assign-workspace | response 429 | - | - | only ours",
    "manually-assign-workspace | response 5XX | - | - | only ours",
    "update-workspace | response 200 | data.domain | nullable | ours true, upstream false",
    "update-workspace | response 200 | data.policy_id | nullable | ours true, upstream false",
    "update-workspace | response 200 | data.rule_ids | nullable | ours true, upstream false",
    "update-workspace | response 429 | - | - | only ours",
    "update-workspace | response 5XX | - | - | only ours",
];

#[test]
fn the_3_1_slice_differs_from_our_spec_in_exactly_the_known_ways() {
    let report = compare_files(&options(
        "upstream-slice.yaml",
        "ours-baseline.json",
        Some("accept-nothing.json"),
    ))
    .unwrap();
    assert_eq!(lines(&report), SLICE_DIFFERENCES);
    assert_eq!(report.upstream.operations, 7, "other tags are not read");
    assert!(!report.nothing_to_review());
}

/// The slice mirrors upstream as published when `openapi/upstream-accepted.json` was
/// written. The allow file may gain entries for differences the slice does not model, so
/// unused entries are fine here; but when an entry is removed because upstream caught up,
/// the slice has to catch up the same way.
#[test]
fn the_project_allow_file_accepts_every_known_difference() {
    let report =
        compare_files(&options("upstream-slice.yaml", "ours-baseline.json", None)).unwrap();
    assert_eq!(lines(&report), SLICE_DIFFERENCES);
    let unaccepted: Vec<String> = report
        .differences
        .iter()
        .filter(|d| d.accepted.is_none())
        .map(line)
        .collect();
    assert_eq!(unaccepted, Vec::<String>::new());
    assert!(report.nothing_to_review());
}

#[test]
fn our_spec_compared_with_itself_is_identical() {
    let ours = super::paths::spec();
    let report = compare_files(&Options {
        upstream: ours.clone(),
        ours,
        accepted: fixture("accept-nothing.json"),
        accepted_named: true,
        json: false,
    })
    .unwrap();
    assert_eq!(lines(&report), Vec::<String>::new());
    assert!(report.ours.operations >= 7);
}

const CHANGES_TEXT: &str = "\
Comparing the operations of tests/fixtures/upstream/changes-ours.yaml (ours, OpenAPI 3.0.3, 4 operations) with those of the same id and those tagged `Workspaces` in tests/fixtures/upstream/changes-upstream.yaml (upstream, OpenAPI 3.1.0, 4 operations).

+ archive-thing (POST /v3/things/{thing_id}/archive): only in upstream

create-thing (POST /v3/things)
  ~ request body / color / default: ours \"red\", upstream \"blue\"
  ~ request body / name / required: ours true, upstream false
  + request body / owner: only in upstream
  - request body / size_hint: only in ours

- delete-thing (DELETE /v3/things/{id}): only in ours

list-things (GET /v3/things)
  ~ parameter header x-mode / required: ours false, upstream true
  ~ parameter query limit / maximum: ours 100, upstream 200
  - parameter query q: only in ours
  + parameter query sort: only in upstream
  ~ response 200 / data[].created / format: ours \"date-time\", upstream \"date\"
  + response 200 / data[].extra: only in upstream
  ~ response 200 / data[].kind / enum: ours [\"a\",\"b\"], upstream [\"a\",\"b\",\"c\"]
  ~ response 200 / data[].label / maxLength: ours 64, upstream 128
  ~ response 200 / data[].label / minLength: ours (not set), upstream 1
  - response 200 / data[].legacy: only in ours
  ~ response 200 / data[].note / nullable: ours true, upstream false
  ~ response 200 / data[].size / type: ours \"integer\", upstream \"string\"
  + response 404: only in upstream
  - response 500: only in ours

20 difference(s): 0 accepted (reasons in tests/fixtures/upstream/accept-nothing.json), 20 to review.
";

#[test]
fn every_kind_of_change_is_reported_once_and_nothing_else() {
    let report = compare_files(&options(
        "changes-upstream.yaml",
        "changes-ours.yaml",
        Some("accept-nothing.json"),
    ))
    .unwrap();
    // Descriptions, examples, header-name case, `const` vs one-value `enum`, numeric vs
    // flag `exclusiveMinimum`, `1.0` vs `1`, enum order and the name of a path placeholder
    // (`{id}` vs `{thing_id}`: it never reaches the wire) are not differences.
    assert_eq!(render::text(&report), CHANGES_TEXT);
}

#[test]
fn json_output_carries_values_reasons_and_counts() {
    let entries = accepted::parse(
        r#"{"accepted": [
            {"operation": "list-things", "section": "response 500", "reason": "ours only"},
            {"operation": "list-things", "section": "response 999", "reason": "stale"}
        ]}"#,
    )
    .unwrap();
    let upstream = document::load(&fixture("changes-upstream.yaml")).unwrap();
    let ours = document::load(&fixture("changes-ours.yaml")).unwrap();
    let report = compare_documents(&upstream, &ours, &entries, "inline").unwrap();
    let out = render::json(&report);
    assert_eq!(
        out["summary"],
        json!({"differences": 20, "accepted": 1, "to_review": 19})
    );
    let kind = out["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == "data[].kind")
        .unwrap();
    assert_eq!(
        kind,
        &json!({
            "operation": "list-things", "endpoint": "GET /v3/things",
            "section": "response 200", "field": "data[].kind", "facet": "enum",
            "change": "changed", "ours": ["a", "b"], "upstream": ["a", "b", "c"],
            "accepted": null,
        })
    );
    let accepted = out["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["section"] == "response 500")
        .unwrap();
    assert_eq!(accepted["accepted"], "ours only");
    assert_eq!(accepted["change"], "only_ours");
    assert_eq!(
        out["unused_accepted"],
        json!([{"operation": "list-things", "section": "response 999", "field": null,
                "facet": null, "reason": "stale"}])
    );
}

fn upstream_error(name: &str) -> UpstreamDiffError {
    compare_files(&options(
        name,
        "ours-baseline.json",
        Some("accept-nothing.json"),
    ))
    .unwrap_err()
}

#[test]
fn a_broken_reference_is_a_clear_error() {
    let err = upstream_error("broken-ref.yaml");
    assert!(
        matches!(&err, UpstreamDiffError::BrokenRef { reference, .. }
            if reference == "#/components/schemas/Workspcae"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "tests/fixtures/upstream/broken-ref.yaml: $ref `#/components/schemas/Workspcae` \
         (get-all-workspaces, response 200, field `data[]`) points at nothing in the document"
    );
}

#[test]
fn a_reference_cycle_is_a_clear_error() {
    let err = upstream_error("ref-cycle.yaml");
    assert_eq!(
        err.to_string(),
        "tests/fixtures/upstream/ref-cycle.yaml: $ref cycle (create-workspace, request body): \
         #/components/schemas/CreateRequest -> #/components/schemas/WorkspaceFields -> \
         #/components/schemas/CreateRequest never reaches a definition"
    );
}

#[test]
fn a_document_without_paths_is_a_clear_error() {
    let err = upstream_error("missing-paths.yaml");
    assert_eq!(
        err,
        UpstreamDiffError::MissingPaths {
            document: "tests/fixtures/upstream/missing-paths.yaml".into()
        }
    );
}

#[test]
fn invalid_yaml_and_missing_files_are_clear_errors() {
    let err = upstream_error("bad-syntax.yaml");
    assert!(
        err.to_string()
            .starts_with("tests/fixtures/upstream/bad-syntax.yaml is not valid YAML: "),
        "{err}"
    );
    let err = upstream_error("no-such-file.yaml");
    assert!(matches!(err, UpstreamDiffError::Read { .. }), "{err:?}");
}

/// Builds a document the size of Nylas's unified one and larger: the slice's seven
/// Workspaces operations, `extra_tagged` more Workspaces operations that reach shared
/// schemas, and `other` operations of another tag.
fn large_document(extra_tagged: usize, other: usize) -> Value {
    let text = std::fs::read_to_string(fixture("upstream-slice.yaml")).unwrap();
    let mut root = document::parse("slice", &text, Syntax::Yaml).unwrap().root;
    let paths = root["paths"].as_object_mut().unwrap();
    for i in 0..extra_tagged {
        paths.insert(
            format!("/v3/workspaces/{{workspace_id}}/extra-{i}"),
            json!({
                "parameters": [{"$ref": "#/components/parameters/WorkspaceId"}],
                "put": {
                    "operationId": format!("extra-{i}"),
                    "tags": ["Workspaces"],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {
                            "workspace": {"$ref": "#/components/schemas/Workspace"},
                            "limit": {"type": ["integer", "null"], "maximum": i},
                        }
                    }}}},
                    "responses": {
                        "200": {"$ref": "#/components/responses/OneWorkspace"},
                        "404": {"$ref": "#/components/responses/NotFound"},
                    }
                }
            }),
        );
    }
    for i in 0..other {
        paths.insert(
            format!("/v3/other/{i}"),
            json!({"get": {
                "operationId": format!("other-{i}"),
                "tags": ["Other"],
                "responses": {"200": {"description": "x", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Workspace"}}
                    }}
                }}}}
            }}),
        );
    }
    root
}

#[test]
fn a_document_with_thousands_of_operations_gives_the_exact_diff() {
    let (extra, other) = (2_000, 3_000);
    let yaml = serde_yaml_ng::to_string(&large_document(extra, other)).unwrap();
    let ours_text = std::fs::read_to_string(fixture("ours-baseline.json")).unwrap();
    let entries = accepted::load(&default_accepted_file(), true).unwrap();

    let started = Instant::now();
    let upstream = document::parse("large.yaml", &yaml, Syntax::Yaml).unwrap();
    let ours = document::parse("ours.json", &ours_text, Syntax::Json).unwrap();
    let parsed = started.elapsed();
    let report = compare_documents(&upstream, &ours, &entries, "allow").unwrap();
    // Shown with --nocapture; the time is reported, never asserted.
    eprintln!(
        "large document: {} bytes of YAML, {} operations: parsed in {parsed:?}, \
         compared in {:?}",
        yaml.len(),
        7 + extra + other,
        started.elapsed() - parsed
    );

    assert_eq!(report.upstream.operations, 7 + extra);
    let mut expected: Vec<String> = SLICE_DIFFERENCES.iter().map(|s| s.to_string()).collect();
    expected.extend((0..extra).map(|i| format!("extra-{i} | - | - | - | only upstream")));
    expected.sort();
    let mut got = lines(&report);
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(report.accepted_count(), SLICE_DIFFERENCES.len());
}
