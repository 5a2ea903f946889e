//! The route table of `nylas-workspaces-api` (`src/routes.rs`): every operation's id, HTTP
//! method, path template and path parameters, and the `maxItems` limits of request-body
//! lists, all read from the parsed spec.
//!
//! progenitor keeps these facts inside the generated client's method bodies, where the
//! hand-written crate cannot reach them; without a table the crate would repeat the paths
//! and the 500-id limit by hand and could silently drift from the spec. Nothing here is a
//! literal copy of a spec value: change `openapi/workspaces.json` and the table follows.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Operation, Parameter, PathItem, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// One operation of the spec, as the table lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub path_params: Vec<String>,
    pub summary: Option<String>,
}

/// One request-body list with a `maxItems`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitRow {
    pub operation_id: String,
    pub property: String,
    pub max_items: usize,
}

/// Reads every operation and every body-list limit from the spec, in the spec's order.
pub fn collect(spec: &OpenAPI) -> Result<(Vec<RouteRow>, Vec<LimitRow>), String> {
    let mut routes = Vec::new();
    let mut limits = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let item = item
            .as_item()
            .ok_or_else(|| format!("{path}: a $ref path item is not supported"))?;
        for (method, op) in operations(item) {
            let where_ = format!("{} {path}", method.to_uppercase());
            let operation_id = op
                .operation_id
                .clone()
                .ok_or_else(|| format!("{where_}: no operationId"))?;
            const_name(&operation_id)?;
            let path_params = path_params(spec, path, item, op, &where_)?;
            for (property, max_items) in body_list_limits(spec, op, &where_)? {
                limits.push(LimitRow {
                    operation_id: operation_id.clone(),
                    property,
                    max_items,
                });
            }
            routes.push(RouteRow {
                operation_id,
                method: method.to_uppercase(),
                path: path.clone(),
                path_params,
                summary: op.summary.clone(),
            });
        }
    }
    let mut seen = BTreeSet::new();
    for route in &routes {
        if !seen.insert(const_name(&route.operation_id)?) {
            return Err(format!(
                "two operations map to the constant {}",
                const_name(&route.operation_id)?
            ));
        }
    }
    Ok((routes, limits))
}

/// The operations of a path item with their lower-case methods, in a fixed order.
fn operations(item: &PathItem) -> impl Iterator<Item = (&'static str, &Operation)> {
    [
        ("get", &item.get),
        ("put", &item.put),
        ("post", &item.post),
        ("delete", &item.delete),
        ("options", &item.options),
        ("head", &item.head),
        ("patch", &item.patch),
        ("trace", &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}

/// The `{…}` placeholders of `path`, in order, checked against the declared path parameters:
/// each placeholder declared exactly once, and no declared path parameter left unused.
fn path_params(
    spec: &OpenAPI,
    path: &str,
    item: &PathItem,
    op: &Operation,
    where_: &str,
) -> Result<Vec<String>, String> {
    let mut placeholders = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("{where_}: unclosed '{{' in the path"))?;
        let name = &rest[open + 1..open + close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("{where_}: malformed placeholder in the path"));
        }
        if placeholders.iter().any(|p| p == name) {
            return Err(format!("{where_}: placeholder {{{name}}} appears twice"));
        }
        placeholders.push(name.to_owned());
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("{where_}: stray '}}' in the path"));
    }

    let mut declared = BTreeSet::new();
    for param in item.parameters.iter().chain(&op.parameters) {
        if let Parameter::Path { parameter_data, .. } = resolve_parameter(spec, param)? {
            declared.insert(parameter_data.name.clone());
        }
    }
    let used: BTreeSet<String> = placeholders.iter().cloned().collect();
    if declared != used {
        return Err(format!(
            "{where_}: path placeholders {used:?} differ from the declared path parameters \
             {declared:?}"
        ));
    }
    Ok(placeholders)
}

fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    param: &'a ReferenceOr<Parameter>,
) -> Result<&'a Parameter, String> {
    match param {
        ReferenceOr::Item(p) => Ok(p),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .ok_or_else(|| format!("unsupported parameter $ref {reference}"))?;
            match spec
                .components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
            {
                Some(ReferenceOr::Item(p)) => Ok(p),
                _ => Err(format!(
                    "parameter {reference} is missing or is itself a $ref"
                )),
            }
        }
    }
}

fn resolve_schema<'a>(
    spec: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Result<&'a Schema, String> {
    match schema {
        ReferenceOr::Item(s) => Ok(s),
        ReferenceOr::Reference { reference } => schema_by_ref(spec, reference),
    }
}

fn schema_by_ref<'a>(spec: &'a OpenAPI, reference: &str) -> Result<&'a Schema, String> {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .ok_or_else(|| format!("unsupported schema $ref {reference}"))?;
    match spec.components.as_ref().and_then(|c| c.schemas.get(name)) {
        Some(ReferenceOr::Item(s)) => Ok(s),
        _ => Err(format!("schema {reference} is missing or is itself a $ref")),
    }
}

/// `(property, maxItems)` of every array property of the operation's JSON body that has a
/// `maxItems`, in the schema's property order.
fn body_list_limits(
    spec: &OpenAPI,
    op: &Operation,
    where_: &str,
) -> Result<Vec<(String, usize)>, String> {
    let Some(body) = &op.request_body else {
        return Ok(Vec::new());
    };
    let ReferenceOr::Item(body) = body else {
        return Err(format!("{where_}: a $ref request body is not supported"));
    };
    let mut found = Vec::new();
    for (media_type, media) in &body.content {
        if media_type != "application/json" {
            continue;
        }
        let Some(schema) = &media.schema else {
            continue;
        };
        let SchemaKind::Type(Type::Object(object)) = &resolve_schema(spec, schema)?.schema_kind
        else {
            continue;
        };
        for (name, prop) in &object.properties {
            let prop = match prop {
                ReferenceOr::Item(s) => s.as_ref(),
                ReferenceOr::Reference { reference } => schema_by_ref(spec, reference)?,
            };
            if let SchemaKind::Type(Type::Array(array)) = &prop.schema_kind
                && let Some(max) = array.max_items
            {
                found.push((name.clone(), max));
            }
        }
    }
    Ok(found)
}

/// The constant naming an operation: `get-workspace` → `GET_WORKSPACE`, `get_application`
/// → `GET_APPLICATION`. Operation ids must be lower-case words joined by `-` or `_` (Nylas
/// uses both) so that the result is a valid identifier; two ids that differ only in the
/// separator would collide, which [`collect`] refuses.
pub fn const_name(operation_id: &str) -> Result<String, String> {
    let separator = |c: char| c == '-' || c == '_';
    let valid = operation_id.starts_with(|c: char| c.is_ascii_lowercase())
        && operation_id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separator(c))
        && !operation_id.ends_with(separator)
        && !operation_id
            .as_bytes()
            .windows(2)
            .any(|w| separator(w[0] as char) && separator(w[1] as char));
    if !valid {
        return Err(format!(
            "operationId {operation_id:?} is not lower-case words joined by '-' or '_'; the \
             route table derives constant names from it"
        ));
    }
    Ok(operation_id.replace('-', "_").to_uppercase())
}

fn limit_const_name(limit: &LimitRow) -> Result<String, String> {
    let property = limit.property.to_uppercase();
    if !property
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "{}: property {:?} cannot be part of a constant name",
            limit.operation_id, limit.property
        ));
    }
    Ok(format!(
        "{}_{property}_MAX_ITEMS",
        const_name(&limit.operation_id)?
    ))
}

/// The tokens of `routes.rs`.
pub fn tokens(spec: &OpenAPI) -> Result<TokenStream, String> {
    let (routes, limits) = collect(spec)?;

    let mut route_items = Vec::new();
    let mut all = Vec::new();
    for route in &routes {
        let ident = format_ident!("{}", const_name(&route.operation_id)?);
        let heading = match &route.summary {
            Some(summary) if summary.trim().ends_with(['.', '!', '?']) => {
                format!(" {}", summary.trim())
            }
            Some(summary) => format!(" {}.", summary.trim()),
            None => format!(" The `{}` operation.", route.operation_id),
        };
        let line = format!(
            " `{} {}` (operation `{}`).",
            route.method, route.path, route.operation_id
        );
        let (id, method, path) = (&route.operation_id, &route.method, &route.path);
        let params = &route.path_params;
        route_items.push(quote! {
            #[doc = #heading]
            #[doc = ""]
            #[doc = #line]
            pub const #ident: Route = Route {
                operation_id: #id,
                method: #method,
                path: #path,
                path_params: &[#(#params),*],
            };
        });
        all.push(ident);
    }

    let mut limit_items = Vec::new();
    let mut limit_rows = Vec::new();
    for limit in &limits {
        let ident = format_ident!("{}", limit_const_name(limit)?);
        let doc = format!(
            " At most this many entries in the `{}` list of one `{}` request body (the \
             spec's `maxItems`).",
            limit.property, limit.operation_id
        );
        let max = proc_macro2::Literal::usize_unsuffixed(limit.max_items);
        let (id, property) = (&limit.operation_id, &limit.property);
        limit_items.push(quote! {
            #[doc = #doc]
            pub const #ident: usize = #max;
        });
        limit_rows.push(quote! {
            ListLimit { operation_id: #id, property: #property, max_items: #ident }
        });
    }

    Ok(quote! {
        //! Every operation's HTTP method, path template and path parameters, and the size
        //! limits of request-body lists, as `openapi/workspaces.json` declares them.

        /// One operation of the API: how to address it on the wire.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct Route {
            /// The spec's `operationId`, e.g. `get-workspace`.
            pub operation_id: &'static str,
            /// The HTTP method in upper case, e.g. `GET`.
            pub method: &'static str,
            /// The path template, e.g. `/v3/workspaces/{workspace_id}`.
            pub path: &'static str,
            /// The names of the `{…}` placeholders of [`Route::path`], in the order they appear.
            pub path_params: &'static [&'static str],
        }

        /// Why [`Route::path_with`] refused its segments.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum PathError {
            /// The number of segments is not the number of path parameters.
            Count {
                /// The operation whose path was being filled.
                operation_id: &'static str,
                /// How many path parameters the route has.
                expected: usize,
                /// How many segments were given.
                given: usize,
            },
            /// A segment is empty, `.` or `..`, or contains `/`, `?` or `#`: it would address
            /// another resource than the one named, so it must be percent-encoded first.
            Segment {
                /// The operation whose path was being filled.
                operation_id: &'static str,
                /// The path parameter the segment was meant for.
                param: &'static str,
            },
            /// The route's path has no `{param}` placeholder after the previous one: the
            /// route was built by hand with `path_params` that do not match its `path`.
            Template {
                /// The operation whose path was being filled.
                operation_id: &'static str,
                /// The path parameter whose placeholder is missing.
                param: &'static str,
            },
        }

        impl ::std::fmt::Display for PathError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    Self::Count { operation_id, expected, given } => write!(
                        f,
                        "{operation_id} takes {expected} path segment(s), {given} given"
                    ),
                    Self::Segment { operation_id, param } => write!(
                        f,
                        "{operation_id}: the {param} segment is empty, `.`, `..` or contains '/', '?' or '#'"
                    ),
                    Self::Template { operation_id, param } => write!(
                        f,
                        "{operation_id}: the path template has no {{{param}}} placeholder in order"
                    ),
                }
            }
        }

        impl ::std::error::Error for PathError {}

        impl Route {
            /// The path with each `{…}` placeholder replaced by the next of `segments`, in
            /// order. Segments are inserted as given: pass them already percent-encoded.
            /// Refuses a wrong number of segments and any segment that would change which
            /// resource the path names (empty, `.`, `..`, or containing `/`, `?`, `#`).
            pub fn path_with(&self, segments: &[&str]) -> ::std::result::Result<String, PathError> {
                if segments.len() != self.path_params.len() {
                    return Err(PathError::Count {
                        operation_id: self.operation_id,
                        expected: self.path_params.len(),
                        given: segments.len(),
                    });
                }
                let mut out = String::with_capacity(
                    self.path.len() + segments.iter().map(|s| s.len()).sum::<usize>(),
                );
                let mut rest = self.path;
                for (segment, param) in segments.iter().zip(self.path_params) {
                    if segment.is_empty()
                        || *segment == "."
                        || *segment == ".."
                        || segment.contains(['/', '?', '#'])
                    {
                        return Err(PathError::Segment {
                            operation_id: self.operation_id,
                            param,
                        });
                    }
                    let placeholder = ["{", param, "}"].concat();
                    let Some((before, after)) = rest.split_once(placeholder.as_str()) else {
                        return Err(PathError::Template {
                            operation_id: self.operation_id,
                            param,
                        });
                    };
                    out.push_str(before);
                    out.push_str(segment);
                    rest = after;
                }
                out.push_str(rest);
                Ok(out)
            }
        }

        /// A request-body list with a documented maximum length.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct ListLimit {
            /// The operation whose body holds the list.
            pub operation_id: &'static str,
            /// The list's property name in the JSON body.
            pub property: &'static str,
            /// The spec's `maxItems`: the most entries one request may carry.
            pub max_items: usize,
        }

        #(#route_items)*

        /// Every operation of the spec, in the spec's order.
        pub const ALL: &[Route] = &[#(#all),*];

        #(#limit_items)*

        /// Every request-body list limit of the spec, in the spec's order.
        pub const LIST_LIMITS: &[ListLimit] = &[#(#limit_rows),*];
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{paths, spec};

    fn rows() -> (Vec<RouteRow>, Vec<LimitRow>) {
        collect(&spec::load(&paths::spec()).unwrap()).unwrap()
    }

    #[test]
    fn the_table_has_exactly_the_specs_operations_methods_and_paths() {
        let spec = spec::load(&paths::spec()).unwrap();
        let (routes, _) = collect(&spec).unwrap();
        let from_table: Vec<(String, String, String)> = routes
            .iter()
            .map(|r| (r.operation_id.clone(), r.method.clone(), r.path.clone()))
            .collect();
        let from_spec: Vec<(String, String, String)> = spec
            .operations()
            .map(|(path, method, op)| {
                (
                    op.operation_id.clone().unwrap(),
                    method.to_uppercase(),
                    path.to_owned(),
                )
            })
            .collect();
        assert_eq!(from_table, from_spec);
        assert_eq!(routes.len(), 14);
        let get = routes
            .iter()
            .find(|r| r.operation_id == "get-workspace")
            .unwrap();
        assert_eq!(get.path_params, ["workspace_id"]);
        let list = routes
            .iter()
            .find(|r| r.operation_id == "get-all-workspaces")
            .unwrap();
        assert!(
            list.path_params.is_empty(),
            "query parameters are not path parameters"
        );
    }

    #[test]
    fn max_items_of_the_manual_assign_lists_are_picked_up() {
        let (_, limits) = rows();
        let found: Vec<(&str, &str, usize)> = limits
            .iter()
            .map(|l| (l.operation_id.as_str(), l.property.as_str(), l.max_items))
            .collect();
        assert_eq!(
            found,
            [
                ("manually-assign-workspace", "assign_grants", 500),
                ("manually-assign-workspace", "remove_grants", 500),
            ]
        );
    }

    #[test]
    fn a_changed_limit_in_the_spec_changes_the_table() {
        let mut spec = spec::load(&paths::spec()).unwrap();
        let Some(ReferenceOr::Item(schema)) = spec
            .components
            .as_mut()
            .unwrap()
            .schemas
            .get_mut("ManualAssignRequest")
        else {
            panic!("ManualAssignRequest is missing")
        };
        let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
            panic!("not an object")
        };
        let Some(ReferenceOr::Item(list)) = object.properties.get_mut("remove_grants") else {
            panic!("no remove_grants")
        };
        let SchemaKind::Type(Type::Array(array)) = &mut list.schema_kind else {
            panic!("not an array")
        };
        array.max_items = Some(250);
        let code = tokens(&spec).unwrap().to_string();
        assert!(
            code.contains("MANUALLY_ASSIGN_WORKSPACE_REMOVE_GRANTS_MAX_ITEMS : usize = 250"),
            "{code}"
        );
        assert!(code.contains("MANUALLY_ASSIGN_WORKSPACE_ASSIGN_GRANTS_MAX_ITEMS : usize = 500"));
    }

    #[test]
    fn a_placeholder_without_a_declared_parameter_is_refused() {
        let mut spec = spec::load(&paths::spec()).unwrap();
        let item = spec
            .paths
            .paths
            .shift_remove("/v3/workspaces/{workspace_id}")
            .unwrap();
        spec.paths
            .paths
            .insert("/v3/workspaces/{workspace_id}/{extra}".into(), item);
        let err = collect(&spec).unwrap_err();
        assert!(
            err.contains("differ from the declared path parameters"),
            "{err}"
        );
    }

    #[test]
    fn operation_ids_map_to_constants_one_to_one() {
        assert_eq!(
            const_name("manually-assign-workspace").unwrap(),
            "MANUALLY_ASSIGN_WORKSPACE"
        );
        assert_eq!(const_name("get_grant_by_id").unwrap(), "GET_GRANT_BY_ID");
        for bad in [
            "Get-Workspace",
            "get workspace",
            "get--x",
            "get-_x",
            "get_",
            "-get",
            "get-",
            "",
            "9get",
        ] {
            assert!(const_name(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
