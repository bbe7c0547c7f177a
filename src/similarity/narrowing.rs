//! Narrowing the similar products a person is shown: the same category, another brand,
//! without some ingredients, under a price. The conditions apply while ranking (the index's `keep`), so
//! the best matches that pass are found, never fewer than the catalog holds.

use std::collections::HashSet;

use crate::catalog::model::ProductSummary;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Narrowing {
    /// Only products of this category.
    pub category: Option<String>,
    /// Only products of a brand other than this one (compared as `same_brand` does).
    pub other_brand_than: Option<String>,
    /// No product holding any of these ingredient ids.
    pub without: HashSet<i32>,
    /// Only products priced at most this, in this currency (cents, ISO code).
    pub max_price: Option<(i32, String)>,
}

impl Narrowing {
    /// Whether a product passes every condition; `ingredients` gives its ingredient ids, and
    /// is called only when the narrowing leaves some out.
    pub fn keeps<I: IntoIterator<Item = i32>>(
        &self,
        product: &ProductSummary,
        ingredients: impl FnOnce() -> I,
    ) -> bool {
        if self
            .category
            .as_ref()
            .is_some_and(|category| *category != product.category)
        {
            return false;
        }
        if self
            .other_brand_than
            .as_ref()
            .is_some_and(|brand| same_brand(brand, &product.brand))
        {
            return false;
        }
        if let Some((limit, currency)) = &self.max_price {
            let priced_within = product.currency == *currency
                && product.price_cents.is_some_and(|price| price <= *limit);
            if !priced_within {
                return false;
            }
        }
        // Most requests leave nothing out: the list is not walked then.
        self.without.is_empty()
            || !ingredients()
                .into_iter()
                .any(|id| self.without.contains(&id))
    }
}

/// Whether two brand names name one brand (`brand_key`).
pub fn same_brand(a: &str, b: &str) -> bool {
    brand_key(a) == brand_key(b)
}

/// A brand's identity: catalogs write a brand in other cases and spacings ("LANEIGE",
/// "Laneige", "Dr. Jart+" and "Dr.Jart+"), so it is lower case without spaces.
pub fn brand_key(brand: &str) -> String {
    brand
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(category: &str, price: Option<i32>, currency: &str) -> ProductSummary {
        ProductSummary {
            id: 1,
            brand: "b".into(),
            name: "n".into(),
            category: category.into(),
            price_cents: price,
            currency: currency.into(),
            aliases: Vec::new(),
            no_ingredients_reason: None,
            source: "test".into(),
        }
    }

    #[test]
    fn nothing_asked_keeps_everything() {
        assert!(Narrowing::default().keeps(&product("mask", None, ""), || [1, 2]));
    }

    #[test]
    fn another_category_is_left_out() {
        let narrowing = Narrowing {
            category: Some("moisturizer".into()),
            ..Narrowing::default()
        };
        assert!(narrowing.keeps(&product("moisturizer", None, ""), || []));
        assert!(!narrowing.keeps(&product("mask", None, ""), || []));
    }

    #[test]
    fn another_brand_leaves_out_the_brand_however_it_is_written() {
        let narrowing = Narrowing {
            other_brand_than: Some("Dr. Jart+".into()),
            ..Narrowing::default()
        };
        let mut of = product("mask", None, "");
        of.brand = "DR.JART+".into();
        assert!(!narrowing.keeps(&of, || []));
        of.brand = "Dr. Jart".into();
        assert!(narrowing.keeps(&of, || []));
    }

    #[test]
    fn a_product_with_an_unwanted_ingredient_is_left_out() {
        let narrowing = Narrowing {
            without: [7].into_iter().collect(),
            ..Narrowing::default()
        };
        assert!(narrowing.keeps(&product("mask", None, ""), || [1, 2]));
        assert!(!narrowing.keeps(&product("mask", None, ""), || [1, 7]));
    }

    #[test]
    fn a_price_limit_keeps_only_priced_products_in_that_currency_within_it() {
        let narrowing = Narrowing {
            max_price: Some((3000, "USD".into())),
            ..Narrowing::default()
        };
        assert!(narrowing.keeps(&product("mask", Some(3000), "USD"), || []));
        assert!(!narrowing.keeps(&product("mask", Some(3001), "USD"), || []));
        assert!(!narrowing.keeps(&product("mask", Some(100), "KRW"), || []));
        assert!(!narrowing.keeps(&product("mask", None, ""), || []));
    }
}
