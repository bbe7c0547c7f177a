//! Reading the catalog: everything the in-memory indexes need, and "which products contain X".

use crate::db::Conn;
use diesel::prelude::*;

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
pub fn all_products(conn: &mut Conn) -> QueryResult<Vec<ProductSummary>> {
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

/// Every (product id, ingredient id), by product and label position. On SQLite one scan of the
/// table, which is kept in that order (it has no rowid: its primary key is its order), so SQLite
/// neither sorts nor looks rows up. PostgreSQL's client library holds a whole result in memory
/// before the first row is read (the 32 million links of a million products took 1.9 GB more
/// at start-up), so there the links are read in ranges of products, each a primary-key range
/// scan; in a read transaction (`CatalogIndex::read`), the ranges are of one snapshot.
pub fn links_in_label_order(conn: &mut Conn) -> QueryResult<Vec<(i32, i32)>> {
    let in_label_order = || {
        product_ingredients::table
            .select((
                product_ingredients::product_id,
                product_ingredients::ingredient_id,
            ))
            .order((
                product_ingredients::product_id,
                product_ingredients::position,
            ))
    };
    let mut links: Vec<(i32, i32)> = match conn {
        Conn::Sqlite(_) => in_label_order().load(conn)?,
        Conn::Postgres(_) => {
            /// Products a range holds: some 650,000 links, 30 MB of the client's buffer.
            const RANGE: i32 = 20_000;
            let bounds: (Option<i32>, Option<i32>) = product_ingredients::table
                .select((
                    diesel::dsl::min(product_ingredients::product_id),
                    diesel::dsl::max(product_ingredients::product_id),
                ))
                .first(conn)?;
            let mut links = Vec::new();
            if let (Some(first), Some(last)) = bounds {
                let mut lowest = first;
                while lowest <= last {
                    let beyond = lowest.saturating_add(RANGE);
                    links.extend(
                        in_label_order()
                            .filter(product_ingredients::product_id.ge(lowest))
                            .filter(product_ingredients::product_id.lt(beyond))
                            .load::<(i32, i32)>(conn)?,
                    );
                    if beyond == i32::MAX {
                        break;
                    }
                    lowest = beyond;
                }
            }
            links
        }
    };
    // Grown by doubling, the vector can hold a third more than the links: 70 MB at a
    // million products, resident until the index is built.
    links.shrink_to_fit();
    Ok(links)
}

/// The ids of the products holding an ingredient, a page at a time: one query on the
/// `product_ingredients_by_ingredient` index.
pub fn products_containing(
    conn: &mut Conn,
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

pub fn all_ingredients(conn: &mut Conn) -> QueryResult<Vec<Ingredient>> {
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
