//! Reading an OpenAPI document, JSON or YAML, 3.0 or 3.1, into a plain `serde_json::Value`.
//!
//! Nylas publishes its unified document as OpenAPI 3.1, which the typed `openapiv3` crate
//! cannot read; working on untyped JSON lets one code path handle both versions, and the
//! normalisation step later makes their schema forms comparable.

use std::path::Path;

use serde_json::{Map, Number, Value};

use super::error::UpstreamDiffError;

/// A parsed OpenAPI document and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Document {
    /// How messages and the report refer to the document (usually its path).
    pub label: String,
    /// The `openapi` version string, `3.0.x` or `3.1.x`.
    pub version: String,
    pub root: Value,
}

/// Which parser a file goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// Reads and parses a document, choosing the parser by file extension or, without a known
/// extension, by whether the text starts like a JSON object.
pub fn load(path: &Path) -> Result<Document, UpstreamDiffError> {
    let label = shown_path(path);
    let text = std::fs::read_to_string(path).map_err(|e| UpstreamDiffError::Read {
        document: label.clone(),
        message: e.to_string(),
    })?;
    let syntax = syntax_of(path, &text);
    parse(&label, &text, syntax)
}

/// A path as the report shows it: relative to the current directory when it lies below it
/// (the default spec path is absolute, which is long and machine-specific).
pub fn shown_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

fn syntax_of(path: &Path, text: &str) -> Syntax {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => Syntax::Json,
        Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => {
            Syntax::Yaml
        }
        _ if text.trim_start().starts_with('{') => Syntax::Json,
        _ => Syntax::Yaml,
    }
}

/// Parses text already in memory; `label` names it in error messages.
pub fn parse(label: &str, text: &str, syntax: Syntax) -> Result<Document, UpstreamDiffError> {
    let syntax_error = |name: &'static str, message: String| UpstreamDiffError::Syntax {
        document: label.to_string(),
        syntax: name,
        message,
    };
    let root = match syntax {
        Syntax::Json => {
            serde_json::from_str::<Value>(text).map_err(|e| syntax_error("JSON", e.to_string()))?
        }
        Syntax::Yaml => {
            let mut yaml = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text)
                .map_err(|e| syntax_error("YAML", e.to_string()))?;
            // Hand-written YAML specs share fragments with `<<: *anchor`; the parser keeps
            // those as literal `<<` keys unless asked to merge them.
            yaml.apply_merge()
                .map_err(|e| syntax_error("YAML", e.to_string()))?;
            yaml_to_json(yaml).map_err(|message| syntax_error("YAML", message))?
        }
    };
    check_openapi(label, root)
}

/// Refuses anything that is not an OpenAPI 3.0/3.1 document with a `paths` object.
fn check_openapi(label: &str, root: Value) -> Result<Document, UpstreamDiffError> {
    let not_openapi = |found: String| UpstreamDiffError::NotOpenApi {
        document: label.to_string(),
        found,
    };
    let Some(object) = root.as_object() else {
        return Err(not_openapi("the top level is not an object".into()));
    };
    if let Some(swagger) = object.get("swagger") {
        return Err(not_openapi(format!(
            "it declares Swagger {swagger}; convert it to OpenAPI 3 first"
        )));
    }
    let version = match object.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v.starts_with("3.1.") => v.clone(),
        Some(other) => return Err(not_openapi(format!("it declares openapi {other}"))),
        None => return Err(not_openapi("it has no `openapi` version field".into())),
    };
    if !object.get("paths").is_some_and(Value::is_object) {
        return Err(UpstreamDiffError::MissingPaths {
            document: label.to_string(),
        });
    }
    Ok(Document {
        label: label.to_string(),
        version,
        root,
    })
}

/// Converts YAML to JSON. YAML allows keys JSON does not (response codes are often written
/// as bare numbers such as `200:`), so scalar keys become their text; a mapping or sequence
/// used as a key is refused rather than silently dropped.
fn yaml_to_json(yaml: serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Yaml;
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => yaml_number(&n)?,
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(mapping) => {
            let mut object = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => "null".to_string(),
                    other => return Err(format!("a mapping key must be a scalar, not {other:?}")),
                };
                object.insert(key, yaml_to_json(value)?);
            }
            Value::Object(object)
        }
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

fn yaml_number(n: &serde_yaml_ng::Number) -> Result<Value, String> {
    if let Some(u) = n.as_u64() {
        Ok(Value::Number(u.into()))
    } else if let Some(i) = n.as_i64() {
        Ok(Value::Number(i.into()))
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("the number {n} has no JSON form"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_with_numeric_response_codes_becomes_string_keys() {
        let doc = parse(
            "t.yaml",
            "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n",
            Syntax::Yaml,
        )
        .unwrap();
        assert_eq!(doc.version, "3.1.0");
        assert!(doc.root["paths"]["/a"]["get"]["responses"]["200"].is_object());
    }

    #[test]
    fn yaml_merge_keys_are_applied() {
        let doc = parse(
            "t.yaml",
            "openapi: 3.0.3\nbase: &base {type: string, maxLength: 5}\npaths:\n  /a:\n    x:\n      <<: *base\n      minLength: 1\n",
            Syntax::Yaml,
        )
        .unwrap();
        assert_eq!(
            doc.root["paths"]["/a"]["x"],
            serde_json::json!({"type": "string", "maxLength": 5, "minLength": 1})
        );
    }

    #[test]
    fn a_yaml_alias_bomb_is_refused_not_expanded() {
        let mut text =
            String::from("openapi: 3.1.0\npaths: {}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let prev = format!("*a{}", level - 1);
            let list = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{list}]\n"));
        }
        let err = parse("bomb.yaml", &text, Syntax::Yaml).unwrap_err();
        assert!(matches!(err, UpstreamDiffError::Syntax { .. }), "{err}");
    }

    #[test]
    fn invalid_yaml_is_a_syntax_error() {
        let err = parse("t.yaml", "openapi: [3.1.0\npaths: {", Syntax::Yaml).unwrap_err();
        assert!(
            matches!(err, UpstreamDiffError::Syntax { syntax: "YAML", .. }),
            "{err}"
        );
    }

    #[test]
    fn invalid_json_is_a_syntax_error() {
        let err = parse("t.json", "{\"openapi\": ", Syntax::Json).unwrap_err();
        assert!(
            matches!(err, UpstreamDiffError::Syntax { syntax: "JSON", .. }),
            "{err}"
        );
    }

    #[test]
    fn missing_paths_is_reported() {
        let err = parse("t.json", r#"{"openapi": "3.1.0"}"#, Syntax::Json).unwrap_err();
        assert_eq!(
            err,
            UpstreamDiffError::MissingPaths {
                document: "t.json".into()
            }
        );
        assert!(err.to_string().contains("no `paths` object"));
    }

    #[test]
    fn swagger_2_and_other_versions_are_refused() {
        let swagger = parse("s.json", r#"{"swagger": "2.0", "paths": {}}"#, Syntax::Json);
        assert!(matches!(swagger, Err(UpstreamDiffError::NotOpenApi { .. })));
        let v4 = parse(
            "v.json",
            r#"{"openapi": "4.0.0", "paths": {}}"#,
            Syntax::Json,
        );
        assert!(matches!(v4, Err(UpstreamDiffError::NotOpenApi { .. })));
        let list = parse("l.yaml", "- 1\n- 2\n", Syntax::Yaml);
        assert!(matches!(list, Err(UpstreamDiffError::NotOpenApi { .. })));
    }

    #[test]
    fn extension_then_content_decides_the_parser() {
        assert_eq!(syntax_of(Path::new("a.JSON"), "x"), Syntax::Json);
        assert_eq!(syntax_of(Path::new("a.yml"), "{}"), Syntax::Yaml);
        assert_eq!(syntax_of(Path::new("spec"), "  {\"a\":1}"), Syntax::Json);
        assert_eq!(syntax_of(Path::new("spec"), "openapi: 3.1.0"), Syntax::Yaml);
    }
}
