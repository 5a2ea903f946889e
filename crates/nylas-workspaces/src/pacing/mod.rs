//! Client-side pacing: a rate limiter shared by every call of a client, an adaptive mode that
//! learns the server's limit from its 429s, and a budget that bounds retries.
//!
//! Nylas limits application-level endpoints to about 50 requests per second per application,
//! and every process of a customer draws on that one allowance. Retrying each 429 on its own
//! turns a burst into a retry storm that spends the allowance on refusals. Pacing spends it on
//! requests that succeed instead:
//!
//! * [`RateLimit`] describes a token bucket (requests per second and burst), optionally
//!   [adaptive](RateLimit::adaptive).
//! * [`RateLimiter`] is the live bucket. It sits inside the client's shared state, so one
//!   client and all its clones, on any thread or task, draw from the same bucket. A 429 with
//!   `Retry-After` pauses every caller of the limiter, not only the one that was refused.
//! * [`RetryBudget`] bounds retries across all calls of a client.
//! * [`Clock`] lets tests run all of it on simulated time ([`ManualClock`]).
//!
//! Single calls are not paced unless [`ClientBuilder::rate_limit`] is set. Bulk manual
//! assignment is paced by default at [`DEFAULT_BULK_RATE`] requests per second (below Nylas's
//! limit, leaving room for the application's other traffic); see
//! [`ClientBuilder::bulk_rate_limit`] and [`ManualAssignOptions::pacing`].
//!
//! [`ClientBuilder::rate_limit`]: crate::ClientBuilder::rate_limit
//! [`ClientBuilder::bulk_rate_limit`]: crate::ClientBuilder::bulk_rate_limit
//! [`ManualAssignOptions::pacing`]: crate::ManualAssignOptions::pacing

mod adaptive;
mod clock;
mod limiter;
mod retry_budget;
mod token_bucket;

pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub(crate) use limiter::Permit;
pub use limiter::{DEFAULT_BULK_RATE, PacingStats, RateLimit, RateLimiter};
pub use retry_budget::RetryBudget;
pub(crate) use retry_budget::RetryTokens;
