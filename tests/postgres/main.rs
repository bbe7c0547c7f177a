//! The `api` suite again, on PostgreSQL: the same modules (tests/api), with every app on a new
//! database of the server `SEONGBUN_TEST_POSTGRES_URL` names (`.ci/run` starts one with
//! scripts/postgres-for-tests). Without it, the run says it is skipped (in CI it fails).
//! `instances` adds what only several instances show: three servers behind nginx.

/// The engine this binary runs the suite on.
pub const BACKEND: helpers::Backend = helpers::Backend::Postgres;

#[path = "../api/admin.rs"]
mod admin;
#[path = "../api/alternatives.rs"]
mod alternatives;
#[path = "../api/backup.rs"]
mod backup;
#[path = "../api/bad_input.rs"]
mod bad_input;
#[path = "../api/board.rs"]
mod board;
#[path = "../api/browser.rs"]
mod browser;
#[path = "../api/crash.rs"]
mod crash;
#[path = "../api/headers.rs"]
mod headers;
#[path = "../api/health.rs"]
mod health;
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/hostile_input.rs"]
mod hostile_input;
#[path = "../api/import.rs"]
mod import;
#[allow(dead_code)]
#[path = "../../examples/label_photos/render.rs"]
mod label_render;
#[path = "../api/labels.rs"]
mod labels;
#[path = "../api/languages.rs"]
mod languages;
#[path = "../api/load.rs"]
mod load;
#[path = "../api/openapi.rs"]
mod openapi;
#[path = "../api/pages.rs"]
mod pages;
#[path = "../api/process.rs"]
mod process;
#[path = "../api/properties.rs"]
mod properties;
#[path = "../api/quality.rs"]
mod quality;
#[path = "../api/references.rs"]
mod references;
#[path = "../api/results_page.rs"]
mod results_page;
#[path = "../api/search_api.rs"]
mod search_api;
#[path = "../api/sharing.rs"]
mod sharing;
#[path = "../api/similar_api.rs"]
mod similar_api;
#[path = "../api/storage_faults.rs"]
mod storage_faults;
#[path = "../api/storm.rs"]
mod storm;

/// The attacks of tests/hostile (issue 25), on PostgreSQL.
#[path = "../hostile/cases.rs"]
mod cases;
mod cluster;
mod instances;
