//! Integration tests: the real server over HTTP, each with its own temp SQLite file. The same
//! modules run on PostgreSQL as the `postgres` test (tests/postgres/main.rs).

/// The engine this binary runs the suite on.
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

mod admin;
mod alternatives;
mod backup;
mod bad_input;
mod board;
mod browser;
mod crash;
mod headers;
mod health;
mod helpers;

mod hostile_input;
mod import;
/// The label photo renderer of the OCR dev set, for photo tests.
#[allow(dead_code)]
#[path = "../../examples/label_photos/render.rs"]
mod label_render;
mod labels;
mod languages;
mod load;
mod openapi;
mod pages;
mod photo;
mod process;
mod properties;
mod quality;
mod references;
mod results_page;
mod search_api;
mod sharing;
mod similar_api;
mod storage_faults;
mod storm;
