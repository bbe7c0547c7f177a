//! Which products are alike by ingredients: the weights (`weights`) and the in-memory index
//! that ranks products by them (`index`).

pub mod index;
pub mod weights;

pub use index::{Comparison, SimilarMatch, SimilarityIndex};
