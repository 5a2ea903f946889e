//! The HTTP server: an accept loop on its own thread and runtime, and the gate every API
//! request passes (authentication, latency, rate limit, injected faults) before routing.
//!
//! The loop drives hyper directly rather than `axum::serve` for one reason: to inject a
//! connection reset, a request's service call fails, and hyper then drops the connection
//! without writing any response, which is what a client sees when a peer resets.

use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::admin;
use crate::api::{self, RequestId, error_response};
use crate::api_error::ApiError;
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
    let router = api::router(shared.clone()).merge(admin::router(shared.clone()));
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
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        handle(shared.clone(), router.clone(), request)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    router: Router,
    mut request: Request<Incoming>,
) -> Result<Response, InjectedReset> {
    let request_id = shared.next_request_id();
    let path = request.uri().path().to_owned();
    let is_api = !path.starts_with(admin::PREFIX);
    let operation = Operation::classify(request.method(), &path).filter(|_| is_api);
    if is_api && let Some(early) = gate(&shared, &request, operation, &request_id).await? {
        return Ok(early);
    }
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

/// Authentication, then (for the seven operations) latency, rate limit and faults.
/// `Ok(Some(response))` answers early; `Err` resets the connection.
async fn gate(
    shared: &Shared,
    request: &Request<Incoming>,
    operation: Option<Operation>,
    request_id: &str,
) -> Result<Option<Response>, InjectedReset> {
    let auth = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
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
