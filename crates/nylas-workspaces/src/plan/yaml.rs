//! A small YAML document tree whose every node knows its line.
//!
//! Deserialising straight into structs (serde) loses positions, but a workspaces file's
//! errors must name their line even when they are found late: an unknown policy name is only
//! known to be unknown once the live policies have been fetched. So the file is read into this
//! tree from `saphyr-parser`'s events (which carry spans), and `file.rs` walks the tree.
//!
//! The tree is bounded whatever the input: nesting deeper than [`MAX_DEPTH`] is refused, and
//! aliases (which may point at large subtrees, repeatedly) may expand the document to at most
//! [`MAX_NODES`] nodes. Only one document is accepted, tags are refused (the format needs
//! none), and a mapping key must be a plain or quoted scalar that appears once.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The deepest nesting accepted; a workspaces file needs four levels.
pub(crate) const MAX_DEPTH: usize = 64;

/// The most nodes a document may hold once aliases are expanded.
pub(crate) const MAX_NODES: usize = 2_000_000;

/// A node and where it starts (1-based line).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub line: usize,
    pub value: Value,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A scalar's text; `plain` is false when it was quoted or a block scalar, which makes it a
    /// string whatever its text (`"null"` is the word, `null` is nothing).
    Scalar { text: String, plain: bool },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with string keys, in file order; each key with its line.
    Map(Vec<(String, usize, Node)>),
}

impl Node {
    /// True for a plain `null`, `~`, or nothing at all (`key:` with no value).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The YAML core-schema boolean a plain scalar spells, if it spells one.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A short description of the node's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        if self.is_null() {
            return "null";
        }
        if self.as_bool().is_some() {
            return "a boolean";
        }
        match &self.value {
            Value::Scalar { .. } => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Number of nodes in this subtree.
    fn size(&self) -> usize {
        1 + match &self.value {
            Value::Scalar { .. } => 0,
            Value::Seq(items) => items.iter().map(Node::size).sum(),
            Value::Map(entries) => entries.iter().map(|(_, _, v)| 1 + v.size()).sum(),
        }
    }
}

/// A syntax-level problem: the line and what is wrong.
pub(crate) type SyntaxError = (usize, String);

/// A collection being built.
enum Open {
    Seq {
        line: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        line: usize,
        anchor: usize,
        entries: Vec<(String, usize, Node)>,
        /// A key read, waiting for its value.
        key: Option<(String, usize)>,
    },
}

/// Parses `text` as one YAML document. An empty document (nothing but comments) is `None`.
pub(crate) fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut builder = Builder::default();
    let mut documents = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let marker = e.marker();
            (
                marker.line().max(1),
                format!("not valid YAML: {} (column {})", e.info(), marker.col() + 1),
            )
        })?;
        let line = span_line(&span);
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err((
                        line,
                        "a second YAML document (`---`); the file must hold one".into(),
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if tag.is_some() {
                    return Err((line, "YAML tags (`!…`) are not used in this file".into()));
                }
                let node = Node {
                    line,
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                };
                builder.finish_node(node, anchor)?;
            }
            Event::Alias(anchor) => {
                let size = builder
                    .anchors
                    .get(&anchor)
                    .map(|(_, size)| *size)
                    .ok_or_else(|| (line, "an alias to an unknown anchor".to_owned()))?;
                // Counted before the copy is made, so a billion laughs never gets allocated.
                builder.count(size, line)?;
                let node = Node {
                    line,
                    ..builder.anchors[&anchor].0.clone()
                };
                builder.finish_node(node, 0)?;
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if tag.is_some() {
                    return Err((line, "YAML tags (`!…`) are not used in this file".into()));
                }
                if builder.open.len() >= MAX_DEPTH {
                    return Err((line, format!("nested deeper than {MAX_DEPTH} levels")));
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                builder.open.push(if is_seq {
                    Open::Seq {
                        line,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Open::Map {
                        line,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match builder.open.pop() {
                    Some(Open::Seq {
                        line,
                        anchor,
                        items,
                    }) => (
                        Node {
                            line,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Open::Map {
                        line,
                        anchor,
                        entries,
                        ..
                    }) => (
                        Node {
                            line,
                            value: Value::Map(entries),
                        },
                        anchor,
                    ),
                    None => return Err((line, "unbalanced YAML collection".into())),
                };
                builder.finish_node(node, anchor)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(builder.root)
}

fn span_line(span: &Span) -> usize {
    span.start.line().max(1)
}

#[derive(Default)]
struct Builder {
    open: Vec<Open>,
    root: Option<Node>,
    /// Each anchored node with its size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
}

impl Builder {
    fn count(&mut self, nodes: usize, line: usize) -> Result<(), SyntaxError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err((
                line,
                format!("the document expands to more than {MAX_NODES} values (through aliases?)"),
            ));
        }
        Ok(())
    }

    /// Hands a finished node to the collection it is in (or makes it the root).
    fn finish_node(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        // Scalars are counted here, and collections as they close; an alias's copy was counted
        // whole before it came here.
        if matches!(node.value, Value::Scalar { .. }) {
            self.count(1, node.line)?;
        }
        if anchor != 0 {
            let size = node.size();
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.open.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => {
                    let Value::Scalar { text, .. } = node.value else {
                        return Err((
                            node.line,
                            "a mapping key must be a plain word or a quoted string".into(),
                        ));
                    };
                    if let Some((_, first, _)) = entries.iter().find(|(k, _, _)| *k == text) {
                        return Err((
                            node.line,
                            format!("the key `{text}` appears twice (first on line {first})"),
                        ));
                    }
                    *key = Some((text, node.line));
                }
                Some((text, line)) => entries.push((text, line, node)),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(node: &Node) -> &[(String, usize, Node)] {
        match &node.value {
            Value::Map(entries) => entries,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn lines_are_those_of_the_file() {
        let root = parse("# c\nversion: 1\nworkspaces:\n  - name: A\n    domain: a.com\n")
            .unwrap()
            .unwrap();
        let top = map(&root);
        assert_eq!((top[0].0.as_str(), top[0].1), ("version", 2));
        let Value::Seq(items) = &top[1].2.value else {
            panic!()
        };
        assert_eq!(items[0].line, 4);
        let entry = map(&items[0]);
        assert_eq!(
            (entry[1].0.as_str(), entry[1].1, entry[1].2.line),
            ("domain", 5, 5)
        );
    }

    #[test]
    fn json_is_read_too() {
        let root = parse("{\"version\": 1,\n\t\"workspaces\": [\n\t\t{\"name\": \"A\"}\n\t]\n}")
            .unwrap()
            .unwrap();
        let top = map(&root);
        assert_eq!(top.len(), 2);
        assert_eq!(top[1].1, 2);
    }

    #[test]
    fn quoting_decides_between_null_and_the_word() {
        let root = parse("a: null\nb: \"null\"\nc:\nd: ~\ne: true\nf: 'true'\n")
            .unwrap()
            .unwrap();
        let top = map(&root);
        let nulls: Vec<bool> = top.iter().map(|(_, _, v)| v.is_null()).collect();
        assert_eq!(nulls, [true, false, true, true, false, false]);
        assert_eq!(top[4].2.as_bool(), Some(true));
        assert_eq!(top[5].2.as_bool(), None);
    }

    #[test]
    fn duplicate_keys_tags_and_extra_documents_are_refused_with_their_line() {
        let err = parse("version: 1\nworkspaces: []\nversion: 2\n").unwrap_err();
        assert_eq!(err.0, 3);
        assert!(err.1.contains("first on line 1"), "{}", err.1);
        assert_eq!(parse("a: !!str 1\n").unwrap_err().0, 1);
        assert_eq!(parse("a: 1\n---\nb: 2\n").unwrap_err().0, 2);
        assert_eq!(parse("a:\n  ? [x]\n  : 1\n").unwrap_err().0, 2);
        let err = parse("a: [1,\n").unwrap_err();
        assert!(err.1.starts_with("not valid YAML"), "{err:?}");
    }

    #[test]
    fn empty_documents_are_none() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }

    #[test]
    fn aliases_expand_but_only_so_far() {
        let root = parse("r: &r [a, b]\ns: *r\n").unwrap().unwrap();
        let top = map(&root);
        assert_eq!(top[0].2.value, top[1].2.value);
        assert_eq!(top[1].2.line, 2);
        // A billion laughs: each level doubles nine times over.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.1.contains("more than"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        // The parser's own recursion limit or ours, whichever comes first: an error, not a
        // stack overflow.
        let err = parse(&text).unwrap_err();
        assert!(
            err.1.contains("nested deeper") || err.1.contains("recursion limit"),
            "{err:?}"
        );
        let text = format!(
            "{}x{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        let err = parse(&text).unwrap_err();
        assert_eq!(err, (1, format!("nested deeper than {MAX_DEPTH} levels")));
    }
}
