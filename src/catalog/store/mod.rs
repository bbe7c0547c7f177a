//! Catalog queries, next to the catalog's model: saving products (`product_rows`), the admin's
//! edits of one product (`edits`), linking them to
//! canonical ingredients (`links`), imported ingredient references (`references`), and reading
//! the catalog for the in-memory indexes (`reads`).

mod edits;
mod links;
mod product_rows;
mod reads;
mod references;

use crate::db::Conn;
use diesel::prelude::*;

use crate::schema::{catalog_state, products};

pub use edits::{add_product, delete_product, stored_product, update_product, EditError};
pub use links::reresolve_all;
pub use product_rows::{save_products, SaveCounts};
pub use reads::{
    all_ingredients, all_products, links_in_label_order, products_containing, CatalogRows,
};
pub use references::{load_resolver, save_references, ReferenceKind};

pub fn catalog_version(conn: &mut Conn) -> QueryResult<i32> {
    catalog_state::table
        .select(catalog_state::version)
        .first(conn)
}

/// Moves the catalog version on, so that every running instance rebuilds its index. On
/// PostgreSQL the change is also announced (delivered at commit) to the instances listening
/// (`live_catalog::watch`), which then rebuild at once instead of at their next check.
pub(super) fn bump_catalog_version(conn: &mut Conn) -> QueryResult<()> {
    diesel::update(catalog_state::table)
        .set(catalog_state::version.eq(catalog_state::version + 1))
        .execute(conn)?;
    if let Conn::Postgres(pg) = conn {
        use diesel::connection::SimpleConnection;
        pg.batch_execute(&format!("NOTIFY {}", crate::db::NOTIFY_CHANNEL))?;
    }
    Ok(())
}

pub fn count_products(conn: &mut Conn) -> QueryResult<i64> {
    products::table.count().get_result(conn)
}
