//! Errors of the emulator's own Rust API (starting it, seeding it, configuring faults).
//! Errors the emulated HTTP API answers with live in `api_error`.

use std::fmt;

/// What went wrong while starting, seeding or configuring an emulator.
#[derive(Debug)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listening socket could not be opened.
    Bind(std::io::Error),
    /// The server's runtime or thread could not be started.
    Runtime(std::io::Error),
    /// The seed file could not be read.
    SeedFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// Seed data (from a file, JSON or a Rust call) breaks a rule; the message says which.
    InvalidSeed(String),
    /// A configuration value is out of range; the message says which.
    InvalidConfig(String),
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind(e) => write!(f, "cannot open the emulator's listening socket: {e}"),
            Self::Runtime(e) => write!(f, "cannot start the emulator's server thread: {e}"),
            Self::SeedFile { path, source } => {
                write!(f, "cannot read seed file {}: {source}", path.display())
            }
            Self::InvalidSeed(msg) => write!(f, "invalid seed data: {msg}"),
            Self::InvalidConfig(msg) => write!(f, "invalid emulator configuration: {msg}"),
        }
    }
}

impl std::error::Error for EmulatorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(e) | Self::Runtime(e) | Self::SeedFile { source: e, .. } => Some(e),
            Self::InvalidSeed(_) | Self::InvalidConfig(_) => None,
        }
    }
}
