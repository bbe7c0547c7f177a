//! Integration tests: the real server over HTTP, each with its own temp SQLite file.

mod admin;
mod backup;
mod bad_input;
mod board;
mod browser;
mod crash;
mod headers;
mod helpers;
mod hostile_input;
mod import;
mod labels;
mod languages;
mod load;
mod pages;
mod process;
mod properties;
mod quality;
mod references;
mod results_page;
mod search_api;
mod similar_api;
mod storage_faults;
mod storm;
