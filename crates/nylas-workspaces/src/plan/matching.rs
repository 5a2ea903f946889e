//! Which live workspace each file entry is about.
//!
//! An entry that gives a domain matches the live workspace with that domain (compared without
//! regard to case, as domains are). An entry that gives none, or whose domain no live
//! workspace has, matches the live workspace with the same name (exactly) among those no
//! entry matched by domain. The default workspace is managed only through the file's
//! `default_workspace` section: an entry never matches it by name, and an entry that names its
//! domain is an error. Two candidates for one entry, or one live workspace claimed by two
//! entries, are errors naming the line and the ids: applying either guess could change the
//! wrong workspace.

use std::collections::HashMap;

use super::error::{PlanFileError, PlanFileErrorKind as Kind};
use super::file::WorkspaceEntry;
use super::live::LiveState;

/// For each entry, the index in `live.workspaces` of the workspace it matches.
pub(crate) fn match_entries(
    entries: &[WorkspaceEntry],
    live: &LiveState,
) -> Result<Vec<Option<usize>>, PlanFileError> {
    let mut matched: Vec<Option<usize>> = vec![None; entries.len()];
    let mut taken: HashMap<usize, usize> = HashMap::new();
    let claim = |entry: &WorkspaceEntry, index: usize, taken: &mut HashMap<usize, usize>| {
        if let Some(first) = taken.insert(index, entry.line) {
            let id = &live.workspaces[index].workspace_id;
            return Err(PlanFileError::at(
                Kind::AmbiguousMatch,
                entry.line,
                format!("this entry and the one on line {first} both match the workspace {id}"),
            ));
        }
        Ok(())
    };
    for (i, entry) in entries.iter().enumerate() {
        let Some(domain) = entry.given_domain() else {
            continue;
        };
        let candidates: Vec<usize> = live
            .workspaces
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                w.domain
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(domain))
            })
            .map(|(index, _)| index)
            .collect();
        let Some(&index) = one(&candidates, entry, live, &format!("the domain {domain}"))? else {
            continue;
        };
        if live.is_default(&live.workspaces[index]) {
            return Err(PlanFileError::at(
                Kind::AmbiguousMatch,
                entry.line,
                format!(
                    "the domain {domain} is the default workspace's ({}); manage it under \
                     `default_workspace`",
                    live.workspaces[index].workspace_id
                ),
            ));
        }
        claim(entry, index, &mut taken)?;
        matched[i] = Some(index);
    }
    let by_domain: Vec<usize> = taken.keys().copied().collect();
    for (i, entry) in entries.iter().enumerate() {
        if matched[i].is_some() {
            continue;
        }
        let candidates: Vec<usize> = live
            .workspaces
            .iter()
            .enumerate()
            .filter(|(index, w)| {
                w.name == entry.name.value && !live.is_default(w) && !by_domain.contains(index)
            })
            .map(|(index, _)| index)
            .collect();
        let what = format!("the name {:?}", entry.name.value);
        if let Some(&index) = one(&candidates, entry, live, &what)? {
            claim(entry, index, &mut taken)?;
            matched[i] = Some(index);
        }
    }
    Ok(matched)
}

fn one<'a>(
    candidates: &'a [usize],
    entry: &WorkspaceEntry,
    live: &LiveState,
    what: &str,
) -> Result<Option<&'a usize>, PlanFileError> {
    if candidates.len() > 1 {
        let ids: Vec<&str> = candidates
            .iter()
            .map(|&i| live.workspaces[i].workspace_id.as_str())
            .collect();
        return Err(PlanFileError::at(
            Kind::AmbiguousMatch,
            entry.line,
            format!(
                "{what} matches {} workspaces ({}); give the entry a domain, or rename one of them",
                candidates.len(),
                ids.join(", ")
            ),
        ));
    }
    Ok(candidates.first())
}
