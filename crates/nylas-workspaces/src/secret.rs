//! The API key as a type that cannot leak through formatting.
//!
//! The key is the only secret this crate handles. Keeping it in its own type means `Debug`
//! output of the client, its builder and every error is safe to log by construction: there is
//! no `Display` impl at all, and `Debug` prints a fixed placeholder. [`Redactor`] covers the
//! other direction: a server or proxy that repeats the `Authorization` header in its error
//! text must not put the key into this crate's errors.

use std::fmt;
use std::sync::Arc;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// A Nylas API key. Formatting it with `{:?}` prints `ApiKey(<redacted>)`; it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key. Validation (non-empty, usable in a header) happens when the client is built,
    /// so that the error can be reported without echoing the key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for building the `Authorization` header. Deliberately crate-private.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self(key.to_owned())
    }
}

/// What replaces the key in server-supplied text.
pub(crate) const REDACTED: &str = "<redacted>";

/// Removes the client's own key from text a server supplied, before it goes into an error.
///
/// The key is searched as sent and percent-encoded (the way it would appear in a `Location`
/// URL). Replacing the bare key also covers `Bearer <key>`. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Redactor {
    needles: Arc<[String]>,
}

impl Redactor {
    pub(crate) fn new(key: &ApiKey) -> Self {
        let raw = key.expose().to_owned();
        let encoded = utf8_percent_encode(&raw, NON_ALPHANUMERIC).to_string();
        let mut needles = vec![raw];
        if encoded != needles[0] {
            needles.push(encoded);
        }
        needles.retain(|n| !n.is_empty());
        Self {
            needles: needles.into(),
        }
    }

    /// A redactor with nothing to find, for decoding without a client (property tests).
    #[cfg(any(test, feature = "test-util"))]
    pub(crate) fn none() -> Self {
        Self {
            needles: Arc::new([]),
        }
    }

    /// Whether `text` contains the key in any searched form.
    pub(crate) fn finds_key_in(&self, text: &str) -> bool {
        self.needles.iter().any(|n| text.contains(n.as_str()))
    }

    /// `text` with every occurrence of the key replaced by `<redacted>`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in self.needles.iter() {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), REDACTED);
            }
        }
        out
    }

    /// Scrubs an optional text in place.
    pub(crate) fn scrub_option(&self, text: &mut Option<String>) {
        if let Some(t) = text.as_mut().filter(|t| self.finds_key_in(t)) {
            *t = self.scrub(t);
        }
    }

    /// Scrubs every string of a JSON value in place, object keys included.
    pub(crate) fn scrub_json(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(s) if self.finds_key_in(s) => *s = self.scrub(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            serde_json::Value::Object(map) => self.scrub_map(map),
            _ => {}
        }
    }

    /// Scrubs every key and string value of a JSON object in place.
    pub(crate) fn scrub_map(&self, map: &mut serde_json::Map<String, serde_json::Value>) {
        if map.keys().any(|k| self.finds_key_in(k)) {
            *map = std::mem::take(map)
                .into_iter()
                .map(|(k, v)| (self.scrub(&k), v))
                .collect();
        }
        map.values_mut().for_each(|v| self.scrub_json(v));
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_scrubbed_raw_bearer_and_percent_encoded() {
        let r = Redactor::new(&ApiKey::new("nyk/se cret"));
        assert_eq!(
            r.scrub("Authorization: Bearer nyk/se cret!"),
            "Authorization: Bearer <redacted>!"
        );
        assert_eq!(
            r.scrub("https://x/?k=nyk%2Fse%20cret"),
            "https://x/?k=<redacted>"
        );
        let mut v =
            serde_json::json!({"a": ["nyk/se cret"], "nyk/se cret": {"b": "x nyk/se cret"}});
        r.scrub_json(&mut v);
        assert!(!v.to_string().contains("cret"), "{v}");
        assert!(!format!("{r:?}").contains("cret"));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("nyk_super_secret");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.expose(), "nyk_super_secret");
    }
}
