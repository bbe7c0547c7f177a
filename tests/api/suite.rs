//! The integration tests, listed once: `tests/api` runs them on SQLite and `tests/postgres` on
//! PostgreSQL, so the PostgreSQL run cannot miss a module. A new test module goes here, and
//! only here. Paths are written out so that this file finds its modules beside it from either
//! binary.

#[path = "admin.rs"]
pub mod admin;
#[path = "alternatives.rs"]
pub mod alternatives;
#[path = "backup.rs"]
pub mod backup;
#[path = "bad_input.rs"]
pub mod bad_input;
#[path = "board.rs"]
pub mod board;
#[path = "crash.rs"]
pub mod crash;
#[path = "headers.rs"]
pub mod headers;
#[path = "health.rs"]
pub mod health;
#[path = "hostile_input.rs"]
pub mod hostile_input;
#[path = "import.rs"]
pub mod import;
#[path = "labels.rs"]
pub mod labels;
#[path = "languages.rs"]
pub mod languages;
#[path = "load.rs"]
pub mod load;
#[path = "openapi.rs"]
pub mod openapi;
#[path = "pages.rs"]
pub mod pages;
#[path = "photo.rs"]
pub mod photo;
#[path = "process.rs"]
pub mod process;
#[path = "properties.rs"]
pub mod properties;
#[path = "quality.rs"]
pub mod quality;
#[path = "references.rs"]
pub mod references;
#[path = "results_page.rs"]
pub mod results_page;
#[path = "search_api.rs"]
pub mod search_api;
#[path = "sharing.rs"]
pub mod sharing;
#[path = "similar_api.rs"]
pub mod similar_api;
#[path = "storage_faults.rs"]
pub mod storage_faults;
#[path = "storm.rs"]
pub mod storm;
