//! Issue 14's memory measurement (`bench/driver/src/bin/listing_bench.rs`): the peak memory a
//! grant listing adds when it is walked page by page against collected whole. Reported as
//! facts (no comparison target): the point is that walking stays small while collecting grows
//! with the listing.

use super::report::{Fact, Report};
use crate::paths;

const SOURCE: &str = "bench/driver/src/bin/listing_bench.rs";
const SCENARIO: &str = "7. Listing memory";

/// Builds and runs the program, adding its figures to `report` (and its raw output).
pub fn run(quick: bool, report: &mut Report) -> Result<(), String> {
    let root = paths::root();
    if !root.join(SOURCE).is_file() {
        return Err(format!("{SOURCE} is missing"));
    }
    let out =
        super::pacing::run_program("listing_bench", quick.then_some(&["--grants", "5000"][..]))?;
    let value = super::pacing::read(&out)?;
    let grants = value["grants"].as_u64().unwrap_or(0);
    let mib = |key: &str| {
        value[key]
            .as_f64()
            .map_or("n/a (not Linux)".to_owned(), |m| format!("{m:.1} MiB"))
    };
    report.facts.push(Fact {
        scenario: SCENARIO,
        what: format!("peak memory added by walking {grants} grants page by page (next_page)"),
        value: mib("walk_peak_growth_mib"),
    });
    report.facts.push(Fact {
        scenario: SCENARIO,
        what: format!("peak memory added by collecting {grants} grants (collect_all)"),
        value: mib("collect_peak_growth_mib"),
    });
    report.raw.insert("listing".into(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A move that forgets this path would make every bench run fail this step.
    #[test]
    fn the_program_is_where_the_bench_looks_for_it() {
        assert!(paths::root().join(SOURCE).is_file(), "{SOURCE} is missing");
    }
}
