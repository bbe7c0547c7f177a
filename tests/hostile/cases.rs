//! The attacks, one module each. Paths are written out so that this file can be included from
//! another test binary (the PostgreSQL run) and still find its modules beside it.

#[path = "any_input.rs"]
mod any_input;
#[path = "attack.rs"]
mod attack;
#[path = "ocr_queue.rs"]
mod ocr_queue;
#[path = "passwords.rs"]
mod passwords;
#[path = "pasted_lists.rs"]
mod pasted_lists;
#[path = "real_ip.rs"]
mod real_ip;
#[path = "secret_search.rs"]
mod secret_search;
#[path = "small_items.rs"]
mod small_items;
#[path = "views.rs"]
mod views;
