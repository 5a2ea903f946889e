//! The criterion micro-benchmarks (`crates/nylas-workspaces/benches/codec.rs`), run and read
//! back into the report.

use std::process::{Command, Stdio};

use super::report::Micro;
use crate::paths;

/// Runs the `codec` benchmarks (shorter measurement in quick mode) and returns their
/// estimates.
pub fn run(quick: bool) -> Result<Vec<Micro>, String> {
    let timing: &[&str] = if quick {
        &[
            "--warm-up-time",
            "0.2",
            "--measurement-time",
            "0.5",
            "--sample-size",
            "10",
        ]
    } else {
        &["--warm-up-time", "1", "--measurement-time", "3"]
    };
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["bench", "-p", "nylas-workspaces", "--bench", "codec", "--"])
        .args(timing)
        .current_dir(paths::root())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    println!("\n$ {cmd:?}");
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo bench failed with {}", output.status));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let found = parse(&text);
    if found.is_empty() {
        return Err("cargo bench printed no criterion estimates".into());
    }
    Ok(found)
}

/// Reads criterion's `ID  time: [low estimate high]` lines. A long id is printed on its own
/// line with `time:` on the next one.
pub fn parse(text: &str) -> Vec<Micro> {
    let mut found = Vec::new();
    let mut last_id = String::new();
    for line in text.lines() {
        let Some((before, after)) = line.split_once("time:") else {
            if !line.starts_with(char::is_whitespace) && !line.trim().is_empty() {
                last_id = line.trim().to_owned();
            }
            continue;
        };
        // A `change:` block (against a saved baseline) repeats `time:` with percentages.
        if after.contains('%') {
            continue;
        }
        let id = match before.trim() {
            "" => last_id.clone(),
            id => id.to_owned(),
        };
        let estimate = after
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !id.is_empty() && !estimate.is_empty() {
            found.push(Micro { id, estimate });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_ids() {
        let out = "\
request/get_path        time:   [41.2 ns 41.9 ns 42.8 ns]
request/manual_assign_ids_500
                        time:   [30.1 µs 30.5 µs 31.0 µs]
                        thrpt:  [16.1 Melem/s 16.4 Melem/s 16.6 Melem/s]
                 change:
                        time:   [−33.290% −32.362% −31.643%] (p = 0.00 < 0.05)
                        Performance has improved.
Found 3 outliers among 100 measurements (3.00%)
";
        let found = parse(out);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].id, "request/get_path");
        assert_eq!(found[0].estimate, "41.2 ns 41.9 ns 42.8 ns");
        assert_eq!(found[1].id, "request/manual_assign_ids_500");
        assert_eq!(found[1].estimate, "30.1 µs 30.5 µs 31.0 µs");
    }
}
