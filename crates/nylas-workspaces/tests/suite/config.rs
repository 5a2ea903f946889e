//! Client configuration: regions, timeouts, user agent, a caller's own reqwest client.

use crate::common;

use common::*;
use httpmock::prelude::*;
use nylas_workspaces::{Client, DEFAULT_USER_AGENT, Error, Region};
use serde_json::json;
use std::time::Duration;

#[test]
fn regions_pick_their_host_and_base_url_wins() {
    let eu = Client::builder()
        .api_key(KEY)
        .region(Region::Eu)
        .build()
        .unwrap();
    assert_eq!(eu.base_url(), "https://api.eu.nylas.com");
    let us = Client::builder().api_key(KEY).build().unwrap();
    assert_eq!(us.base_url(), "https://api.us.nylas.com");
    let custom = Client::builder()
        .api_key(KEY)
        .region(Region::Eu)
        .base_url("https://proxy.example.com")
        .build()
        .unwrap();
    assert_eq!(custom.base_url(), "https://proxy.example.com");
}

#[test]
fn a_zero_timeout_is_refused() {
    let err = Client::builder()
        .api_key(KEY)
        .timeout(std::time::Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
}

#[tokio::test]
async fn user_agent_can_be_replaced() {
    assert!(DEFAULT_USER_AGENT.starts_with("nylas-workspaces-rust/"));
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.header("user-agent", "nylas-workspaces-python/0.1.0");
        then.status(200)
            .json_body(json!({"request_id": "r", "data": []}));
    });
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .user_agent("nylas-workspaces-python/0.1.0")
        .build()
        .unwrap()
        .list_workspaces()
        .await
        .unwrap();
    mock.assert();
}

#[tokio::test]
async fn a_callers_reqwest_client_is_used() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.header("x-from-caller", "yes")
            .header("authorization", format!("Bearer {KEY}"));
        then.status(200)
            .json_body(json!({"request_id": "r", "data": []}));
    });
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from-caller", "yes".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .http_client(http)
        .build()
        .unwrap();
    assert!(c.list_workspaces().await.unwrap().is_empty());
    mock.assert();
}

#[test]
fn regions_parse_from_their_names_in_any_case_and_display_them() {
    for (text, region) in [
        ("us", Region::Us),
        ("US", Region::Us),
        ("eu", Region::Eu),
        ("Eu", Region::Eu),
    ] {
        assert_eq!(text.parse::<Region>().unwrap(), region, "{text}");
    }
    assert_eq!(Region::Eu.to_string(), "eu");
    assert_eq!(
        Region::Us.to_string().parse::<Region>().unwrap(),
        Region::Us
    );
    for bad in ["", "mars", " us", "u s", "eu\n", "ëu"] {
        let err = bad.parse::<Region>().unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{bad:?}: {err:?}");
        let text = err.to_string();
        assert!(text.contains("\"us\"") && text.contains("\"eu\""), "{text}");
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
    let long = format!("{}\n", "x".repeat(70_000));
    assert!(long.parse::<Region>().unwrap_err().to_string().len() < 300);
}

/// The setting named in a config error, and that it is one.
fn refused(builder: nylas_workspaces::ClientBuilder) -> String {
    match builder.build().unwrap_err() {
        Error::Config { message } => message,
        other => panic!("not a config error: {other:?}"),
    }
}

#[test]
fn seconds_given_as_numbers_are_judged_once_in_build() {
    let builder = || Client::builder().api_key(KEY);
    for bad in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -0.0,
        0.0,
        5e-324,
        86_400.5,
        1e300,
    ] {
        let message = refused(builder().timeout_secs(bad));
        assert!(
            message.starts_with("timeout must be a positive number of seconds up to 86400"),
            "{bad}: {message}"
        );
        assert!(nylas_workspaces::ClientBuilder::check_timeout_secs(bad).is_err());
    }
    for bad in [f64::NAN, f64::INFINITY, -0.5, 3_600.5, 1e300] {
        let message = refused(builder().max_retry_after_secs(bad));
        assert!(
            message.starts_with("max_retry_after must be a number of seconds from 0 up to 3600"),
            "{bad}: {message}"
        );
        assert!(nylas_workspaces::ClientBuilder::check_max_retry_after_secs(bad).is_err());
    }
    // The same limits hold for durations.
    let message =
        refused(builder().timeout(nylas_workspaces::MAX_TIMEOUT + Duration::from_nanos(1)));
    assert!(message.starts_with("timeout must be"), "{message}");
    let message = refused(
        builder().max_retry_after(nylas_workspaces::MAX_RETRY_AFTER_LIMIT + Duration::from_secs(1)),
    );
    assert!(message.starts_with("max_retry_after must be"), "{message}");

    // Usable numbers are taken as given; the last setting wins.
    let client = builder()
        .timeout(Duration::from_secs(5))
        .timeout_secs(1.5)
        .max_retry_after_secs(0.0)
        .build()
        .unwrap();
    assert!(
        format!("{client:?}").contains("timeout: 1.5s"),
        "{client:?}"
    );
    assert!(
        builder()
            .timeout_secs(86_400.0)
            .max_retry_after_secs(3_600.0)
            .build()
            .is_ok()
    );
    assert_eq!(
        nylas_workspaces::ClientBuilder::check_timeout_secs(2.5).unwrap(),
        Duration::from_millis(2500)
    );
}

#[tokio::test]
async fn a_zero_max_retry_after_never_waits_out_a_retry_after() {
    let server = MockServer::start_async().await;
    let limited = server.mock(|when, then| {
        when.path("/v3/workspaces");
        then.status(429)
            .header("retry-after", "1")
            .json_body(json!({}));
    });
    let err = Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .max_retry_after_secs(0.0)
        .build()
        .unwrap()
        .list_workspaces()
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    limited.assert_calls(1);
}
