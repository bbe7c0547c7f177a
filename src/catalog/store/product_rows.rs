//! Saving products: a product is its brand + name; new ones are added, changed ones updated,
//! identical ones left alone.

use std::collections::{BTreeMap, HashMap};

use crate::db::Conn;
use diesel::prelude::*;

use super::bump_catalog_version;
use super::links::{restore_link_references, suspend_link_references, ImportLinks, LabelNumbering};
use crate::catalog::model::{join_aliases, NewProduct};
use crate::ingredients::{NoInfoReason, Resolver};
use crate::schema::{product_ingredients, products};

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

/// A product row as written.
#[derive(Insertable, Clone)]
#[diesel(table_name = products)]
pub(super) struct ProductRow {
    pub(super) brand: String,
    pub(super) name: String,
    pub(super) category: String,
    pub(super) price_cents: Option<i32>,
    pub(super) currency: String,
    pub(super) aliases: String,
    pub(super) ingredients_raw: String,
    pub(super) no_ingredients_reason: String,
    pub(super) source: String,
}

/// A product row as stored, for telling whether an import changes it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = products)]
struct StoredProduct {
    id: i32,
    category: String,
    price_cents: Option<i32>,
    currency: String,
    aliases: String,
    ingredients_raw: String,
    source: String,
}

impl StoredProduct {
    fn same_as(&self, row: &ProductRow) -> bool {
        (
            &self.category,
            self.price_cents,
            &self.currency,
            &self.aliases,
            &self.ingredients_raw,
            &self.source,
        ) == (
            &row.category,
            row.price_cents,
            &row.currency,
            &row.aliases,
            &row.ingredients_raw,
            &row.source,
        )
    }
}

/// What happened to one product.
enum Saved {
    Unchanged,
    Added(i32),
    Updated(i32),
}

/// Saves products. Ingredients are resolved with `resolver`. With `replacing_source`, the
/// products from that source (the demo catalog) are removed first. One transaction.
pub fn save_products(
    conn: &mut Conn,
    new_products: &[NewProduct],
    replacing_source: Option<&str>,
    resolver: &Resolver,
    mut progress: impl FnMut(usize),
) -> QueryResult<SaveCounts> {
    crate::db::write_transaction(conn, |conn| {
        let mut counts = SaveCounts::default();
        if let Some(source) = replacing_source {
            counts.replaced = diesel::delete(products::table.filter(products::source.eq(source)))
                .execute(conn)?;
        }
        let mut stored: HashMap<(String, String), StoredProduct> = products::table
            .select((products::brand, products::name, StoredProduct::as_select()))
            .load::<(String, String, StoredProduct)>(conn)?
            .into_iter()
            .map(|(brand, name, product)| ((brand, name), product))
            .collect();
        let mut links = ImportLinks::load(conn)?;
        let mut added = NewProductRows::default();
        suspend_link_references(conn)?;
        std::thread::scope(|scope| -> QueryResult<()> {
            // Reading labels is most of an import's work that is not SQLite's: it runs on a
            // second thread, a little ahead of the writes.
            let (sender, labels) = std::sync::mpsc::sync_channel(4_096);
            scope.spawn(move || {
                let mut numbering = LabelNumbering::new(resolver);
                for product in new_products {
                    if sender
                        .send(numbering.read(&product.ingredients_raw))
                        .is_err()
                    {
                        return; // the writer stopped (an error): nothing more is wanted
                    }
                }
            });
            for (done, (product, label)) in new_products.iter().zip(labels).enumerate() {
                progress(done + 1);
                links.meet(label.first_met);
                let row = product_row(product, label.no_information);
                let identity = (product.brand.clone(), product.name.clone());
                let product_id = match save_one(conn, &mut added, &row, stored.get(&identity))? {
                    Saved::Unchanged => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Saved::Updated(id) => {
                        counts.updated += 1;
                        id
                    }
                    Saved::Added(id) => {
                        counts.added += 1;
                        id
                    }
                };
                if let Some(reason) = label.no_information {
                    *counts
                        .without_ingredients
                        .entry(reason.describe().to_string())
                        .or_default() += 1;
                }
                links.add(conn, resolver, product_id, &label.ingredients)?;
                stored.insert(identity, stored_form(product_id, row));
            }
            Ok(())
        })?;
        added.finish(conn)?;
        links.finish(conn)?;
        restore_link_references(conn)?;
        // An import that changes nothing leaves running servers' indexes alone.
        if counts.added + counts.updated + counts.replaced > 0 {
            bump_catalog_version(conn)?;
        }
        Ok(counts)
    })
}

pub(super) fn product_row(
    product: &NewProduct,
    no_information: Option<NoInfoReason>,
) -> ProductRow {
    let reason = no_information.map_or("", NoInfoReason::describe);
    ProductRow {
        brand: product.brand.clone(),
        name: product.name.clone(),
        category: product.category.clone(),
        price_cents: product.price_cents,
        currency: product.currency.clone(),
        aliases: join_aliases(&product.aliases),
        ingredients_raw: product.ingredients_raw.clone(),
        no_ingredients_reason: reason.to_string(),
        source: product.source.clone(),
    }
}

/// Inserts, updates (dropping its old ingredient links) or leaves one product.
fn save_one(
    conn: &mut Conn,
    added: &mut NewProductRows,
    row: &ProductRow,
    stored: Option<&StoredProduct>,
) -> QueryResult<Saved> {
    match stored {
        Some(stored) if stored.same_as(row) => Ok(Saved::Unchanged),
        Some(stored) => {
            update_product_row(conn, stored.id, row)?;
            diesel::delete(
                product_ingredients::table.filter(product_ingredients::product_id.eq(stored.id)),
            )
            .execute(conn)?;
            Ok(Saved::Updated(stored.id))
        }
        None => added.add(conn, row).map(Saved::Added),
    }
}

/// New products as an import writes them. On SQLite, one insert each, its id back at once (no
/// round trip: SQLite is in the process). On PostgreSQL a round trip per product was most of an
/// import, so ids are taken from the table's sequence a block at a time and the rows go in by
/// `COPY`, a block at a time; their links may be written first, as references are checked at
/// commit.
#[derive(Default)]
struct NewProductRows {
    /// Ids taken from the sequence and not yet given, last first.
    reserved: Vec<i32>,
    pending: Vec<CopiedProduct>,
}

/// A new product's row with its id, as PostgreSQL's `COPY` takes it (every column given).
#[derive(Insertable)]
#[diesel(table_name = products)]
#[diesel(treat_none_as_default_value = false)]
struct CopiedProduct {
    id: i32,
    brand: String,
    name: String,
    category: String,
    price_cents: Option<i32>,
    currency: String,
    aliases: String,
    ingredients_raw: String,
    no_ingredients_reason: String,
    source: String,
}

#[derive(QueryableByName)]
struct ReservedId {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    id: i32,
}

impl NewProductRows {
    /// Ids reserved, and rows copied, together.
    const BLOCK: usize = 4_096;

    fn add(&mut self, conn: &mut Conn, row: &ProductRow) -> QueryResult<i32> {
        let pg = match conn {
            Conn::Sqlite(_) => {
                return diesel::insert_into(products::table)
                    .values(row)
                    .returning(products::id)
                    .get_result(conn)
            }
            Conn::Postgres(pg) => pg,
        };
        if self.reserved.is_empty() {
            self.reserved = diesel::sql_query(
                "SELECT nextval(pg_get_serial_sequence('products', 'id'))::integer AS id \
                 FROM generate_series(1, $1)",
            )
            .bind::<diesel::sql_types::Integer, _>(Self::BLOCK as i32)
            .load::<ReservedId>(pg)?
            .into_iter()
            .rev()
            .map(|r| r.id)
            .collect();
        }
        let id = self
            .reserved
            .pop()
            .expect("a block of ids was just reserved");
        let row = row.clone();
        self.pending.push(CopiedProduct {
            id,
            brand: row.brand,
            name: row.name,
            category: row.category,
            price_cents: row.price_cents,
            currency: row.currency,
            aliases: row.aliases,
            ingredients_raw: row.ingredients_raw,
            no_ingredients_reason: row.no_ingredients_reason,
            source: row.source,
        });
        if self.pending.len() >= Self::BLOCK {
            self.write(conn)?;
        }
        Ok(id)
    }

    fn write(&mut self, conn: &mut Conn) -> QueryResult<()> {
        if let (Conn::Postgres(pg), false) = (conn, self.pending.is_empty()) {
            diesel::copy_from(products::table)
                .from_insertable(&self.pending)
                .execute(pg)?;
        }
        self.pending.clear();
        Ok(())
    }

    fn finish(mut self, conn: &mut Conn) -> QueryResult<()> {
        self.write(conn)
    }
}

/// Writes every field of `row` over product `id`; returns the rows changed (0: no product).
pub(super) fn update_product_row(conn: &mut Conn, id: i32, row: &ProductRow) -> QueryResult<usize> {
    diesel::update(products::table.find(id))
        .set((
            products::brand.eq(&row.brand),
            products::name.eq(&row.name),
            products::category.eq(&row.category),
            products::price_cents.eq(row.price_cents),
            products::currency.eq(&row.currency),
            products::aliases.eq(&row.aliases),
            products::ingredients_raw.eq(&row.ingredients_raw),
            products::no_ingredients_reason.eq(&row.no_ingredients_reason),
            products::source.eq(&row.source),
            products::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

fn stored_form(id: i32, row: ProductRow) -> StoredProduct {
    StoredProduct {
        id,
        category: row.category,
        price_cents: row.price_cents,
        currency: row.currency,
        aliases: row.aliases,
        ingredients_raw: row.ingredients_raw,
        source: row.source,
    }
}
