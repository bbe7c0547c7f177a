//! The admin's edits to the catalog, one product at a time: add, change, delete. Each bumps
//! the catalog version so every index picks the change up.

use crate::db::Conn;
use diesel::prelude::*;

use super::bump_catalog_version;
use super::links::{insert_links, link_rows, IngredientIds};
use super::product_rows::{product_row, update_product_row};
use crate::catalog::model::{split_aliases, NewProduct};
use crate::ingredients::{parse_label, Resolver};
use crate::schema::{product_ingredients, products};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Another product already has this brand and name.
    #[error("product {0} already has this brand and name")]
    Exists(i32),
    #[error("no such product")]
    NotFound,
    #[error("catalog storage: {0}")]
    Storage(#[from] diesel::result::Error),
}

/// Product `id` as stored, in the form the admin edits and the store saves.
pub fn stored_product(conn: &mut Conn, id: i32) -> QueryResult<Option<NewProduct>> {
    let row = products::table
        .find(id)
        .select((
            products::brand,
            products::name,
            products::category,
            products::price_cents,
            products::currency,
            products::aliases,
            products::ingredients_raw,
            products::source,
        ))
        .first::<(
            String,
            String,
            String,
            Option<i32>,
            String,
            String,
            String,
            String,
        )>(conn)
        .optional()?;
    Ok(row.map(
        |(brand, name, category, price_cents, currency, aliases, ingredients_raw, source)| {
            NewProduct {
                brand,
                name,
                category,
                price_cents,
                currency,
                aliases: split_aliases(&aliases),
                ingredients_raw,
                source,
            }
        },
    ))
}

fn product_with(conn: &mut Conn, brand: &str, name: &str) -> QueryResult<Option<i32>> {
    products::table
        .filter(products::brand.eq(brand).and(products::name.eq(name)))
        .select(products::id)
        .first(conn)
        .optional()
}

/// Adds a product; returns its id.
pub fn add_product(
    conn: &mut Conn,
    product: &NewProduct,
    resolver: &Resolver,
) -> Result<i32, EditError> {
    crate::db::write_transaction(conn, |conn| {
        if let Some(existing) = product_with(conn, &product.brand, &product.name)? {
            return Err(EditError::Exists(existing));
        }
        let label = parse_label(&product.ingredients_raw);
        let id = diesel::insert_into(products::table)
            .values(product_row(product, label.no_information()))
            .returning(products::id)
            .get_result(conn)?;
        link_ingredients(conn, id, product, resolver)?;
        bump_catalog_version(conn)?;
        Ok(id)
    })
}

/// Replaces product `id`'s fields and ingredient links.
pub fn update_product(
    conn: &mut Conn,
    id: i32,
    product: &NewProduct,
    resolver: &Resolver,
) -> Result<(), EditError> {
    crate::db::write_transaction(conn, |conn| {
        match product_with(conn, &product.brand, &product.name)? {
            Some(other) if other != id => return Err(EditError::Exists(other)),
            _ => {}
        }
        let row = product_row(
            product,
            parse_label(&product.ingredients_raw).no_information(),
        );
        let changed = update_product_row(conn, id, &row)?;
        if changed == 0 {
            return Err(EditError::NotFound);
        }
        diesel::delete(product_ingredients::table.filter(product_ingredients::product_id.eq(id)))
            .execute(conn)?;
        link_ingredients(conn, id, product, resolver)?;
        bump_catalog_version(conn)?;
        Ok(())
    })
}

/// Deletes product `id` and its ingredient links (posts about it keep their text).
pub fn delete_product(conn: &mut Conn, id: i32) -> Result<(), EditError> {
    crate::db::write_transaction(conn, |conn| {
        if diesel::delete(products::table.find(id)).execute(conn)? == 0 {
            return Err(EditError::NotFound);
        }
        bump_catalog_version(conn)?;
        Ok(())
    })
}

fn link_ingredients(
    conn: &mut Conn,
    id: i32,
    product: &NewProduct,
    resolver: &Resolver,
) -> QueryResult<()> {
    let label = parse_label(&product.ingredients_raw);
    let mut ingredient_ids = IngredientIds::load(conn)?;
    let links = link_rows(
        conn,
        &mut ingredient_ids,
        resolver,
        id,
        resolver.resolve_label(&label),
    )?;
    insert_links(conn, &links)
}
