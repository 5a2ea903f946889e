//! Stopping a long run cleanly on a signal: Ctrl-C, SIGTERM (`kill`, `timeout`, `docker
//! stop`, a CI cancel) or SIGHUP (a closed terminal) sets a stop flag that the crate's bulk
//! engine and `apply` check between requests; requests in flight finish and what was not sent
//! is recorded as such. A second signal quits at once (128 + its number, as a shell expects):
//! the journal already holds every finished request. `assign` and `apply` share this.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Installs the handlers now, before anything is sent, and returns the task that watches
/// them; abort it when the run is over.
pub fn on_signals(stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
    #[cfg(unix)]
    let signals = StopSignals::install();
    #[cfg(not(unix))]
    let signals = ();
    tokio::spawn(stop_on_signals(signals, stop))
}

/// Writes a line to stderr, ignoring failure: after SIGHUP the terminal may be gone, and
/// losing a notice must not take the run (or its summary) down.
pub fn notice(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// The signals that stop a run: Ctrl-C, `kill`/`timeout`/`docker stop`, a closed terminal.
#[cfg(unix)]
struct StopSignals {
    streams: Vec<(tokio::signal::unix::Signal, &'static str, i32)>,
}

#[cfg(unix)]
impl StopSignals {
    /// Installs the handlers now, before anything is sent. A signal that cannot be handled
    /// keeps its default meaning.
    fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let wanted = [
            (SignalKind::interrupt(), "SIGINT", 2),
            (SignalKind::terminate(), "SIGTERM", 15),
            (SignalKind::hangup(), "SIGHUP", 1),
        ];
        let streams = wanted
            .into_iter()
            .filter_map(|(kind, name, number)| {
                signal(kind).ok().map(|stream| (stream, name, number))
            })
            .collect();
        Self { streams }
    }

    /// The next of the signals to arrive: its name and number.
    async fn next(&mut self) -> (&'static str, i32) {
        let waits = self.streams.iter_mut().map(|(stream, name, number)| {
            let (name, number) = (*name, *number);
            Box::pin(async move {
                stream.recv().await;
                (name, number)
            })
        });
        let waits: Vec<_> = waits.collect();
        if waits.is_empty() {
            return std::future::pending().await;
        }
        first_of(waits).await
    }
}

/// The value of whichever future finishes first.
#[cfg(unix)]
async fn first_of<T, F>(mut futures: Vec<std::pin::Pin<Box<F>>>) -> T
where
    F: std::future::Future<Output = T> + ?Sized,
{
    std::future::poll_fn(move |cx| {
        for future in futures.iter_mut() {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(cx) {
                return std::task::Poll::Ready(value);
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// The first signal stops sending: requests in flight finish, the rest is recorded as not
/// sent, the journal gets its summary, and the exit code is 3. A second signal quits at once
/// (128 + its number, as a shell expects); the journal already holds every finished request.
#[cfg(unix)]
async fn stop_on_signals(mut signals: StopSignals, stop: Arc<AtomicBool>) {
    let (name, _) = signals.next().await;
    stop.store(true, Ordering::SeqCst);
    notice(&format!(
        "\nstopping ({name}): requests in flight finish, the rest is recorded as not sent \
         (signal again to quit now; the report is kept either way)"
    ));
    let (_, number) = signals.next().await;
    std::process::exit(128 + number);
}

/// Where there is no Unix signal handling, Ctrl-C alone stops the run.
#[cfg(not(unix))]
async fn stop_on_signals(_: (), stop: Arc<AtomicBool>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::SeqCst);
    notice("\nstopping: requests in flight finish (Ctrl-C again to quit now)");
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}
