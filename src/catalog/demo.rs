//! The built-in demo catalog: fictional brands and formulas written by the seongbun team for
//! this repository (not taken from any dataset), loaded on first start into an empty catalog.

use crate::db::Conn;

use super::import::{import_text, ImportError, ImportReport};
use super::store;

/// The demo catalog in our generic import format.
pub const DEMO_CATALOG_CSV: &str = include_str!("demo_catalog.csv");
/// The source name demo products carry, so pages can label them as demo data.
pub const DEMO_SOURCE: &str = "seongbun demo catalog";

/// Loads the demo catalog if the catalog is empty. Returns the import report when it did.
pub fn seed_if_empty(conn: &mut Conn) -> Result<Option<ImportReport>, ImportError> {
    let empty = store::count_products(conn).map_err(|source| ImportError::Database {
        path: DEMO_SOURCE.to_string(),
        source,
    })? == 0;
    if !empty {
        return Ok(None);
    }
    import_text(conn, DEMO_SOURCE, DEMO_CATALOG_CSV).map(Some)
}
