//! The convergence property against a real server: for random live states seeded into the
//! emulator (which enforces the API's rules with its own code) and random files, either the
//! plan has refusals and `apply` refuses it with nothing changed, or `apply` carries it out and
//! planning the same file again finds nothing to do. `props.rs` checks the same property over
//! an in-memory model with many more cases; this one checks that the model is not lying.

use std::path::Path;

use nylas_workspaces_emulator::{
    Emulator, EmulatorConfig, NewGrant, NewPolicy, NewRule, NewWorkspace, Operation,
};
use proptest::prelude::*;

use super::props::{
    DOMAINS, GRANTS, LiveSpec, NAMES, default_spec, entry_spec, live_spec, render_file,
};
use super::*;
use crate::{Client, Error, Rule};

/// Names the emulator accepts for policies and rules (no empty one).
const LABELS: &[&str] = &["P", "Q", "p-1"];

/// Seeds `spec` into a fresh emulator: policies `p-0..2`, rules `r-0..2`, the workspaces
/// whose domain is still free, and grants `g-0..` in their manual workspaces (else the
/// default).
fn seeded(spec: &LiveSpec) -> Emulator {
    let emulator = Emulator::start_blocking(EmulatorConfig::new()).unwrap();
    for (i, n) in spec.policy_names.iter().enumerate() {
        let policy = NewPolicy::new(LABELS[n % LABELS.len()]).id(format!("p-{i}"));
        emulator.add_policy_with(policy).unwrap();
    }
    for (i, n) in spec.rule_names.iter().enumerate() {
        let rule = NewRule::new(LABELS[n % LABELS.len()]).id(format!("r-{i}"));
        emulator.add_rule_with(rule).unwrap();
    }
    let mut ids: Vec<Option<(String, bool)>> = Vec::new();
    let mut domains = std::collections::HashSet::new();
    for (name, domain, auto_group, policy, rules) in &spec.workspaces {
        let domain = domain.map(|d| DOMAINS[d]);
        if domain.is_some_and(|d| !domains.insert(d.to_ascii_lowercase())) {
            ids.push(None);
            continue;
        }
        let mut new = NewWorkspace::new(NAMES[*name]);
        let auto_group = *auto_group && domain.is_some();
        if let Some(d) = domain {
            new = new.domain(d).auto_group(auto_group);
        }
        if let Some(p) = policy {
            new = new.policy_id(format!("p-{p}"));
        }
        let mut rule_ids: Vec<String> = rules.iter().map(|r| format!("r-{r}")).collect();
        rule_ids.dedup();
        new = new.rule_ids(rule_ids);
        ids.push(Some((emulator.add_workspace(new).unwrap(), auto_group)));
    }
    for (g, home) in spec.grant_homes.iter().enumerate().take(GRANTS) {
        let mut grant = NewGrant::new(format!("user{g}@grants.example")).grant_id(format!("g-{g}"));
        if let Some(Some(Some((id, false)))) = home.map(|h| ids.get(h).cloned()) {
            grant = grant.workspace_id(id);
        }
        emulator.add_grant(grant).unwrap();
    }
    emulator
}

fn writes(emulator: &Emulator) -> u64 {
    [
        Operation::CreateWorkspace,
        Operation::UpdateWorkspace,
        Operation::DeleteWorkspace,
        Operation::ManualAssign,
    ]
    .into_iter()
    .map(|op| emulator.calls(op))
    .sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn against_the_emulator_apply_then_plan_is_empty_or_refused_untouched(
        live in live_spec(),
        default in default_spec(),
        entries in prop::collection::vec(entry_spec(), 0..5),
        prune in any::<bool>(),
    ) {
        let emulator = seeded(&live);
        let client = Client::builder()
            .api_key(emulator.api_key())
            .base_url(emulator.url())
            .max_retries(0)
            .build()
            .unwrap();
        let text = render_file(&default, &entries);
        let Ok(desired) = DesiredState::from_yaml_str(&text, Path::new(".")) else {
            return Ok(());
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let options = PlanOptions::new().prune(prune);
        let Ok(first) = runtime.block_on(client.plan(&desired, options)) else {
            // An unknown or ambiguous name, an ambiguous match: errors, tested elsewhere.
            return Ok(());
        };
        let before = writes(&emulator);
        let applied = runtime.block_on(client.apply(&first, ApplyOptions::new()));
        if first.refusals().next().is_some() {
            let err = applied.err().map(|e| e.rule());
            prop_assert_eq!(err, Some(Some(Rule::PlanHasRefusals)), "file:\n{}\nplan:\n{}", text, first);
            prop_assert_eq!(writes(&emulator), before, "a refused plan changed something");
            return Ok(());
        }
        let report = match applied {
            Ok(report) => report,
            Err(Error::ApplyPartial(report)) => {
                return Err(TestCaseError::fail(format!("apply failed: {report}\nfile:\n{text}\nplan:\n{first}")));
            }
            Err(e) => return Err(TestCaseError::fail(format!("apply failed: {e}\nfile:\n{text}\nplan:\n{first}"))),
        };
        prop_assert!(report.in_sync(), "not in sync: {:?}\nfile:\n{}\nplan:\n{}", report.remaining.as_ref().map(ToString::to_string), text, first);
        let again = runtime.block_on(client.plan(&desired, options)).unwrap();
        prop_assert!(again.is_empty(), "file:\n{}\nfirst:\n{}\nagain:\n{}", text, first, again);
    }
}
