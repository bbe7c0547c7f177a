//! Integration tests: the real server over HTTP, each with its own temp SQLite file. The same
//! modules (listed once, in suite.rs) run on PostgreSQL as the `postgres` test
//! (tests/postgres/main.rs).

/// The engine this binary runs the suite on.
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

mod browser;
mod helpers;
mod suite;

/// The label photo renderer of the OCR dev set, for photo tests.
#[allow(dead_code)]
#[path = "../../examples/label_photos/render.rs"]
mod label_render;
