//! Picking operations out of a document and reducing them to the model.
//!
//! Our spec is read whole. Nylas's unified document describes the whole v3 API; only the
//! operations our spec takes from it (by operationId, whatever their tag) and those tagged
//! `Workspaces` (so that a new workspace endpoint shows up) are read, with whatever they
//! reference, so problems in unrelated parts of that large document never stop the
//! comparison.
//!
//! Path parameters are named by position (`#1`, `#2`, ...) instead of by name, in the
//! sections and in the compared path template: the name of a placeholder never reaches the
//! wire, so upstream's `/v3/grants/{grantId}` and our `/v3/grants/{grant_id}` are the same
//! endpoint.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::document::Document;
use super::error::UpstreamDiffError;
use super::flatten::flatten;
use super::model::{ApiModel, Facets, Operation, Section};
use super::refs::resolve_object;

/// The tag Nylas gives the operations this project covers.
pub const WORKSPACES_TAG: &str = "Workspaces";

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Which operations of a document to read.
pub enum Selection<'a> {
    /// Every operation.
    All,
    /// The operations with one of these operationIds, and those tagged with the tag.
    IdsOrTag(&'a [String], &'a str),
}

impl Selection<'_> {
    fn takes(&self, id: &str, operation: &Map<String, Value>) -> bool {
        match self {
            Self::All => true,
            Self::IdsOrTag(ids, tag) => ids.iter().any(|i| i == id) || has_tag(operation, tag),
        }
    }
}

/// The selected operations of `doc`, by operationId (or `METHOD path` when an operation has
/// none).
pub fn extract(doc: &Document, selection: &Selection<'_>) -> Result<ApiModel, UpstreamDiffError> {
    let mut model = ApiModel::default();
    let Some(paths) = doc.root.get("paths").and_then(Value::as_object) else {
        return Err(UpstreamDiffError::MissingPaths {
            document: doc.label.clone(),
        });
    };
    for (path, item) in paths {
        let context = format!("path {path}");
        let item = resolve_object(doc, item, &context)?;
        for method in METHODS {
            let Some(operation) = item.get(*method) else {
                continue;
            };
            let endpoint = format!("{} {path}", method.to_uppercase());
            let Some(operation) = operation.as_object() else {
                return Err(malformed(doc, &endpoint, "an operation must be an object"));
            };
            let id = match operation.get("operationId") {
                Some(Value::String(id)) => id.clone(),
                None => endpoint.clone(),
                Some(_) => {
                    return Err(malformed(doc, &endpoint, "`operationId` must be a string"));
                }
            };
            if !selection.takes(&id, operation) {
                continue;
            }
            if let Some(first) = model.operations.get(&id) {
                return Err(UpstreamDiffError::DuplicateOperationId {
                    document: doc.label.clone(),
                    operation_id: id,
                    first: first.endpoint(),
                    second: endpoint,
                });
            }
            let sections = sections(doc, &id, path, item, operation)?;
            model.operations.insert(
                id,
                Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    sections,
                },
            );
        }
    }
    Ok(model)
}

fn has_tag(operation: &Map<String, Value>, tag: &str) -> bool {
    operation
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)))
}

/// The names of the `{...}` placeholders of a path template, in order.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The path template with every placeholder replaced by its position: `/a/{x}/b/{y}` →
/// `/a/{#1}/b/{#2}`.
pub fn positional_path(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    let mut n = 0;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        n += 1;
        out.push_str(&rest[..start]);
        out.push_str(&format!("{{#{n}}}"));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn sections(
    doc: &Document,
    id: &str,
    path: &str,
    item: &Map<String, Value>,
    operation: &Map<String, Value>,
) -> Result<BTreeMap<Section, super::model::Fields>, UpstreamDiffError> {
    let mut sections = BTreeMap::new();

    // Path-level parameters apply to every operation; an operation's own parameter with the
    // same location and name replaces one.
    for list in [item.get("parameters"), operation.get("parameters")]
        .into_iter()
        .flatten()
    {
        let Some(list) = list.as_array() else {
            return Err(malformed(doc, id, "`parameters` must be an array"));
        };
        for parameter in list {
            let (section, fields) = parameter_section(doc, id, path, parameter)?;
            sections.insert(section, fields);
        }
    }

    if let Some(body) = operation.get("requestBody") {
        let context = format!("{id}, request body");
        let body = resolve_object(doc, body, &context)?;
        let mut root = Facets::new();
        root.insert("required".into(), Value::Bool(flag(body, "required")));
        let schema = media_schema(doc, &context, body, &mut root)?;
        sections.insert(Section::RequestBody, flatten(doc, &context, schema, root)?);
    }

    let Some(responses) = operation.get("responses") else {
        return Ok(sections);
    };
    let Some(responses) = responses.as_object() else {
        return Err(malformed(doc, id, "`responses` must be an object"));
    };
    for (status, response) in responses {
        let status = if status.eq_ignore_ascii_case("default") {
            "default".to_string()
        } else {
            status.to_uppercase()
        };
        let context = format!("{id}, response {status}");
        let response = resolve_object(doc, response, &context)?;
        let mut root = Facets::new();
        let schema = media_schema(doc, &context, response, &mut root)?;
        sections.insert(
            Section::Response { status },
            flatten(doc, &context, schema, root)?,
        );
    }
    Ok(sections)
}

fn parameter_section(
    doc: &Document,
    id: &str,
    path: &str,
    parameter: &Value,
) -> Result<(Section, super::model::Fields), UpstreamDiffError> {
    let context = format!("{id}, a parameter");
    let parameter = resolve_object(doc, parameter, &context)?;
    let text = |key: &str| parameter.get(key).and_then(Value::as_str);
    let (Some(name), Some(location)) = (text("name"), text("in")) else {
        return Err(malformed(
            doc,
            &context,
            "a parameter needs string `name` and `in` fields",
        ));
    };
    let position = placeholders(path).iter().position(|p| *p == name);
    let name = match (location, position) {
        ("header", _) => name.to_ascii_lowercase(),
        ("path", Some(i)) => format!("#{}", i + 1),
        _ => name.to_string(),
    };
    let section = Section::Parameter {
        location: location.to_string(),
        name,
    };
    let context = format!("{id}, {section}");
    let mut root = Facets::new();
    root.insert(
        "required".into(),
        Value::Bool(location == "path" || flag(parameter, "required")),
    );
    let schema = match parameter.get("schema") {
        Some(schema) => Some(schema),
        None => media_schema(doc, &context, parameter, &mut root)?,
    };
    Ok((section.clone(), flatten(doc, &context, schema, root)?))
}

/// The schema of the JSON media type of a body or response (`application/json`, else any
/// `+json` type, else the first one listed). The media type is compared too, as a facet of
/// the section root.
fn media_schema<'a>(
    doc: &Document,
    context: &str,
    holder: &'a Map<String, Value>,
    root: &mut Facets,
) -> Result<Option<&'a Value>, UpstreamDiffError> {
    let Some(content) = holder.get("content") else {
        return Ok(None);
    };
    let Some(content) = content.as_object() else {
        return Err(malformed(doc, context, "`content` must be an object"));
    };
    let chosen = content
        .get_key_value("application/json")
        .or_else(|| content.iter().find(|(media, _)| media.contains("json")))
        .or_else(|| content.iter().next());
    let Some((media, media_object)) = chosen else {
        return Ok(None);
    };
    root.insert("media type".into(), Value::from(media.as_str()));
    Ok(media_object.get("schema"))
}

fn flag(object: &Map<String, Value>, key: &str) -> bool {
    object.get(key) == Some(&Value::Bool(true))
}

fn malformed(doc: &Document, context: &str, message: &str) -> UpstreamDiffError {
    UpstreamDiffError::Malformed {
        document: doc.label.clone(),
        context: context.to_string(),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(root: Value) -> Document {
        Document {
            label: "t".into(),
            version: "3.0.3".into(),
            root,
        }
    }

    #[test]
    fn only_tagged_operations_are_read_and_untagged_errors_do_not_matter() {
        let d = doc(json!({"paths": {
            "/w": {
                "parameters": [{"name": "X-Trace", "in": "header", "schema": {"type": "string"}}],
                "get": {"tags": ["Workspaces"], "operationId": "list",
                        "parameters": [{"name": "x-trace", "in": "header", "required": true,
                                        "schema": {"type": "string"}}],
                        "responses": {"200": {"description": "ok"}}},
                "post": {"tags": ["Other"], "operationId": "other",
                         "requestBody": {"$ref": "#/components/requestBodies/Missing"}},
            },
            "/u": {"delete": {"tags": ["Workspaces"], "responses": {"5xx": {"description": "x"}}}},
        }}));
        let model = extract(&d, &Selection::IdsOrTag(&[], WORKSPACES_TAG)).unwrap();
        assert_eq!(
            model.operations.keys().collect::<Vec<_>>(),
            ["DELETE /u", "list"]
        );
        let list = &model.operations["list"];
        let header = Section::Parameter {
            location: "header".into(),
            name: "x-trace".into(),
        };
        assert_eq!(
            list.sections[&header][""]["required"],
            json!(true),
            "the operation's parameter replaces the path-level one"
        );
        assert!(
            model.operations["DELETE /u"]
                .sections
                .contains_key(&Section::Response {
                    status: "5XX".into()
                })
        );
    }

    #[test]
    fn duplicate_operation_ids_are_refused() {
        let d = doc(json!({"paths": {
            "/a": {"get": {"tags": ["Workspaces"], "operationId": "same"}},
            "/b": {"get": {"tags": ["Workspaces"], "operationId": "same"}},
        }}));
        let err = extract(&d, &Selection::All).unwrap_err();
        assert!(
            matches!(err, UpstreamDiffError::DuplicateOperationId { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("GET /a"), "{err}");
    }

    #[test]
    fn a_parameter_without_a_name_is_malformed() {
        let d = doc(json!({"paths": {"/a": {"get": {"tags": ["Workspaces"],
            "parameters": [{"in": "query"}]}}}}));
        let err = extract(&d, &Selection::All).unwrap_err();
        assert!(matches!(err, UpstreamDiffError::Malformed { .. }), "{err}");
    }

    #[test]
    fn operations_are_taken_by_id_whatever_their_tag() {
        let d = doc(json!({"paths": {
            "/g": {"get": {"tags": ["Manage Grants"], "operationId": "get-all-grants"}},
            "/h": {"get": {"tags": ["Manage Grants"], "operationId": "other-grants"}},
            "/w": {"get": {"tags": ["Workspaces"], "operationId": "new-workspace-op"}},
        }}));
        let ids = ["get-all-grants".to_string()];
        let model = extract(&d, &Selection::IdsOrTag(&ids, WORKSPACES_TAG)).unwrap();
        assert_eq!(
            model.operations.keys().collect::<Vec<_>>(),
            ["get-all-grants", "new-workspace-op"]
        );
    }

    #[test]
    fn path_parameters_are_named_by_position() {
        let d = doc(json!({"paths": {"/v3/grants/{grantId}/x/{other}": {
            "parameters": [{"name": "grantId", "in": "path", "required": true,
                            "schema": {"type": "string"}}],
            "get": {"operationId": "g", "parameters": [
                {"name": "other", "in": "path", "schema": {"type": "string"}}]}}}}));
        let model = extract(&d, &Selection::All).unwrap();
        let names: Vec<String> = model.operations["g"]
            .sections
            .keys()
            .map(ToString::to_string)
            .collect();
        assert_eq!(names, ["parameter path #1", "parameter path #2"]);
        assert_eq!(
            positional_path("/v3/grants/{grantId}/x/{other}"),
            "/v3/grants/{#1}/x/{#2}"
        );
        assert_eq!(positional_path("/a/{unclosed"), "/a/{unclosed");
    }
}
