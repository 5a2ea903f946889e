//! Turning one schema (with its `$ref`s, `allOf`s and nested properties) into flat fields.
//!
//! A schema is expanded into the fields a client sees: each property, array item, map
//! value and variant gets a path and its facets. `$ref`s are followed as they are met, so
//! exactly the schemas an operation reaches are compared and unrelated ones are never read.
//!
//! Two kinds of loop are told apart. A reference that leads back to itself before any
//! structure is reached (`A: {$ref: B}`, `B: {allOf: [{$ref: A}]}`) defines nothing and is an
//! error. A reference met again *inside* its own properties is an ordinary recursive type
//! (a tree node with children); that field is recorded as `recursive` instead of being
//! expanded forever.

use serde_json::{Map, Value};

use super::document::Document;
use super::error::UpstreamDiffError;
use super::model::{Facets, Fields, property_path};
use super::normalise::normalise;
use super::refs::{kind_of, lookup};

/// More fields than any real API body has; reaching it means the schemas fan out
/// pathologically (each level referring to the next one several times), and the run stops
/// instead of exhausting memory.
pub const MAX_FIELDS_PER_SECTION: usize = 20_000;

/// Deeper nesting than any real API body; past it the run stops with an error instead of
/// risking the stack (each level is a recursive call).
pub const MAX_NESTING: usize = 128;

/// Schema keywords that are compared, besides `nullable` and `required`.
const FACET_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "enum",
    "default",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "readOnly",
    "writeOnly",
];

/// Flattens `schema` into fields; `root_facets` (for instance whether the body is required)
/// are added to the section root.
pub fn flatten(
    doc: &Document,
    context: &str,
    schema: Option<&Value>,
    root_facets: Facets,
) -> Result<Fields, UpstreamDiffError> {
    let mut flattener = Flattener {
        doc,
        context,
        fields: Fields::new(),
        enclosing: Vec::new(),
    };
    if let Some(schema) = schema {
        flattener.visit(schema, String::new(), None, 0)?;
    }
    flattener
        .fields
        .entry(String::new())
        .or_default()
        .extend(root_facets);
    Ok(flattener.fields)
}

struct Flattener<'a> {
    doc: &'a Document,
    /// Names the operation and section in error messages.
    context: &'a str,
    fields: Fields,
    /// References whose expansion encloses the field being visited.
    enclosing: Vec<String>,
}

/// A schema with its references followed and its `allOf` merged, or the marker for a
/// reference to an enclosing schema.
enum Effective {
    Schema(Map<String, Value>),
    Recursive(String),
}

impl Flattener<'_> {
    fn visit(
        &mut self,
        schema: &Value,
        field: String,
        required: Option<bool>,
        depth: usize,
    ) -> Result<(), UpstreamDiffError> {
        if depth > MAX_NESTING {
            return Err(self.too_deep());
        }
        if self.fields.len() >= MAX_FIELDS_PER_SECTION {
            return Err(UpstreamDiffError::TooLarge {
                document: self.doc.label.clone(),
                context: self.context.to_string(),
                limit: MAX_FIELDS_PER_SECTION,
            });
        }
        let mut expanded = Vec::new();
        let effective = self.effective(schema, &field, &mut Vec::new(), &mut expanded)?;
        let schema = match effective {
            Effective::Schema(schema) => schema,
            Effective::Recursive(reference) => {
                let mut facets = Facets::from([("recursive".to_string(), Value::from(reference))]);
                if let Some(required) = required {
                    facets.insert("required".into(), Value::Bool(required));
                }
                self.fields.insert(field, facets);
                return Ok(());
            }
        };
        let mut facets = facets_of(&schema);
        if let Some(required) = required {
            facets.insert("required".into(), Value::Bool(required));
        }
        self.fields.insert(field.clone(), facets);

        let enclosing_before = self.enclosing.len();
        self.enclosing.extend(expanded);
        let children = self.visit_children(&schema, &field, depth + 1);
        self.enclosing.truncate(enclosing_before);
        children
    }

    fn visit_children(
        &mut self,
        schema: &Map<String, Value>,
        field: &str,
        depth: usize,
    ) -> Result<(), UpstreamDiffError> {
        let required: Vec<&str> = match schema.get("required") {
            None => Vec::new(),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            Some(other) => {
                return Err(self.malformed(
                    field,
                    format!("`required` must be an array, found {}", kind_of(other)),
                ));
            }
        };
        if let Some(properties) = schema.get("properties") {
            let properties = properties.as_object().ok_or_else(|| {
                self.malformed(field, "`properties` must be an object".to_string())
            })?;
            for (name, property) in properties {
                let is_required = required.contains(&name.as_str());
                self.visit(
                    property,
                    property_path(field, name),
                    Some(is_required),
                    depth,
                )?;
            }
        }
        if let Some(items) = schema.get("items") {
            self.visit(items, format!("{field}[]"), None, depth)?;
        }
        if let Some(values @ Value::Object(_)) = schema.get("additionalProperties") {
            self.visit(values, format!("{field}{{}}"), None, depth)?;
        }
        for keyword in ["oneOf", "anyOf"] {
            let Some(variants) = schema.get(keyword) else {
                continue;
            };
            let variants = variants
                .as_array()
                .ok_or_else(|| self.malformed(field, format!("`{keyword}` must be an array")))?;
            for (i, variant) in variants.iter().enumerate() {
                self.visit(variant, format!("{field}<{keyword} {i}>"), None, depth)?;
            }
        }
        Ok(())
    }

    /// Follows `$ref` (merging 3.1-style sibling keywords over the target) and merges
    /// `allOf` members, normalising every level. `active` holds the references being
    /// followed right now, to catch loops that never reach a definition; `expanded`
    /// collects every reference used, which become enclosing for the children.
    fn effective(
        &mut self,
        schema: &Value,
        field: &str,
        active: &mut Vec<String>,
        expanded: &mut Vec<String>,
    ) -> Result<Effective, UpstreamDiffError> {
        if active.len() > MAX_NESTING {
            return Err(self.too_deep());
        }
        let map = match schema {
            Value::Bool(true) => return Ok(Effective::Schema(Map::new())),
            Value::Bool(false) => {
                let never = Map::from_iter([("type".to_string(), Value::from("never"))]);
                return Ok(Effective::Schema(never));
            }
            Value::Object(map) => map,
            other => {
                return Err(self.malformed(
                    field,
                    format!(
                        "a schema must be an object or a boolean, found {}",
                        kind_of(other)
                    ),
                ));
            }
        };

        if let Some(reference) = map.get("$ref") {
            let reference = reference
                .as_str()
                .ok_or_else(|| self.malformed(field, "`$ref` must be a string".to_string()))?;
            if let Some(start) = active.iter().position(|r| r == reference) {
                let mut chain = active[start..].to_vec();
                chain.push(reference.to_string());
                return Err(UpstreamDiffError::RefCycle {
                    document: self.doc.label.clone(),
                    chain,
                    context: self.place(field),
                });
            }
            if self.enclosing.iter().any(|r| r == reference) {
                return Ok(Effective::Recursive(reference.to_string()));
            }
            let target = lookup(self.doc, reference, &self.place(field))?;
            active.push(reference.to_string());
            expanded.push(reference.to_string());
            let base = self.effective(target, field, active, expanded)?;
            active.pop();
            let Effective::Schema(mut base) = base else {
                return Ok(base);
            };
            let mut siblings = map.clone();
            siblings.remove("$ref");
            match self.effective(&Value::Object(siblings), field, active, expanded)? {
                Effective::Schema(overlay) => merge(&mut base, overlay),
                recursive => return Ok(recursive),
            }
            return Ok(Effective::Schema(base));
        }

        let mut own = normalise(map);
        let Some(all_of) = own.remove("allOf") else {
            return Ok(Effective::Schema(own));
        };
        let Value::Array(members) = all_of else {
            return Err(self.malformed(field, "`allOf` must be an array".to_string()));
        };
        let mut merged = Map::new();
        for member in &members {
            match self.effective(member, field, active, expanded)? {
                Effective::Schema(member) => merge(&mut merged, member),
                recursive => return Ok(recursive),
            }
        }
        merge(&mut merged, own);
        Ok(Effective::Schema(merged))
    }

    fn too_deep(&self) -> UpstreamDiffError {
        UpstreamDiffError::TooDeep {
            document: self.doc.label.clone(),
            context: self.context.to_string(),
            limit: MAX_NESTING,
        }
    }

    fn place(&self, field: &str) -> String {
        if field.is_empty() {
            self.context.to_string()
        } else {
            format!("{}, field `{field}`", self.context)
        }
    }

    fn malformed(&self, field: &str, message: String) -> UpstreamDiffError {
        UpstreamDiffError::Malformed {
            document: self.doc.label.clone(),
            context: self.place(field),
            message,
        }
    }
}

/// Merges `overlay` into `into` the way `allOf` combines schemas: properties from both
/// (a property defined twice keeps both definitions, as an `allOf` of its own), required
/// names from both, and for every other keyword the later definition.
fn merge(into: &mut Map<String, Value>, overlay: Map<String, Value>) {
    for (key, value) in overlay {
        match (key.as_str(), into.get_mut(&key), value) {
            ("properties", Some(Value::Object(existing)), Value::Object(added)) => {
                for (name, schema) in added {
                    let combined = match existing.remove(&name) {
                        Some(earlier) => serde_json::json!({ "allOf": [earlier, schema] }),
                        None => schema,
                    };
                    existing.insert(name, combined);
                }
            }
            ("required", Some(Value::Array(existing)), Value::Array(added)) => {
                for name in added {
                    if !existing.contains(&name) {
                        existing.push(name);
                    }
                }
            }
            (_, _, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// The compared facets of an effective schema. A missing `type` is inferred from the
/// keywords only objects or arrays have, since documents often leave `type: object` out.
fn facets_of(schema: &Map<String, Value>) -> Facets {
    let mut facets = Facets::new();
    for keyword in FACET_KEYWORDS {
        match schema.get(*keyword) {
            None | Some(Value::Bool(false)) => {}
            Some(value) => {
                facets.insert((*keyword).to_string(), value.clone());
            }
        }
    }
    if !facets.contains_key("type") {
        let inferred =
            if schema.contains_key("properties") || schema.contains_key("additionalProperties") {
                Some("object")
            } else if schema.contains_key("items") {
                Some("array")
            } else {
                None
            };
        if let Some(inferred) = inferred {
            facets.insert("type".into(), Value::from(inferred));
        }
    }
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    facets.insert("nullable".into(), Value::Bool(nullable));
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        facets.insert("additionalProperties".into(), Value::Bool(false));
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = schema.get(keyword) {
            facets.insert(keyword.to_string(), Value::from(variants.len()));
        }
    }
    facets
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Document {
        Document {
            label: "t".into(),
            version: "3.1.0".into(),
            root: json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": schemas}}),
        }
    }

    fn fields(d: &Document, schema: Value) -> Result<Fields, UpstreamDiffError> {
        flatten(d, "op, response 200", Some(&schema), Facets::new())
    }

    #[test]
    fn references_all_of_and_siblings_are_merged() {
        let d = doc(json!({
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Named": {"allOf": [{"$ref": "#/components/schemas/Base"},
                                {"properties": {"name": {"type": ["string", "null"], "maxLength": 10}}}]},
        }));
        let got = fields(
            &d,
            json!({"$ref": "#/components/schemas/Named", "description": "ignored"}),
        )
        .unwrap();
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            ["", "id", "name"],
            "{got:#?}"
        );
        assert_eq!(got["id"]["required"], json!(true));
        assert_eq!(got["name"]["required"], json!(false));
        assert_eq!(got["name"]["nullable"], json!(true));
        assert_eq!(got["name"]["maxLength"], json!(10));
        assert_eq!(got[""]["type"], json!("object"));
    }

    #[test]
    fn arrays_maps_and_variants_get_their_own_paths() {
        let d = doc(json!({}));
        let got = fields(
            &d,
            json!({"properties": {
                "ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
                "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
                "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            }}),
        )
        .unwrap();
        assert_eq!(got["ids[]"]["format"], json!("uuid"));
        assert_eq!(got["labels{}"]["type"], json!("integer"));
        assert_eq!(got["either"]["oneOf"], json!(2));
        assert_eq!(got["either<oneOf 1>"]["type"], json!("integer"));
        assert_eq!(got[""]["type"], json!("object"), "inferred from properties");
    }

    #[test]
    fn a_reference_loop_without_structure_is_an_error() {
        let d = doc(json!({
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}]},
        }));
        let err = fields(&d, json!({"$ref": "#/components/schemas/A"})).unwrap_err();
        let UpstreamDiffError::RefCycle { chain, .. } = &err else {
            panic!("expected a cycle, got {err:?}");
        };
        assert_eq!(
            chain,
            &[
                "#/components/schemas/A",
                "#/components/schemas/B",
                "#/components/schemas/A"
            ]
        );
        assert!(err.to_string().contains("op, response 200"), "{err}");
    }

    #[test]
    fn a_recursive_type_is_recorded_not_expanded() {
        let d = doc(json!({
            "Node": {"type": "object", "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            }},
        }));
        let got = fields(&d, json!({"$ref": "#/components/schemas/Node"})).unwrap();
        assert_eq!(
            got["children[]"],
            Facets::from([("recursive".into(), json!("#/components/schemas/Node"))])
        );
        assert_eq!(got.len(), 4, "{got:#?}");
    }

    #[test]
    fn the_same_schema_twice_side_by_side_is_not_a_loop() {
        let d = doc(json!({"Id": {"type": "string"}}));
        let got = fields(
            &d,
            json!({"allOf": [{"$ref": "#/components/schemas/Id"}, {"$ref": "#/components/schemas/Id"}]}),
        )
        .unwrap();
        assert_eq!(got[""]["type"], json!("string"));
    }

    #[test]
    fn broken_reference_names_the_field() {
        let d = doc(json!({}));
        let err = fields(
            &d,
            json!({"properties": {"data": {"$ref": "#/components/schemas/Gone"}}}),
        )
        .unwrap_err();
        assert!(matches!(err, UpstreamDiffError::BrokenRef { .. }));
        assert!(err.to_string().contains("field `data`"), "{err}");
    }

    #[test]
    fn fan_out_is_stopped_by_the_field_limit() {
        // Each level refers to the next twice: 2^20 fields if nothing stopped it.
        let mut schemas = serde_json::Map::new();
        for level in 0..20 {
            let next = json!({"$ref": format!("#/components/schemas/L{}", level + 1)});
            schemas.insert(
                format!("L{level}"),
                json!({"properties": {"a": next.clone(), "b": next}}),
            );
        }
        schemas.insert("L20".into(), json!({"type": "string"}));
        let d = doc(Value::Object(schemas));
        let err = fields(&d, json!({"$ref": "#/components/schemas/L0"})).unwrap_err();
        assert!(matches!(err, UpstreamDiffError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn long_chains_are_stopped_by_the_nesting_limit() {
        // Ten thousand distinct schemas, each the only property of the previous one; and the
        // same length as a chain of `allOf` wrappers. Neither may overflow the stack.
        let mut nested = serde_json::Map::new();
        let mut wrapped = serde_json::Map::new();
        for level in 0..10_000 {
            let next = json!({"$ref": format!("#/components/schemas/N{}", level + 1)});
            nested.insert(format!("N{level}"), json!({"properties": {"x": next}}));
            let next = json!({"$ref": format!("#/components/schemas/W{}", level + 1)});
            wrapped.insert(format!("W{level}"), json!({"allOf": [next]}));
        }
        for (schemas, root) in [(nested, "N0"), (wrapped, "W0")] {
            let d = doc(Value::Object(schemas));
            let err =
                fields(&d, json!({"$ref": format!("#/components/schemas/{root}")})).unwrap_err();
            assert!(matches!(err, UpstreamDiffError::TooDeep { .. }), "{err}");
        }
    }

    #[test]
    fn malformed_schemas_are_errors() {
        let d = doc(json!({}));
        let err = fields(&d, json!({"properties": {"x": 5}})).unwrap_err();
        assert!(matches!(err, UpstreamDiffError::Malformed { .. }), "{err}");
        let err = fields(&d, json!({"properties": []})).unwrap_err();
        assert!(matches!(err, UpstreamDiffError::Malformed { .. }), "{err}");
    }
}
