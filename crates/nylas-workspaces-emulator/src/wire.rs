//! Rendering the emulator's records as response bodies.
//!
//! Every body is built from the generated wire types, so the emulator and the client share
//! one definition of each field. The generated types skip `None` fields when they serialize,
//! while Nylas sends some of them as an explicit `null` (a workspace without a domain, a
//! manual assignment that matched nothing); those `null`s are put back here so clients are
//! tested against what the real API sends.

use nylas_workspaces_api::types;
use serde_json::{Value, json};

use crate::model::WorkspaceRecord;
use crate::state::Assignment;

pub(crate) fn workspace(record: &WorkspaceRecord, application_id: &str) -> types::Workspace {
    types::Workspace {
        workspace_id: Some(record.id.clone()),
        application_id: Some(application_id.to_owned()),
        name: Some(record.name.clone()),
        domain: record.domain.clone(),
        auto_group: Some(record.auto_group),
        default: Some(record.is_default),
        policy_id: record.policy_id.clone(),
        rule_ids: Some(record.rule_ids.clone()),
        created_at: Some(record.created_at),
        updated_at: Some(record.updated_at),
    }
}

/// A workspace as JSON, with `domain` and `policy_id` present (as `null`) when unset.
pub(crate) fn workspace_json(record: &WorkspaceRecord, application_id: &str) -> Value {
    let mut value = to_value(&workspace(record, application_id));
    put_null_if_absent(&mut value, &["domain", "policy_id"]);
    value
}

pub(crate) fn workspace_body(request_id: &str, data: Value) -> Value {
    let typed = types::WorkspaceResponse {
        request_id: Some(request_id.to_owned()),
        data: None,
    };
    with_data(to_value(&typed), data)
}

pub(crate) fn list_body(request_id: &str, data: Vec<Value>, next_cursor: Option<String>) -> Value {
    let typed = types::WorkspaceListResponse {
        request_id: Some(request_id.to_owned()),
        data: Vec::new(),
        next_cursor,
    };
    // `data` is always sent, even when empty (the generated type would drop `[]`).
    with_data(to_value(&typed), Value::Array(data))
}

pub(crate) fn delete_body(request_id: &str) -> Value {
    to_value(&types::DeleteWorkspaceResponse {
        request_id: Some(request_id.to_owned()),
    })
}

pub(crate) fn auto_group_body(request_id: &str, job: types::AutoGroupJob) -> Value {
    to_value(&types::AutoGroupResponse {
        request_id: Some(request_id.to_owned()),
        data: Some(job),
    })
}

pub(crate) fn manual_assign_body(
    request_id: &str,
    application_id: &str,
    assignment: Assignment,
) -> Value {
    let non_empty = |ids: Vec<String>| (!ids.is_empty()).then_some(ids);
    let result = types::ManualAssignResult {
        application_id: Some(application_id.to_owned()),
        workspace_id: Some(assignment.workspace_id),
        domain: Some(assignment.domain.unwrap_or_default()),
        grants_assigned: non_empty(assignment.assigned),
        grants_removed: non_empty(assignment.removed),
    };
    let mut data = to_value(&result);
    put_null_if_absent(&mut data, &["grants_assigned", "grants_removed"]);
    let typed = types::ManualAssignResponse {
        request_id: Some(request_id.to_owned()),
        data: None,
    };
    with_data(to_value(&typed), data)
}

pub(crate) fn error_body(request_id: &str, error: &crate::api_error::ApiError) -> Value {
    to_value(&error.envelope(request_id))
}

fn to_value<T: serde::Serialize>(typed: &T) -> Value {
    // The generated types hold only strings, numbers, booleans and maps with string keys,
    // which always serialize.
    serde_json::to_value(typed).unwrap_or_else(|_| json!({}))
}

fn with_data(mut envelope: Value, data: Value) -> Value {
    if let Value::Object(map) = &mut envelope {
        map.insert("data".to_owned(), data);
    }
    envelope
}

fn put_null_if_absent(value: &mut Value, keys: &[&str]) {
    if let Value::Object(map) = value {
        for key in keys {
            map.entry(*key).or_insert(Value::Null);
        }
    }
}
