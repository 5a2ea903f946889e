//! `nylas-workspaces-emulator`: the Workspaces API emulator as a standalone server, for tests
//! written in any language. Prints one line, `listening on http://HOST:PORT`, once ready,
//! then serves until killed. Admin routes live under `/_emulator/...`.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use nylas_workspaces_emulator::{Emulator, EmulatorConfig};

const USAGE: &str = "\
Usage: nylas-workspaces-emulator [OPTIONS]

Serves an in-memory emulator of the Nylas v3 Workspaces API until killed.

Options:
  --port N                 port to listen on (default 0: a free one, printed at start)
  --host IP                address to listen on (default 127.0.0.1)
  --seed FILE              JSON file with the starting state (policies, rules, workspaces, grants)
  --no-default-workspace   start without a default workspace, like an older application
  --latency-ms N           delay added before every API request
  --fault-seed N           seed for random faults, so a run repeats exactly
  --id-seed N              seed for generated IDs
  --manual-clock SECS      freeze the clock at this Unix time (move it via /_emulator/clock)
  --admin-token TOKEN      require `Authorization: Bearer TOKEN` on admin routes (needed with a
                           non-loopback --host; NYLAS_EMULATOR_ADMIN_TOKEN keeps it out of `ps`)
  -h, --help               this text

The API key is read from NYLAS_EMULATOR_API_KEY (default: test-key).
Admin routes (no API key needed): /_emulator/health, /state, /seed, /grants, /grants/{id},
/workspaces, /policies, /rules, /faults, /faults/next, /rate-limit, /clock, /clock/advance, /calls.
They take bodies only as `Content-Type: application/json`, and without an admin token answer
only a loopback Host (127.0.0.1, localhost, [::1]).
API request bodies are limited to 1 MiB, admin ones to 16 MiB.
";

/// The environment variable that holds the admin token (like `--admin-token`).
const ADMIN_TOKEN_VAR: &str = "NYLAS_EMULATOR_ADMIN_TOKEN";

fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start_blocking(config) {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", emulator.url());
    loop {
        std::thread::park();
    }
}

/// The configuration the arguments ask for; `None` for `--help`.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<EmulatorConfig>, String> {
    let mut config = EmulatorConfig::new();
    if let Ok(key) = std::env::var("NYLAS_EMULATOR_API_KEY") {
        config = config.api_key(key);
    }
    if let Ok(token) = std::env::var(ADMIN_TOKEN_VAR) {
        config = config.admin_token(token);
    }
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        config = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => config.port(number(&value("--port")?, "--port")?),
            "--host" => {
                let raw = value("--host")?;
                let ip: IpAddr = raw
                    .parse()
                    .map_err(|_| format!("--host needs an IP address, not '{raw}'"))?;
                config.host(ip)
            }
            "--seed" => config.seed_file(value("--seed")?),
            "--no-default-workspace" => config.default_workspace(false),
            "--latency-ms" => config.latency(Duration::from_millis(number(
                &value("--latency-ms")?,
                "--latency-ms",
            )?)),
            "--fault-seed" => config.fault_seed(number(&value("--fault-seed")?, "--fault-seed")?),
            "--id-seed" => config.id_seed(number(&value("--id-seed")?, "--id-seed")?),
            "--manual-clock" => {
                config.manual_clock(number(&value("--manual-clock")?, "--manual-clock")?)
            }
            "--admin-token" => config.admin_token(value("--admin-token")?),
            other => return Err(format!("unknown argument '{other}'")),
        };
    }
    Ok(Some(config))
}

fn number<T: std::str::FromStr>(raw: &str, flag: &str) -> Result<T, String> {
    raw.parse()
        .map_err(|_| format!("{flag} needs a number, not '{raw}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn flags_parse() {
        let config = parse(args(&["--port", "8080", "--no-default-workspace"]))
            .unwrap()
            .unwrap();
        let shown = format!("{config:?}");
        assert!(shown.contains("port: 8080"), "{shown}");
        assert!(shown.contains("default_workspace: false"), "{shown}");
        let guarded = parse(args(&["--admin-token", "s3cret"])).unwrap().unwrap();
        let shown = format!("{guarded:?}");
        assert!(shown.contains("admin_token: Some"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(parse(args(&["--help"])).unwrap().is_none());
    }

    #[test]
    fn bad_flags_are_errors_not_panics() {
        for bad in [
            &["--port"][..],
            &["--port", "x"],
            &["--host", "nope"],
            &["--bogus"],
            &["--admin-token"],
        ] {
            assert!(parse(args(bad)).is_err(), "{bad:?}");
        }
    }
}
