//! The HTTP server: an accept loop on its own thread and runtime, and the gate every request
//! passes before routing: its body is read (bounded) first, then an API request meets
//! authentication, latency, rate limit and injected faults, an admin request the checks of
//! `checks`.
//!
//! The loop drives hyper directly rather than `axum::serve` for one reason: to inject a
//! connection reset, a request's service call fails, and hyper then drops the connection
//! without writing any response, which is what a client sees when a peer resets.

use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::admin;
use crate::api::{self, RequestId, error_response};
use crate::api_error::ApiError;
use crate::checks;
use crate::config::{MAX_ADMIN_BODY_BYTES, MAX_API_BODY_BYTES};
use crate::error::EmulatorError;
use crate::faults::{Fault, Operation};
use crate::shared::{Shared, Verdict};

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct InjectedReset;

impl std::fmt::Display for InjectedReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset injected by the emulator")
    }
}

impl std::error::Error for InjectedReset {}

/// A running server thread; stopping it closes the listener and every open connection.
pub(crate) struct ServerThread {
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerThread {
    /// Binds now (so the port is known and ready on return) and serves on a new thread.
    pub(crate) fn spawn(
        shared: Arc<Shared>,
        addr: SocketAddr,
    ) -> Result<(Self, SocketAddr), EmulatorError> {
        let listener = StdTcpListener::bind(addr).map_err(EmulatorError::Bind)?;
        listener
            .set_nonblocking(true)
            .map_err(EmulatorError::Bind)?;
        let local = listener.local_addr().map_err(EmulatorError::Bind)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(EmulatorError::Runtime)?;
        let (shutdown, stop) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(format!("nylas-workspaces-emulator-{}", local.port()))
            .spawn(move || runtime.block_on(accept_loop(listener, shared, stop)))
            .map_err(EmulatorError::Runtime)?;
        Ok((
            Self {
                shutdown: Some(shutdown),
                thread: Some(thread),
            },
            local,
        ))
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(
    listener: StdTcpListener,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    // Bodies are read (and bounded) in `handle` before routing, so axum's own limit, whose
    // refusal would be plain text, is switched off.
    let router = api::router(shared.clone())
        .merge(admin::router(shared.clone()))
        .layer(DefaultBodyLimit::disable());
    // A client that does not finish its headers in time is disconnected, so half-open
    // connections cannot pile up; the timer also closes idle keep-alive connections.
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(shared.read_timeout);
    // Dropping the set when the loop ends aborts every connection still open.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let router = router.clone();
                let service = hyper::service::service_fn(move |request| {
                    answer(shared.clone(), router.clone(), request)
                });
                let connection = http.serve_connection(TokioIo::new(stream), service);
                connections.spawn(async move {
                    let _ = connection.await;
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Handles one request on its own task, so that a bug that panics answers 500 (in the
/// envelope) instead of dropping the connection without a word.
async fn answer(
    shared: Arc<Shared>,
    router: Router,
    request: Request<Incoming>,
) -> Result<Response, InjectedReset> {
    match tokio::spawn(handle(shared.clone(), router, request)).await {
        Ok(result) => result,
        Err(_) => {
            let error = ApiError::server(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the emulator failed while handling this request (a bug in the emulator)",
            );
            Ok(closing(error_response(&shared.next_request_id(), &error)))
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    router: Router,
    request: Request<Incoming>,
) -> Result<Response, InjectedReset> {
    let request_id = shared.next_request_id();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let is_api = !admin::is_admin_path(path);
    // The whole body is read before any answer, even an early one (401, 429, an injected
    // fault): answering first and leaving the body unread would make hyper close the
    // connection under a client that sends its body after its headers.
    let limit = if is_api {
        MAX_API_BODY_BYTES
    } else {
        MAX_ADMIN_BODY_BYTES
    };
    let body = match checks::read_body(body, &parts.headers, limit, shared.read_timeout).await {
        Ok(body) => body,
        Err(problem) => {
            let response = if is_api {
                error_response(&request_id, &problem.api_error(limit))
            } else {
                admin::fail(problem.status(), problem.message(limit))
            };
            // What is left of the body was never read, so the connection cannot be reused.
            return Ok(closing(response));
        }
    };
    let operation = Operation::classify(&parts.method, path).filter(|_| is_api);
    if is_api {
        if let Some(early) = gate(&shared, &parts.headers, operation, &request_id).await? {
            return Ok(early);
        }
        let takes_body = matches!(parts.method, Method::POST | Method::PATCH);
        if operation.is_some() && takes_body && !body.is_empty() && !checks::is_json(&parts.headers)
        {
            return Ok(error_response(&request_id, &ApiError::not_json()));
        }
    } else if let Some(refusal) = checks::admin_refusal(&shared, &parts.headers, !body.is_empty()) {
        return Ok(refusal);
    }
    let mut request = Request::from_parts(parts, Body::from(body));
    request
        .extensions_mut()
        .insert(RequestId(request_id.clone()));
    let mut response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if let Some(operation) = operation {
        let lost = shared.lock().faults.draw_after(operation);
        if let Some(fault) = lost {
            let retry_after = shared.lock().retry_after_secs;
            return fault_error(fault, retry_after).map(|e| error_response(&request_id, &e));
        }
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    Ok(response)
}

/// Marks a response as the last on its connection.
fn closing(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Authentication, then (for the seven operations) latency, rate limit and faults.
/// `Ok(Some(response))` answers early; `Err` resets the connection.
async fn gate(
    shared: &Shared,
    headers: &HeaderMap,
    operation: Option<Operation>,
    request_id: &str,
) -> Result<Option<Response>, InjectedReset> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    if !shared.is_authorized(auth) {
        let error = ApiError::unauthorized("missing or invalid API key");
        return Ok(Some(error_response(request_id, &error)));
    }
    let Some(operation) = operation else {
        return Ok(None);
    };
    let admission = shared.admit(operation);
    if !admission.latency.is_zero() {
        tokio::time::sleep(admission.latency).await;
    }
    let error = match admission.verdict {
        Verdict::Proceed => return Ok(None),
        Verdict::RateLimited(wait) => {
            ApiError::rate_limited("too many requests for this application; slow down", wait)
        }
        Verdict::Fault(fault) => fault_error(fault, shared.lock().retry_after_secs)?,
    };
    Ok(Some(error_response(request_id, &error)))
}

/// The answer an injected fault gives; `Err` for a connection reset, which gives none.
fn fault_error(fault: Fault, retry_after_secs: u64) -> Result<ApiError, InjectedReset> {
    Ok(match fault {
        Fault::ConnectionReset => return Err(InjectedReset),
        Fault::TooManyRequests => ApiError::rate_limited("injected rate limit", retry_after_secs),
        Fault::InternalServerError => {
            ApiError::server(StatusCode::INTERNAL_SERVER_ERROR, "injected internal error")
        }
        Fault::BadGateway => ApiError::server(StatusCode::BAD_GATEWAY, "injected bad gateway"),
        Fault::ServiceUnavailable => ApiError::server(
            StatusCode::SERVICE_UNAVAILABLE,
            "injected service unavailable",
        ),
    })
}
