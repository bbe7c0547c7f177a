//! Reading the catalog: everything the in-memory indexes need, and "which products contain X".

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use crate::catalog::model::{split_aliases, Ingredient, ProductSummary};
use crate::schema::{ingredients, product_ingredients, products};

/// Everything the in-memory indexes need (`CatalogIndex::load` reads it in three queries:
/// `all_products`, `all_ingredients`, `links_in_label_order`).
pub struct CatalogRows {
    pub products: Vec<ProductSummary>,
    pub ingredients: Vec<Ingredient>,
    /// (product id, ingredient id) in label order per product.
    pub links: Vec<(i32, i32)>,
}

/// Every product, by id.
pub fn all_products(conn: &mut SqliteConnection) -> QueryResult<Vec<ProductSummary>> {
    Ok(products::table
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
        .collect())
}

/// Every (product id, ingredient id), by product and label position. Read in the table's own
/// order, one sequential scan, and sorted here if need be: asking SQLite for
/// `ORDER BY product_id, position` walks the primary-key index and fetches each row from the
/// table by rowid, 25 million random reads at a million products. Imports write a product's
/// links together and in order, so the sort is mostly a check; an edited product's links sit
/// at the table's end and are sorted into place.
pub fn links_in_label_order(conn: &mut SqliteConnection) -> QueryResult<Vec<(i32, i32)>> {
    let mut rows: Vec<(i32, i32, i32)> = product_ingredients::table
        .select((
            product_ingredients::product_id,
            product_ingredients::position,
            product_ingredients::ingredient_id,
        ))
        .load(conn)?;
    let by_label_order = |&(product, position, _): &(i32, i32, i32)| (product, position);
    if !rows.is_sorted_by_key(by_label_order) {
        rows.sort_unstable_by_key(by_label_order);
    }
    let mut links: Vec<(i32, i32)> = rows
        .into_iter()
        .map(|(product, _, ingredient)| (product, ingredient))
        .collect();
    // Collected in place, the links keep the rows' room, half again their own size: a
    // hundred megabytes at a million products, resident until the index is built.
    links.shrink_to_fit();
    Ok(links)
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

pub fn all_ingredients(conn: &mut SqliteConnection) -> QueryResult<Vec<Ingredient>> {
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
