//! Immutable Python views of the crate's read-side models: `Grant`, `Application`, `Policy`
//! and `Rule`.
//!
//! Each wraps the crate's value unchanged (so equality is the crate's, which leaves the
//! `request_id` out) and exposes its fields as read-only properties, a `repr` in the style
//! of `Workspace`'s, a hash over fields that equality compares, and `to_dict()`, whose keys
//! are also the columns of the listings' dataframes (`nylas_workspaces._frames`). One macro
//! writes the four classes, so they cannot drift apart in shape.

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A field's text in a `repr`: strings quoted, absent values as `None`, booleans as Python
/// writes them.
trait ReprValue {
    fn repr(&self) -> String;
}

impl ReprValue for String {
    fn repr(&self) -> String {
        format!("{self:?}")
    }
}

impl ReprValue for i64 {
    fn repr(&self) -> String {
        self.to_string()
    }
}

impl ReprValue for bool {
    fn repr(&self) -> String {
        if *self { "True" } else { "False" }.into()
    }
}

impl<T: ReprValue> ReprValue for Option<T> {
    fn repr(&self) -> String {
        self.as_ref().map_or_else(|| "None".into(), ReprValue::repr)
    }
}

/// Defines a frozen Python class around a crate model: a property per listed field (with
/// the field's doc comment as its docstring), `request_id`, `__repr__` over `repr(...)`,
/// `__hash__` over `hash(...)` (fields equality also compares, so equal objects hash
/// alike), and `to_dict()` over every listed field.
macro_rules! read_model {
    (
        $(#[$meta:meta])*
        $name:ident wraps $inner:ty, what $what:literal,
        repr($($shown:ident),+), hash($($hashed:ident),+) {
            $( $(#[$fmeta:meta])* $field:ident: $ty:ty, )+
        }
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, eq, module = "nylas_workspaces")]
        #[derive(Clone, PartialEq)]
        pub struct $name($inner);

        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                Self(value)
            }
        }

        #[pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                fn $field(&self) -> $ty {
                    self.0.$field.clone()
                }
            )+

            /// The id of the request that returned this object, or None when the server sent
            /// none.
            #[getter]
            fn request_id(&self) -> Option<String> {
                self.0.request_id.clone()
            }

            fn __repr__(&self) -> String {
                let parts: Vec<String> = vec![$(
                    format!(concat!(stringify!($shown), "={}"), ReprValue::repr(&self.0.$shown))
                ),+];
                format!(concat!(stringify!($name), "({})"), parts.join(", "))
            }

            fn __hash__(&self) -> u64 {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                $( self.0.$hashed.hash(&mut h); )+
                h.finish()
            }

            #[doc = concat!("Converts the ", $what, " to a plain dict.")]
            ///
            /// Returns:
            ///     A new dict with the attribute names as keys, `request_id` left out (the
            ///     columns of the listings' dataframes).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                let d = PyDict::new(py);
                $( d.set_item(stringify!($field), &self.0.$field)?; )+
                Ok(d)
            }
        }
    };
}

read_model! {
    /// A grant (a connected account), as Nylas reported it: immutable, compared by value,
    /// hashable. Equality leaves `request_id` out.
    ///
    /// `workspace_id` is exactly what Nylas sent. Nylas may leave it out for grants that are
    /// not Agent Accounts (`provider` other than `nylas`) and sit in the default workspace, so
    /// None means "in no workspace, or in the default one": the provider tells which.
    ///
    /// Returned by `client.grants`; not built directly.
    Grant wraps nylas_workspaces::Grant, what "grant",
    repr(grant_id, email, provider, grant_status, workspace_id), hash(grant_id, updated_at) {
        /// The grant's id.
        grant_id: String,
        /// The account's email address, or None when Nylas did not report one.
        email: Option<String>,
        /// The account owner's display name, or None.
        name: Option<String>,
        /// The provider: `nylas` for Agent Accounts, `google`, `microsoft`, ...; or None.
        provider: Option<String>,
        /// `valid` or `invalid` (new values may appear), or None.
        grant_status: Option<String>,
        /// The workspace the grant belongs to, as Nylas sent it (see the class docstring).
        workspace_id: Option<String>,
        /// When the grant was created, in Unix seconds, or None when Nylas did not say.
        created_at: Option<i64>,
        /// When the grant last changed, in Unix seconds, or None when Nylas did not say.
        updated_at: Option<i64>,
    }
}

read_model! {
    /// The application the API key belongs to: immutable, compared by value, hashable.
    /// Equality leaves `request_id` out.
    ///
    /// Returned by `client.application.get()`; not built directly.
    Application wraps nylas_workspaces::Application, what "application",
    repr(application_id, region, environment, default_workspace_id),
    hash(application_id, default_workspace_id) {
        /// The application's id (empty when Nylas did not report one).
        application_id: String,
        /// Its region (`us`, `eu`, ...), or None.
        region: Option<String>,
        /// `production` or `staging` (new values may appear), or None.
        environment: Option<String>,
        /// The id of its default workspace, or None when it has none (or Nylas did not say).
        default_workspace_id: Option<String>,
    }
}

read_model! {
    /// A policy (limits and spam settings a workspace points to with `policy_id`):
    /// immutable, compared by value, hashable. Equality leaves `request_id` out.
    ///
    /// Returned by `client.policies`; not built directly.
    Policy wraps nylas_workspaces::Policy, what "policy",
    repr(policy_id, name), hash(policy_id, updated_at) {
        /// The policy's id.
        policy_id: String,
        /// Its name (empty when Nylas sent none).
        name: String,
        /// The id of the application that owns it (empty when Nylas sent none).
        application_id: String,
        /// When the policy was created, in Unix seconds, or None when Nylas did not say.
        created_at: Option<i64>,
        /// When the policy last changed, in Unix seconds, or None when Nylas did not say.
        updated_at: Option<i64>,
    }
}

read_model! {
    /// A rule (a filter on mail that a workspace lists in `rule_ids`): immutable, compared by
    /// value, hashable. Equality leaves `request_id` out.
    ///
    /// Returned by `client.rules`; not built directly.
    Rule wraps nylas_workspaces::resources::Rule, what "rule",
    repr(rule_id, name, priority, enabled), hash(rule_id, name, priority, enabled) {
        /// The rule's id.
        rule_id: String,
        /// Its name (empty when Nylas sent none).
        name: String,
        /// What it is for, or None.
        description: Option<String>,
        /// Its evaluation order (lower runs first), or None.
        priority: Option<i64>,
        /// Whether it is switched on, or None when Nylas did not say.
        enabled: Option<bool>,
        /// What triggers it (`inbound`, `outbound`, ...), or None.
        trigger: Option<String>,
    }
}
