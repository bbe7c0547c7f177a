//! The catalog's values as the rest of the code talks about them.

use serde::{Deserialize, Serialize};

/// A product as an importer or the admin hands it to the store. A product is its brand + name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    pub brand: String,
    pub name: String,
    /// One of `category::CATEGORIES`.
    pub category: String,
    pub price_cents: Option<i32>,
    /// ISO code, `""` when there is no price.
    pub currency: String,
    /// Other names people search by, such as a Korean name.
    pub aliases: Vec<String>,
    pub ingredients_raw: String,
    pub source: String,
}

/// A product as the catalog holds it, without its ingredients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: i32,
    pub brand: String,
    pub name: String,
    pub category: String,
    pub price_cents: Option<i32>,
    pub currency: String,
    pub aliases: Vec<String>,
    /// Why the product has no usable ingredient list, `None` when it has one.
    pub no_ingredients_reason: Option<String>,
    /// Where the product came from (an imported file's name, the demo catalog).
    pub source: String,
}

/// A canonical ingredient as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ingredient {
    pub id: i32,
    /// The folded identity (`ingredients::ingredient_key`).
    #[serde(skip)]
    pub key: String,
    pub name: String,
    pub name_ko: Option<String>,
    pub functions: Option<String>,
}

/// Aliases are stored one per line.
pub fn join_aliases(aliases: &[String]) -> String {
    aliases
        .iter()
        .map(|a| crate::text::squash_spaces(a))
        .filter(|a| !a.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn split_aliases(stored: &str) -> Vec<String> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}
