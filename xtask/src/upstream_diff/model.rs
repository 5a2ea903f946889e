//! The comparable form both documents are reduced to.
//!
//! Every operation becomes a set of sections (each parameter, the request body, each
//! response status), and every section a flat map from a field path (`data.rule_ids[]`) to
//! that field's facets (type, format, nullable, required, enum, limits, default). Flat maps
//! make the diff a plain key-by-key comparison, and the same paths name the differences in
//! the report and in the allow file.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// A field's comparable properties, by facet name (`type`, `maxItems`, ...).
pub type Facets = BTreeMap<String, Value>;

/// The fields of one section by path; the section itself (the body or parameter as a whole)
/// is the empty path.
pub type Fields = BTreeMap<String, Facets>;

/// The operations of one tag, by operationId.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiModel {
    pub operations: BTreeMap<String, Operation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Upper-case HTTP method.
    pub method: String,
    pub path: String,
    pub sections: BTreeMap<Section, Fields>,
}

impl Operation {
    /// `POST /v3/workspaces`, as the report shows it.
    pub fn endpoint(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// One part of an operation that is compared on its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// A parameter, by where it goes and its name (header names in lower case, since HTTP
    /// does not distinguish their case).
    Parameter {
        location: String,
        name: String,
    },
    RequestBody,
    /// A response, by status code as written (`200`, `4XX`, `default`).
    Response {
        status: String,
    },
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parameter { location, name } => write!(f, "parameter {location} {name}"),
            Self::RequestBody => f.write_str("request body"),
            Self::Response { status } => write!(f, "response {status}"),
        }
    }
}

/// Appends a property name to a field path.
pub fn property_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// The field paths that contain `path`, nearest last: `data.a[].b` has `data`, `data.a`
/// and `data.a[]`. The section root (empty path) is not included.
pub fn ancestors(path: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for (i, c) in path.char_indices() {
        if matches!(c, '.' | '<' | '[' | '{') && i > 0 {
            found.push(&path[..i]);
        }
        if matches!(c, ']' | '}' | '>') && i + 1 < path.len() {
            found.push(&path[..=i]);
        }
    }
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_of_nested_paths() {
        assert_eq!(ancestors("data.a[].b"), ["data", "data.a", "data.a[]"]);
        assert_eq!(ancestors("[]"), Vec::<&str>::new());
        assert_eq!(ancestors("x{}.y"), ["x", "x{}"]);
        assert_eq!(ancestors("v<oneOf 1>.k"), ["v", "v<oneOf 1>"]);
    }

    #[test]
    fn sections_order_parameters_body_responses() {
        let mut sections = [
            Section::Response {
                status: "200".into(),
            },
            Section::RequestBody,
            Section::Parameter {
                location: "query".into(),
                name: "limit".into(),
            },
        ];
        sections.sort();
        let shown: Vec<String> = sections.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["parameter query limit", "request body", "response 200"]
        );
    }
}
