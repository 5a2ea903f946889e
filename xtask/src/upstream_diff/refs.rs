//! Following `$ref`s inside one document.
//!
//! Only local references (`#/components/...`) are followed: Nylas's document is a single
//! file, and fetching other files would make the comparison depend on the network.

use serde_json::Value;

use super::document::Document;
use super::error::UpstreamDiffError;

/// Finds the value a local reference such as `#/components/schemas/Workspace` names, or
/// explains why it cannot.
pub fn lookup<'a>(
    doc: &'a Document,
    reference: &str,
    context: &str,
) -> Result<&'a Value, UpstreamDiffError> {
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(UpstreamDiffError::ExternalRef {
            document: doc.label.clone(),
            reference: reference.to_string(),
            context: context.to_string(),
        });
    };
    let broken = || UpstreamDiffError::BrokenRef {
        document: doc.label.clone(),
        reference: reference.to_string(),
        context: context.to_string(),
    };
    if pointer.is_empty() {
        return Ok(&doc.root);
    }
    let Some(pointer) = pointer.strip_prefix('/') else {
        return Err(broken());
    };
    let mut current = &doc.root;
    for raw in pointer.split('/') {
        let token = unescape_token(raw);
        current = match current {
            Value::Object(map) => map.get(&token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
        .ok_or_else(broken)?;
    }
    Ok(current)
}

/// Decodes one JSON-pointer token: percent escapes (a reference is a URI fragment) and then
/// the pointer escapes `~1` (`/`) and `~0` (`~`).
fn unescape_token(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded)
        .replace("~1", "/")
        .replace("~0", "~")
}

/// Follows a chain of `$ref`s (a parameter, response, request body or path item may be a
/// reference to one in `components`) until it reaches an object without `$ref`.
///
/// Siblings of `$ref` are ignored here: on these objects they can only be descriptions.
pub fn resolve_object<'a>(
    doc: &'a Document,
    value: &'a Value,
    context: &str,
) -> Result<&'a serde_json::Map<String, Value>, UpstreamDiffError> {
    let mut current = value;
    let mut chain: Vec<&str> = Vec::new();
    loop {
        let Some(map) = current.as_object() else {
            return Err(UpstreamDiffError::Malformed {
                document: doc.label.clone(),
                context: context.to_string(),
                message: format!("expected an object, found {}", kind_of(current)),
            });
        };
        let Some(reference) = map.get("$ref") else {
            return Ok(map);
        };
        let Some(reference) = reference.as_str() else {
            return Err(UpstreamDiffError::Malformed {
                document: doc.label.clone(),
                context: context.to_string(),
                message: "`$ref` must be a string".into(),
            });
        };
        if chain.contains(&reference) {
            let mut cycle: Vec<String> = chain.iter().map(|r| r.to_string()).collect();
            cycle.push(reference.to_string());
            return Err(UpstreamDiffError::RefCycle {
                document: doc.label.clone(),
                chain: cycle,
                context: context.to_string(),
            });
        }
        chain.push(reference);
        current = lookup(doc, reference, context)?;
    }
}

/// A short name of a JSON value's kind, for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(root: Value) -> Document {
        Document {
            label: "t".into(),
            version: "3.1.0".into(),
            root,
        }
    }

    #[test]
    fn lookup_decodes_pointer_and_percent_escapes() {
        let d = doc(json!({"paths": {"/v3/{id}": {"get": 1}}, "list": [10, 20]}));
        assert_eq!(
            lookup(&d, "#/paths/~1v3~1%7Bid%7D/get", "c").unwrap(),
            &json!(1)
        );
        assert_eq!(lookup(&d, "#/list/1", "c").unwrap(), &json!(20));
    }

    #[test]
    fn lookup_reports_broken_and_external_references() {
        let d = doc(json!({"components": {}}));
        assert!(matches!(
            lookup(&d, "#/components/schemas/Nope", "c"),
            Err(UpstreamDiffError::BrokenRef { .. })
        ));
        assert!(matches!(
            lookup(&d, "other.yaml#/X", "c"),
            Err(UpstreamDiffError::ExternalRef { .. })
        ));
    }

    #[test]
    fn resolve_object_follows_chains_and_stops_at_cycles() {
        let d = doc(json!({"components": {"parameters": {
            "A": {"$ref": "#/components/parameters/B"},
            "B": {"name": "b", "in": "query"},
            "X": {"$ref": "#/components/parameters/Y"},
            "Y": {"$ref": "#/components/parameters/X"},
        }}}));
        let a = json!({"$ref": "#/components/parameters/A"});
        assert_eq!(resolve_object(&d, &a, "c").unwrap()["name"], json!("b"));
        let x = json!({"$ref": "#/components/parameters/X"});
        match resolve_object(&d, &x, "c") {
            Err(UpstreamDiffError::RefCycle { chain, .. }) => assert_eq!(
                chain,
                [
                    "#/components/parameters/X",
                    "#/components/parameters/Y",
                    "#/components/parameters/X"
                ]
            ),
            other => panic!("expected a cycle, got {other:?}"),
        }
    }
}
