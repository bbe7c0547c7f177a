//! The catalog as the site reads it: every product, ingredient and list held in memory with the
//! similarity and name indexes built over them. A snapshot is immutable; a catalog change
//! builds a new one and swaps it in, so readers see the old or the new catalog, never half.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::sync::{Arc, RwLock};

use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use crate::catalog::model::{Ingredient, ProductSummary};
use crate::catalog::store::{self, CatalogRows};
use crate::ingredients::{CanonicalIngredient, LabelText, PastedText, Resolver};
use crate::search::{NameIndex, NameMatch, SearchOutcome};
use crate::similarity::{Comparison, Narrowing, SimilarMatch, SimilarityIndex};

pub struct CatalogIndex {
    version: i32,
    /// Fx-hashed: `keep` looks products and lists up thousands of times a ranking.
    products: FxHashMap<i32, ProductSummary>,
    ingredients: HashMap<i32, Ingredient>,
    ingredient_by_key: HashMap<String, i32>,
    lists: FxHashMap<i32, Vec<i32>>,
    /// Per ingredient, the products holding it, by brand and name.
    products_by_ingredient: FxHashMap<i32, Vec<i32>>,
    similarity: SimilarityIndex,
    names: NameIndex,
    resolver: Resolver,
    sources: std::collections::HashSet<String>,
}

/// A similar product with what it shares, ready to show.
#[derive(Debug, Clone)]
pub struct SimilarProduct<'a> {
    pub product: &'a ProductSummary,
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

/// One ingredient of a pasted list as seongbun understood it.
#[derive(Debug, Clone)]
pub struct PastedIngredient<'a> {
    pub label_name: String,
    pub canonical: CanonicalIngredient,
    /// The catalog's ingredient, when some product holds it.
    pub known: Option<&'a Ingredient>,
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
    pub fn load(conn: &mut SqliteConnection) -> diesel::QueryResult<Self> {
        // One read transaction: the version, references and rows of the same catalog.
        conn.transaction(|conn| {
            let version = store::catalog_version(conn)?;
            let resolver = store::load_resolver(conn)?;
            let products = store::all_products(conn)?;
            let ingredients = store::all_ingredients(conn)?;
            Self::assemble(products, ingredients, resolver, version, || {
                store::links_in_label_order(conn)
            })
        })
    }

    /// Indexes the catalog on both cores. The name index and the brand-and-name order need only
    /// the products, so a second thread makes them while `read_links` reads the lists (from the
    /// database at start-up: half of a million-product start); then "which products hold X"
    /// and the similarity index are built side by side.
    fn assemble<E>(
        products: Vec<ProductSummary>,
        ingredients: Vec<Ingredient>,
        resolver: Resolver,
        version: i32,
        read_links: impl FnOnce() -> Result<Vec<(i32, i32)>, E>,
    ) -> Result<Self, E> {
        let (names, built) = std::thread::scope(|scope| {
            let by_products_alone = scope.spawn(|| {
                let names = NameIndex::build(products.iter().map(|p| {
                    (
                        p.id,
                        p.brand.as_str(),
                        p.name.as_str(),
                        p.aliases.as_slice(),
                    )
                }));
                (names, ids_by_brand_and_name(&products))
            });
            let links = read_links();
            let (names, by_name) = joined(by_products_alone);
            let built = links.map(|links| {
                let lists = lists_by_product(links);
                let (similarity, products_by_ingredient) = std::thread::scope(|scope| {
                    let holding = scope.spawn(|| products_by_ingredient(&by_name, &lists));
                    let similarity = SimilarityIndex::build(products.iter().map(|p| {
                        let list = match p.no_ingredients_reason {
                            None => lists.get(&p.id).map(Vec::as_slice).unwrap_or(&[]),
                            Some(_) => &[],
                        };
                        (p.id, list)
                    }));
                    (similarity, joined(holding))
                });
                (lists, similarity, products_by_ingredient)
            });
            (names, built)
        });
        let (lists, similarity, products_by_ingredient) = built?;
        Ok(CatalogIndex {
            version,
            sources: products.iter().map(|p| p.source.clone()).collect(),
            ingredient_by_key: ingredients.iter().map(|i| (i.key.clone(), i.id)).collect(),
            ingredients: ingredients.into_iter().map(|i| (i.id, i)).collect(),
            products: products.into_iter().map(|p| (p.id, p)).collect(),
            lists,
            products_by_ingredient,
            similarity,
            names,
            resolver,
        })
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

    pub fn product(&self, id: i32) -> Option<&ProductSummary> {
        self.products.get(&id)
    }

    pub fn ingredient(&self, id: i32) -> Option<&Ingredient> {
        self.ingredients.get(&id)
    }

    /// A product's ingredients in label order.
    pub fn ingredients_of(&self, product_id: i32) -> Vec<&Ingredient> {
        self.lists
            .get(&product_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.ingredients.get(id))
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
        self.products.get(&id)?;
        let keep = |candidate: i32| {
            self.products.get(&candidate).is_some_and(|product| {
                let list = self.lists.get(&candidate).map_or(&[][..], Vec::as_slice);
                narrowing.keeps(product, list)
            })
        };
        let found = self
            .similarity
            .similar_to_product(id, limit, keep)
            .unwrap_or_default();
        Some(self.present(found))
    }

    /// Two products' lists side by side: the ingredients in both (in A's order) and in each
    /// only, with their similarity score.
    pub fn compare(&self, a: i32, b: i32) -> ListComparison {
        let list = |id: i32| self.lists.get(&id).map_or(&[][..], Vec::as_slice);
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

    /// Each name of a label resolved, with the catalog's ingredient when some product holds it.
    fn understand(&self, label: &LabelText) -> Vec<PastedIngredient<'_>> {
        self.resolver
            .resolve_label(label)
            .into_iter()
            .map(|resolved| PastedIngredient {
                known: self
                    .ingredient_by_key
                    .get(&resolved.canonical.key)
                    .and_then(|id| self.ingredients.get(id)),
                label_name: resolved.label_name,
                canonical: resolved.canonical,
            })
            .collect()
    }

    /// The products holding ingredient `id`, by brand and name.
    pub fn products_with(&self, ingredient_id: i32) -> &[i32] {
        self.products_by_ingredient
            .get(&ingredient_id)
            .map_or(&[], Vec::as_slice)
    }

    /// The `limit` products closest to a pasted list, with what was understood of it.
    pub fn similar_to_pasted(
        &self,
        pasted: &PastedText,
        limit: usize,
    ) -> (Vec<PastedIngredient<'_>>, Vec<SimilarProduct<'_>>) {
        let understood = self.understand(pasted.label());
        let ids: Vec<Option<i32>> = understood.iter().map(|p| p.known.map(|i| i.id)).collect();
        let found = self
            .similarity
            .similar_to_list(&ids, Comparison::PastedList, limit, |_| true);
        (understood, self.present(found))
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

    pub fn korean_name_of(&self, ingredient: &Ingredient) -> Option<String> {
        ingredient.name_ko.clone().or_else(|| {
            self.resolver
                .korean_name_of(&ingredient.key)
                .map(str::to_string)
        })
    }

    fn with_product(&self, m: NameMatch) -> Option<(&ProductSummary, f32)> {
        self.products.get(&m.product_id).map(|p| (p, m.score))
    }

    fn present(&self, found: Vec<SimilarMatch>) -> Vec<SimilarProduct<'_>> {
        found
            .into_iter()
            .filter_map(|m| {
                Some(SimilarProduct {
                    product: self.products.get(&m.product_id)?,
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

/// The result of a scoped thread; its panic, if any, goes on in the caller.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Product ids by brand, then name, then id: the order an ingredient's products are listed in.
fn ids_by_brand_and_name(products: &[ProductSummary]) -> Vec<i32> {
    let mut by_name: Vec<&ProductSummary> = products.iter().collect();
    by_name.sort_unstable_by(|a, b| (&a.brand, &a.name, a.id).cmp(&(&b.brand, &b.name, b.id)));
    by_name.into_iter().map(|p| p.id).collect()
}

fn products_by_ingredient(
    by_name: &[i32],
    lists: &FxHashMap<i32, Vec<i32>>,
) -> FxHashMap<i32, Vec<i32>> {
    let mut holding: FxHashMap<i32, Vec<i32>> = FxHashMap::default();
    for product_id in by_name {
        for ingredient in lists.get(product_id).into_iter().flatten() {
            let ids = holding.entry(*ingredient).or_default();
            // A list may name one ingredient twice (two synonyms): the product counts once.
            if ids.last() != Some(product_id) {
                ids.push(*product_id);
            }
        }
    }
    for ids in holding.values_mut() {
        ids.shrink_to_fit();
    }
    holding
}

/// Each product's ingredient ids in label order, from links ordered by product: one exactly
/// sized list a product.
fn lists_by_product(links: Vec<(i32, i32)>) -> FxHashMap<i32, Vec<i32>> {
    let mut lists: FxHashMap<i32, Vec<i32>> = FxHashMap::default();
    for run in links.chunk_by(|a, b| a.0 == b.0) {
        let ingredients = run.iter().map(|(_, ingredient)| *ingredient);
        match lists.get_mut(&run[0].0) {
            // Links of one product are together when read from the store; any that are not
            // still join their product's list, in order.
            Some(list) => list.extend(ingredients),
            None => {
                lists.insert(run[0].0, ingredients.collect());
            }
        }
    }
    lists
}

/// The current snapshot, swapped whole when the catalog changes.
pub struct LiveCatalog {
    current: RwLock<Arc<CatalogIndex>>,
}

impl LiveCatalog {
    pub fn new(index: CatalogIndex) -> Self {
        LiveCatalog {
            current: RwLock::new(Arc::new(index)),
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
        match self.current.write() {
            Ok(mut guard) => *guard = index,
            Err(poisoned) => *poisoned.into_inner() = index,
        }
    }

    /// Rebuilds the snapshot if the database's catalog version moved on (an import in another
    /// process, an admin edit). Blocking: call from a worker thread. Returns whether it did.
    pub fn refresh_if_changed(&self, conn: &mut SqliteConnection) -> diesel::QueryResult<bool> {
        if store::catalog_version(conn)? == self.snapshot().version() {
            return Ok(false);
        }
        let index = CatalogIndex::load(conn)?;
        log::info!(
            "catalog changed: reindexed {} products (version {})",
            index.product_count(),
            index.version()
        );
        self.replace(index);
        Ok(true)
    }
}
