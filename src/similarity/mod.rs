//! Which products are alike by ingredients: the weights (`weights`), the in-memory index that
//! ranks formulas by them (`index`) with the bounds that spare it the common ingredients'
//! postings (`common_bounds`), and the conditions a person narrows them by (`narrowing`).

mod common_bounds;
pub mod index;
pub mod narrowing;
mod prefetch;
pub mod weights;

pub use index::{Comparison, SimilarMatch, SimilarityIndex};
pub use narrowing::Narrowing;
