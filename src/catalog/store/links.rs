//! Which canonical ingredient stands at which position of a product's label: writing the links,
//! creating ingredient rows as new ones appear, and resolving every product again after a
//! dictionary import.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::Integer;
use diesel::sqlite::{Sqlite, SqliteConnection};

use crate::db::Conn;
use rustc_hash::FxHashMap;

use super::bump_catalog_version;
use super::reads::{all_ingredients, links_in_label_order};
use crate::catalog::model::Ingredient;
use crate::ingredients::{parse_label, CanonicalIngredient, NoInfoReason, ResolvedName, Resolver};
use crate::schema::{ingredients, product_ingredients, products};

/// One link as written.
#[derive(Insertable)]
#[diesel(table_name = product_ingredients)]
// Every column is given (PostgreSQL's COPY takes no defaults).
#[diesel(treat_none_as_default_value = false)]
pub(super) struct ProductIngredientRow {
    product_id: i32,
    position: i32,
    ingredient_id: i32,
}

/// The link rows of one product's resolved label, in label order.
pub(super) fn link_rows(
    conn: &mut Conn,
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
        });
    }
    Ok(rows)
}

/// A label as the reading thread hands it to the writing one: its ingredients as numbers.
pub(super) struct NumberedLabel {
    pub(super) no_information: Option<NoInfoReason>,
    /// The canonical ingredients no earlier label held, numbered on from theirs.
    pub(super) first_met: Vec<CanonicalIngredient>,
    /// The label's ingredients in label order.
    pub(super) ingredients: Vec<u32>,
}

/// Reads an import's labels into `NumberedLabel`s, on the reading thread: each canonical
/// ingredient crosses to the writer once, not once per link. The names, keys and canonical
/// ingredients resolving makes for each link are then made and freed on the same thread;
/// handed over, the writer freed them, an allocation crossing threads for every string: the
/// import of a million products (32 million links) took 281 s that way, 230 s this way.
pub(super) struct LabelNumbering<'r> {
    resolver: &'r Resolver,
    resolved_names: HashMap<String, CanonicalIngredient>,
    numbers: FxHashMap<String, u32>,
}

impl<'r> LabelNumbering<'r> {
    pub(super) fn new(resolver: &'r Resolver) -> Self {
        LabelNumbering {
            resolver,
            resolved_names: HashMap::new(),
            numbers: FxHashMap::default(),
        }
    }

    pub(super) fn read(&mut self, ingredients_raw: &str) -> NumberedLabel {
        let label = parse_label(ingredients_raw);
        let resolved = self
            .resolver
            .resolve_label_remembering(&label, &mut self.resolved_names);
        let mut first_met = Vec::new();
        let ingredients = resolved
            .into_iter()
            .map(|name| match self.numbers.get(&name.canonical.key) {
                Some(number) => *number,
                None => {
                    let number = self.numbers.len() as u32;
                    self.numbers.insert(name.canonical.key.clone(), number);
                    first_met.push(name.canonical);
                    number
                }
            })
            .collect();
        NumberedLabel {
            no_information: label.no_information(),
            first_met,
            ingredients,
        }
    }
}

/// The links of an import's saved products, on the writing thread: numbers become ingredient
/// rows (created for ingredients new to the catalog), and links are written a batch at a time,
/// while the reading thread reads the next labels.
pub(super) struct ImportLinks {
    ingredient_ids: IngredientIds,
    /// Every canonical ingredient met, by number, with its row id once a saved product holds it
    /// (a product left unchanged creates no ingredient row).
    numbered: Vec<(CanonicalIngredient, Option<i32>)>,
    pending: Vec<ProductIngredientRow>,
}

impl ImportLinks {
    /// Links gathered before they are written: a few products' worth, 32 statements.
    const WRITTEN_TOGETHER: usize = 32 * LINKS_PER_STATEMENT;
    /// On PostgreSQL, a few thousand products' worth: each write is a round trip to the
    /// server, and one `COPY` takes any number of rows.
    const COPIED_TOGETHER: usize = 64 * 1024;

    pub(super) fn load(conn: &mut Conn) -> QueryResult<Self> {
        Ok(ImportLinks {
            ingredient_ids: IngredientIds::load(conn)?,
            numbered: Vec::new(),
            pending: Vec::with_capacity(Self::WRITTEN_TOGETHER + 128),
        })
    }

    /// Takes the ingredients a label met first; every label's, saved or not, in reading order.
    pub(super) fn meet(&mut self, first_met: Vec<CanonicalIngredient>) {
        self.numbered
            .extend(first_met.into_iter().map(|canonical| (canonical, None)));
    }

    /// Links saved product `product_id` to its label's ingredients.
    pub(super) fn add(
        &mut self,
        conn: &mut Conn,
        resolver: &Resolver,
        product_id: i32,
        ingredients: &[u32],
    ) -> QueryResult<()> {
        for (position, number) in ingredients.iter().enumerate() {
            let (canonical, id) = &mut self.numbered[*number as usize];
            let ingredient_id = match id {
                Some(id) => *id,
                None => *id.insert(self.ingredient_ids.id_for(conn, resolver, canonical)?),
            };
            self.pending.push(ProductIngredientRow {
                product_id,
                position: position as i32,
                ingredient_id,
            });
        }
        let together = match conn {
            Conn::Sqlite(_) => Self::WRITTEN_TOGETHER,
            Conn::Postgres(_) => Self::COPIED_TOGETHER,
        };
        if self.pending.len() >= together {
            insert_links(conn, &self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    pub(super) fn finish(self, conn: &mut Conn) -> QueryResult<()> {
        insert_links(conn, &self.pending)
    }
}

/// Links written by one statement. A statement's fixed costs (diesel binding its values,
/// SQLite running its program and opening and closing its cursors) were a third of writing a
/// link one at a time (perf); 32 rows share them.
const LINKS_PER_STATEMENT: usize = 32;

/// Writes `links`. The engines differ here because this is the import's hottest statement:
/// on SQLite, whole statements of `LINKS_PER_STATEMENT`, then the rest one by one, so that
/// only two statements are ever prepared; on PostgreSQL, one `COPY … FROM STDIN` (binary),
/// which streams the rows without a statement's parsing and parameter limit.
pub(super) fn insert_links(conn: &mut Conn, links: &[ProductIngredientRow]) -> QueryResult<()> {
    match conn {
        Conn::Sqlite(conn) => {
            let mut whole = links.chunks_exact(LINKS_PER_STATEMENT);
            for chunk in &mut whole {
                InsertLinks::<LINKS_PER_STATEMENT>::new(chunk).execute(conn)?;
            }
            for link in whole.remainder() {
                InsertLinks::<1>::new(std::slice::from_ref(link)).execute(conn)?;
            }
        }
        Conn::Postgres(conn) => {
            if !links.is_empty() {
                diesel::copy_from(product_ingredients::table)
                    .from_insertable(links)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// PostgreSQL checks a deferred reference with a trigger per row at commit, a lookup and a row
/// lock on the product and the ingredient: for an import's millions of links that was 60 % of
/// the whole import. So an import on PostgreSQL drops the links' two references in its
/// transaction and adds them back before it commits, which checks every link at once with one
/// join. (Others' reads of the links wait for that commit; a running instance reads them only
/// when the catalog version has moved, which is at that commit.) SQLite's deferred checks are a
/// counter: nothing to do there.
pub(super) fn suspend_link_references(conn: &mut Conn) -> QueryResult<()> {
    if let Conn::Postgres(pg) = conn {
        use diesel::connection::SimpleConnection;
        pg.batch_execute(
            "ALTER TABLE product_ingredients \
             DROP CONSTRAINT product_ingredients_product_id_fkey, \
             DROP CONSTRAINT product_ingredients_ingredient_id_fkey",
        )?;
    }
    Ok(())
}

/// The references `suspend_link_references` dropped, back as the migration made them.
pub(super) fn restore_link_references(conn: &mut Conn) -> QueryResult<()> {
    if let Conn::Postgres(pg) = conn {
        use diesel::connection::SimpleConnection;
        pg.batch_execute(
            "ALTER TABLE product_ingredients \
             ADD CONSTRAINT product_ingredients_product_id_fkey FOREIGN KEY (product_id) \
                 REFERENCES products (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, \
             ADD CONSTRAINT product_ingredients_ingredient_id_fkey FOREIGN KEY (ingredient_id) \
                 REFERENCES ingredients (id) DEFERRABLE INITIALLY DEFERRED",
        )?;
    }
    Ok(())
}

/// `INSERT INTO product_ingredients ... VALUES (...), ...` for exactly `N` rows. Its SQL depends
/// on `N` alone, so diesel keeps one prepared statement per `N`, found by type; diesel's own
/// insert builds its SQL again for every row to find its statement.
struct InsertLinks<'a, const N: usize> {
    rows: &'a [ProductIngredientRow],
}

impl<'a, const N: usize> InsertLinks<'a, N> {
    fn new(rows: &'a [ProductIngredientRow]) -> Self {
        assert_eq!(rows.len(), N, "a statement of {N} links");
        InsertLinks { rows }
    }
}

impl<const N: usize> diesel::query_builder::QueryId for InsertLinks<'_, N> {
    type QueryId = InsertLinks<'static, N>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<const N: usize> diesel::query_builder::QueryFragment<Sqlite> for InsertLinks<'_, N> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, Sqlite>,
    ) -> QueryResult<()> {
        // OR FAIL: a failing row fails the statement without undoing the rows before it (the
        // transaction is rolled back anyway), so SQLite keeps no statement journal; see the
        // migration that made the references deferred.
        out.push_sql(
            "INSERT OR FAIL INTO product_ingredients (product_id, position, ingredient_id) \
             VALUES ",
        );
        for (i, row) in self.rows.iter().enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            out.push_bind_param::<Integer, _>(&row.product_id)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&row.position)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&row.ingredient_id)?;
            out.push_sql(")");
        }
        Ok(())
    }
}

impl<const N: usize> RunQueryDsl<SqliteConnection> for InsertLinks<'_, N> {}

/// The ingredient rows' ids by key, creating rows for new canonical ingredients.
pub(super) struct IngredientIds {
    /// Asked once per link by an edit or a re-resolution, once per ingredient by an import.
    by_key: FxHashMap<String, i32>,
}

impl IngredientIds {
    pub(super) fn load(conn: &mut Conn) -> QueryResult<Self> {
        let by_key = ingredients::table
            .select((ingredients::key, ingredients::id))
            .load::<(String, i32)>(conn)?
            .into_iter()
            .collect();
        Ok(IngredientIds { by_key })
    }

    pub(super) fn id_for(
        &mut self,
        conn: &mut Conn,
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
pub fn reresolve_all(conn: &mut Conn, resolver: &Resolver) -> QueryResult<usize> {
    crate::db::write_transaction(conn, |conn| {
        let stored: Vec<(i32, String)> = products::table
            .select((products::id, products::ingredients_raw))
            .order(products::id)
            .load(conn)?;
        let mut old_links: HashMap<i32, Vec<i32>> = HashMap::new();
        for (product_id, ingredient_id) in links_in_label_order(conn)? {
            old_links.entry(product_id).or_default().push(ingredient_id);
        }
        let mut ingredient_ids = IngredientIds::load(conn)?;
        let mut changed = 0;
        for (product_id, raw) in stored {
            let resolved = resolver.resolve_label(&parse_label(&raw));
            let rows = link_rows(conn, &mut ingredient_ids, resolver, product_id, resolved)?;
            let old = old_links.get(&product_id).map_or(&[][..], Vec::as_slice);
            let new: Vec<i32> = rows.iter().map(|row| row.ingredient_id).collect();
            if old == new {
                continue;
            }
            changed += 1;
            diesel::delete(
                product_ingredients::table.filter(product_ingredients::product_id.eq(product_id)),
            )
            .execute(conn)?;
            insert_links(conn, &rows)?;
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
fn refresh_ingredient_details(conn: &mut Conn, resolver: &Resolver) -> QueryResult<usize> {
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
