//! The native half of `nylas_workspaces.Listing`: pagers over the crate's lazy [`Paged`]
//! listings, one FFI call per page.
//!
//! A pager walks one [`Paged`] (every paging rule, quirk and guard is the crate's) and
//! hands out a page of Python objects per `next_page()` call: blocking with the GIL released
//! (`_Pager`), or as an awaitable (`_AsyncPager`). `restart()` opens a new walk from the
//! same recipe, which is how the pure-Python `Listing` gives every iteration a fresh walk.
//! The listings are type-erased behind [`Pages`] because a Python class cannot be generic.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use nylas_workspaces::{Error, Paged, Result};
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3_async_runtimes::tokio::future_into_py;
use tokio::sync::Mutex;

use crate::{errors, read_models, runtime};

/// One page, already converted to the Python classes (conversion needs no GIL; making the
/// Python objects does, and happens where the answer is taken).
pub enum Page {
    Grants(Vec<read_models::Grant>),
    Policies(Vec<read_models::Policy>),
    Rules(Vec<read_models::Rule>),
}

impl From<Vec<nylas_workspaces::Grant>> for Page {
    fn from(items: Vec<nylas_workspaces::Grant>) -> Self {
        Self::Grants(items.into_iter().map(Into::into).collect())
    }
}

impl From<Vec<nylas_workspaces::Policy>> for Page {
    fn from(items: Vec<nylas_workspaces::Policy>) -> Self {
        Self::Policies(items.into_iter().map(Into::into).collect())
    }
}

impl From<Vec<nylas_workspaces::resources::Rule>> for Page {
    fn from(items: Vec<nylas_workspaces::resources::Rule>) -> Self {
        Self::Rules(items.into_iter().map(Into::into).collect())
    }
}

impl<'py> IntoPyObject<'py> for Page {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Self::Grants(items) => items.into_bound_py_any(py),
            Self::Policies(items) => items.into_bound_py_any(py),
            Self::Rules(items) => items.into_bound_py_any(py),
        }
    }
}

/// The future of one page.
pub type PageFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Page>>> + Send + 'a>>;

/// A walk of some listing, a page at a time.
pub trait Pages: Send {
    /// The next page (never empty), or `None` at the end.
    fn next_page(&mut self) -> PageFuture<'_>;
}

impl<T> Pages for Paged<T>
where
    T: Send + 'static,
    Page: From<Vec<T>>,
{
    fn next_page(&mut self) -> PageFuture<'_> {
        Box::pin(async move { Ok(Paged::next_page(self).await?.map(Page::from)) })
    }
}

/// A walk that could not be opened: its error once, then the end.
struct Refused(Option<Error>);

impl Pages for Refused {
    fn next_page(&mut self) -> PageFuture<'_> {
        let error = self.0.take();
        Box::pin(async move { error.map_or(Ok(None), Err) })
    }
}

/// Opens a new walk of one listing.
pub type Opener = Arc<dyn Fn() -> Box<dyn Pages> + Send + Sync>;

/// An [`Opener`] from a function that opens the crate's listing (a refusal becomes a walk
/// that raises it; the callers check their arguments before building an opener, so it is
/// only a guard).
pub fn opener<T>(open: impl Fn() -> Result<Paged<T>> + Send + Sync + 'static) -> Opener
where
    T: Send + 'static,
    Page: From<Vec<T>>,
{
    Arc::new(move || match open() {
        Ok(paged) => Box::new(paged) as Box<dyn Pages>,
        Err(error) => Box::new(Refused(Some(error))),
    })
}

type Walk = Arc<Mutex<Box<dyn Pages>>>;

fn walk(open: &Opener) -> Walk {
    Arc::new(Mutex::new(open()))
}

/// A blocking pager: `next_page()` waits with the GIL released.
#[pyclass(frozen, module = "nylas_workspaces", name = "_Pager")]
pub struct Pager {
    open: Opener,
    walk: Walk,
}

#[pymethods]
impl Pager {
    /// Fetches the next page: a list of items, or None at the end. Raises the listing's
    /// error; after one, the walk has ended.
    fn next_page<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let walk = Arc::clone(&self.walk);
        let page = runtime::block_on(py, async move { walk.lock().await.next_page().await })?;
        errors::Answer(page).into_pyobject(py)
    }

    /// A new pager over the same listing, from its start.
    fn restart(&self) -> Self {
        Self {
            open: Arc::clone(&self.open),
            walk: walk(&self.open),
        }
    }
}

/// An awaitable pager: `next_page()` returns an awaitable of the page.
#[pyclass(frozen, module = "nylas_workspaces", name = "_AsyncPager")]
pub struct AsyncPager {
    open: Opener,
    walk: Walk,
}

#[pymethods]
impl AsyncPager {
    /// An awaitable of the next page: a list of items, or None at the end.
    fn next_page<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let walk = Arc::clone(&self.walk);
        future_into_py(py, async move {
            Ok(errors::Answer(walk.lock().await.next_page().await))
        })
    }

    /// A new pager over the same listing, from its start.
    fn restart(&self) -> Self {
        Self {
            open: Arc::clone(&self.open),
            walk: walk(&self.open),
        }
    }
}

/// `nylas_workspaces._listing.Listing(pager.restart, schema)`: each walk opens its own
/// pager, and nothing is sent before the first page is asked for.
pub fn listing<'py>(py: Python<'py>, open: Opener, schema: &str) -> PyResult<Bound<'py, PyAny>> {
    static LISTING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let class = LISTING.import(py, "nylas_workspaces._listing", "Listing")?;
    let pager = Bound::new(
        py,
        Pager {
            walk: walk(&open),
            open,
        },
    )?;
    class.call1((pager.getattr("restart")?, schema))
}

/// `nylas_workspaces._listing.AsyncListing(pager.restart, schema)`.
pub fn async_listing<'py>(
    py: Python<'py>,
    open: Opener,
    schema: &str,
) -> PyResult<Bound<'py, PyAny>> {
    static LISTING: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let class = LISTING.import(py, "nylas_workspaces._listing", "AsyncListing")?;
    let pager = Bound::new(
        py,
        AsyncPager {
            walk: walk(&open),
            open,
        },
    )?;
    class.call1((pager.getattr("restart")?, schema))
}
