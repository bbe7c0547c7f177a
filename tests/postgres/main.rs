//! The `api` suite again, on PostgreSQL: the same modules (tests/api), with every app on a new
//! database of the server `SEONGBUN_TEST_POSTGRES_URL` names (`.ci/run` starts one with
//! scripts/postgres-for-tests). Without it, the run says it is skipped (in CI it fails).
//! `instances` adds what only several instances show: three servers behind nginx.

/// The engine this binary runs the suite on.
pub const BACKEND: helpers::Backend = helpers::Backend::Postgres;

#[path = "../api/browser.rs"]
mod browser;
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../../examples/label_photos/render.rs"]
mod label_render;
/// Every module of tests/api (suite.rs lists them once).
#[path = "../api/suite.rs"]
mod suite;

/// The attacks of tests/hostile (issue 25), on PostgreSQL.
#[path = "../hostile/cases.rs"]
mod cases;
mod cluster;
mod instances;
