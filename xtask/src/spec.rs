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
    let spec: OpenAPI = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a valid OpenAPI 3.0 document: {e}", path.display()))?;
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
        "string-array" => {
            Some("::std::option::Option<::std::vec::Vec<::std::string::String>>")
        }
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
                    let name = reference
                        .strip_prefix("#/components/schemas/")
                        .ok_or_else(|| format!("PATCH {path}: unsupported body $ref {reference}"))?;
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
            return Err(format!("PATCH body schema {name} is missing or is itself a $ref"));
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
