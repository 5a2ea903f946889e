//! `nylas-workspaces`: a command-line tool for the Nylas v3 Workspaces API.
//!
//! A thin layer over the `nylas-workspaces` crate: clap parses, the crate checks the API's
//! documented rules and talks to Nylas, and this crate renders tables, JSON and reports and
//! maps failures onto exit codes. The `tour` subcommand walks through the whole lifecycle on an
//! embedded emulator, with no key and no network.
//!
//! # Contract for scripts
//!
//! Exit codes: 0 success; 1 API or network error (status and request id printed), or an
//! `apply` that failed part-way or is not in sync afterwards; 2 usage error, a bad workspaces
//! file, a plan with refusals, or a request refused by a documented API rule, nothing sent;
//! 3 bulk assignment went through in part, or `assign`/`apply` was stopped by a signal (the
//! report says which ids did not); 4 `plan --detailed-exitcode` with changes; 5 the assign
//! report could not be written (nothing sent if it failed at the start).
//!
//! With `--json`, stdout holds exactly one JSON document: `list` an array of workspaces; `get`,
//! `create` and `update` a workspace; `delete` `{workspace_id, deleted, request_id}`;
//! `auto-group` `{job_id, message, request_id}`; `assign` the report (see [`report`]), also on
//! exit code 3; `grants list` an array of grants; `inventory` `{workspaces, no_workspace,
//! unknown_workspaces}`; `policies`/`rules` `list` arrays and `get` objects; `application` the
//! application; `plan` `{changes, summary}`; `apply` `{plan, report, in_sync}`; `export`
//! `{file}`; any other failure `{"error": {kind, message, rule, status, request_id,
//! retryable, retry_after_secs, nothing_sent}}`. Without `--json`, results go to stdout and
//! errors to stderr. The API key is never printed.
//!
//! `delete` asks for confirmation when standard input is a terminal; without one it needs
//! `--yes`, else it exits 2 and sends nothing. `-v`/`-vv` log the client's requests, retries
//! and pauses on stderr (see [`logging`]); stdout is the same with or without them.
//! `completions SHELL` prints a completion script and needs no key.
//!
//! Modules, one job each: [`cli`] (argument shapes), [`connect`] (client from flags),
//! [`commands`] and [`assign`] (what each subcommand does), [`ids_file`] (grant-id files),
//! [`report`] (the assign report), [`render`] (all output text), [`progress`] (the bar),
//! [`failure`] (exit codes), [`timestamp`] (`--after`), [`serve`] (`emulator`), [`tour`],
//! [`confirm`] (the question before `delete` and `apply`), [`logging`] (`-v`),
//! [`completions`], [`read`] and [`inventory`] (the read side), [`names`] (names next to
//! ids), [`rows`] (streamed listings), [`as_code`] (`plan`, `apply`, `export`), [`stop`]
//! (clean stops on signals).

pub mod as_code;
pub mod assign;
pub mod cli;
pub mod commands;
pub mod completions;
pub mod confirm;
pub mod connect;
pub mod failure;
pub mod ids_file;
pub mod inventory;
pub mod logging;
pub mod names;
pub mod progress;
pub mod read;
pub mod render;
pub mod report;
pub mod rows;
pub mod serve;
pub mod session;
pub mod stop;
pub mod timestamp;
pub mod tour;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command, GrantsCommand, PoliciesCommand, RulesCommand};
use crate::failure::{EXIT_API, EXIT_OK, Failure, exit};
use crate::progress::ProgressMode;
use crate::session::Session;

/// Runs the tool with these arguments (the first is the program name) and returns the exit
/// code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version land here too; clap knows which stream and code each gets.
            cli::print_parse_error(&error);
            return exit(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let json = cli.global.json;
    logging::install(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit(EXIT_API);
        }
    };
    match runtime.block_on(run_cli(cli)) {
        Ok(code) => exit(code),
        Err(failure) => {
            report_failure(&failure, json);
            exit(failure.exit_code())
        }
    }
}

/// Prints a failure: a JSON document on stdout with `--json`, else text on stderr.
pub fn report_failure(failure: &Failure, json: bool) {
    if json {
        print!("{}", render::json_text(&render::failure_json(failure)));
    } else {
        eprint!("{}", render::failure_text(failure));
    }
}

async fn run_cli(cli: Cli) -> Result<u8, Failure> {
    match &cli.command {
        Command::Tour => tour::run().await.map(|()| EXIT_OK),
        Command::Completions { shell } => completions::run(*shell).map(|()| EXIT_OK),
        Command::Emulator(args) => serve::run(args, cli.global.json).map(|()| EXIT_OK),
        command => {
            let session = Session {
                client: connect::client(&cli.global)?,
                json: cli.global.json,
                // Log lines on stderr would tear a bar apart; with -v they show progress.
                progress: ProgressMode::for_command(cli.global.json || cli.global.verbose > 0),
            };
            dispatch(&session, command).await
        }
    }
}

/// Runs one API command on a session and returns its exit code when it did not fail (`plan`
/// and `apply` have codes of their own for a plan with refusals, say). The tour calls this
/// too, so what it shows is exactly what the command does.
pub async fn dispatch(session: &Session, command: &Command) -> Result<u8, Failure> {
    let done = match command {
        Command::Plan(args) => return as_code::plan(session, args).await,
        Command::Apply(args) => return as_code::apply(session, args).await,
        Command::List => commands::list(session).await,
        Command::Get { id } => commands::get(session, id).await,
        Command::Create(args) => commands::create(session, args).await,
        Command::Update(args) => commands::update(session, args).await,
        Command::Delete { id, yes } => commands::delete(session, id, *yes).await,
        Command::AutoGroup(args) => commands::auto_group(session, args).await,
        Command::Assign(args) => assign::run(session, args).await,
        Command::Grants { command } => match command {
            GrantsCommand::List(args) => read::grants_list(session, args).await,
            GrantsCommand::Get { id } => read::grants_get(session, id).await,
        },
        Command::Inventory { format } => inventory::run(session, *format).await,
        Command::Policies { command } => match command {
            PoliciesCommand::List => read::policies_list(session).await,
            PoliciesCommand::Get { id } => read::policies_get(session, id).await,
        },
        Command::Rules { command } => match command {
            RulesCommand::List => read::rules_list(session).await,
            RulesCommand::Get { id } => read::rules_get(session, id).await,
            RulesCommand::Attach {
                workspace,
                rule_ids,
            } => read::rules_change(session, workspace, rule_ids, true).await,
            RulesCommand::Detach {
                workspace,
                rule_ids,
            } => read::rules_change(session, workspace, rule_ids, false).await,
        },
        Command::Application => read::application(session).await,
        Command::Export { grants } => as_code::export(session, *grants).await,
        Command::Emulator(_) | Command::Tour | Command::Completions { .. } => Err(Failure::Usage(
            "this command does not talk to the API".into(),
        )),
    };
    done.map(|()| EXIT_OK)
}
