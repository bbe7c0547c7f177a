//! seongbun (성분): type a cosmetic's name, see the four products whose ingredient lists are
//! most alike, with the reasons.
//!
//! - `ingredients`: reading label text and resolving names across synonyms and languages
//! - `catalog`: products in the database, imports, the demo catalog
//! - `similarity`, `search`: the in-memory indexes; `live_catalog` holds them together, swaps
//!   in a new snapshot when the catalog changes and hears changes made elsewhere
//! - `label_photo`: a photo of a label's ingredient list read into text (OCR)
//! - `board`: the request board; `security`: passwords, tokens, rate limits
//! - `web`: pages and the JSON API, reading `app_state`; `startup` makes that state and serves it

pub mod answer_cache;
pub mod app_state;
pub mod board;
pub mod catalog;
pub mod compression;
pub mod config;
pub mod db;
pub mod form;
pub mod i18n;
pub mod ingredients;
pub mod job_queue;
pub mod label_photo;
pub mod live_catalog;
pub mod schema;
pub mod search;
pub mod security;
pub mod similarity;
pub mod startup;
pub mod stopping;
pub mod text;
pub mod web;
