//! Reads the two things release-check keeps in step with `.github/workflows/release.yml`: the
//! `cargo publish` line (which crates, in which order) and the `SMOKE` script every wheel
//! runs. Plain line reading, not a YAML parser: both are written in one fixed shape, and
//! anything else is reported rather than guessed at.

/// The crates named by `-p`/`--package` on the workflow's one `cargo publish` command (a line
/// that is, or is a `run:` of, `cargo publish …`; names and comments that mention it do not
/// count).
pub fn publish_list(workflow: &str) -> Result<Vec<String>, String> {
    let is_command = |l: &&str| {
        let l = l.trim_start();
        let l = l.strip_prefix("- ").unwrap_or(l).trim_start();
        let l = l.strip_prefix("run:").unwrap_or(l).trim_start();
        l.starts_with("cargo publish ")
    };
    let mut lines = workflow.lines().filter(is_command);
    let line = lines
        .next()
        .ok_or("the release workflow has no `cargo publish` line")?;
    if lines.next().is_some() {
        return Err("the release workflow has more than one `cargo publish` line".into());
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let list: Vec<String> = words
        .windows(2)
        .filter(|pair| pair[0] == "-p" || pair[0] == "--package")
        .map(|pair| pair[1].to_owned())
        .collect();
    if list.is_empty() {
        return Err(format!("`{}` names no crate with -p", line.trim()));
    }
    Ok(list)
}

/// The text of the literal block `key: |`: its lines, dedented by the first line's indent,
/// each ending in a newline, up to the first line indented no deeper than the key.
pub fn block(workflow: &str, key: &str) -> Result<String, String> {
    let mut lines = workflow.lines();
    let key_indent = lines
        .by_ref()
        .find_map(|l| {
            let trimmed = l.trim_start();
            (trimmed == format!("{key}: |")).then(|| l.len() - trimmed.len())
        })
        .ok_or_else(|| format!("the workflow has no `{key}: |` block"))?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut body = String::new();
    let mut block_indent = None;
    for l in lines {
        if l.trim().is_empty() {
            body.push('\n');
            continue;
        }
        if indent(l) <= key_indent {
            break;
        }
        let at = *block_indent.get_or_insert(indent(l));
        if indent(l) < at {
            return Err(format!(
                "`{key}` block: {l:?} is indented less than its first line"
            ));
        }
        body.push_str(&l[at..]);
        body.push('\n');
    }
    // Blank lines between the block and the next key belong to neither.
    let trimmed = body.trim_end_matches('\n').len();
    body.truncate(trimmed);
    body.push('\n');
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_publish_command_is_read_and_comments_and_names_are_ignored() {
        let yml = "\
      # cargo publish -p not-this-one
      - name: cargo publish -p nor-this-one
      - run: cargo publish --locked -p a -p b --package c
";
        assert_eq!(publish_list(yml).unwrap(), ["a", "b", "c"]);
        assert!(publish_list("run: cargo test").is_err());
        assert!(publish_list("run: cargo publish --workspace").is_err());
        assert!(publish_list("run: cargo publish -p a\nrun: cargo publish -p b").is_err());
        // A multi-line `run: |` body counts too.
        assert_eq!(
            publish_list("run: |\n  cargo publish -p x\n").unwrap(),
            ["x"]
        );
    }

    #[test]
    fn a_literal_block_is_dedented_and_ends_at_the_next_key() {
        let yml = "\
env:
  SMOKE: |
    import a
    with b:
        c()

    d()

jobs:
";
        assert_eq!(
            block(yml, "SMOKE").unwrap(),
            "import a\nwith b:\n    c()\n\nd()\n"
        );
        assert!(block(yml, "OTHER").is_err());
        let ragged = "  SMOKE: |\n      a\n    b\n";
        assert!(
            block(ragged, "SMOKE")
                .unwrap_err()
                .contains("indented less")
        );
    }

    #[test]
    fn the_committed_workflow_runs_the_same_smoke_script_and_publish_line() {
        let yml =
            std::fs::read_to_string(crate::paths::root().join(super::super::WORKFLOW)).unwrap();
        assert_eq!(block(&yml, "SMOKE").unwrap(), super::super::SMOKE);
        assert_eq!(publish_list(&yml).unwrap().len(), 5);
    }
}
