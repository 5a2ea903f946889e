//! Turns the global options into a client of the `nylas-workspaces` crate.
//!
//! All validation of the values (URL shape, plain HTTP only on loopback, positive timeout) is
//! the crate's; this module only maps flags onto builder calls.

use std::time::Duration;

use nylas_workspaces::{Client, Region};

use crate::cli::{GlobalOptions, RegionArg};
use crate::failure::Failure;

/// Builds the client the global options describe.
pub fn client(global: &GlobalOptions) -> Result<Client, Failure> {
    let Some(key) = global.api_key.as_deref() else {
        return Err(Failure::Usage(
            "no API key: set NYLAS_API_KEY (or pass --api-key)".into(),
        ));
    };
    let mut builder = Client::builder().api_key(key).region(match global.region {
        RegionArg::Us => Region::Us,
        RegionArg::Eu => Region::Eu,
    });
    if let Some(uri) = global.api_uri.as_deref().filter(|u| !u.trim().is_empty()) {
        builder = builder.base_url(uri);
    }
    if let Some(seconds) = global.timeout {
        builder = builder.timeout(Duration::from_secs_f64(seconds));
    }
    if let Some(retries) = global.max_retries {
        builder = builder.max_retries(retries);
    }
    builder.build().map_err(Failure::from)
}
