//! The request board (요청 게시판): posts asking for a product, a correction, or an answer;
//! anonymous authors protect theirs with a password; the admin answers and moderates.
//!
//! - `fields`, `draft`: a post's fields parsed once, with a message for each wrong one
//! - `store`: the queries; `actions`: who may do what
//! - `body`: a body as text and links

pub mod actions;
pub mod body;
pub mod draft;
pub mod fields;
pub mod product_link;
pub mod store;

pub use actions::{Actor, BoardError};
pub use draft::{PostDraft, PostForm};
pub use fields::{PostCategory, PostStatus};
