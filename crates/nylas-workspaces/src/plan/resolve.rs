//! Turning the policy and rule names of a file into ids.
//!
//! A file may name a policy or a rule by id or by name. An exact id wins; otherwise the name
//! must belong to exactly one policy (rule) of the application. A name that names nothing, or
//! several, is an error naming the file's line (and, for several, their ids): guessing would
//! attach the wrong thing. One exception keeps an exported file plannable: an id that the
//! matched workspace already carries is accepted even if the listing does not show it (a rule
//! deleted elsewhere, say), since keeping it changes nothing.
//!
//! The same catalogue gives the label a plan shows for an id: its name when that name leads
//! back to the id, else the id itself. Export uses that test too, so what it writes resolves
//! to what it read.

use std::collections::{HashMap, HashSet};

use super::error::{PlanFileError, PlanFileErrorKind as Kind};
use super::live::Named;

/// The policies or the rules of an application, indexed for resolution.
#[derive(Debug)]
pub(crate) struct Catalog<'a> {
    /// "policy" or "rule", for messages.
    what: &'static str,
    ids: HashSet<&'a str>,
    by_name: HashMap<&'a str, Vec<&'a str>>,
    names: HashMap<&'a str, &'a str>,
}

impl<'a> Catalog<'a> {
    pub fn new(what: &'static str, items: &'a [Named]) -> Self {
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        for item in items.iter().filter(|i| !i.name.is_empty()) {
            let ids = by_name.entry(&item.name).or_default();
            if !ids.contains(&item.id.as_str()) {
                ids.push(&item.id);
            }
        }
        Self {
            what,
            ids: items.iter().map(|i| i.id.as_str()).collect(),
            by_name,
            names: items
                .iter()
                .map(|i| (i.id.as_str(), i.name.as_str()))
                .collect(),
        }
    }

    /// The id `value` stands for; `attached` are the ids the target already carries.
    pub fn resolve(
        &self,
        value: &str,
        line: usize,
        attached: &[String],
    ) -> Result<String, PlanFileError> {
        if self.ids.contains(value) {
            return Ok(value.to_owned());
        }
        match self.by_name.get(value).map(Vec::as_slice) {
            Some([id]) => return Ok((*id).to_owned()),
            Some(ids) if ids.len() > 1 => {
                return Err(PlanFileError::at(
                    Kind::AmbiguousReference,
                    line,
                    format!(
                        "{} {} {value:?} is the name of {} of them ({}); write the id instead",
                        article(self.what),
                        self.what,
                        ids.len(),
                        ids.join(", ")
                    ),
                ));
            }
            _ => {}
        }
        if attached.iter().any(|id| id == value) {
            return Ok(value.to_owned());
        }
        Err(PlanFileError::at(
            Kind::UnknownReference,
            line,
            format!(
                "no {} has the id or the name {value:?} in this application",
                self.what
            ),
        ))
    }

    /// How a plan shows an id: its name when the name resolves back to it, else the id.
    pub fn label(&self, id: &str) -> String {
        self.name_for(id).unwrap_or(id).to_owned()
    }

    /// The name to write for an id in a file, when that name resolves back to the id.
    pub fn name_for(&self, id: &str) -> Option<&'a str> {
        let name = *self.names.get(id)?;
        let unique = self.by_name.get(name).is_some_and(|ids| ids.len() == 1);
        (unique && !self.ids.contains(name)).then_some(name)
    }
}

fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(items: &[Named]) -> Catalog<'_> {
        Catalog::new("policy", items)
    }

    #[test]
    fn ids_then_unique_names() {
        let items = [
            Named::new("p-1", "Standard"),
            Named::new("p-2", "Strict"),
            Named::new("p-3", "Strict"),
            Named::new("p-4", "p-1"),
            Named::new("p-5", ""),
        ];
        let c = catalog(&items);
        assert_eq!(c.resolve("p-2", 1, &[]).unwrap(), "p-2");
        assert_eq!(c.resolve("Standard", 1, &[]).unwrap(), "p-1");
        // An id wins over a name that spells it.
        assert_eq!(c.resolve("p-1", 1, &[]).unwrap(), "p-1");
        let e = c.resolve("Strict", 9, &[]).unwrap_err();
        assert_eq!((e.kind, e.line), (Kind::AmbiguousReference, Some(9)));
        assert!(e.message.contains("p-2, p-3"), "{}", e.message);
        let e = c.resolve("Lax", 4, &[]).unwrap_err();
        assert_eq!((e.kind, e.line), (Kind::UnknownReference, Some(4)));
        assert!(e.message.contains("\"Lax\""), "{}", e.message);
        assert_eq!(c.resolve("gone", 4, &["gone".to_owned()]).unwrap(), "gone");
        assert_eq!(
            c.resolve("", 1, &[]).unwrap_err().kind,
            Kind::UnknownReference
        );
    }

    #[test]
    fn labels_are_names_that_lead_back() {
        let items = [
            Named::new("p-1", "Standard"),
            Named::new("p-2", "Strict"),
            Named::new("p-3", "Strict"),
            Named::new("p-4", "p-1"),
            Named::new("p-5", ""),
        ];
        let c = catalog(&items);
        assert_eq!(c.label("p-1"), "Standard");
        assert_eq!(c.label("p-2"), "p-2");
        assert_eq!(c.label("p-4"), "p-4");
        assert_eq!(c.label("p-5"), "p-5");
        assert_eq!(c.label("unknown"), "unknown");
        for id in ["p-1", "p-2", "p-3", "p-4", "p-5"] {
            assert_eq!(c.resolve(&c.label(id), 1, &[]).unwrap(), id);
        }
    }
}
