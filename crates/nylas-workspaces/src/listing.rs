//! Lazy listings: [`Paged`], the stream every list operation returns, and the cursor paging
//! that workspaces, policies and rules share (grants page by offset, in `grants.rs`).
//!
//! A listing sends nothing until it is polled, fetches one page at a time, and never holds
//! more than one page, so a caller can walk a million items in constant memory; collecting
//! everything is an explicit [`Paged::collect_all`], bounded by
//! [`ClientBuilder::max_list_items`](crate::ClientBuilder::max_list_items).
//!
//! Cursor paging follows `next_cursor` into `page_token` and stops at the first page without
//! a cursor **or without items**: Nylas's policy listing sends a cursor on its last page too,
//! and only the empty page after it says the end. A cursor longer than [`MAX_CURSOR_BYTES`],
//! a cursor seen twice or more than [`MAX_LIST_PAGES`] pages are a broken server, reported as
//! undecodable instead of looping.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{BoxStream, Stream, StreamExt};
use nylas_workspaces_api::routes::Route;

use crate::client::Client;
use crate::decode::Reply;
use crate::error::{Error, Result, UndecodableResponse};
use crate::transport::Call;

/// The most pages a cursor listing follows; a server that keeps handing out new cursors
/// beyond this is misbehaving.
pub(crate) const MAX_LIST_PAGES: usize = 1000;

/// The longest `next_cursor` accepted. Real cursors are short tokens; a longer one would only
/// make the next request's URL too long, which is the server's fault, not the caller's.
pub(crate) const MAX_CURSOR_BYTES: usize = 2048;

/// The page size asked of the policy and rule listings: the largest the API allows.
pub(crate) const CURSOR_PAGE_SIZE: u32 = 200;

/// A lazy listing of `T`, fetched a page at a time as it is polled.
///
/// It is a [`Stream`] of `Result<T>` (use `futures_util::StreamExt` / `TryStreamExt`), and
/// has three inherent helpers: [`next_page`](Self::next_page) (a whole page, the cheapest way
/// to walk a large listing), [`try_next`](Self::try_next) (one item) and
/// [`collect_all`](Self::collect_all). After an error the listing ends. Dropping it stops
/// the listing; nothing more is sent.
///
/// ```
/// # use httpmock::prelude::*;
/// # use serde_json::json;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> nylas_workspaces::Result<()> {
/// # let server = MockServer::start_async().await;
/// # server.mock(|when, then| {
/// #     when.method(GET).path("/v3/policies").query_param_missing("page_token");
/// #     then.status(200).json_body(json!({"request_id": "r1", "data": [{"id": "p-1", "name": "Standard"}], "next_cursor": "c2"}));
/// # });
/// # server.mock(|when, then| {
/// #     when.method(GET).path("/v3/policies").query_param("page_token", "c2");
/// #     then.status(200).json_body(json!({"request_id": "r2", "data": [{"id": "p-2", "name": "Strict"}]}));
/// # });
/// # let client = nylas_workspaces::Client::builder()
/// #     .api_key("nyk_example").base_url(server.base_url()).build()?;
/// let mut policies = client.policies();
/// while let Some(policy) = policies.try_next().await? {
///     println!("{} {}", policy.policy_id, policy.name);
/// }
/// let all = client.policies().collect_all().await?;
/// assert_eq!(all.len(), 2);
/// # Ok(())
/// # }
/// ```
pub struct Paged<T> {
    operation: &'static str,
    pages: BoxStream<'static, Result<Page<T>>>,
    buffer: std::vec::IntoIter<T>,
    max_items: usize,
}

// Nothing is ever pinned through a `Paged`: its fields are a boxed stream and a plain
// iterator, both movable.
impl<T> Unpin for Paged<T> {}

impl<T> std::fmt::Debug for Paged<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paged")
            .field("operation", &self.operation)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

/// One fetched page: its items, and the request id of the answer (the `x-request-id`
/// header first, as errors report it), for an error about the page.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub request_id: Option<String>,
}

impl<T: Send + 'static> Paged<T> {
    /// A listing whose pages come from `pages` (which may yield empty pages; they are
    /// skipped).
    pub(crate) fn new(
        operation: &'static str,
        max_items: usize,
        pages: impl Stream<Item = Result<Page<T>>> + Send + 'static,
    ) -> Self {
        Self {
            operation,
            pages: pages.boxed(),
            buffer: Vec::new().into_iter(),
            max_items,
        }
    }

    /// The next page of items (never empty), or `None` at the end. Items already taken one
    /// by one from a page are not repeated.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>> {
        Ok(self.next_raw_page().await?.map(|page| page.items))
    }

    async fn next_raw_page(&mut self) -> Result<Option<Page<T>>> {
        let rest: Vec<T> = std::mem::take(&mut self.buffer).collect();
        if !rest.is_empty() {
            return Ok(Some(Page {
                items: rest,
                request_id: None,
            }));
        }
        loop {
            match self.pages.next().await {
                None => return Ok(None),
                Some(Err(e)) => return Err(e),
                Some(Ok(page)) if page.items.is_empty() => continue,
                Some(Ok(page)) => return Ok(Some(page)),
            }
        }
    }

    /// The next item, or `None` at the end.
    pub async fn try_next(&mut self) -> Result<Option<T>> {
        match self.next().await {
            None => Ok(None),
            Some(item) => item.map(Some),
        }
    }

    /// Every remaining item, at most
    /// [`ClientBuilder::max_list_items`](crate::ClientBuilder::max_list_items) of them (else
    /// [`Error::LimitExceeded`]).
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut all = Vec::new();
        while let Some(page) = self.next_raw_page().await? {
            if page.items.len() > self.max_items - all.len() {
                return Err(Error::LimitExceeded {
                    operation: self.operation,
                    setting: "max_list_items",
                    limit: self.max_items as u64,
                    request_id: page.request_id,
                });
            }
            all.extend(page.items);
        }
        Ok(all)
    }
}

impl<T> Stream for Paged<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => self.buffer = page.items.into_iter(),
            }
        }
    }
}

/// How one cursor listing decodes a page: its items and the next cursor.
pub(crate) type DecodePage<T> = fn(&Client, &Reply) -> Result<(Vec<T>, Option<String>)>;

/// Where a cursor listing is in its walk.
struct CursorWalk<T> {
    client: Client,
    operation: &'static str,
    route: &'static Route,
    page_size: Option<u32>,
    decode: DecodePage<T>,
    cursor: Option<String>,
    /// Hashes of the cursors seen, not the cursors: a server may hand out long ones.
    seen_cursors: HashSet<u64>,
    pages: usize,
    done: bool,
}

/// A cursor-paged listing of `route`.
pub(crate) fn cursor_listing<T: Send + 'static>(
    client: &Client,
    operation: &'static str,
    route: &'static Route,
    page_size: Option<u32>,
    decode: DecodePage<T>,
) -> Paged<T> {
    let walk = CursorWalk {
        client: client.clone(),
        operation,
        route,
        page_size,
        decode,
        cursor: None,
        seen_cursors: HashSet::new(),
        pages: 0,
        done: false,
    };
    let pages = futures_util::stream::try_unfold(walk, |mut walk| async move {
        if walk.done {
            return Ok(None);
        }
        let items = walk.next().await?;
        Ok(Some((items, walk)))
    });
    Paged::new(operation, client.max_list_items(), pages)
}

impl<T> CursorWalk<T> {
    async fn next(&mut self) -> Result<Page<T>> {
        if self.pages >= MAX_LIST_PAGES {
            return Err(Error::Undecodable(Box::new(UndecodableResponse {
                operation: self.operation,
                status: 200,
                request_id: None,
                reason: format!("the list did not end within {MAX_LIST_PAGES} pages"),
                snippet: String::new(),
                source: None,
            })));
        }
        self.pages += 1;
        let mut call = Call::new(self.operation, self.route, &[])?;
        if let Some(size) = self.page_size {
            call.query.push(("limit", size.to_string()));
        }
        if let Some(cursor) = self.cursor.take() {
            call.query.push(("page_token", cursor));
        }
        let reply = self.client.send(&call).await?;
        let (items, next_cursor) = (self.decode)(&self.client, &reply)?;
        match next_cursor {
            Some(next) => {
                if next.len() > MAX_CURSOR_BYTES {
                    return Err(reply.undecodable(
                        format!(
                            "the list returned a cursor of {} bytes (more than {MAX_CURSOR_BYTES})",
                            next.len()
                        ),
                        None,
                    ));
                }
                let mut hasher = DefaultHasher::new();
                next.hash(&mut hasher);
                if !self.seen_cursors.insert(hasher.finish()) {
                    return Err(
                        reply.undecodable(format!("the list returned cursor {next:?} twice"), None)
                    );
                }
                self.cursor = Some(next);
            }
            None => self.done = true,
        }
        // A cursor on an empty page (the page after the policy listing's last): done too.
        if items.is_empty() {
            self.done = true;
        }
        Ok(Page {
            items,
            request_id: reply.request_id(),
        })
    }
}
