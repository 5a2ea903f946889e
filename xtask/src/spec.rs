//! Loading the OpenAPI document and preparing it for progenitor.

use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

/// Extension key of the in-memory marker that replaces a nullable PATCH property; see
/// [`mark_tri_state_properties`]. It never appears in the checked-in spec.
pub const TRI_STATE_MARKER: &str = "x-nylas-xtask-tri-state";

/// Reads and parses the spec, refusing anything progenitor cannot read.
pub fn load(path: &Path) -> Result<OpenAPI, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let spec: OpenAPI = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not a valid OpenAPI 3.0 document: {e}",
            path.display()
        )
    })?;
    if !spec.openapi.starts_with("3.0.") {
        return Err(format!(
            "{} declares OpenAPI {}; progenitor reads only 3.0.x",
            path.display(),
            spec.openapi
        ));
    }
    Ok(spec)
}

/// The Rust type a tri-state property decodes to, by the marker's value.
pub fn tri_state_rust_type(kind: &str) -> Option<&'static str> {
    match kind {
        "string" => Some("::std::option::Option<::std::string::String>"),
        "string-array" => Some("::std::option::Option<::std::vec::Vec<::std::string::String>>"),
        _ => None,
    }
}

/// PATCH bodies need three states per nullable field: omitted (keep), `null` (clear) and a
/// value (set). progenitor turns a nullable optional field into one `Option` and skips it
/// when `None`, which loses the `null` state. So, in memory only, every nullable property
/// of a PATCH request body becomes an opaque schema carrying [`TRI_STATE_MARKER`]; the
/// generator maps that schema to `Option<T>`, which typify wraps in a second `Option`
/// skipped when absent: `None` = omit, `Some(None)` = `null`, `Some(Some(v))` = value.
///
/// Returns the marker kinds that were used, so the caller registers one conversion each.
pub fn mark_tri_state_properties(spec: &mut OpenAPI) -> Result<Vec<&'static str>, String> {
    let mut body_schemas = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        let Some(op) = &item.patch else { continue };
        let Some(ReferenceOr::Item(body)) = &op.request_body else {
            continue;
        };
        for media in body.content.values() {
            match &media.schema {
                Some(ReferenceOr::Reference { reference }) => {
                    let name =
                        reference
                            .strip_prefix("#/components/schemas/")
                            .ok_or_else(|| {
                                format!("PATCH {path}: unsupported body $ref {reference}")
                            })?;
                    body_schemas.push(name.to_string());
                }
                Some(ReferenceOr::Item(_)) => {
                    return Err(format!(
                        "PATCH {path}: the body schema must be a named component so the tri-state \
                         marker can be applied"
                    ));
                }
                None => {}
            }
        }
    }

    let mut kinds = Vec::new();
    let components = spec
        .components
        .as_mut()
        .ok_or("the spec has no components")?;
    for name in body_schemas {
        let Some(ReferenceOr::Item(schema)) = components.schemas.get_mut(&name) else {
            return Err(format!(
                "PATCH body schema {name} is missing or is itself a $ref"
            ));
        };
        let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
            return Err(format!("PATCH body schema {name} is not an object"));
        };
        for (prop_name, prop) in object.properties.iter_mut() {
            let ReferenceOr::Item(prop_schema) = prop else {
                continue;
            };
            if !prop_schema.schema_data.nullable {
                continue;
            }
            let kind = marker_kind(prop_schema).ok_or_else(|| {
                format!(
                    "{name}.{prop_name}: nullable PATCH properties must be strings or arrays of \
                     strings (extend spec::marker_kind to support more)"
                )
            })?;
            let mut marker = Schema {
                schema_data: Default::default(),
                schema_kind: SchemaKind::Any(Default::default()),
            };
            marker.schema_data.description = prop_schema.schema_data.description.clone();
            marker
                .schema_data
                .extensions
                .insert(TRI_STATE_MARKER.to_string(), kind.into());
            *prop = ReferenceOr::Item(Box::new(marker));
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    Ok(kinds)
}

fn marker_kind(schema: &Schema) -> Option<&'static str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() && s.format.is_empty() => {
            Some("string")
        }
        SchemaKind::Type(Type::Array(a)) => match a.items.as_ref()? {
            ReferenceOr::Item(item) => match &item.schema_kind {
                SchemaKind::Type(Type::String(_)) => Some("string-array"),
                _ => None,
            },
            ReferenceOr::Reference { .. } => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! The checked-in spec states the documented facts the generated client relies on.
    use super::*;
    use crate::paths;

    fn spec() -> OpenAPI {
        load(&paths::spec()).expect("openapi/workspaces.json parses as OpenAPI 3.0")
    }

    fn schema<'a>(spec: &'a OpenAPI, name: &str) -> &'a Schema {
        match spec.components.as_ref().unwrap().schemas.get(name) {
            Some(ReferenceOr::Item(s)) => s,
            other => panic!("schema {name}: {other:?}"),
        }
    }

    fn object<'a>(spec: &'a OpenAPI, name: &str) -> &'a openapiv3::ObjectType {
        match &schema(spec, name).schema_kind {
            SchemaKind::Type(Type::Object(o)) => o,
            other => panic!("{name} is not an object: {other:?}"),
        }
    }

    fn property<'a>(spec: &'a OpenAPI, name: &str, prop: &str) -> &'a Schema {
        match object(spec, name).properties.get(prop) {
            Some(ReferenceOr::Item(s)) => s,
            other => panic!("{name}.{prop}: {other:?}"),
        }
    }

    #[test]
    fn has_the_workspace_and_read_side_operations_with_nylas_operation_ids() {
        let spec = spec();
        let mut found: Vec<(String, String)> = spec
            .operations()
            .map(|(path, method, op)| {
                (
                    op.operation_id.clone().unwrap(),
                    format!("{} {path}", method.to_uppercase()),
                )
            })
            .collect();
        found.sort();
        let expected = [
            ("autogroup-workspace", "POST /v3/workspaces/auto-group"),
            ("create-workspace", "POST /v3/workspaces"),
            ("delete-workspace", "DELETE /v3/workspaces/{workspace_id}"),
            ("get-all-grants", "GET /v3/grants"),
            ("get-all-workspaces", "GET /v3/workspaces"),
            ("get-policy", "GET /v3/policies/{policy_id}"),
            ("get-rule", "GET /v3/rules/{rule_id}"),
            ("get-workspace", "GET /v3/workspaces/{workspace_id}"),
            ("get_application", "GET /v3/applications"),
            ("get_grant_by_id", "GET /v3/grants/{grant_id}"),
            ("list-policies", "GET /v3/policies"),
            ("list-rules", "GET /v3/rules"),
            (
                "manually-assign-workspace",
                "POST /v3/workspaces/{workspace_id}/manual-assign",
            ),
            ("update-workspace", "PATCH /v3/workspaces/{workspace_id}"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn servers_are_us_first_then_eu_with_bearer_auth() {
        let spec = spec();
        let urls: Vec<&str> = spec.servers.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://api.us.nylas.com", "https://api.eu.nylas.com"]
        );
        let schemes = &spec.components.as_ref().unwrap().security_schemes;
        assert!(matches!(
            schemes.get("bearerAuth"),
            Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. })) if scheme == "bearer"
        ));
    }

    #[test]
    fn every_operation_declares_the_error_envelope_for_401_404_429_and_5xx() {
        let spec = spec();
        for (path, method, op) in spec.operations() {
            let codes: Vec<String> = op
                .responses
                .responses
                .keys()
                .map(|c| c.to_string())
                .collect();
            for needed in ["200", "401", "404", "429", "5XX"] {
                assert!(
                    codes.iter().any(|c| c == needed),
                    "{method} {path} lacks {needed}: {codes:?}"
                );
            }
        }
        let envelope = object(&spec, "Error");
        assert_eq!(envelope.required, ["request_id", "error"]);
    }

    #[test]
    fn responses_are_permissive_and_nullable_where_nylas_sends_null() {
        let spec = spec();
        assert!(object(&spec, "Workspace").required.is_empty());
        for field in ["domain", "policy_id", "rule_ids"] {
            assert!(
                property(&spec, "Workspace", field).schema_data.nullable,
                "{field}"
            );
        }
        for field in ["grants_assigned", "grants_removed"] {
            assert!(
                property(&spec, "ManualAssignResult", field)
                    .schema_data
                    .nullable,
                "{field}"
            );
        }
    }

    #[test]
    fn create_requires_only_name_since_2026_09_24() {
        let spec = spec();
        assert_eq!(object(&spec, "CreateWorkspaceRequest").required, ["name"]);
        assert!(
            property(&spec, "CreateWorkspaceRequest", "domain")
                .schema_data
                .nullable
        );
    }

    #[test]
    fn update_has_no_domain_and_nullable_policy_and_rules() {
        let spec = spec();
        let update = object(&spec, "UpdateWorkspaceRequest");
        assert!(!update.properties.contains_key("domain"));
        assert!(update.required.is_empty());
        for field in ["policy_id", "rule_ids"] {
            assert!(
                property(&spec, "UpdateWorkspaceRequest", field)
                    .schema_data
                    .nullable
            );
        }
    }

    #[test]
    fn manual_assign_lists_hold_at_most_500_ids() {
        let spec = spec();
        for list in ["assign_grants", "remove_grants"] {
            match &property(&spec, "ManualAssignRequest", list).schema_kind {
                SchemaKind::Type(Type::Array(a)) => assert_eq!(a.max_items, Some(500), "{list}"),
                other => panic!("{list}: {other:?}"),
            }
        }
    }

    #[test]
    fn tri_state_marking_replaces_only_nullable_patch_properties() {
        let mut spec = spec();
        let kinds = mark_tri_state_properties(&mut spec).unwrap();
        assert_eq!(kinds, ["string", "string-array"]);
        let marked = |prop: &str| {
            property(&spec, "UpdateWorkspaceRequest", prop)
                .schema_data
                .extensions
                .get(TRI_STATE_MARKER)
                .cloned()
        };
        assert_eq!(marked("policy_id"), Some("string".into()));
        assert_eq!(marked("rule_ids"), Some("string-array".into()));
        assert_eq!(marked("name"), None);
        // Response schemas keep their nullable fields untouched.
        assert!(
            property(&spec, "Workspace", "policy_id")
                .schema_data
                .nullable
        );
    }

    /// The operation with this id.
    fn operation<'a>(spec: &'a OpenAPI, id: &str) -> &'a openapiv3::Operation {
        spec.operations()
            .map(|(_, _, op)| op)
            .find(|op| op.operation_id.as_deref() == Some(id))
            .unwrap_or_else(|| panic!("no operation {id}"))
    }

    /// The query parameters of an operation, by name, with `$ref`s resolved.
    fn query_parameters<'a>(
        spec: &'a OpenAPI,
        id: &str,
    ) -> Vec<(&'a str, &'a openapiv3::ParameterData)> {
        let components = &spec.components.as_ref().unwrap().parameters;
        operation(spec, id)
            .parameters
            .iter()
            .map(|p| match p {
                ReferenceOr::Item(p) => p,
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/parameters/").unwrap();
                    components[name].as_item().expect("no nested $ref")
                }
            })
            .filter_map(|p| match p {
                openapiv3::Parameter::Query { parameter_data, .. } => {
                    Some((parameter_data.name.as_str(), parameter_data))
                }
                _ => None,
            })
            .collect()
    }

    fn integer_bounds(data: &openapiv3::ParameterData) -> (Option<i64>, Option<i64>) {
        match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => {
                match &s.schema_kind {
                    SchemaKind::Type(Type::Integer(i)) => (i.minimum, i.maximum),
                    other => panic!("{}: not an integer: {other:?}", data.name),
                }
            }
            other => panic!("{}: {other:?}", data.name),
        }
    }

    #[test]
    fn grants_are_listed_by_offset_with_the_documented_filters() {
        let spec = spec();
        let params = query_parameters(&spec, "get-all-grants");
        let names: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "limit",
                "offset",
                "workspace_id",
                "email",
                "provider",
                "grant_status",
                "since",
                "before",
                "sort_by",
                "order_by"
            ]
        );
        assert!(!names.contains(&"page_token"), "grants page by offset only");
        let page = object(&spec, "GrantListResponse");
        let mut fields: Vec<&String> = page.properties.keys().collect();
        fields.sort();
        assert_eq!(fields, ["data", "limit", "offset", "request_id"]);
    }

    #[test]
    fn policies_and_rules_page_by_cursor_with_at_most_200_per_page() {
        let spec = spec();
        for id in ["list-policies", "list-rules"] {
            let params = query_parameters(&spec, id);
            let names: Vec<&str> = params.iter().map(|(n, _)| *n).collect();
            assert_eq!(names, ["limit", "page_token"], "{id}");
            assert_eq!(integer_bounds(params[0].1), (Some(1), Some(200)), "{id}");
        }
        assert!(
            object(&spec, "PolicyListResponse")
                .properties
                .contains_key("next_cursor")
        );
    }

    #[test]
    fn the_rules_list_describes_both_the_flat_and_the_nested_envelope() {
        let spec = spec();
        let data = property(&spec, "RuleListResponse", "data");
        let SchemaKind::OneOf { one_of } = &data.schema_kind else {
            panic!("data is not a oneOf: {data:?}");
        };
        let refs: Vec<&str> = one_of
            .iter()
            .map(|v| match v {
                ReferenceOr::Reference { reference } => reference.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            refs,
            [
                "#/components/schemas/RuleList",
                "#/components/schemas/RulePage"
            ]
        );
        let mut page: Vec<&String> = object(&spec, "RulePage").properties.keys().collect();
        page.sort();
        assert_eq!(page, ["items", "next_cursor"]);
    }

    #[test]
    fn read_side_objects_require_nothing_and_leave_response_enums_open() {
        let spec = spec();
        for name in ["Grant", "Application", "Policy", "Rule"] {
            assert!(object(&spec, name).required.is_empty(), "{name}");
        }
        for (name, field) in [
            ("Grant", "provider"),
            ("Grant", "grant_status"),
            ("Application", "environment"),
            ("Rule", "trigger"),
        ] {
            match &property(&spec, name, field).schema_kind {
                SchemaKind::Type(Type::String(s)) => {
                    assert!(s.enumeration.is_empty(), "{name}.{field} is a closed enum")
                }
                other => panic!("{name}.{field}: {other:?}"),
            }
        }
        for (name, field) in [("Rule", "priority"), ("Rule", "enabled")] {
            assert_eq!(
                property(&spec, name, field).schema_data.default,
                None,
                "{name}.{field}: an absent field must decode as absent"
            );
        }
        for field in [
            "id",
            "name",
            "application_id",
            "organization_id",
            "created_at",
            "updated_at",
        ] {
            assert!(
                object(&spec, "Policy").properties.contains_key(field),
                "Policy.{field}"
            );
        }
        for field in [
            "id",
            "name",
            "description",
            "priority",
            "enabled",
            "trigger",
        ] {
            assert!(
                object(&spec, "Rule").properties.contains_key(field),
                "Rule.{field}"
            );
        }
        let application = object(&spec, "Application");
        assert!(application.properties.contains_key("default_workspace_id"));
    }

    #[test]
    fn the_assumptions_nylas_does_not_document_are_said_in_the_spec() {
        let text = std::fs::read_to_string(paths::spec()).unwrap();
        let spec = spec();
        let key = match &spec.components.as_ref().unwrap().parameters["IdempotencyKey"] {
            ReferenceOr::Item(p) => p.parameter_data_ref().description.clone().unwrap(),
            other => panic!("{other:?}"),
        };
        assert!(key.contains("only on the message-send endpoints"), "{key}");
        let auto_group = property(&spec, "CreateWorkspaceRequest", "auto_group");
        let said = auto_group.schema_data.description.as_deref().unwrap();
        assert!(
            said.contains("2026-09-24") && said.contains("true when a domain"),
            "{said}"
        );
        assert_eq!(auto_group.schema_data.default, None);
        let rules = property(&spec, "UpdateWorkspaceRequest", "rule_ids");
        let said = rules.schema_data.description.as_deref().unwrap();
        assert!(said.contains("Node SDK"), "{said}");
        for quirk in [
            "items: [...]",
            "every non-empty page",
            "smaller page size",
            "lagging",
        ] {
            assert!(text.contains(quirk), "the spec does not mention {quirk:?}");
        }
    }

    #[test]
    fn a_3_1_document_is_refused_with_a_clear_message() {
        let dir = std::env::temp_dir().join(format!("xtask-spec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v31.json");
        std::fs::write(
            &path,
            r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}"#,
        )
        .unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.contains("progenitor reads only 3.0.x"), "{err}");
    }
}
