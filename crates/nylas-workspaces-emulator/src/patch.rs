//! Reading a PATCH body with its three states per field.
//!
//! serde maps both an absent key and `null` to `None` when it deserializes an
//! `Option<Option<T>>`, so the generated `UpdateWorkspaceRequest` alone cannot tell "keep"
//! from "detach". The body is therefore read as a JSON object first, to learn which keys are
//! present and which are `null`, and only then decoded into the generated type for the values.

use nylas_workspaces_api::types;
use serde_json::{Map, Value};

use crate::api_error::ApiError;

/// What a PATCH asks to change. For `policy_id` and `rule_ids`: `None` keeps the value,
/// `Some(None)` detaches, `Some(Some(v))` sets.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct WorkspacePatch {
    pub(crate) name: Option<String>,
    pub(crate) auto_group: Option<bool>,
    pub(crate) policy_id: Option<Option<String>>,
    pub(crate) rule_ids: Option<Option<Vec<String>>>,
}

impl WorkspacePatch {
    /// Parses a PATCH body. Unknown keys are ignored, as Nylas does.
    pub(crate) fn from_body(body: &[u8]) -> Result<Self, ApiError> {
        let object: Map<String, Value> = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_payload(format!("the body must be a JSON object: {e}")))?;
        if object.contains_key("domain") {
            return Err(ApiError::bad_request(
                "a workspace's domain cannot be changed after it is created",
            ));
        }
        for key in ["name", "auto_group"] {
            if object.get(key).is_some_and(Value::is_null) {
                return Err(ApiError::bad_payload(format!("{key} cannot be null")));
            }
        }
        let policy_is_null = object.get("policy_id").is_some_and(Value::is_null);
        let rules_are_null = object.get("rule_ids").is_some_and(Value::is_null);
        let typed: types::UpdateWorkspaceRequest = serde_json::from_value(Value::Object(object))
            .map_err(|e| ApiError::bad_payload(format!("invalid update body: {e}")))?;
        Ok(Self {
            name: typed.name.map(String::from),
            auto_group: typed.auto_group,
            policy_id: if policy_is_null {
                Some(None)
            } else {
                typed.policy_id
            },
            rule_ids: if rules_are_null {
                Some(None)
            } else {
                typed.rule_ids
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<WorkspacePatch, ApiError> {
        WorkspacePatch::from_body(body.as_bytes())
    }

    #[test]
    fn absent_null_and_value_are_three_different_things() {
        assert_eq!(parse("{}").unwrap(), WorkspacePatch::default());
        let detach = parse(r#"{"policy_id":null,"rule_ids":null}"#).unwrap();
        assert_eq!(detach.policy_id, Some(None));
        assert_eq!(detach.rule_ids, Some(None));
        let set = parse(r#"{"policy_id":"p","rule_ids":[]}"#).unwrap();
        assert_eq!(set.policy_id, Some(Some("p".into())));
        assert_eq!(set.rule_ids, Some(Some(vec![])));
    }

    #[test]
    fn domain_is_refused_even_when_null() {
        for body in [r#"{"domain":"x.com"}"#, r#"{"domain":null}"#] {
            let err = parse(body).unwrap_err();
            assert_eq!(err.status, 400);
            assert!(err.message.contains("domain"), "{}", err.message);
        }
    }

    #[test]
    fn wrong_shapes_are_400s() {
        for body in [
            "",
            "[]",
            "not json",
            r#"{"name":null}"#,
            r#"{"name":""}"#,
            r#"{"auto_group":"yes"}"#,
            r#"{"policy_id":5}"#,
            r#"{"rule_ids":"r"}"#,
        ] {
            assert_eq!(parse(body).unwrap_err().status, 400, "{body}");
        }
    }

    #[test]
    fn unknown_keys_are_ignored_like_nylas_does() {
        let patch = parse(r#"{"rules_ids":["r"]}"#).unwrap();
        assert_eq!(patch, WorkspacePatch::default());
    }
}
