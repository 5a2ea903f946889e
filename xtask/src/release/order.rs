//! Which workspace crates go to crates.io, and in which order: read from `cargo metadata`, so
//! adding a crate or a dependency cannot silently leave the release list behind.
//!
//! crates.io refuses a crate whose dependencies are not published yet, dev-dependencies with a
//! version included; cargo drops a dev-dependency only when it has no `version` (path only).
//! So the order is a topological sort over normal, build and versioned dev-dependencies, and a
//! cycle among those (which no order can publish) is an error that names the crates in it.

use std::collections::{BTreeMap, BTreeSet};

/// How a crate depends on another, as `cargo metadata` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

/// One dependency of a workspace crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dep {
    pub name: String,
    pub kind: DepKind,
    /// `false` for a path-only dependency (`req` is `*`), which `cargo package` drops when it
    /// is a dev-dependency.
    pub has_version: bool,
}

/// A workspace member and the metadata crates.io shows for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub publishable: bool,
    pub deps: Vec<Dep>,
    pub description: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    pub readme: Option<String>,
    pub keywords: Vec<String>,
    pub categories: Vec<String>,
}

/// Reads the workspace members out of `cargo metadata --no-deps --format-version 1` output.
pub fn members_from_metadata(json: &serde_json::Value) -> Result<Vec<Member>, String> {
    let packages = json["packages"]
        .as_array()
        .ok_or("cargo metadata: no `packages` array")?;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    packages
        .iter()
        .map(|p| {
            let name = text(&p["name"]).ok_or("cargo metadata: a package without a name")?;
            // `publish` is null when unrestricted, an array of allowed registries otherwise
            // (`publish = false` is the empty array).
            let publishable = match &p["publish"] {
                serde_json::Value::Null => true,
                serde_json::Value::Array(registries) => registries.iter().any(|r| r == "crates-io"),
                other => return Err(format!("{name}: unexpected `publish` value {other}")),
            };
            let deps = p["dependencies"]
                .as_array()
                .map(|deps| {
                    deps.iter()
                        .map(|d| Dep {
                            name: text(&d["name"]).unwrap_or_default(),
                            kind: match d["kind"].as_str() {
                                Some("dev") => DepKind::Dev,
                                Some("build") => DepKind::Build,
                                _ => DepKind::Normal,
                            },
                            has_version: d["req"].as_str().is_some_and(|r| r != "*"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(Member {
                name,
                publishable,
                deps,
                description: text(&p["description"]),
                license: text(&p["license"]),
                repository: text(&p["repository"]),
                readme: text(&p["readme"]),
                keywords: list(&p["keywords"]),
                categories: list(&p["categories"]),
            })
        })
        .collect()
}

/// The workspace crates each publishable crate needs on crates.io before it can be published.
fn needs(members: &[Member]) -> Result<BTreeMap<&str, BTreeSet<&str>>, String> {
    let by_name: BTreeMap<&str, &Member> = members.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut needs = BTreeMap::new();
    for m in members.iter().filter(|m| m.publishable) {
        let mut set = BTreeSet::new();
        for d in &m.deps {
            let Some(target) = by_name.get(d.name.as_str()) else {
                continue; // a crates.io dependency
            };
            if d.kind == DepKind::Dev && !d.has_version {
                continue; // cargo package drops it
            }
            if !target.publishable {
                return Err(format!(
                    "{} depends on {} ({:?}), which is `publish = false`: crates.io would \
                     refuse {}",
                    m.name, d.name, d.kind, m.name
                ));
            }
            set.insert(target.name.as_str());
        }
        needs.insert(m.name.as_str(), set);
    }
    Ok(needs)
}

/// Every publishable crate, each after all the workspace crates it needs; among crates that
/// are ready at the same time, alphabetical, so the order is stable.
pub fn publish_order(members: &[Member]) -> Result<Vec<String>, String> {
    let mut waiting = needs(members)?;
    let mut order = Vec::new();
    while !waiting.is_empty() {
        let ready = waiting
            .iter()
            .find(|(_, needs)| needs.is_empty())
            .map(|(name, _)| *name);
        let Some(ready) = ready else {
            // Name the cycle, not everything stuck behind it: drop crates no other stuck
            // crate needs until only the ones needing each other are left.
            loop {
                let needed: BTreeSet<&str> = waiting.values().flatten().copied().collect();
                let before = waiting.len();
                waiting.retain(|name, _| needed.contains(name));
                if waiting.len() == before {
                    break;
                }
            }
            let stuck: Vec<&str> = waiting.keys().copied().collect();
            return Err(format!(
                "these crates depend on each other in a cycle, so none can be published \
                 first: {} (a dev-dependency between them must be path-only, without a \
                 version, for cargo package to drop it)",
                stuck.join(", ")
            ));
        };
        waiting.remove(ready);
        for needs in waiting.values_mut() {
            needs.remove(ready);
        }
        order.push(ready.to_owned());
    }
    Ok(order)
}

/// Checks a list of crates to publish (the release workflow's): exactly the publishable
/// crates, each after the ones it needs.
pub fn check_list(list: &[String], members: &[Member]) -> Result<(), String> {
    let needs = needs(members)?;
    let expected: BTreeSet<&str> = needs.keys().copied().collect();
    let listed: BTreeSet<&str> = list.iter().map(String::as_str).collect();
    if listed.len() != list.len() {
        return Err(format!("a crate is listed twice: {list:?}"));
    }
    if listed != expected {
        let missing: Vec<_> = expected.difference(&listed).collect();
        let extra: Vec<_> = listed.difference(&expected).collect();
        return Err(format!(
            "the list does not match the publishable crates: missing {missing:?}, not \
             publishable {extra:?}"
        ));
    }
    for (i, name) in list.iter().enumerate() {
        for need in &needs[name.as_str()] {
            if !list[..i].iter().any(|earlier| earlier == need) {
                return Err(format!("{name} is listed before {need}, which it needs"));
            }
        }
    }
    Ok(())
}

/// Problems crates.io (or a reader of its page) would have with a crate's metadata.
pub fn metadata_problems(m: &Member) -> Vec<String> {
    let mut problems = Vec::new();
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    for (field, value) in [
        ("description", &m.description),
        ("license", &m.license),
        ("repository", &m.repository),
        ("readme", &m.readme),
    ] {
        if blank(value) {
            problems.push(format!("{}: no `{field}`", m.name));
        }
    }
    if m.keywords.is_empty() || m.keywords.len() > 5 {
        problems.push(format!(
            "{}: {} keywords (crates.io takes 1 to 5)",
            m.name,
            m.keywords.len()
        ));
    }
    for k in &m.keywords {
        let well_formed = k.len() <= 20
            && k.starts_with(|c: char| c.is_ascii_alphabetic())
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c));
        if !well_formed {
            problems.push(format!(
                "{}: keyword {k:?} is not 1-20 ASCII letters, digits, `-`, `_` or `+` \
                 starting with a letter",
                m.name
            ));
        }
    }
    if m.categories.is_empty() || m.categories.len() > 5 {
        problems.push(format!(
            "{}: {} categories (crates.io takes 1 to 5)",
            m.name,
            m.categories.len()
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(name: &str, kind: DepKind, has_version: bool) -> Dep {
        Dep {
            name: name.into(),
            kind,
            has_version,
        }
    }

    fn member(name: &str, publishable: bool, deps: Vec<Dep>) -> Member {
        Member {
            name: name.into(),
            publishable,
            deps,
            ..Member::default()
        }
    }

    /// The workspace as it is: api <- httpmock, emulator; nylas-workspaces dev-depends on
    /// httpmock and the emulator (versioned) and on itself (path only); api dev-depends on
    /// httpmock path-only; the CLI and the unpublished crates on top.
    fn workspace() -> Vec<Member> {
        use DepKind::*;
        vec![
            member("xtask", false, vec![dep("serde_json", Normal, true)]),
            member(
                "nylas-workspaces-api",
                true,
                vec![
                    dep("reqwest", Normal, true),
                    dep("nylas-workspaces-httpmock", Dev, false),
                ],
            ),
            member(
                "nylas-workspaces-httpmock",
                true,
                vec![dep("nylas-workspaces-api", Normal, true)],
            ),
            member(
                "nylas-workspaces",
                true,
                vec![
                    dep("nylas-workspaces-api", Normal, true),
                    dep("nylas-workspaces", Dev, false),
                    dep("nylas-workspaces-httpmock", Dev, true),
                    dep("nylas-workspaces-emulator", Dev, true),
                ],
            ),
            member(
                "nylas-workspaces-emulator",
                true,
                vec![dep("nylas-workspaces-api", Normal, true)],
            ),
            member(
                "nylas-workspaces-python",
                false,
                vec![dep("nylas-workspaces", Normal, true)],
            ),
            member(
                "nylas-workspaces-cli",
                true,
                vec![
                    dep("nylas-workspaces", Normal, true),
                    dep("nylas-workspaces-emulator", Normal, true),
                ],
            ),
        ]
    }

    #[test]
    fn the_order_puts_every_crate_after_what_it_needs_and_skips_unpublished_ones() {
        let order = publish_order(&workspace()).unwrap();
        assert_eq!(
            order,
            [
                "nylas-workspaces-api",
                "nylas-workspaces-emulator",
                "nylas-workspaces-httpmock",
                "nylas-workspaces",
                "nylas-workspaces-cli",
            ]
        );
    }

    #[test]
    fn a_versioned_dev_dependency_counts_and_a_path_only_one_does_not() {
        let mut ws = workspace();
        // Give api's dev-dependency on httpmock a version: httpmock needs api, api now needs
        // httpmock, and no order can publish either.
        ws[1].deps[1].has_version = true;
        let err = publish_order(&ws).unwrap_err();
        assert!(err.contains("cycle"), "{err}");
        assert!(err.contains("nylas-workspaces-api"), "{err}");
        assert!(err.contains("nylas-workspaces-httpmock"), "{err}");
        // The crates merely waiting behind the cycle are not blamed.
        assert!(!err.contains("nylas-workspaces-emulator"), "{err}");
        assert!(!err.contains("nylas-workspaces-cli"), "{err}");
    }

    #[test]
    fn a_published_crate_needing_an_unpublished_one_is_refused() {
        let mut ws = workspace();
        ws[6]
            .deps
            .push(dep("nylas-workspaces-python", DepKind::Normal, true));
        let err = publish_order(&ws).unwrap_err();
        assert!(
            err.contains("nylas-workspaces-cli depends on nylas-workspaces-python"),
            "{err}"
        );
        // Even as a versioned dev-dependency: crates.io resolves those too.
        let mut ws = workspace();
        ws[3].deps.push(dep("xtask", DepKind::Dev, true));
        assert!(publish_order(&ws).unwrap_err().contains("xtask"));
    }

    #[test]
    fn the_workflow_list_must_be_the_publishable_crates_in_a_valid_order() {
        let ws = workspace();
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Any topological order is fine, not only ours.
        check_list(
            &names(&[
                "nylas-workspaces-api",
                "nylas-workspaces-httpmock",
                "nylas-workspaces-emulator",
                "nylas-workspaces",
                "nylas-workspaces-cli",
            ]),
            &ws,
        )
        .unwrap();
        let too_early = check_list(
            &names(&[
                "nylas-workspaces-api",
                "nylas-workspaces-httpmock",
                "nylas-workspaces",
                "nylas-workspaces-emulator",
                "nylas-workspaces-cli",
            ]),
            &ws,
        )
        .unwrap_err();
        assert!(
            too_early.contains("nylas-workspaces is listed before nylas-workspaces-emulator"),
            "{too_early}"
        );
        let missing = check_list(
            &names(&[
                "nylas-workspaces-api",
                "nylas-workspaces-httpmock",
                "nylas-workspaces-emulator",
                "nylas-workspaces",
            ]),
            &ws,
        )
        .unwrap_err();
        assert!(missing.contains("nylas-workspaces-cli"), "{missing}");
        let extra = check_list(
            &names(&[
                "nylas-workspaces-api",
                "nylas-workspaces-httpmock",
                "nylas-workspaces-emulator",
                "nylas-workspaces",
                "nylas-workspaces-cli",
                "xtask",
            ]),
            &ws,
        )
        .unwrap_err();
        assert!(extra.contains("xtask"), "{extra}");
    }

    #[test]
    fn metadata_crates_io_would_refuse_or_render_badly_is_reported() {
        let good = Member {
            name: "c".into(),
            publishable: true,
            description: Some("d".into()),
            license: Some("MIT".into()),
            repository: Some("https://example.com".into()),
            readme: Some("README.md".into()),
            keywords: vec!["nylas".into(), "mock-server".into()],
            categories: vec!["api-bindings".into()],
            ..Member::default()
        };
        assert_eq!(metadata_problems(&good), Vec::<String>::new());
        let bad = Member {
            description: Some("  ".into()),
            readme: None,
            keywords: vec![
                "a".into(),
                "b".into(),
                "c".into(),
                "d".into(),
                "e".into(),
                "has space".into(),
            ],
            categories: vec![],
            ..good
        };
        let problems = metadata_problems(&bad).join("\n");
        for expected in [
            "no `description`",
            "no `readme`",
            "6 keywords",
            "\"has space\"",
            "0 categories",
        ] {
            assert!(
                problems.contains(expected),
                "{expected} missing in:\n{problems}"
            );
        }
    }

    #[test]
    fn metadata_json_is_read_with_publish_and_path_only_dependencies() {
        let json = serde_json::json!({"packages": [
            {"name": "a", "publish": null, "dependencies": [
                {"name": "b", "kind": null, "req": "^0.1.0"},
                {"name": "a", "kind": "dev", "req": "*"}
            ], "keywords": ["k"], "categories": [], "description": "x", "license": null,
             "repository": null, "readme": "README.md"},
            {"name": "b", "publish": [], "dependencies": []},
            {"name": "c", "publish": ["crates-io"], "dependencies": []}
        ]});
        let m = members_from_metadata(&json).unwrap();
        assert!(m[0].publishable && !m[1].publishable && m[2].publishable);
        assert_eq!(m[0].deps[0], dep("b", DepKind::Normal, true));
        assert_eq!(m[0].deps[1], dep("a", DepKind::Dev, false));
        assert_eq!(m[0].readme.as_deref(), Some("README.md"));
        assert_eq!(m[0].keywords, ["k"]);
    }
}
