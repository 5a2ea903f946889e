//! The published document itself: Nylas's OpenAPI document as the project keeps it in
//! `../shared/reference/` (beside the repository) gives zero differences to review against
//! our spec and the allow file, and deliberately broken copies of it still do.
//!
//! The document is large, so it is parsed once and every broken copy is made in memory.
//! When the file is absent (a clone without `../shared`) the tests say so and pass without
//! checking; `NYLAS_UPSTREAM_OPENAPI` names another copy.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{Value, json};

use super::document::{self, Document};
use super::{Report, accepted, compare_documents, default_accepted_file};
use crate::paths;

const FILE: &str = "nylas-openapi-2026-08-21.yml";

fn published_path() -> PathBuf {
    match std::env::var_os("NYLAS_UPSTREAM_OPENAPI") {
        Some(path) => PathBuf::from(path),
        None => paths::root().join("../shared/reference").join(FILE),
    }
}

/// The parsed published document, or `None` when it is not there.
fn published() -> Option<&'static Document> {
    static DOC: OnceLock<Option<Document>> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = published_path();
        if !path.exists() {
            eprintln!("skipped: {} is absent", path.display());
            return None;
        }
        Some(document::load(&path).expect("the published document parses"))
    })
    .as_ref()
}

fn ours() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| document::load(&paths::spec()).unwrap())
}

fn report(upstream: &Document) -> Report {
    let entries = accepted::load(&default_accepted_file(), true).unwrap();
    compare_documents(upstream, ours(), &entries, "openapi/upstream-accepted.json").unwrap()
}

/// `operation | section | field | facet` of every difference left to review.
fn to_review(report: &Report) -> Vec<String> {
    report
        .differences
        .iter()
        .filter(|d| d.accepted.is_none())
        .map(|d| {
            let d = &d.difference;
            [
                Some(d.operation.as_str()),
                d.section.as_deref(),
                d.field.as_deref(),
                d.facet.as_deref(),
            ]
            .into_iter()
            .map(|part| part.unwrap_or("-"))
            .collect::<Vec<_>>()
            .join(" | ")
        })
        .collect()
}

#[test]
fn the_published_document_gives_zero_differences_to_review() {
    let Some(upstream) = published() else { return };
    let report = report(upstream);
    assert_eq!(to_review(&report), Vec::<String>::new());
    assert!(report.nothing_to_review());
    assert_eq!(
        report.upstream.operations, report.ours.operations,
        "upstream lacks one of our operations, or has a new workspace operation"
    );
    assert!(
        report.unused_accepted.is_empty(),
        "allow-file entries that match nothing: {:?}",
        report.unused_accepted
    );
    assert!(
        report.accepted_count() > 100,
        "the classes do accept the noise"
    );
}

/// Follows a JSON pointer into `doc` for changing it, panicking with the pointer when the
/// published document no longer has that place (the test must then be updated).
fn at<'a>(doc: &'a mut Document, pointer: &str) -> &'a mut Value {
    doc.root
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the published document has no {pointer}"))
}

#[test]
fn real_upstream_changes_to_a_copy_still_show() {
    let Some(upstream) = published() else { return };
    let mut changed = upstream.clone();
    // A field changes type (reached by both grant operations).
    *at(
        &mut changed,
        "/components/schemas/GrantObject/properties/workspace_id",
    ) = json!({"type": "integer"});
    // An operation we use disappears.
    at(&mut changed, "/paths/~1v3~1policies")
        .as_object_mut()
        .unwrap()
        .remove("get");
    // A workspace response gains a field, and a limit we state changes upstream.
    at(
        &mut changed,
        "/components/schemas/WorkspaceObject/properties",
    )
    .as_object_mut()
    .unwrap()
    .insert("region".into(), json!({"type": "string"}));
    *at(&mut changed, "/components/parameters/limit/schema/maximum") = json!(100);
    // A new enum value in a request parameter.
    let status = at(&mut changed, "/paths/~1v3~1grants/get/parameters")
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|p| p["name"] == "grant_status")
        .expect("grant_status parameter");
    status["schema"]["enum"] = json!(["invalid", "valid", "revoked"]);

    let review = to_review(&report(&changed));
    let expected = [
        "get-all-grants | parameter query grant_status | - | enum",
        "get-all-grants | response 200 | data[].workspace_id | type",
        "get-all-workspaces | response 200 | data[].region | -",
        "get_grant_by_id | response 200 | data.workspace_id | type",
        "list-policies | - | - | -",
        "list-rules | parameter query limit | - | maximum",
    ];
    for line in expected {
        assert!(
            review.contains(&line.to_string()),
            "{line} not shown in {review:#?}"
        );
    }
    assert!(
        review
            .iter()
            .any(|l| l.starts_with("get-workspace | response 200 | data.region")),
        "{review:#?}"
    );
}
