//! End-to-end tests in a real browser (headless Chromium), against the real server.
//!
//! A test binary of their own: `cargo test` runs it after the `api` tests, so the browsers do
//! not compete for the two cores with the load and crash tests.

mod chromium;
mod e2e;
mod first_screen;

/// The browser tests run on the embedded default.
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

// The server and the HTTP client of the `api` tests, shared rather than copied.
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

#[allow(dead_code)]
#[path = "../api/browser.rs"]
mod browser;

/// The label photo renderer of the OCR dev set.
#[allow(dead_code)]
#[path = "../../examples/label_photos/render.rs"]
mod label_render;
