//! The structural diff of two models.
//!
//! Differences are reported at the highest level where they occur: an operation that only
//! one side has is one difference, not one per field; likewise a section (a parameter, a
//! response status) and a field with everything below it.

use std::collections::BTreeSet;

use serde_json::Value;

use super::extract::positional_path;
use super::model::{ApiModel, Facets, Fields, ancestors};

/// Which side has something, or how a facet differs.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    OnlyOurs,
    OnlyUpstream,
    /// A facet differs; `None` is a facet one side does not state.
    Changed {
        ours: Option<Value>,
        upstream: Option<Value>,
    },
}

/// One difference, located as precisely as the allow file addresses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub operation: String,
    /// `POST /v3/workspaces`, taken from upstream when it has the operation.
    pub endpoint: String,
    /// `None` when the difference is about the operation as a whole.
    pub section: Option<String>,
    /// `None` when the difference is about the section root (the body or parameter itself).
    pub field: Option<String>,
    /// `None` when a whole operation, section or field is on one side only.
    pub facet: Option<String>,
    pub change: Change,
}

/// Every difference between `ours` and `upstream`, ordered by operation, section, field and
/// facet.
pub fn compare(ours: &ApiModel, upstream: &ApiModel) -> Vec<Difference> {
    let mut found = Vec::new();
    let ids: BTreeSet<&String> = ours
        .operations
        .keys()
        .chain(upstream.operations.keys())
        .collect();
    for id in ids {
        let (our_op, up_op) = (ours.operations.get(id), upstream.operations.get(id));
        let endpoint = up_op.or(our_op).map(|op| op.endpoint()).unwrap_or_default();
        let at = Locator {
            operation: id,
            endpoint: &endpoint,
        };
        let (our_op, up_op) = match (our_op, up_op) {
            (Some(o), Some(u)) => (o, u),
            (Some(_), None) => {
                found.push(at.difference(None, None, None, Change::OnlyOurs));
                continue;
            }
            (None, _) => {
                found.push(at.difference(None, None, None, Change::OnlyUpstream));
                continue;
            }
        };
        let (our_path, up_path) = (positional_path(&our_op.path), positional_path(&up_op.path));
        for (facet, o, u) in [
            ("method", &our_op.method, &up_op.method),
            ("path", &our_path, &up_path),
        ] {
            if o != u {
                let change = Change::Changed {
                    ours: Some(Value::from(o.as_str())),
                    upstream: Some(Value::from(u.as_str())),
                };
                found.push(at.difference(None, None, Some(facet), change));
            }
        }
        let sections: BTreeSet<_> = our_op
            .sections
            .keys()
            .chain(up_op.sections.keys())
            .collect();
        for section in sections {
            let name = section.to_string();
            match (our_op.sections.get(section), up_op.sections.get(section)) {
                (Some(o), Some(u)) => compare_fields(&at, &name, o, u, &mut found),
                (Some(_), None) => {
                    found.push(at.difference(Some(&name), None, None, Change::OnlyOurs))
                }
                (None, _) => {
                    found.push(at.difference(Some(&name), None, None, Change::OnlyUpstream))
                }
            }
        }
    }
    found
}

struct Locator<'a> {
    operation: &'a str,
    endpoint: &'a str,
}

impl Locator<'_> {
    fn difference(
        &self,
        section: Option<&str>,
        field: Option<&str>,
        facet: Option<&str>,
        change: Change,
    ) -> Difference {
        Difference {
            operation: self.operation.to_string(),
            endpoint: self.endpoint.to_string(),
            section: section.map(str::to_string),
            field: field.map(str::to_string),
            facet: facet.map(str::to_string),
            change,
        }
    }
}

fn compare_fields(
    at: &Locator<'_>,
    section: &str,
    ours: &Fields,
    upstream: &Fields,
    found: &mut Vec<Difference>,
) {
    let paths: BTreeSet<&String> = ours.keys().chain(upstream.keys()).collect();
    // Fields already reported as one-sided, so that their children are not listed again.
    let mut one_sided: BTreeSet<&str> = BTreeSet::new();
    for path in paths {
        let field = (!path.is_empty()).then_some(path.as_str());
        let (o, u) = (ours.get(path), upstream.get(path));
        let change = match (o, u) {
            (Some(o), Some(u)) => {
                compare_facets(at, section, field, o, u, found);
                continue;
            }
            (Some(_), None) => Change::OnlyOurs,
            (None, _) => Change::OnlyUpstream,
        };
        if ancestors(path).iter().any(|a| one_sided.contains(a)) {
            continue;
        }
        one_sided.insert(path);
        found.push(at.difference(Some(section), field, None, change));
    }
}

fn compare_facets(
    at: &Locator<'_>,
    section: &str,
    field: Option<&str>,
    ours: &Facets,
    upstream: &Facets,
    found: &mut Vec<Difference>,
) {
    let names: BTreeSet<&String> = ours.keys().chain(upstream.keys()).collect();
    for name in names {
        let (o, u) = (ours.get(name), upstream.get(name));
        if o != u {
            let change = Change::Changed {
                ours: o.cloned(),
                upstream: u.cloned(),
            };
            found.push(at.difference(Some(section), field, Some(name), change));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upstream_diff::model::{Operation, Section};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn model(id: &str, body: Fields) -> ApiModel {
        let mut sections = BTreeMap::new();
        sections.insert(Section::RequestBody, body);
        let op = Operation {
            method: "POST".into(),
            path: "/x".into(),
            sections,
        };
        ApiModel {
            operations: BTreeMap::from([(id.to_string(), op)]),
        }
    }

    fn facets(pairs: &[(&str, Value)]) -> Facets {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn identical_models_have_no_difference() {
        let body = Fields::from([(String::new(), facets(&[("type", json!("object"))]))]);
        assert!(compare(&model("a", body.clone()), &model("a", body)).is_empty());
    }

    #[test]
    fn a_new_subtree_is_one_difference() {
        let ours = Fields::from([(String::new(), facets(&[]))]);
        let mut upstream = ours.clone();
        upstream.insert("extra".into(), facets(&[("type", json!("object"))]));
        upstream.insert("extra.inner".into(), facets(&[("type", json!("string"))]));
        upstream.insert("extras".into(), facets(&[("type", json!("string"))]));
        let diffs = compare(&model("a", ours), &model("a", upstream));
        let fields: Vec<_> = diffs.iter().map(|d| d.field.as_deref()).collect();
        assert_eq!(fields, [Some("extra"), Some("extras")]);
        assert!(diffs.iter().all(|d| d.change == Change::OnlyUpstream));
    }

    #[test]
    fn facet_changes_carry_both_values() {
        let ours = Fields::from([("n".to_string(), facets(&[("maxItems", json!(500))]))]);
        let upstream = Fields::from([("n".to_string(), facets(&[("minItems", json!(1))]))]);
        let diffs = compare(&model("a", ours), &model("a", upstream));
        assert_eq!(diffs.len(), 2);
        assert_eq!(
            diffs[0].change,
            Change::Changed {
                ours: Some(json!(500)),
                upstream: None
            }
        );
        assert_eq!(diffs[1].facet.as_deref(), Some("minItems"));
    }

    #[test]
    fn operations_on_one_side_only() {
        let body = Fields::new();
        let diffs = compare(&model("a", body.clone()), &model("b", body));
        assert_eq!(diffs.len(), 2);
        assert_eq!(
            (diffs[0].operation.as_str(), &diffs[0].change),
            ("a", &Change::OnlyOurs)
        );
        assert_eq!(
            (diffs[1].operation.as_str(), &diffs[1].change),
            ("b", &Change::OnlyUpstream)
        );
    }

    #[test]
    fn placeholder_names_do_not_count_but_literal_segments_do() {
        let with_path = |path: &str| ApiModel {
            operations: BTreeMap::from([(
                "g".to_string(),
                Operation {
                    method: "GET".into(),
                    path: path.into(),
                    sections: BTreeMap::new(),
                },
            )]),
        };
        let ours = with_path("/v3/grants/{grant_id}");
        assert!(compare(&ours, &with_path("/v3/grants/{grantId}")).is_empty());
        let moved = compare(&ours, &with_path("/v3/grant/{grantId}"));
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].facet.as_deref(), Some("path"));
    }
}
