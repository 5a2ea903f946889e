//! Turns the global options into a client of the `nylas-workspaces` crate.
//!
//! All validation of the values (URL shape, plain HTTP only on loopback, positive timeout) is
//! the crate's; this module only maps flags onto builder calls, and adds to the crate's
//! refusal of a plain-http URL the name of the flag that allows it.

use std::time::Duration;

use nylas_workspaces::{Client, DEFAULT_BULK_RATE, Error, RateLimit, Region};

use crate::cli::{GlobalOptions, RateArg, RegionArg};
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

/// Builds the client the global options describe.
pub fn client(global: &GlobalOptions) -> Result<Client, Failure> {
    let Some(key) = global.api_key.as_deref() else {
        return Err(Failure::Usage(
            "no API key: set NYLAS_API_KEY (or pass --api-key)".into(),
        ));
    };
    let mut builder = Client::builder()
        .api_key(key)
        .max_retry_after(seconds("--max-retry-wait", global.max_retry_wait)?)
        .allow_insecure_http(global.allow_insecure_http)
        .region(match global.region {
            RegionArg::Us => Region::Us,
            RegionArg::Eu => Region::Eu,
        });
    let uri = global.api_uri.as_deref().filter(|u| !u.trim().is_empty());
    if let Some(uri) = uri {
        builder = builder.base_url(uri);
        if is_loopback(uri) {
            builder = builder.http_client(direct_http()?);
        }
    }
    if let Some(timeout) = global.timeout {
        builder = builder.timeout(seconds("--timeout", timeout)?);
    }
    if let Some(retries) = global.max_retries {
        builder = builder.max_retries(retries);
    }
    builder = match (global.rate, global.adaptive) {
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
    };
    builder.build().map_err(|error| match error {
        // The crate refuses plain http off this machine and says how a program allows it; a
        // person at the command line needs the flag's name instead.
        Error::Config { message }
            if !global.allow_insecure_http && uri.is_some_and(is_plain_http) =>
        {
            Failure::Api(Error::Config {
                message: format!("{message}; {INSECURE_HTTP_HINT}"),
            })
        }
        other => Failure::from(other),
    })
}

/// A flag's seconds as a duration, refusing what no duration can be (NaN, negative, or too
/// large to represent) instead of panicking. clap has already bounded the values it parses;
/// this guards options built in code.
fn seconds(flag: &str, value: f64) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| Failure::Usage(format!("{flag} {value} is not a usable number of seconds")))
}

/// Whether a URL asks for plain `http://`.
fn is_plain_http(uri: &str) -> bool {
    reqwest::Url::parse(uri.trim()).is_ok_and(|url| url.scheme() == "http")
}

/// Whether a URL points at this machine (an emulator, a local proxy).
fn is_loopback(uri: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(uri.trim()) else {
        return false;
    };
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

/// An HTTP client that ignores `HTTP_PROXY` and friends. A proxy set for the outside world
/// cannot reach this machine's loopback interface, so honouring it for a local emulator only
/// turns a working set-up into "could not connect".
///
/// It never follows a redirect either: a redirect would carry the request (and its key) to
/// wherever the answer points. A 3xx answer is returned to the crate as it is.
fn direct_http() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(nylas_workspaces::DEFAULT_CONNECT_TIMEOUT)
        .build()
        .map_err(|e| Failure::Local(format!("cannot build the HTTP client: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> GlobalOptions {
        GlobalOptions {
            api_key: Some("nyk_test".into()),
            region: RegionArg::Us,
            api_uri: None,
            json: false,
            timeout: None,
            max_retry_wait: LONGEST_SILENT_WAIT.as_secs_f64(),
            allow_insecure_http: false,
            max_retries: None,
            rate: None,
            adaptive: false,
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
            region: RegionArg::Eu,
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
    fn loopback_hosts_are_recognised() {
        for local in [
            "http://127.0.0.1:4321",
            "http://localhost:80/",
            "http://[::1]:8080",
            "http://127.1.2.3",
        ] {
            assert!(is_loopback(local), "{local}");
        }
        for remote in [
            "https://api.us.nylas.com",
            "http://10.0.0.1",
            "not a url",
            "",
        ] {
            assert!(!is_loopback(remote), "{remote}");
        }
    }

    #[test]
    fn a_missing_key_is_a_usage_error_naming_the_variable() {
        let none = GlobalOptions {
            api_key: None,
            ..options()
        };
        assert!(matches!(client(&none), Err(Failure::Usage(m)) if m.contains("NYLAS_API_KEY")));
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
    fn unusable_seconds_are_refused_without_a_panic() {
        for bad in [1e300, f64::INFINITY, f64::NAN, -1.0] {
            let timeout = client(&GlobalOptions {
                timeout: Some(bad),
                ..options()
            });
            assert!(matches!(&timeout, Err(Failure::Usage(m)) if m.contains("--timeout")));
            let wait = client(&GlobalOptions {
                max_retry_wait: bad,
                ..options()
            });
            assert!(matches!(&wait, Err(Failure::Usage(m)) if m.contains("--max-retry-wait")));
        }
    }
}
