//! Which catalog product a post is about, chosen by search: the author types a name, the
//! catalog offers its best matches, and the author picks one or says it is not listed. A match
//! is never linked without the author's choice: a request is often for a product the catalog
//! lacks, whose name looks like one it has.

use crate::live_catalog::CatalogIndex;
use crate::search::SearchOutcome;

/// How many matches the form offers.
pub const CHOICES_OFFERED: usize = 5;
/// The form's value for "not in the list".
pub const NOT_LISTED: &str = "none";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductChoice {
    /// The post is about no particular product.
    NoProduct,
    /// A catalog product, chosen.
    Linked(i32),
    /// A product the catalog does not have, as the author named it.
    Unlisted(String),
    /// The typed name matches these products: ask which one (or none).
    Ask(Vec<i32>),
}

/// What the form's `product_id` (a choice made) and `product` (the name typed) say.
pub fn choose_product(index: &CatalogIndex, product_id: &str, typed: &str) -> ProductChoice {
    let typed = crate::text::squash_spaces(typed);
    if let Some(id) = product_id
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| index.product(*id).is_some())
    {
        return ProductChoice::Linked(id);
    }
    if typed.is_empty() {
        return ProductChoice::NoProduct;
    }
    if product_id.trim() == NOT_LISTED {
        return ProductChoice::Unlisted(typed);
    }
    match index.find(&typed, CHOICES_OFFERED) {
        SearchOutcome::Clear(found) => ProductChoice::Ask(vec![found.product_id]),
        SearchOutcome::Several(matches) => {
            ProductChoice::Ask(matches.into_iter().map(|m| m.product_id).collect())
        }
        SearchOutcome::Nothing => ProductChoice::Unlisted(typed),
    }
}

impl ProductChoice {
    /// What the post stores (a product id, or the unlisted name); `None` while the author
    /// still has to choose.
    pub fn stored(&self) -> Option<(Option<i32>, String)> {
        match self {
            ProductChoice::Ask(_) => None,
            ProductChoice::Linked(id) => Some((Some(*id), String::new())),
            ProductChoice::Unlisted(name) => Some((None, name.clone())),
            ProductChoice::NoProduct => Some((None, String::new())),
        }
    }
}
