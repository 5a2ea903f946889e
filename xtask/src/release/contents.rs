//! What a published package must and must not contain: the checks that stand in for
//! `cargo package`'s verification build (see the parent module for why it is skipped).
//!
//! A crate must ship its manifest, README and entry point, and the generated crates their
//! generated code; it must not ship tests, benches, examples or fixtures (they need the
//! workspace around them and would only bloat every user's download). Every file a shipped
//! source pulls in with `include_str!`, `include_bytes!`, `include!` or `#[path]` must ship too,
//! since that is the one way a crate whose file list looks right still fails to build.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// Crates whose code is written by `cargo xtask generate`, and the file it writes.
const GENERATED: &[(&str, &str)] = &[
    ("nylas-workspaces-api", "src/generated.rs"),
    ("nylas-workspaces-httpmock", "src/generated.rs"),
];

/// Top-level folders that never ship.
const NEVER_SHIPPED_DIRS: &[&str] = &["tests", "benches", "examples", "fixtures", "target"];

/// Whether a packaged path is test or build material that must stay out of a release.
fn is_unwanted(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or_default();
    NEVER_SHIPPED_DIRS.contains(&first)
        || path.ends_with(".proptest-regressions")
        || path.split('/').any(|c| c == "__pycache__")
        || path.ends_with(".pyc")
}

/// Problems with the file list `cargo package --list` gave for `crate_name`. `read` returns the
/// text of a packaged file (relative to the crate's folder), for the include checks.
pub fn crate_problems(
    crate_name: &str,
    files: &[String],
    read: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let listed: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    let mut problems = Vec::new();
    for required in ["Cargo.toml", "README.md"] {
        if !listed.contains(required) {
            problems.push(format!("{crate_name}: {required} is not packaged"));
        }
    }
    if !listed.contains("src/lib.rs") && !listed.contains("src/main.rs") {
        problems.push(format!(
            "{crate_name}: neither src/lib.rs nor src/main.rs is packaged"
        ));
    }
    for (name, generated) in GENERATED {
        if *name == crate_name && !listed.contains(generated) {
            problems.push(format!(
                "{crate_name}: the generated {generated} is not packaged"
            ));
        }
    }
    for f in files.iter().filter(|f| is_unwanted(f)) {
        problems.push(format!("{crate_name}: {f} is packaged but must not be"));
    }
    for f in files.iter().filter(|f| f.ends_with(".rs")) {
        let Some(text) = read(f) else { continue };
        for included in included_paths(&text) {
            let Some(resolved) = resolve(f, &included) else {
                problems.push(format!(
                    "{crate_name}: {f} includes {included:?}, outside the package"
                ));
                continue;
            };
            if !listed.contains(resolved.as_str()) {
                problems.push(format!(
                    "{crate_name}: {f} includes {included:?} ({resolved}), which is not \
                     packaged: the published crate would not build"
                ));
            }
        }
    }
    problems
}

/// The literal paths a Rust source pulls in at compile time.
fn included_paths(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for opener in ["include_str!(", "include_bytes!(", "include!(", "#[path = "] {
        let mut rest = text;
        while let Some(at) = rest.find(opener) {
            rest = &rest[at + opener.len()..];
            let trimmed = rest.trim_start();
            if let Some(literal) = trimmed.strip_prefix('"')
                && let Some(end) = literal.find('"')
            {
                found.push(literal[..end].to_owned());
            }
        }
    }
    found
}

/// `included`, named from the packaged file `from`, as a package-relative path; `None` when
/// it leaves the package. `#[path]` and the include macros both resolve against the folder of
/// the file they appear in.
fn resolve(from: &str, included: &str) -> Option<String> {
    let mut path = PathBuf::new();
    if let Some(dir) = Path::new(from).parent() {
        path.push(dir);
    }
    for c in Path::new(included).components() {
        match c {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !path.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(path.to_string_lossy().replace('\\', "/"))
}

/// Files the Python sdist must contain (relative to its top folder) for `pip install` to build
/// it and for the result to be the whole package.
const SDIST_REQUIRED: &[&str] = &[
    "PKG-INFO",
    "pyproject.toml",
    "Cargo.toml",
    "Cargo.lock",
    "README.md",
    "bindings/python/Cargo.toml",
    "bindings/python/src/lib.rs",
    "python/nylas_workspaces/__init__.py",
    "python/nylas_workspaces/testing.py",
    "python/nylas_workspaces/_native.pyi",
    "python/nylas_workspaces/py.typed",
    "crates/nylas-workspaces/src/lib.rs",
    "crates/nylas-workspaces-api/src/generated.rs",
    "crates/nylas-workspaces-emulator/src/lib.rs",
];

/// Problems with the entries of the sdist tarball (`tar -tzf` output lines).
pub fn sdist_problems(entries: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let tops: BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e.split('/').next())
        .filter(|t| !t.is_empty())
        .collect();
    let [top] = tops.iter().copied().collect::<Vec<_>>()[..] else {
        return vec![format!(
            "the sdist has {} top folders, not one: {tops:?}",
            tops.len()
        )];
    };
    let inner: BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e.strip_prefix(top)?.strip_prefix('/'))
        .filter(|e| !e.is_empty() && !e.ends_with('/'))
        .collect();
    for required in SDIST_REQUIRED {
        if !inner.contains(required) {
            problems.push(format!("the sdist lacks {required}"));
        }
    }
    for e in &inner {
        // Test material may sit at any depth here (crates/<name>/tests, bindings/python/tests).
        let unwanted = e.split('/').any(|c| NEVER_SHIPPED_DIRS.contains(&c))
            || is_unwanted(e)
            || e.ends_with(".so")
            || e.ends_with(".pyd");
        if unwanted {
            problems.push(format!("the sdist contains {e}, which must not ship"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn no_sources(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_lean_crate_with_its_generated_code_passes() {
        let list = files(&[
            ".cargo_vcs_info.json",
            "Cargo.lock",
            "Cargo.toml",
            "Cargo.toml.orig",
            "README.md",
            "src/generated.rs",
            "src/lib.rs",
        ]);
        assert_eq!(
            crate_problems("nylas-workspaces-api", &list, &no_sources),
            Vec::<String>::new()
        );
    }

    #[test]
    fn missing_generated_code_readme_or_entry_point_is_reported() {
        let list = files(&["Cargo.toml", "src/routes.rs"]);
        let problems = crate_problems("nylas-workspaces-api", &list, &no_sources).join("\n");
        assert!(
            problems.contains("generated src/generated.rs"),
            "{problems}"
        );
        assert!(problems.contains("README.md is not packaged"), "{problems}");
        assert!(
            problems.contains("neither src/lib.rs nor src/main.rs"),
            "{problems}"
        );
        // A hand-written crate has no generated file to require.
        let plain = files(&["Cargo.toml", "README.md", "src/main.rs"]);
        assert!(crate_problems("nylas-workspaces-cli", &plain, &no_sources).is_empty());
    }

    #[test]
    fn tests_benches_examples_and_regression_files_are_refused() {
        let list = files(&[
            "Cargo.toml",
            "README.md",
            "src/lib.rs",
            "tests/wire.rs",
            "benches/codec.rs",
            "examples/startup.rs",
            "tests/fixtures/page.json",
            "src/decoding.proptest-regressions",
        ]);
        let problems = crate_problems("c", &list, &no_sources);
        assert_eq!(problems.len(), 5, "{problems:#?}");
        // A source file that merely has "tests" in its name is fine.
        let ok = files(&["Cargo.toml", "README.md", "src/lib.rs", "src/tests.rs"]);
        assert!(crate_problems("c", &ok, &no_sources).is_empty());
    }

    #[test]
    fn an_included_file_left_out_of_the_package_is_caught() {
        let list = files(&["Cargo.toml", "README.md", "src/lib.rs", "src/seed.rs"]);
        let read = |f: &str| -> Option<String> {
            match f {
                "src/lib.rs" => Some(
                    "const A: &str = include_str!(\"seed.rs\");\n\
                     const B: &[u8] = include_bytes!( \"../data/blob.bin\" );\n\
                     #[path = \"gen/extra.rs\"]\nmod extra;"
                        .into(),
                ),
                _ => Some(String::new()),
            }
        };
        let problems = crate_problems("c", &list, &read).join("\n");
        assert!(!problems.contains("seed.rs"), "{problems}");
        assert!(
            problems.contains("(data/blob.bin), which is not packaged"),
            "{problems}"
        );
        assert!(
            problems.contains("(src/gen/extra.rs), which is not packaged"),
            "{problems}"
        );
        let escaping = |_: &str| Some("include!(\"../../outside.rs\");".to_owned());
        let problems = crate_problems("c", &list, &escaping).join("\n");
        assert!(problems.contains("outside the package"), "{problems}");
    }

    fn sdist(extra: &[&str]) -> Vec<String> {
        let mut entries: Vec<String> = SDIST_REQUIRED
            .iter()
            .map(|f| format!("nylas_workspaces-0.1.0/{f}"))
            .collect();
        entries.push("nylas_workspaces-0.1.0/".into());
        entries.extend(extra.iter().map(|e| format!("nylas_workspaces-0.1.0/{e}")));
        entries
    }

    #[test]
    fn the_sdist_must_hold_the_sources_and_no_test_material() {
        assert_eq!(sdist_problems(&sdist(&[])), Vec::<String>::new());
        let problems = sdist_problems(&sdist(&[
            "bindings/python/tests/test_client.py",
            "crates/nylas-workspaces/tests/bulk.rs",
            "crates/nylas-workspaces/benches/codec.rs",
            "python/nylas_workspaces/_native.abi3.so",
            "python/nylas_workspaces/__pycache__/x.pyc",
        ]));
        assert_eq!(problems.len(), 5, "{problems:#?}");
        let mut missing = sdist(&[]);
        missing.retain(|e| !e.ends_with("generated.rs"));
        let problems = sdist_problems(&missing).join("\n");
        assert!(problems.contains("lacks crates/nylas-workspaces-api/src/generated.rs"));
        let two_tops = vec!["a/PKG-INFO".to_owned(), "b/PKG-INFO".to_owned()];
        assert!(sdist_problems(&two_tops)[0].contains("2 top folders"));
    }
}
