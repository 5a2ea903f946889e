//! Running the crate's async calls from Python.
//!
//! `AsyncClient` hands its futures to pyo3-async-runtimes' shared multi-threaded tokio runtime
//! through asyncio. `Client` (the sync one) uses a runtime of its own, built for a thread that
//! waits: a current-thread tokio runtime that the *calling* thread drives itself, with the GIL
//! released. The caller then writes the request, sleeps in `epoll_wait` on the socket and
//! reads the answer on its own thread, as a hand-written socket loop would; nothing is handed
//! to another thread and back. Spawning the call onto the shared runtime's workers instead
//! cost about 4 context switches and 4 `futex` calls per call (the caller waking a worker, the
//! worker waking another to look for work, the answer waking the caller), which came to more
//! than the HTTP work itself.
//!
//! How the pieces fit:
//! - **Several threads.** A current-thread runtime has one scheduler core. The thread that
//!   holds it drives every socket and timer of the runtime; the other callers poll their own
//!   futures on their own threads and are woken when their socket is ready, and the next one
//!   takes the core when its holder's call ends. Each caller waits with the GIL released, so
//!   8 threads still overlap their requests.
//! - **Between calls.** The connections a call leaves in the pool have tasks on this runtime.
//!   When no call has started for [`KEEPER_IDLE`], a keeper thread takes the core, so those
//!   tasks (closing a connection the server dropped, say) still run while Python is busy
//!   elsewhere, and a request on such a connection made from another runtime cannot stall.
//!   The first caller to arrive tells the keeper to hand the core back. A stream of calls
//!   never waits for the keeper: it only takes the core after a pause.
//! - **Ctrl-C.** While a call waits, a timer wakes it every [`SIGNAL_POLL`] to look for a
//!   pending signal; on one, the call's future is dropped (which drops the request) and
//!   `KeyboardInterrupt` is raised. A bulk assignment is stopped gently instead
//!   ([`block_on_stoppable`]): the first signal sets its stop flag and the call keeps waiting
//!   for the requests in flight, because dropping it would lose the record of the chunks that
//!   already went through.
//! - **Inside a runtime.** A thread that is already in a tokio runtime cannot drive another
//!   one; there (and if the runtime could not be built) the call runs as a task on the
//!   shared runtime and the caller waits on a channel, the path every call took before.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError};
use pyo3::prelude::*;
use tokio::runtime::{Builder, Runtime};
use tokio::sync::Notify;

/// How often a blocking call looks for a pending signal (Ctrl-C) while it waits.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// How long no call may start before the keeper thread drives the sync runtime.
const KEEPER_IDLE: Duration = Duration::from_millis(20);

/// The sync client's runtime and what its keeper thread needs to know.
struct SyncRuntime {
    runtime: Runtime,
    /// Calls inside [`Runtime::block_on`] right now.
    callers: AtomicUsize,
    /// Calls started since the process began; the keeper watches it for a pause.
    started: AtomicU64,
    /// Rung by every arriving caller, so that a keeper holding the core hands it back.
    arrived: Notify,
}

/// The sync runtime, built (with its keeper) on first use; `None` when it could not be.
fn sync_runtime() -> Option<&'static SyncRuntime> {
    static RUNTIME: OnceLock<Option<SyncRuntime>> = OnceLock::new();
    let found = RUNTIME.get_or_init(|| {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .thread_name("nylas-workspaces-sync")
            .build()
            .ok()?;
        Some(SyncRuntime {
            runtime,
            callers: AtomicUsize::new(0),
            started: AtomicU64::new(0),
            arrived: Notify::new(),
        })
    });
    let sync = found.as_ref()?;
    static KEEPER: OnceLock<()> = OnceLock::new();
    KEEPER.get_or_init(|| {
        // Without a keeper the runtime is still driven during every call: only the tasks of
        // idle connections wait for the next call.
        let _ = std::thread::Builder::new()
            .name("nylas-workspaces-keeper".into())
            .spawn(move || keep(sync));
    });
    Some(sync)
}

/// The keeper thread: after each pause in the calls, drives the runtime until a caller comes.
fn keep(sync: &'static SyncRuntime) {
    loop {
        let mut seen = sync.started.load(Ordering::Acquire);
        loop {
            std::thread::sleep(KEEPER_IDLE);
            let now = sync.started.load(Ordering::Acquire);
            if now == seen && sync.callers.load(Ordering::Acquire) == 0 {
                break;
            }
            seen = now;
        }
        sync.runtime.block_on(async {
            // `Notify` keeps a ring that came before the wait, so a caller arriving between
            // the check and the wait is not missed.
            while sync.callers.load(Ordering::Acquire) == 0 {
                sync.arrived.notified().await;
            }
        });
    }
}

/// Runs `fut` to completion for a sync call and returns its result, without holding the GIL
/// while it waits. The calling thread drives the call itself (see the module doc); Ctrl-C
/// drops the call and raises `KeyboardInterrupt`.
pub fn block_on<T: Send + 'static>(
    py: Python<'_>,
    fut: impl Future<Output = T> + Send + 'static,
) -> PyResult<T> {
    wait_for(py, fut, |signal| signal)
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
/// second signal during that wait, or the end of `grace`, drops the call and raises
/// `KeyboardInterrupt`.
pub fn block_on_stoppable<T: Send + 'static>(
    py: Python<'_>,
    fut: impl Future<Output = T> + Send + 'static,
    stop: Arc<AtomicBool>,
    grace: Duration,
) -> PyResult<Stoppable<T>> {
    let mut stopping: Option<(PyErr, Instant)> = None;
    let out = wait_for(py, fut, |signal| match (signal, &stopping) {
        (Ok(()), Some((_, deadline))) if Instant::now() >= *deadline => {
            Err(PyKeyboardInterrupt::new_err(format!(
                "the requests in flight did not finish within {} s of Ctrl-C and were \
                 abandoned; what they did is unknown",
                grace.as_secs()
            )))
        }
        (Ok(()), _) => Ok(()),
        (Err(signal), None) => {
            stop.store(true, Ordering::SeqCst);
            stopping = Some((signal, Instant::now() + grace));
            Ok(())
        }
        (Err(second), Some(_)) => Err(second),
    })?;
    Ok(match stopping {
        None => Stoppable::Finished(out),
        Some((signal, _)) => Stoppable::Stopped(out, signal),
    })
}

/// Runs `fut` to completion with the GIL released. Every [`SIGNAL_POLL`] while it waits,
/// `on_tick` gets the result of looking for a pending signal; an `Err` from it drops the call
/// and is returned.
fn wait_for<T: Send + 'static>(
    py: Python<'_>,
    fut: impl Future<Output = T> + Send + 'static,
    mut on_tick: impl FnMut(PyResult<()>) -> PyResult<()> + Send,
) -> PyResult<T> {
    let sync = match sync_runtime() {
        Some(sync) if tokio::runtime::Handle::try_current().is_err() => sync,
        _ => return spawn_and_wait(py, fut, on_tick),
    };
    py.detach(move || {
        sync.started.fetch_add(1, Ordering::AcqRel);
        let _inside = Inside::enter(&sync.callers);
        sync.arrived.notify_one();
        sync.runtime.block_on(async move {
            tokio::pin!(fut);
            loop {
                tokio::select! {
                    biased;
                    out = &mut fut => return Ok(out),
                    () = tokio::time::sleep(SIGNAL_POLL) => {
                        on_tick(Python::attach(|py| py.check_signals()))?;
                    }
                }
            }
        })
    })
}

/// Counts a caller in for as long as it lives, also when the call panics.
struct Inside<'a>(&'a AtomicUsize);

impl<'a> Inside<'a> {
    fn enter(callers: &'a AtomicUsize) -> Self {
        callers.fetch_add(1, Ordering::AcqRel);
        Self(callers)
    }
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The fallback: runs `fut` as a task on the shared runtime while the caller waits for its
/// answer on a channel, looking for signals between waits.
fn spawn_and_wait<T: Send + 'static>(
    py: Python<'_>,
    fut: impl Future<Output = T> + Send + 'static,
    mut on_tick: impl FnMut(PyResult<()>) -> PyResult<()> + Send,
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
                    if let Err(stop) = on_tick(Python::attach(|py| py.check_signals())) {
                        task.abort();
                        return Err(stop);
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
