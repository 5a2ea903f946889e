//! Shared set-up for the end-to-end tests in `tests/`: an in-process emulator and a
//! `nylas-workspaces` client pointed at it, with retry back-off shortened so fault tests run
//! fast (the number of retries stays the client's default unless a test changes it).

use std::time::Duration;

use nylas_workspaces::{Client, ClientBuilder};
use nylas_workspaces_emulator::{Emulator, EmulatorConfig};

/// An emulator and a client talking to it.
pub struct Harness {
    pub emulator: Emulator,
    pub client: Client,
}

impl Harness {
    /// The default emulator (key `test-key`, a default workspace) and a client for it.
    pub fn start() -> Self {
        Self::with(EmulatorConfig::new(), |b| b)
    }

    /// A configured emulator and a client whose builder `customize` may adjust.
    pub fn with(
        config: EmulatorConfig,
        customize: impl FnOnce(ClientBuilder) -> ClientBuilder,
    ) -> Self {
        let emulator =
            Emulator::start_blocking(config.retry_after_secs(0)).expect("emulator starts");
        let client = customize(client_builder(&emulator))
            .build()
            .expect("client builds");
        Self { emulator, client }
    }

    /// Another client for the same emulator (one that has learned nothing yet).
    pub fn fresh_client(&self) -> Client {
        client_builder(&self.emulator)
            .build()
            .expect("client builds")
    }
}

/// A client builder aimed at `emulator`, with millisecond back-off.
pub fn client_builder(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .api_key(emulator.api_key())
        .base_url(emulator.url())
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(5))
}
