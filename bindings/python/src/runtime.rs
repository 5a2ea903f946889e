//! Running the crate's async calls from Python.
//!
//! One multi-threaded tokio runtime (pyo3-async-runtimes' shared one) serves both clients:
//! `AsyncClient` hands futures to it through asyncio, and `Client` runs each call as a task on
//! it while the calling thread waits with the GIL released, so other Python threads keep
//! running while a request is in flight.
//!
//! Ctrl-C aborts an ordinary call at once. A bulk assignment is stopped gently instead
//! ([`block_on_stoppable`]), because aborting it would lose the record of the chunks that
//! already went through.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError};
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
    let (task, wait) = spawn(fut);
    py.detach(move || {
        loop {
            match next(&wait)? {
                Some(out) => return Ok(out),
                None => {
                    if let Err(signal) = Python::attach(|py| py.check_signals()) {
                        task.abort();
                        return Err(signal);
                    }
                }
            }
        }
    })
}

/// How a stoppable call ended.
pub enum Stoppable<T> {
    /// Without a signal.
    Finished(T),
    /// After a signal (Ctrl-C) set the stop flag; the pending signal comes along, for the
    /// caller to raise in whatever form fits.
    Stopped(T, PyErr),
}

/// Like [`block_on`], for a future that stops by itself once `stop` is set.
///
/// On the first signal `stop` is set and the call keeps waiting, up to `grace`, for the
/// future to wind down and report; the answer then comes back as [`Stoppable::Stopped`]. A
/// second signal during that wait, or the end of `grace`, aborts the task and raises
/// `KeyboardInterrupt`.
pub fn block_on_stoppable<T: Send + 'static>(
    py: Python<'_>,
    fut: impl Future<Output = T> + Send + 'static,
    stop: Arc<AtomicBool>,
    grace: Duration,
) -> PyResult<Stoppable<T>> {
    let (task, wait) = spawn(fut);
    py.detach(move || {
        let mut stopping: Option<(PyErr, Instant)> = None;
        loop {
            let Some(out) = next(&wait)? else {
                let signal = Python::attach(|py| py.check_signals());
                match (signal, &stopping) {
                    (Ok(()), Some((_, deadline))) if Instant::now() >= *deadline => {
                        task.abort();
                        return Err(PyKeyboardInterrupt::new_err(format!(
                            "the requests in flight did not finish within {} s of Ctrl-C and \
                             were abandoned; what they did is unknown",
                            grace.as_secs()
                        )));
                    }
                    (Ok(()), _) => {}
                    (Err(signal), None) => {
                        stop.store(true, Ordering::SeqCst);
                        stopping = Some((signal, Instant::now() + grace));
                    }
                    (Err(second), Some(_)) => {
                        task.abort();
                        return Err(second);
                    }
                }
                continue;
            };
            return Ok(match stopping {
                None => Stoppable::Finished(out),
                Some((signal, _)) => Stoppable::Stopped(out, signal),
            });
        }
    })
}

/// Runs `fut` as a task on the shared runtime; its answer arrives on the returned channel.
fn spawn<T: Send + 'static>(
    fut: impl Future<Output = T> + Send + 'static,
) -> (tokio::task::JoinHandle<()>, Receiver<T>) {
    let runtime = pyo3_async_runtimes::tokio::get_runtime();
    let (answer, wait) = sync_channel(1);
    let task = runtime.spawn(async move {
        // The receiver only goes away when the caller gave up (Ctrl-C); nothing to do then.
        let _ = answer.send(fut.await);
    });
    (task, wait)
}

/// Waits up to [`SIGNAL_POLL`] for the answer: `Some` when it came, `None` to look for
/// signals and wait again.
fn next<T>(wait: &Receiver<T>) -> PyResult<Option<T>> {
    match wait.recv_timeout(SIGNAL_POLL) {
        Ok(out) => Ok(Some(out)),
        Err(RecvTimeoutError::Timeout) => Ok(None),
        Err(RecvTimeoutError::Disconnected) => Err(PyRuntimeError::new_err(
            "the request task stopped without an answer (a bug in nylas_workspaces)",
        )),
    }
}
