//! The API key as a type that cannot leak through formatting.
//!
//! The key is the only secret this crate handles. Keeping it in its own type means `Debug`
//! output of the client, its builder and every error is safe to log by construction: there is
//! no `Display` impl at all, and `Debug` prints a fixed placeholder.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("nyk_super_secret");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.expose(), "nyk_super_secret");
    }
}
