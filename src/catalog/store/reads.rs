//! Reading the catalog: everything the in-memory indexes need, and "which products contain X".

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use crate::catalog::model::{split_aliases, Ingredient, ProductSummary};
use crate::schema::{ingredients, product_ingredients, products};

/// Everything the in-memory indexes need, read in three queries.
pub struct CatalogRows {
    pub products: Vec<ProductSummary>,
    pub ingredients: Vec<Ingredient>,
    /// (product id, ingredient id) in label order per product.
    pub links: Vec<(i32, i32)>,
}

pub fn load_catalog(conn: &mut SqliteConnection) -> QueryResult<CatalogRows> {
    conn.transaction(|conn| {
        let products = products::table
            .select((
                products::id,
                products::brand,
                products::name,
                products::category,
                products::price_cents,
                products::currency,
                products::aliases,
                products::no_ingredients_reason,
                products::source,
            ))
            .order(products::id)
            .load::<(
                i32,
                String,
                String,
                String,
                Option<i32>,
                String,
                String,
                String,
                String,
            )>(conn)?
            .into_iter()
            .map(
                |(id, brand, name, category, price_cents, currency, aliases, reason, source)| {
                    ProductSummary {
                        id,
                        brand,
                        name,
                        category,
                        price_cents,
                        currency,
                        aliases: split_aliases(&aliases),
                        no_ingredients_reason: (!reason.is_empty()).then_some(reason),
                        source,
                    }
                },
            )
            .collect();
        let ingredients = all_ingredients(conn)?;
        let links = product_ingredients::table
            .select((
                product_ingredients::product_id,
                product_ingredients::ingredient_id,
            ))
            .order((
                product_ingredients::product_id,
                product_ingredients::position,
            ))
            .load(conn)?;
        Ok(CatalogRows {
            products,
            ingredients,
            links,
        })
    })
}

/// The ids of the products holding an ingredient, a page at a time: one query on the
/// `product_ingredients_by_ingredient` index.
pub fn products_containing(
    conn: &mut SqliteConnection,
    ingredient_id: i32,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<i32>> {
    product_ingredients::table
        .filter(product_ingredients::ingredient_id.eq(ingredient_id))
        .select(product_ingredients::product_id)
        .order(product_ingredients::product_id)
        .limit(limit)
        .offset(offset)
        .load(conn)
}

pub(super) fn all_ingredients(conn: &mut SqliteConnection) -> QueryResult<Vec<Ingredient>> {
    Ok(ingredients::table
        .select((
            ingredients::id,
            ingredients::key,
            ingredients::name,
            ingredients::name_ko,
            ingredients::functions,
        ))
        .order(ingredients::id)
        .load::<(i32, String, String, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, key, name, name_ko, functions)| Ingredient {
            id,
            key,
            name,
            name_ko,
            functions,
        })
        .collect())
}
