//! One hostile visitor, tried as an attacker would (issue 25): each module is one attack, and
//! each test fails on the code before its fix. The same modules run on PostgreSQL as part of
//! the `postgres` test (tests/postgres/main.rs includes `cases.rs`).

/// The engine this binary runs the suite on.
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

#[path = "../api/browser.rs"]
#[allow(dead_code)]
mod browser;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod cases;
