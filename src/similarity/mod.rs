//! Which products are alike by ingredients: the weights (`weights`), the in-memory index that
//! ranks products by them (`index`), and the conditions a person narrows them by
//! (`narrowing`).

pub mod index;
pub mod narrowing;
pub mod weights;

pub use index::{Comparison, SimilarMatch, SimilarityIndex};
pub use narrowing::Narrowing;
