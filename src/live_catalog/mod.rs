//! The catalog as the site reads it: held in memory, built from the database, swapped whole
//! when the catalog changes. `index` is one immutable snapshot (products, ingredients and
//! lists, with the similarity and name indexes over them) and `LiveCatalog` the current one;
//! `watch` hears a change made elsewhere (an import, another instance's edit) and rebuilds;
//! `snapshot` keeps the last index in a local file, to start from while the database is away;
//! `id_table` finds a database id's place in memory.

pub mod id_table;
pub mod index;
pub mod snapshot;
pub mod watch;

pub use id_table::IdTable;
pub use index::{
    CatalogIndex, ListComparison, LiveCatalog, PastedIngredient, RebuildStats, SimilarProduct,
};
