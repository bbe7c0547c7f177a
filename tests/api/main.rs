//! Integration tests: the real server over HTTP, each with its own temp SQLite file.

mod admin;
mod board;
mod browser;
mod headers;
mod helpers;
mod import;
mod labels;
mod pages;
mod quality;
mod references;
mod search_api;
mod similar_api;
