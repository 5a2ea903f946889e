//! The blocking and awaitable twins of the Python API, expanded from one definition.
//!
//! `Workspaces` and `AsyncWorkspaces` offer the same operations with the same Python
//! signatures and docstrings, and `Client` and `AsyncClient` the same constructor; only how a
//! call runs differs (on the shared runtime while the caller waits with the GIL released, or
//! handed to asyncio). Written out twice by hand the pairs would drift apart as operations are
//! added, so the macros below generate both `#[pymethods]` blocks from one list.

/// Defines a blocking and an awaitable resource class and their methods from one list.
///
/// Each entry reads like the Python method: its attributes (doc comments, `#[pyo3(...)]`),
/// which both twins get; its Python parameters (passed through as written, so that pyo3
/// sees the types it inspects); and after `=>` the `ops::` function it runs,
/// with the arguments built from the parameters. The macro passes the crate client first. A
/// conversion may fail with `?`, which raises before anything is sent, in both twins.
///
/// After the operations, an optional `listings { ... }` block lists methods that return a
/// lazy listing instead of a result: `=> listings::f(arguments...) as "schema"` calls
/// `listings::f(client, arguments...)` for a `pager::Opener` (a refused query raises at
/// once, before anything is sent) and wraps it in `Listing` on the blocking twin and in
/// `AsyncListing` on the awaitable one, with the frames' columns of `schema`.
///
/// The blocking twin runs the operation with `runtime::block_on`; an entry ending in
/// `, blocking = path` runs `path(py, client, arguments...)` instead, for an operation whose
/// blocking form needs more than that (`manual_assign`, which keeps its outcome on Ctrl-C).
/// The awaitable twin hands the same future to asyncio. Both return an `errors::Answer`,
/// turned into a value or an exception where the GIL is held.
macro_rules! resource_twins {
    (
        $(#[$sync_meta:meta])* sync $sync:ident;
        $(#[$async_meta:meta])* async $async:ident;
        $(
            $(#[$meta:meta])*
            fn $name:ident($($params:tt)*)
                => ops::$op:ident($($call:expr),* $(,)?) $(, blocking = $blocking:path)?;
        )*
        $(
            listings {
                $(
                    $(#[$lmeta:meta])*
                    fn $lname:ident($($lparams:tt)*)
                        => listings::$lop:ident($($lcall:expr),* $(,)?) as $schema:literal;
                )*
            }
        )?
    ) => {
        $(#[$sync_meta])*
        #[pyclass(frozen, module = "nylas_workspaces")]
        pub struct $sync {
            client: nylas_workspaces::Client,
        }

        $(#[$async_meta])*
        #[pyclass(frozen, module = "nylas_workspaces")]
        pub struct $async {
            client: nylas_workspaces::Client,
        }

        impl $sync {
            /// The resource over `client`.
            pub(crate) fn from_client(client: nylas_workspaces::Client) -> Self {
                Self { client }
            }
        }

        impl $async {
            /// The resource over `client`.
            pub(crate) fn from_client(client: nylas_workspaces::Client) -> Self {
                Self { client }
            }
        }

        #[pymethods]
        impl $sync {
            $(
                $(#[$meta])*
                fn $name<'py>(&self, py: Python<'py>, $($params)*)
                    -> PyResult<Bound<'py, PyAny>>
                {
                    let client = self.client.clone();
                    resource_twins!(@blocking py, client, $op, [$($call),*] $($blocking)?)
                }
            )*
            $($(
                $(#[$lmeta])*
                fn $lname<'py>(&self, py: Python<'py>, $($lparams)*)
                    -> PyResult<Bound<'py, PyAny>>
                {
                    let open = listings::$lop(self.client.clone(), $($lcall),*)
                        .map_err(|e| errors::to_py_err(py, e))?;
                    crate::pager::listing(py, open, $schema)
                }
            )*)?
        }

        #[pymethods]
        impl $async {
            $(
                $(#[$meta])*
                fn $name<'py>(&self, py: Python<'py>, $($params)*)
                    -> PyResult<Bound<'py, PyAny>>
                {
                    let call = ops::$op(self.client.clone(), $($call),*);
                    future_into_py(py, async move { Ok(errors::Answer(call.await)) })
                }
            )*
            $($(
                $(#[$lmeta])*
                fn $lname<'py>(&self, py: Python<'py>, $($lparams)*)
                    -> PyResult<Bound<'py, PyAny>>
                {
                    let open = listings::$lop(self.client.clone(), $($lcall),*)
                        .map_err(|e| errors::to_py_err(py, e))?;
                    crate::pager::async_listing(py, open, $schema)
                }
            )*)?
        }
    };
    (@blocking $py:ident, $client:expr, $op:ident, [$($call:expr),*]) => {
        errors::Answer(runtime::block_on($py, ops::$op($client, $($call),*))?).into_pyobject($py)
    };
    (@blocking $py:ident, $client:expr, $op:ident, [$($call:expr),*] $blocking:path) => {
        $blocking($py, $client, $($call),*)
    };
}

/// Defines the client classes, each holding its resource, with one shared constructor.
///
/// The list starts with `shared { ... }`: the methods both clients have on themselves
/// (`client.plan(...)`, not `client.workspaces...`), written once like the entries of
/// [`resource_twins!`] (`=> as_code::f(arguments...)` runs `crate::as_code::ops::f` with the
/// crate client first, on the blocking client through `runtime::block_on` or an optional
/// `, blocking = path`, on the awaitable one handed to asyncio).
///
/// Every client entry then names the class, whether it is the `(blocking)` or the `(awaitable)`
/// twin, and after its docstring the resource classes it exposes as `.workspaces`,
/// `.grants`, `.application`, `.policies` and `.rules`, and lists in braces the methods only
/// it has (the context-manager protocol, which differs between blocking and awaitable). The
/// constructor's long signature and the `__repr__` are written here once.
macro_rules! client_twins {
    (
        shared $shared:tt
        $(
            $(#[$meta:meta])*
            $client:ident ($mode:ident) => $resource:ident, $grants:ident, $application:ident,
                $policies:ident, $rules:ident { $($extra:tt)* }
        )*
    ) => {$(
        client_twins!(@client $shared
            $(#[$meta])*
            $client ($mode) => $resource, $grants, $application, $policies, $rules { $($extra)* }
        );
    )*};
    (
        @client {
            $(
                $(#[$smeta:meta])*
                fn $sname:ident($($sparams:tt)*)
                    => as_code::$sop:ident($($scall:expr),* $(,)?) $(, blocking = $sblocking:path)?;
            )*
        }
        $(#[$meta:meta])*
        $client:ident ($mode:ident) => $resource:ident, $grants:ident, $application:ident,
            $policies:ident, $rules:ident { $($extra:tt)* }
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "nylas_workspaces")]
        pub struct $client {
            /// The `/v3/workspaces` operations of this client.
            #[pyo3(get)]
            workspaces: Py<$resource>,
            /// The `/v3/grants` operations of this client.
            #[pyo3(get)]
            grants: Py<$grants>,
            /// The `/v3/applications` operation of this client.
            #[pyo3(get)]
            application: Py<$application>,
            /// The `/v3/policies` operations of this client.
            #[pyo3(get)]
            policies: Py<$policies>,
            /// The `/v3/rules` operations of this client.
            #[pyo3(get)]
            rules: Py<$rules>,
        }

        impl $client {
            /// The client object over the crate's `client`, with every resource.
            fn over(py: Python<'_>, client: nylas_workspaces::Client) -> PyResult<Self> {
                Ok(Self {
                    grants: Py::new(py, $grants::from_client(client.clone()))?,
                    application: Py::new(py, $application::from_client(client.clone()))?,
                    policies: Py::new(py, $policies::from_client(client.clone()))?,
                    rules: Py::new(py, $rules::from_client(client.clone()))?,
                    workspaces: Py::new(py, $resource::from_client(client))?,
                })
            }
        }

        #[pymethods]
        impl $client {
            #[new]
            #[pyo3(signature = (
                api_key=None, *, region="us", api_uri=None, timeout=DEFAULT_TIMEOUT,
                max_retries=DEFAULT_MAX_RETRIES, max_retry_wait=DEFAULT_MAX_RETRY_WAIT,
                rate_limit=None
            ))]
            #[pyo3(
                text_signature = "(api_key=None, *, region='us', api_uri=None, timeout=90.0, max_retries=2, max_retry_wait=60.0, rate_limit=None)"
            )]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                api_key: Option<String>,
                region: &str,
                api_uri: Option<String>,
                #[pyo3(from_py_with = numbers::timeout)] timeout: f64,
                #[pyo3(from_py_with = numbers::max_retries)] max_retries: u32,
                #[pyo3(from_py_with = numbers::max_retry_wait)] max_retry_wait: f64,
                rate_limit: Option<&Bound<'_, PyAny>>,
            ) -> PyResult<Self> {
                let client = configure(
                    py, api_key, region, api_uri, timeout, max_retries, max_retry_wait, rate_limit,
                )?;
                Self::over(py, client)
            }

            fn __repr__(&self) -> String {
                let base_url = self.workspaces.get().client.base_url();
                format!(concat!(stringify!($client), "(base_url={:?})"), base_url)
            }

            /// A client of the same class whose calls use other settings.
            ///
            /// It shares this client's connection pool, rate limiter, retry budget and workspace cache,
            /// so it is cheap to make (one per call if need be).
            ///
            /// Args:
            ///     timeout: Seconds allowed per attempt; NOT_GIVEN keeps this client's value.
            ///     max_retries: How many times a failed attempt is retried; NOT_GIVEN keeps this
            ///         client's value.
            ///     max_retry_wait: The longest `Retry-After`, in seconds, waited out before a retry;
            ///         NOT_GIVEN keeps this client's value.
            ///     extra_headers: A mapping of header names to values added to every request
            ///         (replacing same-named ones of an earlier `with_options`), or None.
            ///
            /// Returns:
            ///     A new client of the same class.
            ///
            /// Raises:
            ///     ConfigurationError: A header the client sets itself (`Authorization`,
            ///         `User-Agent`, `Idempotency-Key`, `Content-Type`, `Accept`, `Host`,
            ///         `Content-Length`, `Transfer-Encoding`, `Connection`), an invalid header name or
            ///         value, or a number the constructor would refuse.
            ///     TypeError: An argument of the wrong kind.
            #[pyo3(signature = (**options))]
            #[pyo3(
                text_signature = "(self, *, timeout=NOT_GIVEN, max_retries=NOT_GIVEN, max_retry_wait=NOT_GIVEN, extra_headers=None)"
            )]
            fn with_options(
                &self,
                py: Python<'_>,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let options = request_options(options)?;
                let client = self
                    .workspaces
                    .get()
                    .client
                    .with_options(options)
                    .map_err(|e| errors::to_py_err(py, e))?;
                Self::over(py, client)
            }

            $(
                $(#[$smeta])*
                fn $sname<'py>(&self, py: Python<'py>, $($sparams)*)
                    -> PyResult<Bound<'py, PyAny>>
                {
                    let client = self.workspaces.get().client.clone();
                    client_twins!(@call $mode py, client, $sop, [$($scall),*] [$($sblocking)?])
                }
            )*

            $($extra)*
        }
    };
    (@call blocking $py:ident, $client:ident, $op:ident, [$($call:expr),*] []) => {
        errors::Answer(runtime::block_on($py, crate::as_code::ops::$op($client, $($call),*))?)
            .into_pyobject($py)
    };
    (@call blocking $py:ident, $client:ident, $op:ident, [$($call:expr),*] [$blocking:path]) => {
        $blocking($py, $client, $($call),*)
    };
    (@call awaitable $py:ident, $client:ident, $op:ident, [$($call:expr),*] [$($blocking:path)?]) => {{
        let call = crate::as_code::ops::$op($client, $($call),*);
        future_into_py($py, async move { Ok(errors::Answer(call.await)) })
    }};
}
