//! Rewriting the keywords of one schema object into a single, OpenAPI 3.0-like form.
//!
//! OpenAPI 3.1 (JSON Schema 2020-12) says the same things differently from 3.0: a nullable
//! string is `type: [string, 'null']` instead of `nullable: true`, an exclusive bound is a
//! number instead of a flag, `const` is a one-value `enum`, and `anyOf: [X, {type: 'null'}]`
//! is a common way to make a reference nullable. Both documents pass through this rewrite so
//! that only real differences remain. Descriptions, titles and examples are dropped here
//! because they never count as differences.

use serde_json::{Map, Number, Value};

/// Keywords that carry prose or samples, never a constraint.
const IGNORED: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
    "xml",
    "$comment",
    "$schema",
    "$id",
    "$anchor",
    "deprecated",
];

/// Returns the schema's keywords in normalised form. Nested schemas (properties, items,
/// variants) are left as they are; they are normalised when they are visited.
pub fn normalise(schema: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let mut nullable = schema.get("nullable") == Some(&Value::Bool(true));
    for (key, value) in schema {
        if IGNORED.contains(&key.as_str()) || key.starts_with("x-") || key == "nullable" {
            continue;
        }
        match key.as_str() {
            "type" => match type_name(value, &mut nullable) {
                Some(name) => {
                    out.insert("type".into(), Value::String(name));
                }
                None => continue,
            },
            "const" => {
                out.insert("enum".into(), Value::Array(vec![canonical(value)]));
            }
            "exclusiveMinimum" | "exclusiveMaximum" => exclusive_bound(&mut out, key, value),
            _ => {
                out.insert(key.clone(), canonical(value));
            }
        }
    }
    if let Some(Value::Array(values)) = out.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() != before {
            nullable = true;
        }
        values.sort_by_key(|v| v.to_string());
        values.dedup();
    }
    for keyword in ["anyOf", "oneOf"] {
        collapse_null_variant(&mut out, keyword, &mut nullable);
    }
    if nullable {
        out.insert("nullable".into(), Value::Bool(true));
    }
    out
}

/// `type: X` stays; `type: [X, 'null']` becomes `X` plus nullable; several non-null types
/// become one sorted `A|B` name so that their order does not matter.
fn type_name(value: &Value, nullable: &mut bool) -> Option<String> {
    match value {
        Value::String(name) => Some(name.clone()),
        Value::Array(names) => {
            let mut names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
            if names.contains(&"null") && names.len() > 1 {
                *nullable = true;
                names.retain(|n| *n != "null");
            }
            names.sort_unstable();
            names.dedup();
            (!names.is_empty()).then(|| names.join("|"))
        }
        _ => None,
    }
}

/// 3.1 writes `exclusiveMinimum: 5`; 3.0 writes `minimum: 5, exclusiveMinimum: true`.
/// Both become the 3.0 form, and a `false` flag (the default) disappears.
fn exclusive_bound(out: &mut Map<String, Value>, key: &str, value: &Value) {
    match value {
        Value::Bool(true) => {
            out.insert(key.to_string(), Value::Bool(true));
        }
        Value::Bool(false) => {}
        Value::Number(_) => {
            let bound = if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            out.insert(bound.to_string(), canonical(value));
            out.insert(key.to_string(), Value::Bool(true));
        }
        other => {
            out.insert(key.to_string(), canonical(other));
        }
    }
}

/// `anyOf`/`oneOf` with `{type: 'null'}` variants: the null variants become `nullable`, and
/// when exactly one variant is left it becomes an `allOf` member, which is how the rest of
/// the tool merges a wrapped schema.
fn collapse_null_variant(out: &mut Map<String, Value>, keyword: &str, nullable: &mut bool) {
    let Some(Value::Array(variants)) = out.get(keyword) else {
        return;
    };
    let (nulls, others): (Vec<&Value>, Vec<&Value>) = variants.iter().partition(|v| is_null(v));
    if nulls.is_empty() {
        return;
    }
    *nullable = true;
    let others: Vec<Value> = others.into_iter().cloned().collect();
    if others.len() == 1 {
        out.remove(keyword);
        let mut all_of = match out.remove("allOf") {
            Some(Value::Array(members)) => members,
            _ => Vec::new(),
        };
        all_of.extend(others);
        out.insert("allOf".into(), Value::Array(all_of));
    } else {
        out.insert(keyword.to_string(), Value::Array(others));
    }
}

/// True for a schema that allows only `null`.
fn is_null(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return false;
    };
    match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => map.get("enum") == Some(&Value::Array(vec![Value::Null])),
    }
}

/// Makes equal values compare equal: a whole number written `500.0` in one document and
/// `500` in the other are the same limit.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Value::Number(Number::from(f as i64))
            }
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(v: Value) -> Value {
        Value::Object(normalise(v.as_object().unwrap()))
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(
            norm(json!({"type": ["string", "null"], "description": "d"})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            norm(json!({"type": ["string", "integer"]})),
            json!({"type": "integer|string"})
        );
    }

    #[test]
    fn const_examples_and_extensions() {
        assert_eq!(
            norm(json!({"const": "a", "examples": ["a"], "example": "a", "x-foo": 1})),
            json!({"enum": ["a"]})
        );
    }

    #[test]
    fn enum_with_null_is_sorted_and_nullable() {
        assert_eq!(
            norm(json!({"type": "string", "enum": ["b", null, "a", "b"]})),
            json!({"type": "string", "enum": ["a", "b"], "nullable": true})
        );
    }

    #[test]
    fn exclusive_bounds_take_the_3_0_form() {
        assert_eq!(
            norm(json!({"exclusiveMinimum": 1.0, "maximum": 10})),
            json!({"minimum": 1, "exclusiveMinimum": true, "maximum": 10})
        );
        assert_eq!(
            norm(json!({"minimum": 1, "exclusiveMinimum": true, "exclusiveMaximum": false})),
            json!({"minimum": 1, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn any_of_with_null_wraps_the_remaining_variant() {
        assert_eq!(
            norm(json!({"anyOf": [{"$ref": "#/x"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/x"}], "nullable": true})
        );
        assert_eq!(
            norm(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }
}
