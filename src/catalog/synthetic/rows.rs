//! The rows an import of generated products would store, built in memory: the benchmarks index
//! a million products in seconds this way, without first spending minutes writing them to
//! SQLite. Ids are given in order, as a fresh database would give them.

use std::collections::HashMap;

use crate::catalog::model::{Ingredient, NewProduct, ProductSummary};
use crate::catalog::store::CatalogRows;
use crate::ingredients::{parse_label, LabelText, Resolver};

pub fn catalog_rows(products: &[NewProduct], resolver: &Resolver) -> CatalogRows {
    let mut ingredient_ids: HashMap<String, i32> = HashMap::new();
    let mut ingredients: Vec<Ingredient> = Vec::new();
    let mut links = Vec::new();
    let mut summaries = Vec::with_capacity(products.len());
    let mut memo = HashMap::new();
    for (index, product) in products.iter().enumerate() {
        let id = index as i32 + 1;
        let label = parse_label(&product.ingredients_raw);
        for resolved in resolver.resolve_label_remembering(&label, &mut memo) {
            let next = ingredients.len() as i32 + 1;
            let ingredient_id = *ingredient_ids
                .entry(resolved.canonical.key.clone())
                .or_insert(next);
            if ingredient_id == next {
                ingredients.push(Ingredient {
                    id: next,
                    name_ko: resolver
                        .korean_name_of(&resolved.canonical.key)
                        .map(str::to_string),
                    functions: resolver
                        .functions_of(&resolved.canonical.key)
                        .map(str::to_string),
                    key: resolved.canonical.key,
                    name: resolved.canonical.name,
                });
            }
            links.push((id, ingredient_id));
        }
        summaries.push(ProductSummary {
            id,
            brand: product.brand.clone(),
            name: product.name.clone(),
            category: product.category.clone(),
            price_cents: product.price_cents,
            currency: product.currency.clone(),
            aliases: product.aliases.clone(),
            no_ingredients_reason: match label {
                LabelText::NoInformation(reason) => Some(reason.describe().to_string()),
                LabelText::Ingredients(_) => None,
            },
            source: product.source.clone(),
        });
    }
    CatalogRows {
        products: summaries,
        ingredients,
        links,
    }
}
