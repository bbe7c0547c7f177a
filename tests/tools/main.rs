//! The site checked by the tools the web trusts, against the real server on the real
//! catalogs: Lighthouse (npm `lighthouse@12.2.3`, in tools/lighthouse) on every kind of page,
//! and Schemathesis (PyPI) on the JSON API's OpenAPI document.
//!
//! A test binary of their own, run after `api` and `browser`: each drives a browser or a
//! fuzzer for minutes, and should not compete with the load tests for the two cores.

mod lighthouse;
mod schemathesis;

/// The tools run one after another: Lighthouse measures speed, and a fuzzer beside it on the
/// two cores would slow the pages it measures.
pub static ONE_TOOL_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

#[allow(dead_code)]
#[path = "../api/browser.rs"]
mod browser;
