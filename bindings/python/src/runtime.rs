//! Running the crate's async calls from Python.
//!
//! One multi-threaded tokio runtime (pyo3-async-runtimes' shared one) serves both clients:
//! `AsyncClient` hands futures to it through asyncio, and `Client` blocks on it with the GIL
//! released, so other Python threads keep running while a request is in flight.

use std::future::Future;
use std::time::Duration;

use pyo3::prelude::*;

/// How often a blocking call looks for a pending signal (Ctrl-C) while it waits.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `fut` to completion without holding the GIL, returning early with the signal's
/// exception (`KeyboardInterrupt`) when Python has a signal pending.
pub fn block_on<T: Send>(py: Python<'_>, fut: impl Future<Output = T> + Send) -> PyResult<T> {
    let runtime = pyo3_async_runtimes::tokio::get_runtime();
    py.detach(|| {
        runtime.block_on(async {
            tokio::pin!(fut);
            loop {
                tokio::select! {
                    out = &mut fut => return Ok(out),
                    () = tokio::time::sleep(SIGNAL_POLL) => {
                        Python::attach(|py| py.check_signals())?;
                    }
                }
            }
        })
    })
}
