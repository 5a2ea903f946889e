//! `Client::from_env`. This binary holds exactly one test because it changes the process
//! environment: with no other test running, no other thread (reqwest reads proxy variables
//! when it builds a client) can read the environment while it changes.

mod common;

use common::KEY;
use nylas_workspaces::{Client, Error};

#[test]
fn from_env_and_env_defaults_read_the_key_and_optional_uri() {
    // SAFETY: the only test of this binary (see the module docs), so no thread races us.
    unsafe {
        std::env::remove_var("NYLAS_API_KEY");
        std::env::remove_var("NYLAS_API_URI");
    }
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, Error::Config { .. }));
    assert!(err.to_string().contains("NYLAS_API_KEY"));

    unsafe { std::env::set_var("NYLAS_API_KEY", KEY) };
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://api.us.nylas.com"
    );

    unsafe { std::env::set_var("NYLAS_API_URI", "https://api.eu.nylas.com/") };
    assert_eq!(
        Client::from_env().unwrap().base_url(),
        "https://api.eu.nylas.com"
    );

    unsafe { std::env::set_var("NYLAS_API_URI", "http://nylas.example.com") };
    assert!(matches!(Client::from_env(), Err(Error::Config { .. })));

    // `env_defaults` only fills what was not given, whichever order the calls come in.
    let explicit = Client::builder()
        .base_url("https://api.us.nylas.com")
        .env_defaults()
        .build()
        .unwrap();
    assert_eq!(explicit.base_url(), "https://api.us.nylas.com");
    unsafe { std::env::set_var("NYLAS_API_URI", "   ") };
    let blank_uri = Client::builder().env_defaults().build().unwrap();
    assert_eq!(blank_uri.base_url(), "https://api.us.nylas.com");
    unsafe { std::env::remove_var("NYLAS_API_KEY") };
    let err = Client::builder().env_defaults().build().unwrap_err();
    assert!(err.to_string().contains("NYLAS_API_KEY"), "{err}");
    assert!(
        Client::builder()
            .env_defaults()
            .api_key(KEY)
            .build()
            .is_ok()
    );

    unsafe {
        std::env::remove_var("NYLAS_API_KEY");
        std::env::remove_var("NYLAS_API_URI");
    }
}
