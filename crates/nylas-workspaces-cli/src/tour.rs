//! `tour`: the whole workspace lifecycle in a few seconds, with no key and no network.
//!
//! It starts the emulator inside this process, seeds an application, and then runs real CLI
//! command lines against it (parsed by the same clap definition, executed by the same code as
//! the subcommands), explaining each step. Every documented refusal is shown with its message
//! and exit code. The tour checks what it claims: if a step ends differently than described
//! (a refusal that does not happen, grants that do not move), it stops with exit code 1, so
//! running it is also an end-to-end test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use nylas_workspaces::Client;
use nylas_workspaces_emulator::{
    Emulator, EmulatorConfig, Fault, NewGrant, NewPolicy, NewRule, Operation,
};

use crate::cli::Cli;
use crate::failure::{EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Failure};
use crate::progress::ProgressMode;
use crate::render;
use crate::session::Session;

/// Seeded grants per email domain: a few hundred, spread unevenly like a real application.
const DOMAINS: [(&str, usize); 4] = [
    ("acme.com", 120),
    ("globex.io", 90),
    ("initech.org", 60),
    ("umbrella.net", 30),
];
/// Contractors without a domain workspace, to be assigned by hand: three requests' worth.
const CONTRACTORS: usize = 1_200;
/// How many of them move on to a second workspace in the failure-and-retry step.
const NIGHT_SHIFT: usize = 700;

/// Runs the tour.
pub async fn run() -> Result<(), Failure> {
    let started = Instant::now();
    let tour = Tour::start()?;
    let result = tour.walk().await;
    tour.clean_up();
    result?;
    println!(
        "\nTour finished in {:.1} s. The emulator stops with this process; nothing was kept.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

struct Tour {
    emulator: Emulator,
    /// Reaches the embedded emulator directly, never through a proxy.
    http: reqwest::Client,
    session: Session,
    dir: PathBuf,
}

impl Tour {
    fn start() -> Result<Self, Failure> {
        let emulator = Emulator::start_blocking(EmulatorConfig::new().retry_after_secs(0))
            .map_err(|e| Failure::Local(format!("cannot start the embedded emulator: {e}")))?;
        for (domain, count) in DOMAINS {
            for n in 1..=count {
                emulator
                    .add_grant(NewGrant::new(format!("user{n:03}@{domain}")))
                    .map_err(seed_error)?;
            }
        }
        for n in 1..=CONTRACTORS {
            emulator
                .add_grant(
                    NewGrant::new(format!("contractor{n:04}@freelance.example"))
                        .grant_id(contractor(n)),
                )
                .map_err(seed_error)?;
        }
        emulator
            .add_policy_with(NewPolicy::new("Standard limits").id("policy-limits"))
            .map_err(seed_error)?;
        for (id, name) in [("rule-spam", "Block spam"), ("rule-links", "Strip links")] {
            emulator
                .add_rule_with(NewRule::new(name).id(id))
                .map_err(seed_error)?;
        }
        // No automatic retries: the failure step is meant to show a failure. (By default the
        // client retries 429 and 5xx answers twice by itself.) No proxy either: the emulator
        // is in this process, and an HTTP_PROXY set for the outside world must not get in
        // the way of a tour that promises to need no network.
        let http = local_http()?;
        let client = Client::builder()
            .api_key(emulator.api_key())
            .base_url(emulator.url())
            .http_client(http.clone())
            .max_retries(0)
            .build()?;
        let dir =
            std::env::temp_dir().join(format!("nylas-workspaces-tour-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| Failure::Local(format!("cannot create {}: {e}", dir.display())))?;
        Ok(Self {
            emulator,
            http,
            session: Session {
                client,
                json: false,
                progress: ProgressMode::for_tour(),
            },
            dir,
        })
    }

    fn clean_up(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    async fn walk(&self) -> Result<(), Failure> {
        let total = DOMAINS.iter().map(|(_, n)| n).sum::<usize>() + CONTRACTORS;
        println!(
            "nylas-workspaces tour\n\
             \n\
             An emulator of the Nylas Workspaces API runs inside this process, holding one\n\
             application with {total} grants: users of {} domains and {CONTRACTORS} contractors.\n\
             Each `$ nylas-workspaces ...` line is run by the same code as the real command;\n\
             only the connection (NYLAS_API_KEY, NYLAS_API_URI) is left out.",
            DOMAINS.len()
        );
        let default_id = self
            .emulator
            .default_workspace_id()
            .ok_or_else(|| broken("the emulator started without a default workspace"))?;

        section(
            "1. The default workspace",
            "Nylas creates one default workspace per application. A new grant lands there\n\
             unless a workspace with auto_group on claims its email domain.",
        );
        self.cmd(&["list"], EXIT_OK).await?;
        self.show_count("default workspace", &default_id, total)?;

        section(
            "2. A domain workspace that groups by itself",
            "With --auto-group, new acme.com grants join it automatically. The domain is\n\
             fixed forever once the workspace exists.",
        );
        self.cmd(
            &[
                "create",
                "--name",
                "Acme",
                "--domain",
                "acme.com",
                "--auto-group",
            ],
            EXIT_OK,
        )
        .await?;
        let acme = self.workspace_id("Acme")?;

        section(
            "3. An auto-group job for the grants that already exist",
            "Auto-grouping only affects new grants; a background job sorts existing ones.\n\
             Nylas allows one job per minute per application.",
        );
        self.cmd(&["auto-group", "--domain", "acme.com"], EXIT_OK)
            .await?;
        self.show_count("Acme", &acme, DOMAINS[0].1)?;

        section(
            "4. A manual workspace and a bulk assignment",
            "A workspace without auto-grouping takes grants by hand. Nylas accepts at most\n\
             500 ids per request; the CLI reads any number from a file (one per line, or a\n\
             CSV with a grant_id column) and sends them in chunks.",
        );
        self.cmd(&["create", "--name", "Field team"], EXIT_OK)
            .await?;
        let field = self.workspace_id("Field team")?;
        let list_file = self.write_ids("field-team.txt", 1..=CONTRACTORS)?;
        self.cmd(
            &[
                "assign",
                &field,
                "--grants-file",
                path_str(&list_file),
                "--report",
                path_str(&self.dir.join("field-team-report.jsonl")),
            ],
            EXIT_OK,
        )
        .await?;
        self.show_count("Field team", &field, CONTRACTORS)?;

        section(
            "5. When a request fails part-way",
            "The first 700 contractors move to a new \"Night shift\" workspace: two requests.\n\
             The emulator is told to fail the first one with HTTP 503. The CLI exits with 3\n\
             and its report names every id that did not move; --retry-from sends exactly those.",
        );
        self.cmd(&["create", "--name", "Night shift"], EXIT_OK)
            .await?;
        let night = self.workspace_id("Night shift")?;
        let night_file = self.write_ids("night-shift.txt", 1..=NIGHT_SHIFT)?;
        let night_report = self.dir.join("night-shift-report.jsonl");
        self.emulator
            .fail_next(Operation::ManualAssign, 1, Fault::ServiceUnavailable);
        self.cmd(
            &[
                "assign",
                &night,
                "--grants-file",
                path_str(&night_file),
                "--concurrency",
                "1",
                "--report",
                path_str(&night_report),
            ],
            EXIT_PARTIAL,
        )
        .await?;
        self.cmd(
            &["assign", "--retry-from", path_str(&night_report)],
            EXIT_OK,
        )
        .await?;
        self.show_count("Night shift", &night, NIGHT_SHIFT)?;

        section(
            "6. Policy and rules, and the three states of an update",
            "An update can attach, detach or leave alone the policy and the rules: a field\n\
             the command does not mention keeps its value.",
        );
        self.cmd(
            &[
                "update",
                &field,
                "--policy-id",
                "policy-limits",
                "--rule-id",
                "rule-spam",
                "--rule-id",
                "rule-links",
            ],
            EXIT_OK,
        )
        .await?;
        note("Detach the policy only; the rules stay:");
        self.cmd(&["update", &field, "--clear-policy"], EXIT_OK)
            .await?;
        note("Now detach every rule:");
        self.cmd(&["update", &field, "--clear-rules"], EXIT_OK)
            .await?;
        note("The default workspace accepts exactly these two fields:");
        self.cmd(
            &["update", &default_id, "--policy-id", "policy-limits"],
            EXIT_OK,
        )
        .await?;

        section(
            "7. Seeing what a workspace holds",
            "inventory shows every workspace with its policy and rules by name and how many\n\
             grants it holds (one walk over all grants). grants list streams grants page by\n\
             page, filtered, as a table, CSV or JSON Lines; rules attach and detach change a\n\
             workspace's rules without retyping the others, and refuse unknown rule ids.",
        );
        self.cmd(&["inventory"], EXIT_OK).await?;
        self.cmd(
            &[
                "grants",
                "list",
                "--email",
                "user001@acme.com",
                "--format",
                "csv",
            ],
            EXIT_OK,
        )
        .await?;
        self.cmd(&["rules", "list"], EXIT_OK).await?;
        self.cmd(
            &[
                "rules",
                "attach",
                "--workspace",
                &field,
                "rule-links",
                "rule-spam",
            ],
            EXIT_OK,
        )
        .await?;
        self.cmd(
            &["rules", "detach", "--workspace", &field, "rule-links"],
            EXIT_OK,
        )
        .await?;
        note("A rule id the application does not have is refused before anything changes:");
        self.cmd(
            &["rules", "attach", "--workspace", &field, "rule-typo"],
            EXIT_USAGE,
        )
        .await?;

        section(
            "8. Workspaces as code",
            "A reviewed file can say which workspaces exist, their domains, policy and rules\n\
             (by name) and who is in the manual ones. plan shows what apply would change,\n\
             one line each; apply makes the changes (creates, updates, grant moves through\n\
             the journalled bulk engine, deletes) and plans again to prove it is in sync.\n\
             What the API would refuse is planned as a refusal and never attempted.",
        );
        let file = self.write_file(
            "workspaces.yaml",
            "version: 1\n\
             default_workspace:\n  policy: Standard limits\n\
             workspaces:\n\
             \x20 - name: Acme\n    domain: acme.com\n    auto_group: true\n    rules: [Block spam]\n\
             \x20 - name: Support\n    domain: support.example\n    auto_group: false\n\
             \x20   policy: Standard limits\n    rules: [Block spam, Strip links]\n\
             \x20   grants: [grant-contractor-1199, grant-contractor-1200]\n",
        )?;
        self.cmd(&["plan", path_str(&file)], EXIT_OK).await?;
        let journals = self.dir.join("apply-journals");
        self.cmd(
            &[
                "apply",
                path_str(&file),
                "--yes",
                "--report",
                path_str(&journals),
            ],
            EXIT_OK,
        )
        .await?;
        note("Planning the same file again finds nothing to do:");
        self.cmd(&["plan", path_str(&file), "--detailed-exitcode"], EXIT_OK)
            .await?;
        note("A file that asks for what the API forbids is refused as a whole, nothing sent:");
        let refused = self.write_file(
            "refused.yaml",
            "version: 1\nworkspaces:\n  - name: Acme\n    domain: acme.org\n    auto_group: true\n",
        )?;
        self.cmd(&["plan", path_str(&refused)], EXIT_USAGE).await?;
        note("export writes the application as such a file (here, its first lines):");
        let exported = self
            .session
            .client
            .export(nylas_workspaces::plan::ExportOptions::new())
            .await?;
        println!("\n$ nylas-workspaces export | head -8");
        for line in exported.lines().take(8) {
            println!("{}", render::escape(line));
        }

        section(
            "9. What the API refuses",
            "Each of these breaks a documented rule. The client refuses it before sending\n\
             anything (exit code 2), with a message naming the rule.",
        );
        note("Rename the default workspace:");
        self.cmd(&["update", &default_id, "--name", "Everyone"], EXIT_USAGE)
            .await?;
        note("Delete the default workspace:");
        self.cmd(&["delete", &default_id, "--yes"], EXIT_USAGE)
            .await?;
        note("Change a domain: the CLI has no such option, because the API never allows it:");
        self.cmd(&["update", &acme, "--domain", "acme.org"], EXIT_USAGE)
            .await?;
        self.raw_domain_change(&acme).await?;
        note("Assign by hand into a workspace that auto-groups:");
        let acme_grant = self
            .emulator
            .grants_in(&acme)
            .into_iter()
            .next()
            .ok_or_else(|| broken("Acme holds no grant"))?;
        self.cmd(&["assign", &acme, "--grant", &acme_grant], EXIT_USAGE)
            .await?;
        note("Assign zero grants:");
        self.cmd(&["assign", &field], EXIT_USAGE).await?;
        note("Auto-group without a domain to group by:");
        self.cmd(&["create", "--name", "Sales", "--auto-group"], EXIT_USAGE)
            .await?;

        section(
            "10. Deleting a workspace",
            "A deleted workspace's grants keep working: they move to the default workspace.\n\
             At a terminal, delete asks first; a script (like this tour) passes --yes.",
        );
        let before = self.emulator.grants_in(&default_id).len();
        self.cmd(&["delete", &night, "--yes"], EXIT_OK).await?;
        let after = self.emulator.grants_in(&default_id).len();
        println!(
            "  (emulator view) the default workspace held {before} grants; it now holds {after}"
        );
        if after != before + NIGHT_SHIFT {
            return Err(broken(
                "the deleted workspace's grants did not reach the default",
            ));
        }
        self.cmd(&["list"], EXIT_OK).await?;
        Ok(())
    }

    /// Shows and runs one command line, and checks it ends with the expected exit code.
    async fn cmd(&self, args: &[&str], expected: u8) -> Result<(), Failure> {
        let shown = args
            .iter()
            .map(|a| self.display_arg(a))
            .collect::<Vec<_>>()
            .join(" ");
        println!("\n$ nylas-workspaces {shown}");
        let argv = std::iter::once("nylas-workspaces").chain(args.iter().copied());
        let code = match Cli::try_parse_from(argv) {
            Err(error) => {
                print!("{}", indent(&error.render().to_string()));
                u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE)
            }
            Ok(cli) => match crate::dispatch(&self.session, &cli.command).await {
                Ok(code) => code,
                Err(failure) => {
                    let text = render::failure_text(&failure);
                    print!("{}", indent(&self.shorten(&text)));
                    failure.exit_code()
                }
            },
        };
        if code != EXIT_OK {
            println!("  (exit code {code})");
        }
        if code == expected {
            Ok(())
        } else {
            Err(broken(&format!(
                "`{shown}` ended with exit code {code}, expected {expected}"
            )))
        }
    }

    /// Sends a domain change without the client, to show the server's own answer.
    async fn raw_domain_change(&self, workspace_id: &str) -> Result<(), Failure> {
        note("Sent anyway, without the client, Nylas answers:");
        println!(
            "\n$ curl -X PATCH \"$NYLAS_API_URI/v3/workspaces/{workspace_id}\" -d '{{\"domain\": \"acme.org\"}}'"
        );
        let response = self
            .http
            .patch(format!(
                "{}/v3/workspaces/{workspace_id}",
                self.emulator.url()
            ))
            .bearer_auth(self.emulator.api_key())
            .json(&serde_json::json!({"domain": "acme.org"}))
            .send()
            .await
            .map_err(|e| broken(&format!("the raw request failed: {e}")))?;
        let status = response.status().as_u16();
        let body: serde_json::Value = response
            .json()
            .await
            .map_err(|e| broken(&format!("the raw answer is not JSON: {e}")))?;
        println!(
            "  HTTP {status}: {}",
            body["error"]["message"].as_str().unwrap_or("(no message)")
        );
        if status == 400 {
            Ok(())
        } else {
            Err(broken(&format!(
                "a domain change answered HTTP {status}, not 400"
            )))
        }
    }

    /// The id of the workspace with this name.
    fn workspace_id(&self, name: &str) -> Result<String, Failure> {
        self.emulator
            .workspaces()
            .into_iter()
            .find(|w| w.name.as_deref() == Some(name))
            .and_then(|w| w.workspace_id)
            .ok_or_else(|| broken(&format!("no workspace named {name}")))
    }

    /// Prints how many grants a workspace holds, and checks the number.
    fn show_count(&self, label: &str, workspace_id: &str, expected: usize) -> Result<(), Failure> {
        let count = self.emulator.grants_in(workspace_id).len();
        println!("  (emulator view) {label} holds {count} grants");
        if count == expected {
            Ok(())
        } else {
            Err(broken(&format!(
                "{label} holds {count} grants, expected {expected}"
            )))
        }
    }

    /// Writes a grant-id file of contractors, as an export would look.
    fn write_ids(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<usize>,
    ) -> Result<PathBuf, Failure> {
        let mut text = String::from("# grant ids exported for the tour\n");
        for n in range {
            let _ = writeln!(text, "{}", contractor(n));
        }
        let path = self.dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| Failure::Local(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }

    /// Writes a scratch file and returns its path.
    fn write_file(&self, name: &str, text: &str) -> Result<PathBuf, Failure> {
        let path = self.dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| Failure::Local(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }

    /// Mentions of the scratch directory dropped from a text, as in `display_arg`.
    fn shorten(&self, text: &str) -> String {
        let prefix = format!("{}{}", self.dir.display(), std::path::MAIN_SEPARATOR);
        text.replace(&prefix, "")
    }

    /// Files in the tour's scratch directory are shown by name only.
    fn display_arg(&self, arg: &str) -> String {
        let shown = Path::new(arg)
            .strip_prefix(&self.dir)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| arg.to_owned());
        if shown.contains(' ') {
            format!("\"{shown}\"")
        } else {
            shown
        }
    }
}

fn local_http() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| Failure::Local(format!("cannot build an HTTP client: {e}")))
}

fn contractor(n: usize) -> String {
    format!("grant-contractor-{n:04}")
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

fn section(title: &str, explanation: &str) {
    println!("\n== {title}\n{explanation}");
}

fn note(text: &str) {
    println!("\n# {text}");
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

fn broken(what: &str) -> Failure {
    Failure::Local(format!("the tour went off script: {what}"))
}

fn seed_error(e: nylas_workspaces_emulator::EmulatorError) -> Failure {
    Failure::Local(format!("cannot seed the embedded emulator: {e}"))
}
