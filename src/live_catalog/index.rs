//! The catalog as the site reads it: every product, ingredient and list held in memory with the
//! similarity and name indexes built over them. A snapshot is immutable; a catalog change
//! builds a new one and swaps it in, so readers see the old or the new catalog, never half.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::db::Conn;

use crate::catalog::model::{Ingredient, ProductSummary};
use crate::catalog::store::{self, CatalogRows};
use crate::ingredients::fuzzy::{GuessBudget, NearestNames};
use crate::ingredients::{ingredient_key, CanonicalIngredient, LabelText, PastedText, Resolver};
use crate::live_catalog::id_table::IdTable;
use crate::live_catalog::snapshot::SnapshotWriter;
use crate::search::{NameIndex, NameMatch, SearchOutcome};
use crate::similarity::narrowing::brand_key;
use crate::similarity::weights::marks_trace;
use crate::similarity::{Comparison, Narrowing, SimilarMatch, SimilarityIndex};

#[derive(serde::Serialize, serde::Deserialize)]
pub struct CatalogIndex {
    version: i32,
    /// Every product; `product_at` finds one by id. Kept in a `Vec` rather than as a map's
    /// values: a million summaries in a half-empty hash table took twice their own size.
    products: Vec<ProductSummary>,
    product_at: IdTable,
    /// Per product (as `products`), its category's place in `categories`: a narrowed ranking
    /// asks hundreds of candidates their category, and most answer no, without their summary
    /// being read.
    category_of: Vec<u32>,
    categories: Vec<String>,
    /// Fx, not SipHash: read once per chip of every page (the ids are the database's own).
    ingredients: FxHashMap<i32, Ingredient>,
    ingredient_by_key: HashMap<String, i32>,
    /// The catalog's ingredients by INCI and Korean name, for a name nobody knows that OCR or
    /// typing bent (`Glycerln`, `글라세린`).
    nearest_names: NearestNames<i32>,
    /// Also the one copy of the ingredient lists: a product's list and the products holding
    /// an ingredient (by brand and name) are read from it.
    similarity: SimilarityIndex,
    names: NameIndex,
    resolver: Resolver,
    sources: std::collections::HashSet<String>,
}

/// A similar product with what it shares, ready to show.
#[derive(Debug, Clone)]
pub struct SimilarProduct<'a> {
    pub product: &'a ProductSummary,
    /// The other products with the same formula (its Mini, its Refill): one result, "also
    /// sold as".
    pub same_formula: Vec<&'a ProductSummary>,
    pub score: f32,
    pub shared: Vec<&'a Ingredient>,
}

/// Two products' ingredient ids compared.
#[derive(Debug, Clone, PartialEq)]
pub struct ListComparison {
    pub score: f32,
    pub both: Vec<i32>,
    pub only_a: Vec<i32>,
    pub only_b: Vec<i32>,
}

/// How many of a pasted list's best answers sister products are told apart among.
const SISTERS_AMONG: usize = 4;

/// One ingredient of a pasted list as seongbun understood it.
#[derive(Debug, Clone)]
pub struct PastedIngredient<'a> {
    pub label_name: String,
    pub canonical: CanonicalIngredient,
    /// The catalog's ingredient, when some product holds it.
    pub known: Option<&'a Ingredient>,
    /// Whether `known` is the nearest known name to one nobody knows, not the name itself.
    pub guessed: bool,
}

impl CatalogIndex {
    pub fn build(rows: CatalogRows, resolver: Resolver, version: i32) -> Self {
        let links = rows.links;
        let built = Self::assemble(rows.products, rows.ingredients, resolver, version, || {
            Ok::<_, std::convert::Infallible>(links)
        });
        match built {
            Ok(index) => index,
            Err(never) => match never {},
        }
    }

    /// Reads the whole catalog from the database and indexes it.
    pub fn load(conn: &mut Conn) -> diesel::QueryResult<Self> {
        Self::read(conn, |conn, _| store::links_in_label_order(conn))
    }

    /// Reads the products, ingredients and references in one read transaction on `conn`, so
    /// that they are of one catalog, and indexes them with the links `read_links` gives (on
    /// `conn`, or elsewhere for the catalog version it is given).
    fn read<E: From<diesel::result::Error>>(
        conn: &mut Conn,
        read_links: impl FnOnce(&mut Conn, i32) -> Result<Vec<(i32, i32)>, E>,
    ) -> Result<Self, E> {
        crate::db::read_transaction(conn, |conn| {
            let version = store::catalog_version(conn)?;
            let resolver = store::load_resolver(conn)?;
            let products = store::all_products(conn)?;
            let ingredients = store::all_ingredients(conn)?;
            Self::assemble(products, ingredients, resolver, version, || {
                read_links(conn, version)
            })
        })
    }

    /// `load`, with the lists read on `second` while `conn` reads the products: the start-up
    /// path, where reading 32 million links is the longest read of a million-product start,
    /// and the products can be read and name-indexed meanwhile. Each connection reads in one
    /// transaction (a snapshot); the two saw the same catalog when they saw the same version,
    /// and should a change land between their starts, the catalog is read again on `conn`
    /// alone.
    pub fn load_side_by_side(conn: &mut Conn, second: &mut Conn) -> diesel::QueryResult<Self> {
        let read = std::thread::scope(|scope| {
            let lists = scope.spawn(|| {
                crate::db::read_transaction(second, |second| {
                    let version = store::catalog_version(second)?;
                    let links = store::links_in_label_order(second)?;
                    Ok::<_, diesel::result::Error>((version, links))
                })
            });
            Self::read(conn, |_, version| match joined(lists)? {
                (read_at, links) if read_at == version => Ok(links),
                _ => Err(SideBySide::VersionMoved),
            })
        });
        match read {
            Ok(index) => Ok(index),
            Err(SideBySide::VersionMoved) => {
                log::info!("the catalog changed while it was read: reading it again");
                Self::load(conn)
            }
            Err(SideBySide::Failed(e)) => Err(e),
        }
    }

    /// Indexes the catalog on both cores. The name index and the brand-and-name order need only
    /// the products, so two more threads make them while `read_links` reads the lists (from the
    /// database at start-up: half of a million-product start); the name index, the longest,
    /// may still be in the making while the similarity index is built.
    fn assemble<E>(
        products: Vec<ProductSummary>,
        ingredients: Vec<Ingredient>,
        resolver: Resolver,
        version: i32,
        read_links: impl FnOnce() -> Result<Vec<(i32, i32)>, E>,
    ) -> Result<Self, E> {
        let product_at = IdTable::new(products.iter().map(|p| p.id));
        let (names, similarity) = std::thread::scope(|scope| {
            let names = scope.spawn(|| {
                NameIndex::build(products.iter().map(|p| {
                    (
                        p.id,
                        p.brand.as_str(),
                        p.name.as_str(),
                        p.aliases.as_slice(),
                    )
                }))
            });
            let by_name = scope.spawn(|| by_brand_and_name(&products));
            let links = read_links();
            let by_name = joined(by_name);
            let similarity = links.map(|links| {
                similarity_index(&products, &product_at, &ingredients, &by_name, links)
            });
            (joined(names), similarity)
        });
        let mut similarity = similarity?;
        let (category_of, categories) = interned(products.iter().map(|p| p.category.as_str()));
        // A ranking narrowed to one category drops the others' formulas at one read each.
        similarity.tag_groups(|id| {
            product_at
                .get(id)
                .map_or(u32::MAX, |at| category_of[at as usize])
        });
        let ingredient_by_key: HashMap<String, i32> =
            ingredients.iter().map(|i| (i.key.clone(), i.id)).collect();
        // How common each ingredient is settles a guess between a common name and a rare
        // misspelt copy of it equally near.
        let weight = |id: i32| u32::try_from(similarity.formulas_holding(id)).unwrap_or(u32::MAX);
        let korean = resolver.korean_names().filter_map(|(korean, inci)| {
            let id = *ingredient_by_key.get(&ingredient_key(inci))?;
            Some((korean, id, weight(id)))
        });
        let nearest_names = NearestNames::weighted(
            ingredients
                .iter()
                .map(|i| (i.name.as_str(), i.id, weight(i.id)))
                .chain(korean),
        );
        Ok(CatalogIndex {
            version,
            sources: products.iter().map(|p| p.source.clone()).collect(),
            ingredient_by_key,
            nearest_names,
            // Each ingredient's Korean name looked up once here, not for every chip of every
            // page (a string-keyed map per chip): `Ingredient::name_ko` is the one to show.
            ingredients: ingredients
                .into_iter()
                .map(|mut i| {
                    if i.name_ko.is_none() {
                        i.name_ko = resolver.korean_name_of(&i.key).map(str::to_string);
                    }
                    (i.id, i)
                })
                .collect(),
            product_at,
            category_of,
            categories,
            products,
            similarity,
            names,
            resolver,
        })
    }

    /// Puts back what a snapshot file leaves out (`snapshot`): each ingredient's folded key,
    /// which the JSON answers skip and `ingredient_by_key` holds anyway.
    pub(super) fn after_snapshot_read(&mut self) {
        for (key, id) in &self.ingredient_by_key {
            if let Some(ingredient) = self.ingredients.get_mut(id) {
                ingredient.key.clone_from(key);
            }
        }
    }

    /// How this snapshot's catalog resolves ingredient names (built-in and imported references).
    pub fn resolver(&self) -> &Resolver {
        &self.resolver
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn product_count(&self) -> usize {
        self.products.len()
    }

    /// Whether any product came from `source` (the demo catalog, say).
    pub fn has_products_from(&self, source: &str) -> bool {
        self.sources.contains(source)
    }

    /// Every product, in no particular order.
    pub fn products(&self) -> &[ProductSummary] {
        &self.products
    }

    pub fn product(&self, id: i32) -> Option<&ProductSummary> {
        let at = self.product_at.get(id)?;
        self.products.get(at as usize)
    }

    pub fn ingredient(&self, id: i32) -> Option<&Ingredient> {
        self.ingredients.get(&id)
    }

    /// A product's ingredients in label order.
    pub fn ingredients_of(&self, product_id: i32) -> Vec<&Ingredient> {
        self.similarity
            .ingredients_of(product_id)
            .filter_map(|id| self.ingredients.get(&id))
            .collect()
    }

    /// The other products whose list is the same as product `id`'s, by brand and name.
    pub fn same_formula_as(&self, id: i32) -> Vec<&ProductSummary> {
        self.similarity
            .same_formula_as(id)
            .into_iter()
            .filter_map(|twin| self.product(twin))
            .collect()
    }

    /// The `limit` products most like product `id` by ingredients; `None` when there is no
    /// such product, an empty list when it has no ingredient information.
    pub fn similar_products(&self, id: i32, limit: usize) -> Option<Vec<SimilarProduct<'_>>> {
        self.similar_products_narrowed(id, limit, &Narrowing::default())
    }

    /// The `limit` products most like product `id` among those `narrowing` keeps.
    pub fn similar_products_narrowed(
        &self,
        id: i32,
        limit: usize,
        narrowing: &Narrowing,
    ) -> Option<Vec<SimilarProduct<'_>>> {
        self.product(id)?;
        // `None` when any category will do; a category no product has keeps none.
        let category = narrowing.category.as_ref().map(|wanted| {
            self.categories
                .iter()
                .position(|c| c == wanted)
                .map(|c| c as u32)
        });
        // The category is compared by its place, so the rest need not compare its name (a
        // summary and a string read per candidate).
        let rest = Narrowing {
            category: None,
            ..narrowing.clone()
        };
        // Most rankings narrow by nothing but the category, which the index checks itself
        // (`similar_to_product_in`) for all but formulas sold in several categories.
        let keeps_all_but_category = rest == Narrowing::default();
        // What a product of a formula of the category alone is asked: the rest, if anything.
        let keep_besides_category = |candidate: i32| {
            keeps_all_but_category || {
                let Some(at) = self.product_at.get(candidate) else {
                    return false;
                };
                rest.keeps(&self.products[at as usize], || {
                    self.similarity.ingredients_of(candidate)
                })
            }
        };
        // Any other product (of a formula sold in several categories): its category too.
        let keep = |candidate: i32| {
            let in_category = match category {
                None => true,
                Some(wanted) => self
                    .product_at
                    .get(candidate)
                    .is_some_and(|at| wanted == Some(self.category_of[at as usize])),
            };
            in_category && keep_besides_category(candidate)
        };
        let found = self
            .similarity
            .similar_to_product_in(id, limit, category.flatten(), keep, keep_besides_category)
            .unwrap_or_default();
        Some(self.present(found))
    }

    /// Two products' lists side by side: the ingredients in both (in A's order) and in each
    /// only, with their similarity score.
    pub fn compare(&self, a: i32, b: i32) -> ListComparison {
        let list = |id: i32| -> Vec<i32> { self.similarity.ingredients_of(id).collect() };
        let (list_a, list_b) = (list(a), list(b));
        let in_a: std::collections::HashSet<i32> = list_a.iter().copied().collect();
        let in_b: std::collections::HashSet<i32> = list_b.iter().copied().collect();
        ListComparison {
            score: self.similarity.score_between(a, b),
            both: list_a
                .iter()
                .copied()
                .filter(|i| in_b.contains(i))
                .collect(),
            only_a: list_a
                .iter()
                .copied()
                .filter(|i| !in_b.contains(i))
                .collect(),
            only_b: list_b
                .iter()
                .copied()
                .filter(|i| !in_a.contains(i))
                .collect(),
        }
    }

    /// The catalog's ingredients named in `text` (a list as on a label, in Korean or INCI),
    /// and the names it does not hold.
    pub fn ingredients_named(&self, text: &str) -> (Vec<&Ingredient>, Vec<String>) {
        let (known, unknown): (Vec<_>, Vec<_>) = self
            .understand(&crate::ingredients::parse_label(text))
            .into_iter()
            .partition(|p| p.known.is_some());
        (
            known.into_iter().filter_map(|p| p.known).collect(),
            unknown.into_iter().map(|p| p.label_name).collect(),
        )
    }

    /// Each name of `text` (a list as on a label), in the label's order, with whether the
    /// catalog knows it: how a label photo's read is judged (`label_photo::Understood::of`)
    /// and cut to its list (`label_photo::list_core`).
    pub fn names_known(&self, text: &str) -> Vec<crate::label_photo::ReadName> {
        self.understand(&crate::ingredients::parse_label(text))
            .into_iter()
            .map(|p| crate::label_photo::ReadName {
                known: p.known.is_some(),
                label_name: p.label_name,
            })
            .collect()
    }

    /// Each name of a label resolved, with the catalog's ingredient when some product holds it.
    /// Names nobody knows are guessed within one list's budget (`GuessBudget::PER_LIST`).
    fn understand(&self, label: &LabelText) -> Vec<PastedIngredient<'_>> {
        let mut budget = GuessBudget::PER_LIST;
        self.resolver
            .resolve_label(label)
            .into_iter()
            .map(|resolved| {
                let exact = self.ingredient_by_key.get(&resolved.canonical.key);
                // A name nobody knows may be a known one bent by OCR or a slip of the keys.
                let guessed = exact
                    .is_none()
                    .then(|| {
                        self.nearest_names
                            .nearest_within(&resolved.canonical.name, &mut budget)
                    })
                    .flatten();
                let known = exact
                    .copied()
                    .or(guessed)
                    .and_then(|id| self.ingredients.get(&id));
                PastedIngredient {
                    known,
                    guessed: guessed.is_some() && known.is_some(),
                    label_name: resolved.label_name,
                    canonical: resolved.canonical,
                }
            })
            .collect()
    }

    /// The products holding ingredient `id`, by brand and name.
    pub fn products_with(&self, ingredient_id: i32) -> Vec<i32> {
        self.similarity.products_holding(ingredient_id)
    }

    /// The `limit` products closest to a pasted list, with what was understood of it: of
    /// answers scoring nearly the same (sister products), the one listing the pasted names in
    /// their order first (`label_photo::printed_name`).
    pub fn similar_to_pasted(
        &self,
        pasted: &PastedText,
        limit: usize,
    ) -> (Vec<PastedIngredient<'_>>, Vec<SimilarProduct<'_>>) {
        self.similar_to_label(pasted, limit, "")
    }

    /// `similar_to_pasted` for a list read from a label photo, `above` what is printed above
    /// it: of answers scoring nearly the same, the one the label names, or else lists in the
    /// read's order, first.
    pub fn similar_to_label(
        &self,
        pasted: &PastedText,
        limit: usize,
        above: &str,
    ) -> (Vec<PastedIngredient<'_>>, Vec<SimilarProduct<'_>>) {
        let understood = self.understand(pasted.label());
        let ids: Vec<Option<i32>> = understood.iter().map(|p| p.known.map(|i| i.id)).collect();
        // Sisters are told apart among the first few whatever the limit: an answer of one
        // (`?limit=1`) is the first of the page's four.
        let found = self.similarity.similar_to_list(
            &ids,
            Comparison::PastedList,
            limit.max(SISTERS_AMONG),
            |_| true,
        );
        let mut found = self.present(found);
        let read: Vec<i32> = ids.iter().flatten().copied().collect();
        crate::label_photo::printed_name::named_first(
            &mut found,
            above,
            &read,
            |f| f.score,
            |f| format!("{} {}", f.product.brand, f.product.name),
            |f| self.similarity.ingredients_of(f.product.id).collect(),
        );
        found.truncate(limit);
        (understood, found)
    }

    /// Products matching a name query, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(&ProductSummary, f32)> {
        self.names
            .search(query, limit)
            .into_iter()
            .filter_map(|m| self.with_product(m))
            .collect()
    }

    /// The similarity index itself (benchmarks compare it with its exhaustive ranking).
    pub fn similarity(&self) -> &SimilarityIndex {
        &self.similarity
    }

    /// The name index itself (benchmarks compare it with its exhaustive ranking).
    pub fn names(&self) -> &NameIndex {
        &self.names
    }

    /// What a person searching `query` should see.
    pub fn find(&self, query: &str, limit: usize) -> SearchOutcome {
        self.names.find(query, limit)
    }

    fn with_product(&self, m: NameMatch) -> Option<(&ProductSummary, f32)> {
        self.product(m.product_id).map(|p| (p, m.score))
    }

    fn present(&self, found: Vec<SimilarMatch>) -> Vec<SimilarProduct<'_>> {
        found
            .into_iter()
            .filter_map(|m| {
                Some(SimilarProduct {
                    product: self.product(m.product_id)?,
                    same_formula: m
                        .same_formula
                        .iter()
                        .filter_map(|id| self.product(*id))
                        .collect(),
                    score: m.score,
                    shared: m
                        .shared
                        .iter()
                        .filter_map(|id| self.ingredients.get(id))
                        .collect(),
                })
            })
            .collect()
    }
}

/// Why reading the catalog on two connections did not give an index.
enum SideBySide {
    Failed(diesel::result::Error),
    /// The two connections saw different catalog versions.
    VersionMoved,
}

impl From<diesel::result::Error> for SideBySide {
    fn from(e: diesel::result::Error) -> Self {
        SideBySide::Failed(e)
    }
}

/// The result of a scoped thread; its panic, if any, goes on in the caller.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Each value's place in a list of the distinct values, and that list.
fn interned<'a>(values: impl Iterator<Item = &'a str>) -> (Vec<u32>, Vec<String>) {
    let mut distinct: Vec<String> = Vec::new();
    let mut place: HashMap<&'a str, u32> = HashMap::new();
    let places = values
        .map(|value| {
            *place.entry(value).or_insert_with(|| {
                distinct.push(value.to_string());
                (distinct.len() - 1) as u32
            })
        })
        .collect();
    (places, distinct)
}

/// Indexes into `products` by brand, then name, then id: the order an ingredient's products
/// are listed in.
fn by_brand_and_name(products: &[ProductSummary]) -> Vec<u32> {
    let mut by_name: Vec<u32> = (0..products.len() as u32).collect();
    by_name.sort_unstable_by(|a, b| {
        let (a, b) = (&products[*a as usize], &products[*b as usize]);
        (&a.brand, &a.name, a.id).cmp(&(&b.brand, &b.name, b.id))
    });
    by_name
}

/// The similarity index over each product's list, the products taken by brand and name (so
/// that its postings list an ingredient's products in that order, and a formula is shown as
/// the first of its products by brand and name), from `links`: (product id, ingredient id) in
/// label order per product. A product kept without ingredient information has no list.
fn similarity_index(
    products: &[ProductSummary],
    product_at: &IdTable,
    ingredients: &[Ingredient],
    by_name: &[u32],
    mut links: Vec<(i32, i32)>,
) -> SimilarityIndex {
    // Stable: a product's links stay in label order.
    if !links.is_sorted_by_key(|link| link.0) {
        links.sort_by_key(|link| link.0);
    }
    let mut runs: FxHashMap<i32, (usize, usize)> = FxHashMap::default();
    runs.reserve(products.len());
    let mut start = 0;
    for run in links.chunk_by(|a, b| a.0 == b.0) {
        runs.insert(run[0].0, (start, start + run.len()));
        start += run.len();
    }
    let trace_markers: std::collections::HashSet<i32> = ingredients
        .iter()
        .filter(|i| marks_trace(&i.key))
        .map(|i| i.id)
        .collect();
    // Brands as the narrowing compares them: "LANEIGE" and "Laneige" are one brand.
    let brand_keys: Vec<String> = products.iter().map(|p| brand_key(&p.brand)).collect();
    let (brand_of, _) = interned(brand_keys.iter().map(String::as_str));
    SimilarityIndex::build_with(
        by_name.iter().map(|at| {
            let product = &products[*at as usize];
            let (start, end) = match product.no_ingredients_reason {
                None => runs.get(&product.id).copied().unwrap_or((0, 0)),
                Some(_) => (0, 0),
            };
            (product.id, links[start..end].iter().map(|link| link.1))
        }),
        |id| trace_markers.contains(&id),
        |id| product_at.get(id).map(|at| brand_of[at as usize]),
    )
}

/// The current snapshot, swapped whole when the catalog changes.
pub struct LiveCatalog {
    current: RwLock<Arc<CatalogIndex>>,
    /// Held while a new snapshot is built: a change announced to the watcher and made by this
    /// instance's admin is built once, not twice side by side.
    rebuilding: Mutex<()>,
    rebuilds: AtomicU64,
    last_rebuild_micros: AtomicU64,
    /// Where each new index is also written, for a start while the database is away.
    snapshots: std::sync::OnceLock<SnapshotWriter>,
}

/// How often the catalog was rebuilt, and how long the last rebuild took (for `/metrics`).
#[derive(Debug, Clone, Copy)]
pub struct RebuildStats {
    pub rebuilds: u64,
    pub last_rebuild: Duration,
}

impl LiveCatalog {
    pub fn new(index: CatalogIndex) -> Self {
        LiveCatalog {
            current: RwLock::new(Arc::new(index)),
            rebuilding: Mutex::new(()),
            rebuilds: AtomicU64::new(0),
            last_rebuild_micros: AtomicU64::new(0),
            snapshots: std::sync::OnceLock::new(),
        }
    }

    /// From now on, writes each new index to `writer`'s file, and the current one if
    /// `write_current`.
    pub fn keep_snapshots(&self, writer: SnapshotWriter, write_current: bool) {
        let writer = self.snapshots.get_or_init(|| writer);
        if write_current {
            writer.keep(&self.snapshot());
        }
    }

    /// Sets how long the index took to build at start, the measure of a rebuild until one
    /// has been made (`watch` staggers rebuilds by it).
    pub fn set_first_build_time(&self, took: Duration) {
        self.last_rebuild_micros.store(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub fn rebuild_stats(&self) -> RebuildStats {
        RebuildStats {
            rebuilds: self.rebuilds.load(Ordering::Relaxed),
            last_rebuild: Duration::from_micros(self.last_rebuild_micros.load(Ordering::Relaxed)),
        }
    }

    pub fn snapshot(&self) -> Arc<CatalogIndex> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, index: CatalogIndex) {
        let index = Arc::new(index);
        if let Some(writer) = self.snapshots.get() {
            writer.keep(&index);
        }
        match self.current.write() {
            Ok(mut guard) => *guard = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }

    /// Whether the database's catalog version differs from the one served.
    pub fn is_behind(&self, conn: &mut Conn) -> diesel::QueryResult<bool> {
        Ok(store::catalog_version(conn)? != self.snapshot().version())
    }

    /// Rebuilds the snapshot if the database's catalog version moved on (an import in another
    /// process, an admin edit). Blocking: call from a worker thread. Returns whether it did.
    pub fn refresh_if_changed(&self, conn: &mut Conn) -> diesel::QueryResult<bool> {
        if !self.is_behind(conn)? {
            return Ok(false);
        }
        let _building = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
        // Another thread may have built it while this one waited.
        if !self.is_behind(conn)? {
            return Ok(false);
        }
        // A snapshot file being written holds an index: wait for it, so that this instance
        // holds at most the index it serves and the one it builds.
        if let Some(writer) = self.snapshots.get() {
            drop(writer.writing.lock().unwrap_or_else(|e| e.into_inner()));
        }
        let started = Instant::now();
        let index = CatalogIndex::load(conn)?;
        let took = started.elapsed();
        log::info!(
            "catalog changed: reindexed {} products (version {}) in {took:.2?}",
            index.product_count(),
            index.version()
        );
        self.replace(index);
        self.rebuilds.fetch_add(1, Ordering::Relaxed);
        self.last_rebuild_micros.store(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i32, brand: &str, name: &str, reason: Option<&str>) -> ProductSummary {
        ProductSummary {
            id,
            brand: brand.into(),
            name: name.into(),
            category: "serum".into(),
            price_cents: None,
            currency: String::new(),
            aliases: Vec::new(),
            no_ingredients_reason: reason.map(str::to_string),
            source: "test".into(),
        }
    }

    fn ingredient(id: i32, name: &str) -> Ingredient {
        Ingredient {
            id,
            key: name.to_lowercase(),
            name: name.into(),
            name_ko: None,
            functions: None,
        }
    }

    #[test]
    fn reading_on_two_connections_gives_one_catalog_even_when_it_changes_between_the_reads() {
        use crate::db::Conn;
        use diesel::connection::TransactionManager;
        use diesel::RunQueryDsl;
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(dir.path().join("catalog.db").to_str().unwrap()).unwrap();
        let (mut conn, mut second, mut writer) = (
            pool.get().unwrap(),
            pool.get().unwrap(),
            pool.get().unwrap(),
        );
        crate::catalog::demo::seed_if_empty(&mut conn).unwrap();
        let one = CatalogIndex::load(&mut conn).unwrap();
        let two = CatalogIndex::load_side_by_side(&mut conn, &mut second).unwrap();
        assert_eq!(two.version(), one.version());
        assert_eq!(two.product_count(), one.product_count());
        let listed = |index: &CatalogIndex, id: i32| -> Vec<i32> {
            index.ingredients_of(id).iter().map(|i| i.id).collect()
        };
        assert!(!listed(&two, 1).is_empty());
        assert_eq!(listed(&two, 1), listed(&one, 1));

        // `second` is held in a read begun before product 1 loses its list: it reads the
        // catalog as it was, `conn` as it is.
        <Conn as TransactionManager<Conn>>::begin_transaction(&mut second).unwrap();
        store::catalog_version(&mut second).unwrap();
        diesel::sql_query("DELETE FROM product_ingredients WHERE product_id = 1")
            .execute(&mut *writer)
            .unwrap();
        diesel::sql_query("UPDATE catalog_state SET version = version + 1")
            .execute(&mut *writer)
            .unwrap();
        let after = CatalogIndex::load_side_by_side(&mut conn, &mut second).unwrap();
        <Conn as TransactionManager<Conn>>::rollback_transaction(&mut second).unwrap();
        assert_eq!(after.version(), one.version() + 1);
        assert!(listed(&after, 1).is_empty(), "the old lists were not taken");
        assert_eq!(listed(&after, 2), listed(&one, 2));
    }

    #[test]
    fn lists_keep_label_order_and_an_ingredient_lists_its_products_by_brand_and_name() {
        let rows = CatalogRows {
            products: vec![
                product(1, "Zeta", "Cream", None),
                product(2, "Alpha", "Toner", None),
                product(3, "Alpha", "Serum", None),
                product(4, "Beta", "Mist", Some("no list on the page")),
            ],
            ingredients: vec![
                ingredient(10, "Water"),
                ingredient(11, "Glycerin"),
                ingredient(12, "Niacinamide"),
            ],
            // Product 1's links are split, as an edited product's are in the table.
            links: vec![
                (1, 10),
                (3, 12),
                (3, 10),
                (2, 10),
                (2, 11),
                (2, 10),
                (1, 12),
                (4, 10),
            ],
        };
        let index = CatalogIndex::build(rows, Resolver::builtin(), 1);
        let names = |id: i32| -> Vec<String> {
            index
                .ingredients_of(id)
                .iter()
                .map(|i| i.name.clone())
                .collect()
        };
        assert_eq!(names(1), ["Water", "Niacinamide"]);
        assert_eq!(names(2), ["Water", "Glycerin", "Water"]);
        assert_eq!(names(3), ["Niacinamide", "Water"]);
        assert!(names(4).is_empty(), "kept without ingredient information");
        // Alpha Serum, Alpha Toner (once, though its list names water twice), Zeta Cream.
        assert_eq!(index.products_with(10), [3, 2, 1]);
        assert_eq!(index.products_with(12), [3, 1]);
        assert_eq!(index.product(4).map(|p| p.name.as_str()), Some("Mist"));
        assert!(index.product(5).is_none());
        let compared = index.compare(1, 3);
        assert_eq!(compared.both, [10, 12]);
        assert!(compared.only_a.is_empty() && compared.only_b.is_empty());
    }
}
