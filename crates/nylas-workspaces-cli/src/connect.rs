//! Turns the global options into a client of the `nylas-workspaces` crate.
//!
//! All validation of the values (URL shape, plain HTTP only on loopback, timeouts) and the
//! reading of `NYLAS_API_KEY`/`NYLAS_API_URI` is the crate's; this module only maps flags
//! onto builder calls, and adds to the crate's refusal of a plain-http URL the name of the
//! flag that allows it.

use std::time::Duration;

use nylas_workspaces::{Client, ClientBuilder, DEFAULT_BULK_RATE, Error, RateLimit};

use crate::cli::{GlobalOptions, RateArg};
use crate::failure::Failure;

/// The default of `--max-retry-wait`: the longest `Retry-After` the CLI waits out silently.
/// The client crate would wait up to a minute, which at a terminal looks like a hang
/// (auto-group, limited to one job per minute, answers a second call with exactly that).
/// Longer waits are reported instead, with the time to wait, and the exit code says to try
/// again.
pub const LONGEST_SILENT_WAIT: Duration = Duration::from_secs(10);

/// What the CLI adds to the crate's refusal of a plain-http URL: the flag that allows it.
pub const INSECURE_HTTP_HINT: &str =
    "to send it over plain http anyway (only on a network you trust), pass --allow-insecure-http";

/// Builds the client the global options describe, with the environment filling what the
/// flags leave unset.
pub fn client(global: &GlobalOptions) -> Result<Client, Failure> {
    build(global, configure(global)?.env_defaults())
}

/// The builder the flags alone describe. The numbers go to the crate as given; it judges them.
fn configure(global: &GlobalOptions) -> Result<ClientBuilder, Failure> {
    let mut builder = Client::builder()
        .max_retry_after_secs(global.max_retry_wait)
        .allow_insecure_http(global.allow_insecure_http)
        .region(global.region);
    if let Some(key) = global.api_key.as_deref() {
        builder = builder.api_key(key);
    }
    if let Some(uri) = global.api_uri.as_deref().filter(|u| !u.trim().is_empty()) {
        // The crate ignores proxy variables for a loopback URL and never follows redirects.
        builder = builder.base_url(uri);
    }
    if let Some(timeout) = global.timeout {
        builder = builder.timeout_secs(timeout);
    }
    if let Some(retries) = global.max_retries {
        builder = builder.max_retries(retries);
    }
    Ok(match (global.rate, global.adaptive) {
        (Some(RateArg::Off), true) => {
            return Err(Failure::Usage(
                "--adaptive needs a pace to adapt; it cannot be combined with --rate off".into(),
            ));
        }
        (Some(RateArg::Off), false) => builder.bulk_rate_limit(None),
        (Some(RateArg::PerSecond(r)), false) => builder.rate_limit(RateLimit::new(r)),
        (Some(RateArg::PerSecond(r)), true) => builder.rate_limit(RateLimit::adaptive(r)),
        (None, true) => builder.rate_limit(RateLimit::adaptive(DEFAULT_BULK_RATE)),
        (None, false) => builder,
    })
}

/// Builds the client, naming the flag that allows plain http when that is what was refused.
fn build(global: &GlobalOptions, builder: ClientBuilder) -> Result<Client, Failure> {
    let plain_http = builder.configured_base_url().is_some_and(is_plain_http);
    builder.build().map_err(|error| match error {
        // The crate refuses plain http off this machine and says how a program allows it; a
        // person at the command line needs the flag's name instead.
        Error::Config { message } if !global.allow_insecure_http && plain_http => {
            Failure::Api(Error::Config {
                message: format!("{message}; {INSECURE_HTTP_HINT}"),
            })
        }
        other => Failure::from(other),
    })
}

/// Whether a URL asks for plain `http://`.
fn is_plain_http(uri: &str) -> bool {
    reqwest::Url::parse(uri.trim()).is_ok_and(|url| url.scheme() == "http")
}

#[cfg(test)]
mod tests {
    use nylas_workspaces::Region;

    use super::*;

    /// The client of the flags alone, so the developer's environment cannot change a result.
    fn client(global: &GlobalOptions) -> Result<Client, Failure> {
        build(global, configure(global)?)
    }

    fn options() -> GlobalOptions {
        GlobalOptions {
            api_key: Some("nyk_test".into()),
            region: Region::Us,
            api_uri: None,
            json: false,
            timeout: None,
            max_retry_wait: LONGEST_SILENT_WAIT.as_secs_f64(),
            allow_insecure_http: false,
            max_retries: None,
            rate: None,
            adaptive: false,
            verbose: 0,
        }
    }

    #[test]
    fn rate_flags_map_onto_the_client_limiter() {
        let paced = client(&GlobalOptions {
            rate: Some(RateArg::PerSecond(20.0)),
            ..options()
        })
        .unwrap();
        let limiter = paced
            .rate_limiter()
            .expect("--rate sets a client-wide limiter");
        assert_eq!(limiter.limit().rate(), 20.0);
        assert!(!limiter.limit().is_adaptive());

        let adaptive = client(&GlobalOptions {
            adaptive: true,
            ..options()
        })
        .unwrap();
        let limit = adaptive.rate_limiter().unwrap().limit();
        assert!(limit.is_adaptive());
        assert_eq!(limit.rate(), DEFAULT_BULK_RATE);

        let unpaced = client(&GlobalOptions {
            rate: Some(RateArg::Off),
            ..options()
        })
        .unwrap();
        assert!(unpaced.rate_limiter().is_none());
        assert!(unpaced.bulk_rate_limiter().is_none());
        assert!(client(&options()).unwrap().bulk_rate_limiter().is_some());
    }

    #[test]
    fn adaptive_without_a_pace_and_unusable_rates_are_refused() {
        let err = client(&GlobalOptions {
            rate: Some(RateArg::Off),
            adaptive: true,
            ..options()
        })
        .unwrap_err();
        assert!(matches!(err, Failure::Usage(_)));
        // The crate judges the number itself.
        assert!(
            client(&GlobalOptions {
                rate: Some(RateArg::PerSecond(0.0)),
                ..options()
            })
            .is_err()
        );
    }

    #[test]
    fn the_region_picks_the_host_unless_a_uri_is_given() {
        assert_eq!(
            client(&options()).unwrap().base_url(),
            "https://api.us.nylas.com"
        );
        let eu = GlobalOptions {
            region: Region::Eu,
            ..options()
        };
        assert_eq!(client(&eu).unwrap().base_url(), "https://api.eu.nylas.com");
        let custom = GlobalOptions {
            api_uri: Some("http://127.0.0.1:9/".into()),
            ..eu
        };
        assert_eq!(client(&custom).unwrap().base_url(), "http://127.0.0.1:9");
        let blank = GlobalOptions {
            api_uri: Some("  ".into()),
            ..options()
        };
        assert_eq!(
            client(&blank).unwrap().base_url(),
            "https://api.us.nylas.com"
        );
    }

    #[test]
    fn a_missing_key_is_a_config_error_naming_the_variable() {
        let none = GlobalOptions {
            api_key: None,
            ..options()
        };
        let failure = client(&none).unwrap_err();
        assert_eq!(failure.exit_code(), crate::failure::EXIT_USAGE);
        assert!(
            matches!(&failure, Failure::Api(Error::Config { message }) if message.contains("NYLAS_API_KEY")),
            "{failure:?}"
        );
    }

    #[test]
    fn the_crate_judges_the_uri() {
        let insecure = GlobalOptions {
            api_uri: Some("http://example.com".into()),
            ..options()
        };
        let failure = client(&insecure).unwrap_err();
        assert_eq!(failure.exit_code(), crate::failure::EXIT_USAGE);
    }

    #[test]
    fn a_refused_plain_http_uri_names_the_flag_that_allows_it() {
        let insecure = GlobalOptions {
            api_uri: Some("http://example.com".into()),
            ..options()
        };
        match client(&insecure).unwrap_err() {
            Failure::Api(Error::Config { message }) => {
                assert!(message.ends_with(INSECURE_HTTP_HINT), "{message}");
            }
            other => panic!("not a config error: {other:?}"),
        }
        let allowed = client(&GlobalOptions {
            allow_insecure_http: true,
            ..insecure
        })
        .unwrap();
        assert_eq!(allowed.base_url(), "http://example.com");
        // Other refused URLs get no hint: the flag would not help them.
        for uri in ["ftp://example.com", "https://u:p@example.com", "not a url"] {
            let failure = client(&GlobalOptions {
                api_uri: Some(uri.into()),
                ..options()
            })
            .unwrap_err();
            match failure {
                Failure::Api(Error::Config { message }) => {
                    assert!(
                        !message.contains("--allow-insecure-http"),
                        "{uri}: {message}"
                    );
                }
                other => panic!("{uri}: not a config error: {other:?}"),
            }
        }
    }

    #[test]
    fn unusable_seconds_are_refused_by_the_crate_without_a_panic() {
        // clap refuses these before they get here; options built in code meet the crate.
        for bad in [1e300, f64::INFINITY, f64::NAN, -1.0] {
            let timeout = client(&GlobalOptions {
                timeout: Some(bad),
                ..options()
            });
            assert!(
                matches!(&timeout, Err(Failure::Api(Error::Config { message })) if message.starts_with("timeout ")),
                "{bad}: {timeout:?}"
            );
            let wait = client(&GlobalOptions {
                max_retry_wait: bad,
                ..options()
            });
            assert!(
                matches!(&wait, Err(Failure::Api(Error::Config { message })) if message.starts_with("max_retry_after ")),
                "{bad}: {wait:?}"
            );
            assert_eq!(wait.unwrap_err().exit_code(), crate::failure::EXIT_USAGE);
        }
    }
}
