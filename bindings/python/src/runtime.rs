//! Running the crate's async calls from Python.
//!
//! One multi-threaded tokio runtime (pyo3-async-runtimes' shared one) serves both clients:
//! `AsyncClient` hands futures to it through asyncio, and `Client` runs each call as a task on
//! it while the calling thread waits with the GIL released, so other Python threads keep
//! running while a request is in flight.

use std::future::Future;
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// How often a blocking call looks for a pending signal (Ctrl-C) while it waits.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `fut` on the shared runtime and waits for its result without holding the GIL.
///
/// The whole call runs as one task on a runtime worker, which also drives the socket, and the
/// caller is woken once, when the answer is ready. (Blocking on the future from the caller's
/// thread instead would bounce every readiness event between the runtime's I/O thread and the
/// caller: several context switches per call.) While waiting, the caller checks for pending
/// signals; on Ctrl-C the task is aborted, which drops the request, and `KeyboardInterrupt`
/// is raised.
pub fn block_on<T: Send + 'static>(
    py: Python<'_>,
    fut: impl Future<Output = T> + Send + 'static,
) -> PyResult<T> {
    let runtime = pyo3_async_runtimes::tokio::get_runtime();
    let (answer, wait) = sync_channel(1);
    let task = runtime.spawn(async move {
        // The receiver only goes away when the caller gave up (Ctrl-C); nothing to do then.
        let _ = answer.send(fut.await);
    });
    py.detach(move || {
        loop {
            match wait.recv_timeout(SIGNAL_POLL) {
                Ok(out) => return Ok(out),
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(signal) = Python::attach(|py| py.check_signals()) {
                        task.abort();
                        return Err(signal);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(PyRuntimeError::new_err(
                        "the request task stopped without an answer (a bug in nylas_workspaces)",
                    ));
                }
            }
        }
    })
}
