//! Catalog queries: saving products with their resolved ingredients, re-resolving after a
//! dictionary import, and reading the whole catalog for the in-memory indexes.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

use super::model::{join_aliases, split_aliases, Ingredient, NewProduct, ProductSummary};
use crate::ingredients::{parse_label, LabelText, Resolver};
use crate::schema::{
    catalog_state, ingredient_references, ingredients, product_ingredients, products,
};

/// What saving a batch of products did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SaveCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Products removed because they came from the replaced source (the demo catalog).
    pub replaced: usize,
    /// Products kept without a usable ingredient list, by reason.
    pub without_ingredients: BTreeMap<String, usize>,
}

#[derive(Insertable)]
#[diesel(table_name = products)]
struct ProductRow<'a> {
    brand: &'a str,
    name: &'a str,
    category: &'a str,
    price_cents: Option<i32>,
    currency: &'a str,
    aliases: String,
    ingredients_raw: &'a str,
    no_ingredients_reason: &'a str,
    source: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = product_ingredients)]
struct ProductIngredientRow {
    product_id: i32,
    position: i32,
    ingredient_id: i32,
    label_name: String,
}

type StoredProduct = (i32, String, Option<i32>, String, String, String, String);

/// Saves products (a product is its brand + name): new ones are added, changed ones updated,
/// identical ones left alone. Ingredients are resolved with `resolver`. With
/// `replacing_source`, the products from that source (the demo catalog) are removed first. One
/// transaction.
pub fn save_products(
    conn: &mut SqliteConnection,
    new_products: &[NewProduct],
    replacing_source: Option<&str>,
    resolver: &Resolver,
    mut progress: impl FnMut(usize),
) -> QueryResult<SaveCounts> {
    conn.immediate_transaction(|conn| {
        let mut counts = SaveCounts::default();
        if let Some(source) = replacing_source {
            counts.replaced = diesel::delete(products::table.filter(products::source.eq(source)))
                .execute(conn)?;
        }
        let mut existing: HashMap<(String, String), StoredProduct> = products::table
            .select((
                products::brand,
                products::name,
                (
                    products::id,
                    products::category,
                    products::price_cents,
                    products::currency,
                    products::aliases,
                    products::ingredients_raw,
                    products::source,
                ),
            ))
            .load::<(String, String, StoredProduct)>(conn)?
            .into_iter()
            .map(|(brand, name, stored)| ((brand, name), stored))
            .collect();
        let mut ingredient_ids = IngredientIds::load(conn)?;
        let mut links = Vec::new();
        for (done, product) in new_products.iter().enumerate() {
            let label = parse_label(&product.ingredients_raw);
            let reason = match &label {
                LabelText::NoInformation(reason) => reason.describe(),
                LabelText::Ingredients(_) => "",
            };
            let row = ProductRow {
                brand: &product.brand,
                name: &product.name,
                category: &product.category,
                price_cents: product.price_cents,
                currency: &product.currency,
                aliases: join_aliases(&product.aliases),
                ingredients_raw: &product.ingredients_raw,
                no_ingredients_reason: reason,
                source: &product.source,
            };
            let identity = (product.brand.clone(), product.name.clone());
            let product_id = match existing.get(&identity) {
                Some(stored) if same_as_stored(&row, stored) => {
                    counts.unchanged += 1;
                    continue;
                }
                Some(stored) => {
                    let id = stored.0;
                    diesel::update(products::table.find(id))
                        .set((
                            products::category.eq(row.category),
                            products::price_cents.eq(row.price_cents),
                            products::currency.eq(row.currency),
                            products::aliases.eq(&row.aliases),
                            products::ingredients_raw.eq(row.ingredients_raw),
                            products::no_ingredients_reason.eq(row.no_ingredients_reason),
                            products::source.eq(row.source),
                            products::updated_at.eq(diesel::dsl::now),
                        ))
                        .execute(conn)?;
                    diesel::delete(
                        product_ingredients::table.filter(product_ingredients::product_id.eq(id)),
                    )
                    .execute(conn)?;
                    counts.updated += 1;
                    id
                }
                None => {
                    let id = diesel::insert_into(products::table)
                        .values(&row)
                        .returning(products::id)
                        .get_result::<i32>(conn)?;
                    counts.added += 1;
                    id
                }
            };
            existing.insert(identity, stored_form(product_id, &row));
            if !reason.is_empty() {
                *counts
                    .without_ingredients
                    .entry(reason.to_string())
                    .or_default() += 1;
            }
            for (position, resolved) in resolver.resolve_label(&label).into_iter().enumerate() {
                links.push(ProductIngredientRow {
                    product_id,
                    position: position as i32,
                    ingredient_id: ingredient_ids.id_for(conn, resolver, &resolved.canonical)?,
                    label_name: resolved.label_name,
                });
            }
            progress(done + 1);
        }
        insert_links(conn, links)?;
        bump_catalog_version(conn)?;
        Ok(counts)
    })
}

fn same_as_stored(row: &ProductRow, stored: &StoredProduct) -> bool {
    let (_, category, price, currency, aliases, raw, source) = stored;
    row.category == category
        && row.price_cents == *price
        && row.currency == currency
        && &row.aliases == aliases
        && row.ingredients_raw == raw
        && row.source == source
}

fn stored_form(id: i32, row: &ProductRow) -> StoredProduct {
    (
        id,
        row.category.to_string(),
        row.price_cents,
        row.currency.to_string(),
        row.aliases.clone(),
        row.ingredients_raw.to_string(),
        row.source.to_string(),
    )
}

fn insert_links(conn: &mut SqliteConnection, links: Vec<ProductIngredientRow>) -> QueryResult<()> {
    // SQLite limits the variables of one statement; 4 a row.
    for chunk in links.chunks(2_000) {
        diesel::insert_into(product_ingredients::table)
            .values(chunk)
            .execute(conn)?;
    }
    Ok(())
}

/// The ingredient rows' ids by key, creating rows for new canonical ingredients.
struct IngredientIds {
    by_key: HashMap<String, i32>,
}

impl IngredientIds {
    fn load(conn: &mut SqliteConnection) -> QueryResult<Self> {
        let by_key = ingredients::table
            .select((ingredients::key, ingredients::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        Ok(IngredientIds { by_key })
    }

    fn id_for(
        &mut self,
        conn: &mut SqliteConnection,
        resolver: &Resolver,
        canonical: &crate::ingredients::CanonicalIngredient,
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
            let mut new_links = Vec::new();
            for resolved in resolver.resolve_label(&parse_label(&raw)) {
                let id = ingredient_ids.id_for(conn, resolver, &resolved.canonical)?;
                new_links.push((id, resolved.label_name));
            }
            if old_links.get(&product_id).map(Vec::as_slice).unwrap_or(&[]) == new_links.as_slice()
            {
                continue;
            }
            changed += 1;
            diesel::delete(
                product_ingredients::table.filter(product_ingredients::product_id.eq(product_id)),
            )
            .execute(conn)?;
            let rows = new_links
                .into_iter()
                .enumerate()
                .map(
                    |(position, (ingredient_id, label_name))| ProductIngredientRow {
                        product_id,
                        position: position as i32,
                        ingredient_id,
                        label_name,
                    },
                )
                .collect();
            insert_links(conn, rows)?;
        }
        refresh_ingredient_details(conn, resolver)?;
        diesel::delete(
            ingredients::table.filter(diesel::dsl::not(diesel::dsl::exists(
                product_ingredients::table
                    .filter(product_ingredients::ingredient_id.eq(ingredients::id)),
            ))),
        )
        .execute(conn)?;
        bump_catalog_version(conn)?;
        Ok(changed)
    })
}

fn refresh_ingredient_details(conn: &mut SqliteConnection, resolver: &Resolver) -> QueryResult<()> {
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
        }
    }
    Ok(())
}

/// A kind of imported ingredient reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// Korean standard name → INCI name (KCIA).
    KoreanName,
    /// Korean spelling variant → standard Korean name.
    KoreanVariant,
    /// INCI name → functions (CosIng).
    Functions,
}

impl ReferenceKind {
    fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::KoreanName => "korean_name",
            ReferenceKind::KoreanVariant => "korean_variant",
            ReferenceKind::Functions => "functions",
        }
    }
}

/// Saves reference rows (term → value) of one kind, replacing earlier values of the same terms.
/// Returns (added, updated, unchanged).
pub fn save_references(
    conn: &mut SqliteConnection,
    kind: ReferenceKind,
    pairs: &[(String, String)],
) -> QueryResult<(usize, usize, usize)> {
    conn.immediate_transaction(|conn| {
        let existing: HashMap<String, String> = ingredient_references::table
            .filter(ingredient_references::kind.eq(kind.as_str()))
            .select((ingredient_references::term, ingredient_references::value))
            .load(conn)?
            .into_iter()
            .collect();
        let (mut added, mut updated, mut unchanged) = (0, 0, 0);
        let mut rows = Vec::new();
        for (term, value) in pairs {
            match existing.get(term) {
                Some(old) if old == value => unchanged += 1,
                Some(_) => updated += 1,
                None => added += 1,
            }
            if existing.get(term) != Some(value) {
                rows.push((
                    ingredient_references::kind.eq(kind.as_str()),
                    ingredient_references::term.eq(term),
                    ingredient_references::value.eq(value),
                ));
            }
        }
        for chunk in rows.chunks(3_000) {
            diesel::replace_into(ingredient_references::table)
                .values(chunk)
                .execute(conn)?;
        }
        Ok((added, updated, unchanged))
    })
}

/// The built-in resolver extended by every imported reference.
pub fn load_resolver(conn: &mut SqliteConnection) -> QueryResult<Resolver> {
    let mut resolver = Resolver::builtin();
    let rows: Vec<(String, String, String)> = ingredient_references::table
        .select((
            ingredient_references::kind,
            ingredient_references::term,
            ingredient_references::value,
        ))
        .load(conn)?;
    // Names first: variants and functions refer to them.
    for (kind, term, value) in &rows {
        if kind == "korean_name" {
            resolver.add_korean_name(term, value);
        }
    }
    for (kind, term, value) in &rows {
        match kind.as_str() {
            "korean_variant" => resolver.add_korean_variant(term, value),
            "functions" => {
                resolver.add_known_inci_key(term);
                resolver.add_functions(term, value);
            }
            _ => {}
        }
    }
    Ok(resolver)
}

pub fn catalog_version(conn: &mut SqliteConnection) -> QueryResult<i32> {
    catalog_state::table
        .select(catalog_state::version)
        .first(conn)
}

fn bump_catalog_version(conn: &mut SqliteConnection) -> QueryResult<()> {
    diesel::update(catalog_state::table)
        .set(catalog_state::version.eq(catalog_state::version + 1))
        .execute(conn)
        .map(|_| ())
}

pub fn count_products(conn: &mut SqliteConnection) -> QueryResult<i64> {
    products::table.count().get_result(conn)
}

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

fn all_ingredients(conn: &mut SqliteConnection) -> QueryResult<Vec<Ingredient>> {
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

/// The ingredient list of one product as its label writes it, in order: (ingredient id,
/// label name).
pub fn label_names(
    conn: &mut SqliteConnection,
    product_id: i32,
) -> QueryResult<Vec<(i32, String)>> {
    product_ingredients::table
        .filter(product_ingredients::product_id.eq(product_id))
        .select((
            product_ingredients::ingredient_id,
            product_ingredients::label_name,
        ))
        .order(product_ingredients::position)
        .load(conn)
}
