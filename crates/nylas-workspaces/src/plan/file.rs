//! The workspaces file (format version 1) and what it asks for: the [`DesiredState`].
//!
//! ```yaml
//! version: 1
//! default_workspace:          # optional: its policy and rules
//!   policy: Standard limits   # a policy id or a unique policy name; null detaches
//!   rules: [Block spam]       # rule ids or unique names; [] detaches every rule
//! workspaces:
//!   - name: Acme
//!     domain: acme.com
//!     auto_group: true
//!   - name: Field team
//!     grants: [grant-1]       # and/or grants_file: field.csv
//!     exclusive: false        # true: grants of the workspace that are not listed leave it
//! ```
//!
//! A key that is absent is not managed. Everything that can be checked without the live state
//! is checked here, each error naming its line: unknown keys, values of the wrong kind, the
//! version, duplicate entries (same domain, or same name where neither gives a domain), a grant
//! listed for two workspaces, and `grants_file`s (read with the crate's grant-id reader,
//! relative to the file). Names of policies and rules are resolved later, against the live
//! state, keeping their lines for the errors.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{PlanFileError, PlanFileErrorKind as Kind};
use super::yaml::{self, Node, Value};
use crate::grant_ids;

/// The largest workspaces file read (64 MiB): room for hundreds of thousands of inline grant
/// ids, while a wrong path (a disk image, `/dev/zero`) is refused instead of filling memory.
pub const MAX_PLAN_FILE_BYTES: u64 = 64 << 20;

/// The one format version this crate reads and writes.
pub const PLAN_FILE_VERSION: u64 = 1;

/// A value and the 1-based line it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Its line in the file.
    pub line: usize,
}

/// What the file asks of one workspace (an entry of `workspaces`). `None` means "not
/// managed": the live value is left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkspaceEntry {
    /// The line the entry starts on.
    pub line: usize,
    /// Its name (required).
    pub name: At<String>,
    /// Its domain; `Some(None)` is an explicit `domain: null` (no domain).
    pub domain: Option<At<Option<String>>>,
    /// Whether it groups new grants of its domain by itself.
    pub auto_group: Option<At<bool>>,
    /// The policy, as written (an id or a name); `Some(None)` detaches.
    pub policy: Option<At<Option<String>>>,
    /// The rules, as written (ids or names), each with its line; an empty list detaches all.
    pub rules: Option<At<Vec<At<String>>>>,
    /// The grants it must hold: `grants` and `grants_file` together, each id once, in file
    /// order. The line is that of the first of the two keys.
    pub grants: Option<At<Vec<String>>>,
    /// With `exclusive: true`, grants of the workspace that are not listed are removed from
    /// it. Only allowed next to `grants` or `grants_file`.
    pub exclusive: Option<At<bool>>,
}

impl WorkspaceEntry {
    /// The domain the entry gives, if it gives one (not `null`, not absent).
    pub fn given_domain(&self) -> Option<&str> {
        self.domain.as_ref().and_then(|d| d.value.as_deref())
    }

    /// True when `exclusive: true`.
    pub fn is_exclusive(&self) -> bool {
        self.exclusive.as_ref().is_some_and(|e| e.value)
    }
}

/// What the file asks of the application's default workspace (`default_workspace`). Only its
/// policy and rules can change; `name`, `domain` and `auto_group` are read so that a plan can
/// show a change to them as refused instead of ignoring it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DefaultEntry {
    /// The line of the `default_workspace` key.
    pub line: usize,
    /// A name (refused if it differs from the live one).
    pub name: Option<At<String>>,
    /// A domain (refused if it differs from the live one).
    pub domain: Option<At<Option<String>>>,
    /// `auto_group` (refused if it differs from the live one).
    pub auto_group: Option<At<bool>>,
    /// The policy, as written; `Some(None)` detaches.
    pub policy: Option<At<Option<String>>>,
    /// The rules, as written; an empty list detaches all.
    pub rules: Option<At<Vec<At<String>>>>,
}

/// A parsed workspaces file: the state the application should be in. Build it with
/// [`DesiredState::from_yaml_str`] or [`DesiredState::from_path`], then plan it with
/// [`plan`](super::plan) (or `Client::plan`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DesiredState {
    /// The file it was read from, as given, for error messages.
    pub source: Option<String>,
    /// The `default_workspace` section, when present.
    pub default_workspace: Option<DefaultEntry>,
    /// The `workspaces` entries, in file order.
    pub workspaces: Vec<WorkspaceEntry>,
}

impl DesiredState {
    /// Parses a workspaces file's text (YAML, or JSON, which YAML reads too). Relative
    /// `grants_file` paths are read relative to `base_dir` (the file's folder).
    pub fn from_yaml_str(text: &str, base_dir: &Path) -> Result<Self, PlanFileError> {
        parse_document(text, base_dir)
    }

    /// Reads and parses the workspaces file at `path` (at most [`MAX_PLAN_FILE_BYTES`]);
    /// `grants_file` paths are relative to its folder. Errors name the file.
    pub fn from_path(path: &Path) -> Result<Self, PlanFileError> {
        let shown = path.display().to_string();
        let text = read_capped(path).map_err(|e| e.in_file(Some(&shown)))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut state = parse_document(&text, &base).map_err(|e| e.in_file(Some(&shown)))?;
        state.source = Some(shown);
        Ok(state)
    }

    /// True when some entry lists grants (planning it needs the live grants).
    pub fn manages_grants(&self) -> bool {
        self.workspaces.iter().any(|e| e.grants.is_some())
    }

    /// Tags an error found while planning with this file's name.
    pub(crate) fn locate(&self, error: PlanFileError) -> PlanFileError {
        error.in_file(self.source.as_deref())
    }
}

fn read_capped(path: &Path) -> Result<String, PlanFileError> {
    let io = |e: std::io::Error| PlanFileError::new(Kind::Io, None, format!("cannot read it: {e}"));
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_PLAN_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_PLAN_FILE_BYTES {
        return Err(PlanFileError::new(
            Kind::Io,
            None,
            format!("larger than {MAX_PLAN_FILE_BYTES} bytes; this is not a workspaces file"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        PlanFileError::at(Kind::Syntax, line, "not UTF-8 text")
    })
}

fn parse_document(text: &str, base_dir: &Path) -> Result<DesiredState, PlanFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = yaml::parse(text)
        .map_err(|(line, message)| PlanFileError::at(Kind::Syntax, line, message))?
        .ok_or_else(|| {
            PlanFileError::at(
                Kind::Version,
                1,
                "the file is empty; it needs at least `version: 1`",
            )
        })?;
    let top = mapping(&root, "the file")?;
    check_keys(
        top,
        &["version", "default_workspace", "workspaces"],
        "at the top level",
    )?;
    let version = get(top, "version").ok_or_else(|| {
        PlanFileError::at(Kind::Version, root.line, "no `version`; add `version: 1`")
    })?;
    check_version(version)?;
    let default_workspace = match get_entry(top, "default_workspace") {
        None => None,
        Some((line, node)) => Some(default_entry(line, node)?),
    };
    let mut workspaces = Vec::new();
    if let Some(node) = get(top, "workspaces")
        && !node.is_null()
    {
        let Value::Seq(items) = &node.value else {
            return Err(wrong(node, "`workspaces` must be a list of workspaces"));
        };
        for item in items {
            workspaces.push(workspace_entry(item, base_dir)?);
        }
    }
    check_duplicates(&workspaces)?;
    Ok(DesiredState {
        source: None,
        default_workspace,
        workspaces,
    })
}

type Entries = [(String, usize, Node)];

fn mapping<'a>(node: &'a Node, what: &str) -> Result<&'a Entries, PlanFileError> {
    match &node.value {
        Value::Map(entries) => Ok(entries),
        _ => Err(wrong(
            node,
            format!(
                "{what} must be a mapping of keys to values, not {}",
                node.kind()
            ),
        )),
    }
}

fn get<'a>(entries: &'a Entries, key: &str) -> Option<&'a Node> {
    get_entry(entries, key).map(|(_, node)| node)
}

fn get_entry<'a>(entries: &'a Entries, key: &str) -> Option<(usize, &'a Node)> {
    entries
        .iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, line, node)| (*line, node))
}

fn check_keys(entries: &Entries, known: &[&str], place: &str) -> Result<(), PlanFileError> {
    for (key, line, _) in entries {
        if !known.contains(&key.as_str()) {
            return Err(PlanFileError::at(
                Kind::UnknownKey,
                *line,
                format!(
                    "unknown key `{key}` {place}; the keys here are {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn wrong(node: &Node, message: impl Into<String>) -> PlanFileError {
    PlanFileError::at(Kind::InvalidValue, node.line, message)
}

fn check_version(node: &Node) -> Result<(), PlanFileError> {
    match &node.value {
        Value::Scalar { text, plain: true } if text.trim() == PLAN_FILE_VERSION.to_string() => {
            Ok(())
        }
        Value::Scalar { text, plain: true } if text.parse::<f64>().is_ok() => {
            Err(PlanFileError::at(
                Kind::Version,
                node.line,
                format!("unsupported version {text}; this tool reads version {PLAN_FILE_VERSION}"),
            ))
        }
        _ => Err(PlanFileError::at(
            Kind::Version,
            node.line,
            format!("`version` must be the number {PLAN_FILE_VERSION}"),
        )),
    }
}

/// A text value: a quoted string or a plain scalar that is not null or a boolean (numbers are
/// kept as written, since ids may be digits).
fn text(node: &Node, what: &str) -> Result<String, PlanFileError> {
    match &node.value {
        Value::Scalar { text, plain }
            if !*plain || (!node.is_null() && node.as_bool().is_none()) =>
        {
            Ok(text.clone())
        }
        _ => Err(wrong(
            node,
            format!(
                "{what} must be text, not {} (quote it if it is a name)",
                node.kind()
            ),
        )),
    }
}

fn non_empty_text(node: &Node, what: &str) -> Result<String, PlanFileError> {
    let value = text(node, what)?;
    if value.trim().is_empty() {
        return Err(wrong(node, format!("{what} is empty")));
    }
    Ok(value)
}

fn boolean(node: &Node, what: &str) -> Result<bool, PlanFileError> {
    node.as_bool().ok_or_else(|| {
        wrong(
            node,
            format!("{what} must be true or false, not {}", node.kind()),
        )
    })
}

fn at<T>(line: usize, value: T) -> At<T> {
    At { value, line }
}

/// `key: text` or `key: null`.
fn optional_text(node: &Node, what: &str) -> Result<Option<String>, PlanFileError> {
    if node.is_null() {
        Ok(None)
    } else {
        non_empty_text(node, what).map(Some)
    }
}

fn rules(node: &Node) -> Result<Vec<At<String>>, PlanFileError> {
    if node.is_null() {
        return Err(wrong(
            node,
            "`rules: null` is not used; write `rules: []` to detach every rule, or leave the key \
             out to leave the rules alone",
        ));
    }
    let Value::Seq(items) = &node.value else {
        return Err(wrong(
            node,
            format!("`rules` must be a list, not {}", node.kind()),
        ));
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let value = non_empty_text(item, "a rule")?;
        if let Some(first) = seen.insert(value.clone(), item.line) {
            return Err(PlanFileError::at(
                Kind::DuplicateEntry,
                item.line,
                format!("the rule {value:?} is listed twice (first on line {first})"),
            ));
        }
        out.push(at(item.line, value));
    }
    Ok(out)
}

fn default_entry(line: usize, node: &Node) -> Result<DefaultEntry, PlanFileError> {
    let mut entry = DefaultEntry {
        line,
        name: None,
        domain: None,
        auto_group: None,
        policy: None,
        rules: None,
    };
    if node.is_null() {
        return Ok(entry);
    }
    let entries = mapping(node, "`default_workspace`")?;
    check_keys(
        entries,
        &["policy", "rules", "name", "domain", "auto_group"],
        "in `default_workspace` (only its policy and rules can be managed)",
    )?;
    for (key, key_line, value) in entries {
        let line = *key_line;
        match key.as_str() {
            "name" => entry.name = Some(at(line, non_empty_text(value, "`name`")?)),
            "domain" => entry.domain = Some(at(line, optional_text(value, "`domain`")?)),
            "auto_group" => entry.auto_group = Some(at(line, boolean(value, "`auto_group`")?)),
            "policy" => entry.policy = Some(at(line, optional_text(value, "`policy`")?)),
            "rules" => entry.rules = Some(at(line, rules(value)?)),
            _ => unreachable!("keys were checked"),
        }
    }
    Ok(entry)
}

const ENTRY_KEYS: &[&str] = &[
    "name",
    "domain",
    "auto_group",
    "policy",
    "rules",
    "grants",
    "grants_file",
    "exclusive",
];

fn workspace_entry(node: &Node, base_dir: &Path) -> Result<WorkspaceEntry, PlanFileError> {
    let entries = mapping(node, "a workspace entry")?;
    check_keys(entries, ENTRY_KEYS, "in a workspace entry")?;
    let name = get_entry(entries, "name").ok_or_else(|| {
        PlanFileError::at(
            Kind::InvalidValue,
            node.line,
            "the workspace entry has no `name`",
        )
    })?;
    let mut entry = WorkspaceEntry {
        line: node.line,
        name: at(name.0, non_empty_text(name.1, "`name`")?),
        domain: None,
        auto_group: None,
        policy: None,
        rules: None,
        grants: None,
        exclusive: None,
    };
    let mut grants: Option<(usize, Vec<String>, HashSet<String>)> = None;
    for (key, key_line, value) in entries {
        let line = *key_line;
        match key.as_str() {
            "name" => {}
            "domain" => entry.domain = Some(at(line, optional_text(value, "`domain`")?)),
            "auto_group" => entry.auto_group = Some(at(line, boolean(value, "`auto_group`")?)),
            "policy" => entry.policy = Some(at(line, optional_text(value, "`policy`")?)),
            "rules" => entry.rules = Some(at(line, rules(value)?)),
            "exclusive" => entry.exclusive = Some(at(line, boolean(value, "`exclusive`")?)),
            "grants" => {
                let (_, ids, seen) =
                    grants.get_or_insert_with(|| (line, Vec::new(), HashSet::new()));
                for id in inline_grants(value)? {
                    if seen.insert(id.clone()) {
                        ids.push(id);
                    }
                }
            }
            "grants_file" => {
                let (_, ids, seen) =
                    grants.get_or_insert_with(|| (line, Vec::new(), HashSet::new()));
                for id in grants_file(value, base_dir)? {
                    if seen.insert(id.clone()) {
                        ids.push(id);
                    }
                }
            }
            _ => unreachable!("keys were checked"),
        }
    }
    entry.grants = grants.map(|(line, ids, _)| at(line, ids));
    if let Some(exclusive) = &entry.exclusive
        && exclusive.value
        && entry.grants.is_none()
    {
        return Err(PlanFileError::at(
            Kind::InvalidValue,
            exclusive.line,
            "`exclusive: true` needs `grants` or `grants_file` (write `grants: []` to empty the \
             workspace)",
        ));
    }
    Ok(entry)
}

fn inline_grants(node: &Node) -> Result<Vec<String>, PlanFileError> {
    if node.is_null() {
        return Ok(Vec::new());
    }
    let Value::Seq(items) = &node.value else {
        return Err(wrong(
            node,
            format!("`grants` must be a list of grant ids, not {}", node.kind()),
        ));
    };
    items
        .iter()
        .map(|item| {
            let id = non_empty_text(item, "a grant id")?;
            if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(wrong(
                    item,
                    format!(
                        "{id:?} contains whitespace or control characters, which no grant id does"
                    ),
                ));
            }
            Ok(id)
        })
        .collect()
}

fn grants_file(node: &Node, base_dir: &Path) -> Result<Vec<String>, PlanFileError> {
    let name = non_empty_text(node, "`grants_file`")?;
    if name == "-" {
        return Err(wrong(
            node,
            "`grants_file` must name a file (standard input cannot be used here)",
        ));
    }
    let path = PathBuf::from(&name);
    let path = if path.is_absolute() {
        path
    } else {
        base_dir.join(path)
    };
    grant_ids::read(&path)
        .map(|parsed| parsed.ids)
        .map_err(|e| PlanFileError::at(Kind::GrantsFile, node.line, format!("grants_file {e}")))
}

/// Same domain (case-insensitively), or same name where neither gives a domain: two entries
/// for one workspace. And a grant may be wanted in one workspace only.
fn check_duplicates(entries: &[WorkspaceEntry]) -> Result<(), PlanFileError> {
    let mut domains: HashMap<String, usize> = HashMap::new();
    let mut names: HashMap<&str, usize> = HashMap::new();
    let mut grants: HashMap<&str, usize> = HashMap::new();
    for entry in entries {
        match entry.given_domain() {
            Some(domain) => {
                if let Some(first) = domains.insert(domain.to_ascii_lowercase(), entry.line) {
                    return Err(PlanFileError::at(
                        Kind::DuplicateEntry,
                        entry.line,
                        format!(
                            "a second entry for the domain {domain} (the first is on line {first})"
                        ),
                    ));
                }
            }
            None => {
                if let Some(first) = names.insert(&entry.name.value, entry.line) {
                    return Err(PlanFileError::at(
                        Kind::DuplicateEntry,
                        entry.line,
                        format!(
                            "a second entry named {:?} without a domain (the first is on line {first})",
                            entry.name.value
                        ),
                    ));
                }
            }
        }
        if let Some(listed) = &entry.grants {
            for id in &listed.value {
                if let Some(first) = grants.insert(id, entry.line) {
                    return Err(PlanFileError::at(
                        Kind::DuplicateEntry,
                        listed.line,
                        format!(
                            "the grant {id} is also listed for the workspace on line {first}; a \
                             grant is in one workspace"
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<DesiredState, PlanFileError> {
        DesiredState::from_yaml_str(text, Path::new("."))
    }

    fn error(text: &str) -> (Kind, Option<usize>, String) {
        let e = parse(text).unwrap_err();
        (e.kind, e.line, e.message)
    }

    const EXAMPLE: &str = "version: 1
default_workspace:
  policy: Standard limits
  rules: [Block spam]
workspaces:
  - name: Acme
    domain: acme.com
    auto_group: true
    policy: Standard limits
    rules: [Block spam, Strip links]
  - name: Field team
    auto_group: false
    grants: [grant-1, grant-2]
    exclusive: false
";

    #[test]
    fn the_issue_example_reads_with_lines() {
        let state = parse(EXAMPLE).unwrap();
        let default = state.default_workspace.as_ref().unwrap();
        assert_eq!(default.line, 2);
        assert_eq!(
            default.policy,
            Some(at(3, Some("Standard limits".to_owned())))
        );
        assert_eq!(
            default.rules.as_ref().unwrap().value,
            [at(4, "Block spam".to_owned())]
        );
        let acme = &state.workspaces[0];
        assert_eq!((acme.line, acme.name.line), (6, 6));
        assert_eq!(acme.given_domain(), Some("acme.com"));
        assert_eq!(acme.auto_group, Some(at(8, true)));
        let rules = &acme.rules.as_ref().unwrap().value;
        assert_eq!(rules[1], at(10, "Strip links".to_owned()));
        assert_eq!(acme.grants, None);
        let field = &state.workspaces[1];
        assert_eq!(field.domain, None);
        assert_eq!(
            field.grants,
            Some(at(13, vec!["grant-1".to_owned(), "grant-2".to_owned()]))
        );
        assert!(!field.is_exclusive());
        assert!(state.manages_grants());
    }

    #[test]
    fn json_is_accepted() {
        let state = parse(
            r#"{"version": 1, "workspaces": [{"name": "A", "domain": null, "policy": null, "rules": []}]}"#,
        )
        .unwrap();
        let a = &state.workspaces[0];
        assert_eq!(a.domain, Some(at(1, None)));
        assert_eq!(a.policy, Some(at(1, None)));
        assert_eq!(a.rules, Some(at(1, vec![])));
    }

    #[test]
    fn absent_null_and_quoted_null_differ() {
        let state = parse("version: 1\nworkspaces:\n- name: A\n  policy: null\n- name: B\n  policy: 'null'\n- name: C\n").unwrap();
        assert_eq!(state.workspaces[0].policy, Some(at(4, None)));
        assert_eq!(
            state.workspaces[1].policy,
            Some(at(6, Some("null".to_owned())))
        );
        assert_eq!(state.workspaces[2].policy, None);
    }

    #[test]
    fn version_problems_name_the_line() {
        assert_eq!(error("workspaces: []\n").0, Kind::Version);
        let (kind, line, message) = error("# hi\nversion: 2\n");
        assert_eq!((kind, line), (Kind::Version, Some(2)));
        assert!(message.contains("unsupported version 2"), "{message}");
        assert_eq!(error("version: \"1\"\n").1, Some(1));
        assert_eq!(error("version: one\n").0, Kind::Version);
        assert_eq!(error("").0, Kind::Version);
        assert_eq!(error("- 1\n").0, Kind::InvalidValue);
    }

    #[test]
    fn unknown_keys_name_their_line() {
        let (kind, line, message) = error("version: 1\nworkspaces:\n  - name: A\n    nmae: B\n");
        assert_eq!((kind, line), (Kind::UnknownKey, Some(4)));
        assert!(message.contains("`nmae`"), "{message}");
        assert_eq!(error("version: 1\nworkspace: []\n").1, Some(2));
        let (kind, line, _) = error("version: 1\ndefault_workspace:\n  grants: [g]\n");
        assert_eq!((kind, line), (Kind::UnknownKey, Some(3)));
    }

    #[test]
    fn values_of_the_wrong_kind_name_their_line() {
        let cases = [
            ("version: 1\nworkspaces:\n  - domain: a.com\n", 3),
            ("version: 1\nworkspaces:\n  - name: ''\n", 3),
            (
                "version: 1\nworkspaces:\n  - name: A\n    auto_group: yes\n",
                4,
            ),
            (
                "version: 1\nworkspaces:\n  - name: A\n    rules: Block spam\n",
                4,
            ),
            ("version: 1\nworkspaces:\n  - name: A\n    rules:\n", 4),
            (
                "version: 1\nworkspaces:\n  - name: A\n    rules: [a, '']\n",
                4,
            ),
            ("version: 1\nworkspaces:\n  - name: true\n", 3),
            (
                "version: 1\nworkspaces:\n  - name: A\n    grants: [g 1]\n",
                4,
            ),
            (
                "version: 1\nworkspaces:\n  - name: A\n    exclusive: true\n",
                4,
            ),
            ("version: 1\nworkspaces: {a: 1}\n", 2),
            ("version: 1\nworkspaces:\n  - A\n", 3),
        ];
        for (text, line) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, Some(line), "{text:?}: {e}");
        }
    }

    #[test]
    fn duplicates_name_both_lines() {
        let (kind, line, message) = error(
            "version: 1\nworkspaces:\n  - name: A\n    domain: a.com\n  - name: B\n    domain: A.COM\n",
        );
        assert_eq!((kind, line), (Kind::DuplicateEntry, Some(5)));
        assert!(message.contains("line 3"), "{message}");
        let (kind, line, _) =
            error("version: 1\nworkspaces:\n  - name: A\n  - name: A\n    domain: null\n");
        assert_eq!((kind, line), (Kind::DuplicateEntry, Some(4)));
        // Same name with different domains: two workspaces.
        parse("version: 1\nworkspaces:\n  - name: A\n    domain: a.com\n  - name: A\n").unwrap();
        let (kind, line, message) = error(
            "version: 1\nworkspaces:\n  - name: A\n    grants: [g-1]\n  - name: B\n    grants: [g-2, g-1]\n",
        );
        assert_eq!((kind, line), (Kind::DuplicateEntry, Some(6)));
        assert!(
            message.contains("g-1") && message.contains("line 3"),
            "{message}"
        );
        let (kind, line, _) = error("version: 1\nworkspaces:\n  - name: A\n    rules: [x, y, x]\n");
        assert_eq!((kind, line), (Kind::DuplicateEntry, Some(4)));
    }

    #[test]
    fn grants_file_is_relative_to_the_file_and_merges_with_grants() {
        let dir = std::env::temp_dir().join(format!("nw-plan-file-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(
            dir.join("sub/field.csv"),
            "email,grant_id\na@x,g-2\nb@x,g-3\n",
        )
        .unwrap();
        let file = dir.join("ws.yaml");
        std::fs::write(
            &file,
            "version: 1\nworkspaces:\n  - name: F\n    grants: [g-1, g-2]\n    grants_file: sub/field.csv\n",
        )
        .unwrap();
        let state = DesiredState::from_path(&file).unwrap();
        assert_eq!(
            state.workspaces[0].grants.as_ref().unwrap().value,
            ["g-1", "g-2", "g-3"]
        );
        assert_eq!(
            state.source.as_deref(),
            Some(file.display().to_string().as_str())
        );

        std::fs::write(dir.join("sub/bad.txt"), "g-1\ng-2,g-3\n").unwrap();
        std::fs::write(
            &file,
            "version: 1\nworkspaces:\n  - name: F\n    grants_file: sub/bad.txt\n",
        )
        .unwrap();
        let e = DesiredState::from_path(&file).unwrap_err();
        assert_eq!((e.kind, e.line), (Kind::GrantsFile, Some(4)));
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("{}:4: grants_file ", file.display())),
            "{shown}"
        );
        assert!(shown.contains("bad.txt:2:"), "{shown}");

        std::fs::write(
            &file,
            "version: 1\nworkspaces:\n  - name: F\n    grants_file: missing.txt\n",
        )
        .unwrap();
        assert_eq!(
            DesiredState::from_path(&file).unwrap_err().kind,
            Kind::GrantsFile
        );
        std::fs::write(
            &file,
            "version: 1\nworkspaces:\n  - name: F\n    grants_file: '-'\n",
        )
        .unwrap();
        assert_eq!(DesiredState::from_path(&file).unwrap_err().line, Some(4));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn endless_or_huge_inputs_end_in_an_error_not_in_memory() {
        let e = DesiredState::from_path(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.kind, Kind::Io);
        assert!(e.message.contains("larger than"), "{e}");
        let e = parse("version: 1\nworkspaces:\n  - name: F\n    grants_file: /dev/zero\n")
            .unwrap_err();
        assert_eq!((e.kind, e.line), (Kind::GrantsFile, Some(4)));
        assert!(e.message.contains("NUL"), "{e}");
    }

    #[test]
    fn files_that_are_not_text_are_refused() {
        let e = DesiredState::from_path(Path::new("/definitely/not/here.yaml")).unwrap_err();
        assert_eq!(e.kind, Kind::Io);
        let dir = std::env::temp_dir().join(format!("nw-plan-bin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bin.yaml");
        std::fs::write(&file, b"version: 1\n\xff\xfe\n").unwrap();
        let e = DesiredState::from_path(&file).unwrap_err();
        assert_eq!((e.kind, e.line), (Kind::Syntax, Some(2)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
