//! `emulator`: serve the Workspaces API emulator for other programs until interrupted.
//!
//! Handy for trying the CLI, or a script built on it, without a Nylas account: start it in one
//! terminal and point `NYLAS_API_URI` at the printed URL in another.

use nylas_workspaces_emulator::{DEFAULT_API_KEY, Emulator, EmulatorConfig};
use serde_json::json;

use crate::cli::EmulatorArgs;
use crate::failure::Failure;

/// The environment variable holding the key the emulator accepts (same as the emulator's own
/// binary).
pub const EMULATOR_KEY_VAR: &str = "NYLAS_EMULATOR_API_KEY";

/// The environment variable holding a token the emulator's admin routes then require (same as
/// the emulator's own binary). The subcommand listens on loopback only, so it is optional.
pub const EMULATOR_ADMIN_TOKEN_VAR: &str = "NYLAS_EMULATOR_ADMIN_TOKEN";

pub fn run(args: &EmulatorArgs, json: bool) -> Result<(), Failure> {
    let mut config = EmulatorConfig::new().port(args.port);
    let custom_key = std::env::var(EMULATOR_KEY_VAR)
        .ok()
        .filter(|k| !k.is_empty());
    if let Some(key) = &custom_key {
        config = config.api_key(key);
    }
    if let Some(token) = std::env::var(EMULATOR_ADMIN_TOKEN_VAR)
        .ok()
        .filter(|t| !t.is_empty())
    {
        config = config.admin_token(token);
    }
    if let Some(seed) = &args.seed {
        config = config.seed_file(seed);
    }
    let emulator = Emulator::start_blocking(config)
        .map_err(|e| Failure::Usage(format!("cannot start the emulator: {e}")))?;
    // Only the well-known default key is ever printed; a key the user chose stays unsaid.
    let key_hint = match custom_key {
        Some(_) => format!("\"${EMULATOR_KEY_VAR}\""),
        None => DEFAULT_API_KEY.to_owned(),
    };
    if json {
        println!(
            "{}",
            json!({"url": emulator.url(), "default_workspace_id": emulator.default_workspace_id()})
        );
    } else {
        println!("listening on {}", emulator.url());
        println!(
            "use it with: NYLAS_API_URI={} NYLAS_API_KEY={key_hint} nylas-workspaces list",
            emulator.url()
        );
        println!("stop with Ctrl-C");
    }
    loop {
        std::thread::park();
    }
}
