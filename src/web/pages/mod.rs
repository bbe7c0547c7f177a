//! The HTML pages, one module a page (or a page group: the board, the admin's pages), and
//! what they share: the page head (`head`), the narrowing form of the results pages, static
//! assets and the files crawlers read.

pub(super) mod admin;
pub(super) mod assets;
pub(super) mod board;
pub(super) mod compare;
pub(super) mod crawlers;
pub(super) mod frame;
pub(super) mod head;
pub(super) mod home;
pub(super) mod ingredient;
pub(super) mod narrowing_form;
pub(super) mod product;
pub(super) mod search;
pub(super) mod similar;
