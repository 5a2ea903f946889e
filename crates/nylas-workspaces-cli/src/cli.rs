//! The command line as clap sees it: global connection options and one subcommand.
//!
//! Only the shape of the arguments is checked here (which flags exist, which exclude each
//! other, what parses as a number). Whether a value is usable (a region, a timeout) and
//! whether a request makes sense for the API is the `nylas-workspaces` crate's call (clap
//! asks it, so its refusal still names the flag), so the CLI never drifts from its rules.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};
use clap_complete::Shell;
use nylas_workspaces::{ClientBuilder, Error, GrantStatus, Region};

/// Manage Nylas v3 workspaces from a terminal or a script.
///
/// Exit codes: 0 success, 1 API or network error (or an apply that failed part-way or is not
/// in sync after), 2 usage error, a bad workspaces file, a plan with refusals or a request
/// refused by a documented API rule (nothing sent), 3 bulk assignment partly failed or
/// assign/apply was stopped by SIGINT/SIGTERM/SIGHUP (see --report), 4 plan
/// --detailed-exitcode with changes, 5 the assign report could not be written (at the start:
/// nothing sent; later: sending stopped, the summary says what was done).
#[derive(Debug, Parser)]
#[command(name = "nylas-workspaces", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

/// Where to connect and how to print; shared by every subcommand.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalOptions {
    /// The Nylas API key [default: the NYLAS_API_KEY environment variable]. Prefer the
    /// variable: a flag can end up in shell history.
    #[arg(long, global = true, value_name = "KEY")]
    pub api_key: Option<String>,

    /// The region whose API host to use: us or eu (ignored when --api-uri or NYLAS_API_URI
    /// is set).
    #[arg(
        long,
        default_value = "us",
        value_parser = region,
        global = true,
        value_name = "REGION"
    )]
    pub region: Region,

    /// A different API host: a proxy, or the emulator (`nylas-workspaces emulator`)
    /// [default: the NYLAS_API_URI environment variable, else the region's host].
    #[arg(long, global = true, value_name = "URL")]
    pub api_uri: Option<String>,

    /// Print machine-readable JSON on stdout instead of tables and sentences.
    #[arg(long, global = true)]
    pub json: bool,

    /// Seconds allowed for each attempt of a request (decimals allowed; at most 86400). It is
    /// per attempt: a retried request can take (--max-retries + 1) times this, plus up to
    /// --max-retry-wait before each retry.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = timeout_secs)]
    pub timeout: Option<f64>,

    /// The longest wait a server may ask for (Retry-After) that is sat out silently before
    /// retrying (decimals allowed; 0 to 3600). A longer requested wait ends the command at once
    /// with exit 1 and the wait in the message, instead of looking like a hang.
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        value_parser = retry_wait_secs,
        default_value_t = crate::connect::LONGEST_SILENT_WAIT.as_secs_f64()
    )]
    pub max_retry_wait: f64,

    /// Allow a plain http:// --api-uri on a host that is not this machine. The API key then
    /// travels unencrypted: only on a network you trust (a local proxy, a test rig).
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,

    /// How many times a failed attempt is retried (429, 5xx, timeouts); 0 turns retries off.
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,

    /// Pace every request of this run to at most this many per second (Nylas allows about 50
    /// per application, shared by all your processes). Without it only `assign` is paced, at
    /// 40/s; `off` lifts that too.
    #[arg(long, global = true, value_name = "REQ/S|off", value_parser = rate)]
    pub rate: Option<RateArg>,

    /// Let the pace find the server's real limit: start at --rate (or 40/s), slow down on each
    /// 429 and probe back up.
    #[arg(long, global = true)]
    pub adaptive: bool,

    /// Log what the client does on stderr: -v each request attempt (operation, attempt
    /// number, status, request id, duration) and the client's other info events, such as bulk
    /// chunk results; -vv also its debug events, such as each retry with its wait and reason
    /// and pacing pauses. Silent by default; stdout (and so --json) is never touched, and the
    /// API key is never logged.
    #[arg(short = 'v', long = "verbose", action = ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// The value of `--rate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RateArg {
    /// No client-side pacing at all, not even for bulk assignment.
    Off,
    /// At most this many requests per second.
    PerSecond(f64),
}

/// Parses `--rate`: `off` or a number; whether the number is usable is the crate's call.
fn rate(text: &str) -> Result<RateArg, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(RateArg::Off);
    }
    text.parse::<f64>()
        .map(RateArg::PerSecond)
        .map_err(|_| format!("expected requests per second (e.g. 20) or `off`, not {text:?}"))
}

/// Parses `--region` as the crate reads region names.
fn region(text: &str) -> Result<Region, String> {
    text.parse().map_err(config_message)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every workspace of the application.
    List,
    /// Show one workspace.
    Get {
        /// The workspace id.
        id: String,
    },
    /// Create a workspace.
    Create(CreateArgs),
    /// Change a workspace's name, auto-grouping, policy or rules (never its domain).
    Update(UpdateArgs),
    /// Delete a workspace; its grants move to the default workspace.
    ///
    /// On a terminal it asks first, naming the workspace, and deletes only on y or yes.
    /// Without one (a script, a pipe, cron) it needs --yes, else it exits 2 and sends nothing.
    Delete {
        /// The workspace id.
        id: String,
        /// Delete without asking. Required when standard input is not a terminal.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Start a background job that sorts grants into workspaces by email domain.
    AutoGroup(AutoGroupArgs),
    /// Move grants into (or out of) a workspace whose auto-grouping is off, in any number.
    Assign(AssignArgs),
    /// The grants (connected accounts) of the application or of one workspace.
    Grants {
        #[command(subcommand)]
        command: GrantsCommand,
    },
    /// One row per workspace: its settings, policy and rules by name, and how many grants it
    /// holds; plus a row for grants in no workspace. Counts come from one walk over every
    /// grant (not from the filtered listing, which lags behind new grants).
    Inventory {
        /// Output format (--json prints the JSON document whatever this says).
        #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
        format: InventoryFormat,
    },
    /// The policies a workspace can point to.
    Policies {
        #[command(subcommand)]
        command: PoliciesCommand,
    },
    /// The rules a workspace can list, and attaching or detaching them.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Show the application the key belongs to (id, region, environment, default workspace).
    Application,
    /// Show what `apply` would change to make the application match a workspaces file.
    ///
    /// One line per change: + create, ~ update, → assign, ← remove, - delete, ! refused.
    /// Exit codes: 0 (whatever the plan holds), 1 API or network error, 2 usage error, a bad
    /// file (its line named) or a plan with refusals; with --detailed-exitcode, 4 when the
    /// plan has changes and no refusals.
    Plan(PlanArgs),
    /// Make the application match a workspaces file: plan, show, confirm, carry out, re-plan.
    ///
    /// Asks on a terminal; without one it needs --yes (else exit 2, nothing done). Refuses to
    /// start while the plan has refusals. Order: creates, updates (each re-read first: a
    /// concurrent change stops the run), assignments and removals (paced, journalled under
    /// --report), deletes. Exit 0 and "in sync" when the re-plan is empty; 1 when something
    /// failed or is still different; 3 when a signal stopped it. Running it again finishes
    /// an interrupted apply: the new plan holds only what is left.
    Apply(ApplyArgs),
    /// Print the application as a workspaces file (policies and rules by name where names
    /// are unique); planning it against the same application shows no changes.
    Export {
        /// Also list the grants of every manual workspace.
        #[arg(long)]
        grants: bool,
    },
    /// Serve the API emulator for other programs (tests, demos) until interrupted.
    Emulator(EmulatorArgs),
    /// A guided walk through the whole lifecycle on an embedded emulator (no key, no network).
    Tour,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    ///
    /// For the current bash session: `source <(nylas-workspaces completions bash)`; for good:
    /// save it where your shell loads completions (e.g. for zsh a file `_nylas-workspaces` in
    /// a directory on $fpath, for fish ~/.config/fish/completions/nylas-workspaces.fish).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// `grants ...`.
#[derive(Debug, Subcommand)]
pub enum GrantsCommand {
    /// Stream grants page by page (a million grants are never held in memory).
    ///
    /// Filtered by workspace, the listing may miss grants created in the last minute or so
    /// (Nylas's filtered listing lags); --full-scan walks every grant and filters here instead.
    /// Grants that are not Agent Accounts and sit in the default workspace may come without a
    /// workspace id: WORKSPACE then shows "-".
    List(GrantsListArgs),
    /// Show one grant.
    Get {
        /// The grant id.
        id: String,
    },
}

/// The filters and format of `grants list`.
#[derive(Debug, Args)]
pub struct GrantsListArgs {
    /// Only grants of this workspace.
    #[arg(long, value_name = "WORKSPACE_ID")]
    pub workspace: Option<String>,
    /// Only the grant(s) with this email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Only grants of this provider (nylas for Agent Accounts, google, microsoft, ...).
    #[arg(long)]
    pub provider: Option<String>,
    /// Only valid or only invalid grants.
    #[arg(long, value_name = "valid|invalid", value_parser = grant_status)]
    pub status: Option<GrantStatus>,
    /// List every grant and filter by --workspace here, so that fresh grants are not missed
    /// (needs --workspace).
    #[arg(long)]
    pub full_scan: bool,
    /// Output format; --json prints one JSON array whatever this says.
    #[arg(long, value_enum, default_value_t = GrantsFormat::Table)]
    pub format: GrantsFormat,
}

/// How `grants list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GrantsFormat {
    /// Aligned columns, a header, one grant per line.
    Table,
    /// Comma-separated values with a header line (RFC 4180 quoting).
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// How `inventory` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InventoryFormat {
    /// Aligned columns.
    Table,
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON document (as --json).
    Json,
}

/// `policies ...`.
#[derive(Debug, Subcommand)]
pub enum PoliciesCommand {
    /// List every policy.
    List,
    /// Show one policy.
    Get {
        /// The policy id.
        id: String,
    },
}

/// `rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule.
    List,
    /// Show one rule.
    Get {
        /// The rule id.
        id: String,
    },
    /// Add rules to a workspace, keeping its other rules and their order. Unknown rule ids
    /// are refused (exit 2) before anything changes.
    Attach {
        /// The workspace id.
        #[arg(long, value_name = "WORKSPACE_ID")]
        workspace: String,
        /// The rules to add.
        #[arg(value_name = "RULE_ID")]
        rule_ids: Vec<String>,
    },
    /// Remove rules from a workspace, keeping the others and their order.
    Detach {
        /// The workspace id.
        #[arg(long, value_name = "WORKSPACE_ID")]
        workspace: String,
        /// The rules to remove.
        #[arg(value_name = "RULE_ID")]
        rule_ids: Vec<String>,
    },
}

/// `plan FILE`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The workspaces file (YAML; JSON is accepted).
    pub file: PathBuf,
    /// Also plan the deletion of live workspaces the file does not mention (never the
    /// default workspace).
    #[arg(long)]
    pub prune: bool,
    /// Exit 4 when the plan has changes and no refusals (0 when it has none).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// `apply FILE`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The workspaces file (YAML; JSON is accepted).
    pub file: PathBuf,
    /// Also delete live workspaces the file does not mention (never the default workspace).
    #[arg(long)]
    pub prune: bool,
    /// Apply without asking. Required when standard input is not a terminal.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// A folder for the journals of the grant assignments, one per workspace [default: a new
    /// apply-TIME folder in the current directory, removed after a run that ends in sync].
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// How many assignment requests run at once (default 4).
    #[arg(long)]
    pub concurrency: Option<usize>,
}

/// Parses `--status` as the crate reads grant statuses.
fn grant_status(text: &str) -> Result<GrantStatus, String> {
    text.parse().map_err(|e: Error| e.to_string())
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A short name for the workspace.
    #[arg(long)]
    pub name: String,
    /// The email domain it stands for; it can never be changed afterwards.
    #[arg(long)]
    pub domain: Option<String>,
    /// New grants of the domain join the workspace by themselves (needs --domain).
    #[arg(long)]
    pub auto_group: bool,
    /// A policy to attach.
    #[arg(long, value_name = "POLICY_ID")]
    pub policy_id: Option<String>,
    /// A rule to attach; repeat for several.
    #[arg(long = "rule-id", value_name = "RULE_ID")]
    pub rule_ids: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The workspace id.
    pub id: String,
    /// A new name.
    #[arg(long)]
    pub name: Option<String>,
    /// Turn auto-grouping on or off.
    #[arg(long, value_name = "true|false")]
    pub auto_group: Option<bool>,
    /// Attach this policy (replacing the current one).
    #[arg(long, value_name = "POLICY_ID", conflicts_with = "clear_policy")]
    pub policy_id: Option<String>,
    /// Detach the current policy.
    #[arg(long)]
    pub clear_policy: bool,
    /// Replace the rules with these; repeat for several.
    #[arg(
        long = "rule-id",
        value_name = "RULE_ID",
        conflicts_with = "clear_rules"
    )]
    pub rule_ids: Vec<String>,
    /// Detach every rule.
    #[arg(long)]
    pub clear_rules: bool,
}

#[derive(Debug, Args)]
pub struct AutoGroupArgs {
    /// Only grants created at or after this time: RFC 3339 (2024-09-02T00:00:00Z) or Unix
    /// seconds.
    #[arg(
        long,
        value_name = "TIME",
        allow_negative_numbers = true,
        value_parser = crate::timestamp::parse_after
    )]
    pub after: Option<i64>,
    /// Also sort invalid grants.
    #[arg(long)]
    pub invalid_also: bool,
    /// Only grants of this email domain.
    #[arg(long)]
    pub domain: Option<String>,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The target workspace id (optional with --retry-from, which names it).
    #[arg(required_unless_present = "retry_from")]
    pub id: Option<String>,
    /// A grant to move in; repeat for several.
    #[arg(long = "grant", value_name = "GRANT_ID")]
    pub grants: Vec<String>,
    /// A file of grant ids to move in: one per line, or CSV with a grant_id column; `-` reads
    /// standard input.
    #[arg(long, value_name = "FILE")]
    pub grants_file: Vec<PathBuf>,
    /// A grant to take out; repeat for several.
    #[arg(long = "remove", value_name = "GRANT_ID")]
    pub removes: Vec<String>,
    /// A file of grant ids to take out (same format as --grants-file).
    #[arg(long, value_name = "FILE")]
    pub remove_file: Vec<PathBuf>,
    /// Requests (of up to 500 ids each) in flight at once.
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Record every id's fate here, as the run goes: a durable JSON Lines journal (one
    /// checksummed record per finished request), readable after a crash or `kill -9`.
    #[arg(long, value_name = "OUT.json")]
    pub report: Option<PathBuf>,
    /// Finish exactly the ids a journal (or an older JSON report) has not confirmed: failed,
    /// not sent, or in flight when the run was interrupted.
    #[arg(
        long,
        value_name = "REPORT.json",
        conflicts_with_all = ["grants", "grants_file", "removes", "remove_file"]
    )]
    pub retry_from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port to listen on; 0 picks a free one (printed at start).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A JSON seed file with the starting state (policies, rules, workspaces, grants).
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
}

/// Prints what clap reports about the command line (an error, or the help or version asked
/// for) on the stream clap would use, escaped like every other output of the tool.
pub fn print_parse_error(error: &clap::Error) {
    use std::io::Write;
    let text = crate::render::parse_error_text(error);
    // As clap's own printing does, a closed stream (`--help | head -1`) is not worth a panic.
    let _ = if error.use_stderr() {
        std::io::stderr().write_all(text.as_bytes())
    } else {
        std::io::stdout().write_all(text.as_bytes())
    };
}

/// Parses `--timeout`: a number, which the crate then judges (more than zero, at most a day).
fn timeout_secs(raw: &str) -> Result<f64, String> {
    let seconds = number(raw)?;
    ClientBuilder::check_timeout_secs(seconds).map_err(config_message)?;
    Ok(seconds)
}

/// Parses `--max-retry-wait`: a number, which the crate then judges (0 to an hour).
fn retry_wait_secs(raw: &str) -> Result<f64, String> {
    let seconds = number(raw)?;
    ClientBuilder::check_max_retry_after_secs(seconds).map_err(config_message)?;
    Ok(seconds)
}

/// A number of seconds as typed; whether it is usable is the crate's call.
fn number(raw: &str) -> Result<f64, String> {
    raw.trim()
        .parse::<f64>()
        .map_err(|_| format!("'{raw}' is not a number of seconds"))
}

/// What the crate said about a value, without its "invalid client configuration" prefix:
/// clap already says which flag it was.
fn config_message(error: Error) -> String {
    match error {
        Error::Config { message } => message,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("nylas-workspaces").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn update_takes_three_states_for_policy_and_rules() {
        let cli = parse(&[
            "update",
            "ws",
            "--clear-policy",
            "--rule-id",
            "a",
            "--rule-id",
            "b",
        ])
        .unwrap();
        let Command::Update(args) = cli.command else {
            panic!("not update")
        };
        assert!(args.clear_policy && args.policy_id.is_none());
        assert_eq!(args.rule_ids, ["a", "b"]);
        assert!(parse(&["update", "ws", "--policy-id", "p", "--clear-policy"]).is_err());
        assert!(parse(&["update", "ws", "--rule-id", "r", "--clear-rules"]).is_err());
        assert!(parse(&["update", "ws", "--auto-group", "maybe"]).is_err());
    }

    #[test]
    fn there_is_no_way_to_ask_for_a_domain_change() {
        let err = parse(&["update", "ws", "--domain", "x.com"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
    }

    #[test]
    fn assign_needs_a_target_unless_retrying() {
        assert!(parse(&["assign"]).is_err());
        assert!(parse(&["assign", "--retry-from", "r.json"]).is_ok());
        assert!(parse(&["assign", "ws", "--retry-from", "r.json", "--grant", "g"]).is_err());
    }

    #[test]
    fn timeouts_must_be_positive_and_finite() {
        assert_eq!(timeout_secs("1.5"), Ok(1.5));
        assert_eq!(timeout_secs("86400"), Ok(86_400.0));
        for bad in [
            "0", "-1", "NaN", "inf", "-inf", "soon", "1e9", "1e300", "86400.5", "",
        ] {
            assert!(timeout_secs(bad).is_err(), "{bad}");
        }
        // The crate's words, naming what it accepts.
        let message = timeout_secs("NaN").unwrap_err();
        assert!(message.contains("positive number of seconds"), "{message}");
    }

    #[test]
    fn retry_waits_are_bounded_and_default_to_ten_seconds() {
        assert_eq!(retry_wait_secs("0"), Ok(0.0));
        assert_eq!(retry_wait_secs("2.5"), Ok(2.5));
        assert_eq!(retry_wait_secs("3600"), Ok(3_600.0));
        for bad in ["-0.1", "NaN", "inf", "1e300", "3601", "later"] {
            assert!(retry_wait_secs(bad).is_err(), "{bad}");
        }
        assert_eq!(parse(&["list"]).unwrap().global.max_retry_wait, 10.0);
        let cli = parse(&["list", "--max-retry-wait", "1", "--allow-insecure-http"]).unwrap();
        assert_eq!(cli.global.max_retry_wait, 1.0);
        assert!(cli.global.allow_insecure_http);
        let err = parse(&["list", "--max-retry-wait", "NaN"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }

    #[test]
    fn global_options_go_after_the_subcommand_too() {
        let cli = parse(&["list", "--json", "--region", "eu"]).unwrap();
        assert!(cli.global.json);
        assert_eq!(cli.global.region, Region::Eu);
        assert_eq!(parse(&["list"]).unwrap().global.region, Region::Us);
        assert_eq!(
            parse(&["list", "--region", "EU"]).unwrap().global.region,
            Region::Eu
        );
        let err = parse(&["list", "--region", "mars"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(err.to_string().contains("\"us\" or \"eu\""), "{err}");
    }

    #[test]
    fn the_key_and_host_flags_do_not_read_the_environment() {
        // The crate reads NYLAS_API_KEY and NYLAS_API_URI (ClientBuilder::env_defaults), so
        // the variables have one reader; clap only knows the flags.
        let command = Cli::command();
        for id in ["api_key", "api_uri"] {
            let arg = command.get_arguments().find(|a| a.get_id() == id).unwrap();
            assert_eq!(arg.get_env(), None, "{id}");
        }
        let help = Cli::command().render_long_help().to_string();
        assert!(
            help.contains("NYLAS_API_KEY") && help.contains("NYLAS_API_URI"),
            "{help}"
        );
    }
}
