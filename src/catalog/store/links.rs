//! Which canonical ingredient stands at which position of a product's label: writing the links,
//! creating ingredient rows as new ones appear, and resolving every product again after a
//! dictionary import.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use super::bump_catalog_version;
use super::reads::all_ingredients;
use crate::catalog::model::Ingredient;
use crate::ingredients::{parse_label, CanonicalIngredient, ResolvedName, Resolver};
use crate::schema::{ingredients, product_ingredients, products};

#[derive(Insertable)]
#[diesel(table_name = product_ingredients)]
pub(super) struct ProductIngredientRow {
    product_id: i32,
    position: i32,
    ingredient_id: i32,
    label_name: String,
}

/// The link rows of one product's resolved label, in label order.
pub(super) fn link_rows(
    conn: &mut SqliteConnection,
    ingredient_ids: &mut IngredientIds,
    resolver: &Resolver,
    product_id: i32,
    resolved: Vec<ResolvedName>,
) -> QueryResult<Vec<ProductIngredientRow>> {
    let mut rows = Vec::with_capacity(resolved.len());
    for (position, name) in resolved.into_iter().enumerate() {
        rows.push(ProductIngredientRow {
            product_id,
            position: position as i32,
            ingredient_id: ingredient_ids.id_for(conn, resolver, &name.canonical)?,
            label_name: name.label_name,
        });
    }
    Ok(rows)
}

pub(super) fn insert_links(
    conn: &mut SqliteConnection,
    links: Vec<ProductIngredientRow>,
) -> QueryResult<()> {
    // One prepared single-row statement, run again and again: SQLite then needs no statement
    // journal, and diesel builds the SQL once. Many-row statements were 3 times slower.
    for link in &links {
        diesel::insert_into(product_ingredients::table)
            .values(link)
            .execute(conn)?;
    }
    Ok(())
}

/// The ingredient rows' ids by key, creating rows for new canonical ingredients.
pub(super) struct IngredientIds {
    by_key: HashMap<String, i32>,
}

impl IngredientIds {
    pub(super) fn load(conn: &mut SqliteConnection) -> QueryResult<Self> {
        let by_key = ingredients::table
            .select((ingredients::key, ingredients::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        Ok(IngredientIds { by_key })
    }

    pub(super) fn id_for(
        &mut self,
        conn: &mut SqliteConnection,
        resolver: &Resolver,
        canonical: &CanonicalIngredient,
    ) -> QueryResult<i32> {
        if let Some(id) = self.by_key.get(&canonical.key) {
            return Ok(*id);
        }
        let id = diesel::insert_into(ingredients::table)
            .values((
                ingredients::key.eq(&canonical.key),
                ingredients::name.eq(&canonical.name),
                ingredients::name_ko.eq(resolver.korean_name_of(&canonical.key)),
                ingredients::functions.eq(resolver.functions_of(&canonical.key)),
            ))
            .returning(ingredients::id)
            .get_result(conn)?;
        self.by_key.insert(canonical.key.clone(), id);
        Ok(id)
    }
}

/// Resolves every stored product's ingredients again (after a dictionary import changed what
/// names mean), refreshes ingredient names, Korean names and functions, and drops ingredients
/// no product holds any more. Returns how many products' ingredients changed.
pub fn reresolve_all(conn: &mut SqliteConnection, resolver: &Resolver) -> QueryResult<usize> {
    conn.immediate_transaction(|conn| {
        let stored: Vec<(i32, String)> = products::table
            .select((products::id, products::ingredients_raw))
            .order(products::id)
            .load(conn)?;
        let mut old_links: HashMap<i32, Vec<(i32, String)>> = HashMap::new();
        for (product_id, ingredient_id, label_name) in product_ingredients::table
            .select((
                product_ingredients::product_id,
                product_ingredients::ingredient_id,
                product_ingredients::label_name,
            ))
            .order((
                product_ingredients::product_id,
                product_ingredients::position,
            ))
            .load::<(i32, i32, String)>(conn)?
        {
            old_links
                .entry(product_id)
                .or_default()
                .push((ingredient_id, label_name));
        }
        let mut ingredient_ids = IngredientIds::load(conn)?;
        let mut changed = 0;
        for (product_id, raw) in stored {
            let resolved = resolver.resolve_label(&parse_label(&raw));
            let rows = link_rows(conn, &mut ingredient_ids, resolver, product_id, resolved)?;
            let old: Vec<(i32, &str)> = old_links
                .get(&product_id)
                .into_iter()
                .flatten()
                .map(|(id, name)| (*id, name.as_str()))
                .collect();
            let new: Vec<(i32, &str)> = rows
                .iter()
                .map(|row| (row.ingredient_id, row.label_name.as_str()))
                .collect();
            if old == new {
                continue;
            }
            changed += 1;
            diesel::delete(
                product_ingredients::table.filter(product_ingredients::product_id.eq(product_id)),
            )
            .execute(conn)?;
            insert_links(conn, rows)?;
        }
        let details_changed = refresh_ingredient_details(conn, resolver)?;
        diesel::delete(
            ingredients::table.filter(diesel::dsl::not(diesel::dsl::exists(
                product_ingredients::table
                    .filter(product_ingredients::ingredient_id.eq(ingredients::id)),
            ))),
        )
        .execute(conn)?;
        if changed > 0 || details_changed > 0 {
            bump_catalog_version(conn)?;
        }
        Ok(changed)
    })
}

/// Returns how many ingredients changed.
fn refresh_ingredient_details(
    conn: &mut SqliteConnection,
    resolver: &Resolver,
) -> QueryResult<usize> {
    let mut changed = 0;
    for Ingredient {
        id,
        key,
        name,
        name_ko,
        functions,
    } in all_ingredients(conn)?
    {
        // The resolver's spelling (`Water` for a stored `WATER`), if it still means the same.
        let resolved = resolver.resolve(&name);
        let better_name = if resolved.key == key {
            resolved.name
        } else {
            name.clone()
        };
        let new_ko = resolver.korean_name_of(&key).map(str::to_string);
        let new_functions = resolver.functions_of(&key).map(str::to_string);
        if (&better_name, &new_ko, &new_functions) != (&name, &name_ko, &functions) {
            diesel::update(ingredients::table.find(id))
                .set((
                    ingredients::name.eq(better_name),
                    ingredients::name_ko.eq(new_ko),
                    ingredients::functions.eq(new_functions),
                ))
                .execute(conn)?;
            changed += 1;
        }
    }
    Ok(changed)
}
