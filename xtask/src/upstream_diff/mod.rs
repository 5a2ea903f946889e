//! `cargo xtask upstream-diff PATH`: what differs between Nylas's published OpenAPI document
//! and our `openapi/workspaces.json`, for every operation our spec takes from upstream (by
//! operationId, whatever its tag) and every upstream operation tagged `Workspaces`.
//!
//! Our spec is hand-maintained (own descriptions, documented quirks), so it cannot simply be
//! replaced by upstream's. Before regenerating the client a maintainer needs the list of
//! real, structural changes: which operations, parameters, body and response fields appeared,
//! disappeared or changed type, format, nullability, required-ness, enum values, limits or
//! defaults. Prose and examples are ignored. Differences we keep on purpose live in
//! `openapi/upstream-accepted.json` with a reason each and are shown as accepted.
//!
//! Exit codes: 0 when nothing is left to review, 1 when there are differences to review,
//! 2 when an input cannot be read or the arguments are wrong.

mod accepted;
mod compare;
mod document;
mod error;
mod extract;
#[cfg(test)]
mod fixture_tests;
mod flatten;
mod model;
mod normalise;
#[cfg(test)]
mod published_tests;
mod refs;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::paths;

pub use accepted::{AcceptedEntry, Classified};
pub use error::UpstreamDiffError;

/// Shown for `--help` and after an argument error.
const USAGE: &str = "\
usage: cargo xtask upstream-diff PATH [--json] [--ours FILE] [--accepted FILE]

Compares the operations of openapi/workspaces.json with the operations of the same id in
the OpenAPI document at PATH (Nylas's published one; JSON or YAML, OpenAPI 3.0 or 3.1),
whatever their tag, and with every operation tagged Workspaces there, ignoring descriptions
and examples.

  --json           print the report as one JSON object instead of text
  --ours FILE      compare with FILE instead of openapi/workspaces.json
  --accepted FILE  read accepted differences from FILE instead of
                   openapi/upstream-accepted.json (which may be absent; FILE may not)

exit status: 0 nothing to review, 1 differences to review, 2 unreadable input or bad arguments
";

/// What to compare, from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub upstream: PathBuf,
    pub ours: PathBuf,
    pub accepted: PathBuf,
    /// True when `--accepted` named the file, which then has to exist.
    pub accepted_named: bool,
    pub json: bool,
}

impl Options {
    /// Parses the arguments after `upstream-diff`.
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let mut upstream = None;
        let mut ours = None;
        let mut accepted = None;
        let mut json = false;
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            match *arg {
                "--json" => json = true,
                "--ours" | "--accepted" => {
                    let value = rest
                        .next()
                        .ok_or_else(|| format!("{arg} needs a file name"))?;
                    let slot = if *arg == "--ours" {
                        &mut ours
                    } else {
                        &mut accepted
                    };
                    if slot.replace(PathBuf::from(value)).is_some() {
                        return Err(format!("{arg} is given twice"));
                    }
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                path => {
                    if upstream.replace(PathBuf::from(path)).is_some() {
                        return Err("give exactly one upstream document".into());
                    }
                }
            }
        }
        let upstream = upstream.ok_or("missing the path of the upstream OpenAPI document")?;
        Ok(Self {
            upstream,
            ours: ours.unwrap_or_else(paths::spec),
            accepted_named: accepted.is_some(),
            accepted: accepted.unwrap_or_else(default_accepted_file),
            json,
        })
    }
}

/// Where the allow file lives by default.
pub fn default_accepted_file() -> PathBuf {
    paths::root().join("openapi/upstream-accepted.json")
}

/// One side of the comparison, as the report introduces it.
#[derive(Debug, Clone, PartialEq)]
pub struct SideSummary {
    pub label: String,
    pub version: String,
    pub operations: usize,
}

/// The outcome of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub tag: String,
    /// The allow file that was applied, for pointing at the reasons.
    pub accepted_file: String,
    pub ours: SideSummary,
    pub upstream: SideSummary,
    pub differences: Vec<Classified>,
    /// Allow-file entries that matched no difference.
    pub unused_accepted: Vec<AcceptedEntry>,
}

impl Report {
    pub fn accepted_count(&self) -> usize {
        self.differences
            .iter()
            .filter(|d| d.accepted.is_some())
            .count()
    }

    /// True when every difference is accepted (or there is none).
    pub fn nothing_to_review(&self) -> bool {
        self.accepted_count() == self.differences.len()
    }
}

/// Loads both documents and the allow file and compares them.
pub fn compare_files(options: &Options) -> Result<Report, UpstreamDiffError> {
    let upstream = document::load(&options.upstream)?;
    let ours = document::load(&options.ours)?;
    let entries = accepted::load(&options.accepted, options.accepted_named)?;
    let accepted_file = document::shown_path(&options.accepted);
    compare_documents(&upstream, &ours, &entries, &accepted_file)
}

/// Compares two parsed documents, applying the allow-file `entries`.
pub fn compare_documents(
    upstream: &document::Document,
    ours: &document::Document,
    entries: &[AcceptedEntry],
    accepted_file: &str,
) -> Result<Report, UpstreamDiffError> {
    let tag = extract::WORKSPACES_TAG;
    let our_model = extract::extract(ours, &extract::Selection::All)?;
    let our_ids: Vec<String> = our_model.operations.keys().cloned().collect();
    let upstream_model = extract::extract(upstream, &extract::Selection::IdsOrTag(&our_ids, tag))?;
    let differences = compare::compare(&our_model, &upstream_model);
    let (differences, unused_accepted) = accepted::classify(differences, entries);
    let summary = |doc: &document::Document, operations: usize| SideSummary {
        label: doc.label.clone(),
        version: doc.version.clone(),
        operations,
    };
    Ok(Report {
        tag: tag.to_string(),
        accepted_file: accepted_file.to_string(),
        ours: summary(ours, our_model.operations.len()),
        upstream: summary(upstream, upstream_model.operations.len()),
        differences,
        unused_accepted,
    })
}

/// Runs the task with the arguments after `upstream-diff` and turns the outcome into the
/// exit code.
pub fn run(args: &[&str]) -> ExitCode {
    if args.iter().any(|a| matches!(*a, "--help" | "-h")) {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let options = match Options::parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprint!("xtask upstream-diff: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let report = match compare_files(&options) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("xtask upstream-diff: {error}");
            return ExitCode::from(2);
        }
    };
    if options.json {
        println!("{:#}", render::json(&report));
    } else {
        print!("{}", render::text(&report));
    }
    if report.nothing_to_review() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_in_any_order() {
        let o = Options::parse(&["--json", "up.yaml", "--ours", "o.json"]).unwrap();
        assert_eq!(o.upstream, PathBuf::from("up.yaml"));
        assert_eq!(o.ours, PathBuf::from("o.json"));
        assert!(o.json && !o.accepted_named);
        assert_eq!(o.accepted, default_accepted_file());
        let o = Options::parse(&["up.yaml", "--accepted", "a.json"]).unwrap();
        assert!(o.accepted_named && !o.json);
        assert_eq!(o.ours, paths::spec());
    }

    #[test]
    fn bad_arguments_are_explained() {
        for (args, expected) in [
            (&[][..], "missing the path"),
            (&["a", "b"][..], "exactly one"),
            (&["a", "--ours"][..], "--ours needs a file name"),
            (&["a", "--yaml"][..], "unknown option --yaml"),
            (&["a", "--ours", "x", "--ours", "y"][..], "given twice"),
        ] {
            let err = Options::parse(args).unwrap_err();
            assert!(err.contains(expected), "{args:?}: {err}");
        }
    }
}
