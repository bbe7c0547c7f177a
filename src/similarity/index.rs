//! The in-memory similarity index: an inverted index from ingredient to the products holding
//! it, with each holding's weight. Scoring a query touches only the products that share an
//! ingredient with it, never the whole catalog.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::id_table::IdTable;

use super::weights::{idf, position_weight};

/// One product found similar: its score in 0..=1 and the ingredients it shares with the query
/// (database ids, those adding most to the score first).
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarMatch {
    pub product_id: i32,
    pub score: f32,
    pub shared: Vec<i32>,
}

/// How a query is compared with a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// Two whole formulas: weighted Jaccard, symmetric.
    Formulas,
    /// A pasted list, often cut short or missing trace ingredients: how much of the pasted
    /// list the product explains, blended with the symmetric score to prefer the closest formula.
    PastedList,
}

/// The catalog's ingredient lists, held once: the site reads a product's list, the products
/// holding an ingredient and the similarity rankings from here.
#[derive(Debug, Default)]
pub struct SimilarityIndex {
    /// Per product slot, its id. Slots follow the order `build` was given the products in, and
    /// so do the postings.
    product_ids: Vec<i32>,
    slot_of_product: IdTable,
    /// Every product's ingredient slots in label order, one list after another: slot `p`'s are
    /// `list_items[list_starts[p]..list_starts[p + 1]]`. A weight is not kept with each: it is
    /// the ingredient's idf times its place's weight (`weight`), a multiplication away.
    list_starts: Vec<u32>,
    list_items: Vec<u32>,
    /// Per product slot: the sum of its weights.
    totals: Vec<f32>,
    /// Per ingredient slot: (product slot, weight), by product slot.
    postings: Vec<Vec<(u32, f32)>>,
    ingredient_ids: Vec<i32>,
    slot_of_ingredient: FxHashMap<i32, u32>,
    idf: Vec<f32>,
}

impl SimilarityIndex {
    /// Builds the index from each product's ingredient ids in label order. Products with an
    /// empty list are never offered as similar. An ingredient's products are listed in the
    /// order they are given here.
    pub fn build<L: IntoIterator<Item = i32>>(lists: impl IntoIterator<Item = (i32, L)>) -> Self {
        let mut index = SimilarityIndex {
            list_starts: vec![0],
            ..SimilarityIndex::default()
        };
        for (product_id, ingredient_ids) in lists {
            for id in ingredient_ids {
                let slot = index.ingredient_slot(id);
                index.list_items.push(slot);
            }
            let start = *index.list_starts.last().unwrap_or(&0);
            if index.list_items.len() == start as usize {
                continue;
            }
            let Ok(end) = u32::try_from(index.list_items.len()) else {
                panic!("more than 4 billion ingredient links");
            };
            index.product_ids.push(product_id);
            index.list_starts.push(end);
        }
        index.list_items.shrink_to_fit();
        index.product_ids.shrink_to_fit();
        index.list_starts.shrink_to_fit();
        index.slot_of_product = IdTable::new(index.product_ids.iter().copied());
        let mut document_frequency = vec![0u32; index.ingredient_ids.len()];
        for slot in &index.list_items {
            document_frequency[*slot as usize] += 1;
        }
        let products = index.product_ids.len();
        index.idf = document_frequency
            .iter()
            .map(|df| idf(products, *df as usize))
            .collect();
        // Sized exactly: grown by doubling, the postings would hold up to half again as much.
        let mut postings: Vec<Vec<(u32, f32)>> = document_frequency
            .iter()
            .map(|df| Vec::with_capacity(*df as usize))
            .collect();
        let mut totals = Vec::with_capacity(products);
        for product_slot in 0..products as u32 {
            let mut total = 0.0f32;
            for (ingredient, weight) in index.weighted_list(product_slot) {
                postings[ingredient as usize].push((product_slot, weight));
                total += weight;
            }
            totals.push(total);
        }
        index.postings = postings;
        index.totals = totals;
        index
    }

    fn ingredient_slot(&mut self, ingredient_id: i32) -> u32 {
        let next = self.ingredient_ids.len() as u32;
        let slot = *self.slot_of_ingredient.entry(ingredient_id).or_insert(next);
        if slot == next {
            self.ingredient_ids.push(ingredient_id);
        }
        slot
    }

    /// Product slot `slot`'s ingredient slots in label order.
    fn list(&self, slot: u32) -> &[u32] {
        let start = self.list_starts[slot as usize] as usize;
        let end = self.list_starts[slot as usize + 1] as usize;
        &self.list_items[start..end]
    }

    /// The weight of ingredient slot `ingredient` at `position` on a label. Computed here
    /// only, so a weight from a product's list and the same from a posting are equal to the
    /// last bit.
    fn weight(&self, ingredient: u32, position: usize) -> f32 {
        self.idf[ingredient as usize] * position_weight(position)
    }

    /// Product slot `slot`'s (ingredient slot, weight) in label order.
    fn weighted_list(&self, slot: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.list(slot)
            .iter()
            .enumerate()
            .map(|(position, ingredient)| (*ingredient, self.weight(*ingredient, position)))
    }

    /// A product's ingredient ids in label order; none when it has no list.
    pub fn ingredients_of(&self, product_id: i32) -> impl Iterator<Item = i32> + '_ {
        let list = match self.slot_of_product.get(product_id) {
            Some(slot) => self.list(slot),
            None => &[],
        };
        list.iter().map(|i| self.ingredient_ids[*i as usize])
    }

    /// The products holding an ingredient, each once, in the order `build` was given them.
    pub fn products_holding(&self, ingredient_id: i32) -> Vec<i32> {
        let Some(slot) = self.slot_of_ingredient.get(&ingredient_id) else {
            return Vec::new();
        };
        let mut holding: Vec<i32> = self.postings[*slot as usize]
            .iter()
            .map(|(product, _)| self.product_ids[*product as usize])
            .collect();
        // A list may name one ingredient twice (two synonyms): the product counts once. Its
        // postings are side by side.
        holding.dedup();
        holding
    }

    /// The `limit` products most similar to a catalog product (never itself), best first;
    /// `None` when the product has no ingredient list in the index.
    pub fn similar_to_product(
        &self,
        product_id: i32,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Option<Vec<SimilarMatch>> {
        let slot = self.slot_of_product.get(product_id)?;
        let query: Vec<(u32, f32)> = self.weighted_list(slot).collect();
        let ranking = Ranking {
            query: &query,
            query_total: self.totals[slot as usize],
            comparison: Comparison::Formulas,
            limit,
        };
        Some(self.rank(ranking, |p| p != product_id && keep(p)))
    }

    /// The `limit` products most similar to a list of ingredient ids in label order. Ids the
    /// catalog does not know (`None`) still count as part of the list, as the rarest kind.
    pub fn similar_to_list(
        &self,
        ingredient_ids: &[Option<i32>],
        comparison: Comparison,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Vec<SimilarMatch> {
        let unseen_idf = idf(self.product_ids.len(), 0);
        let mut query = Vec::new();
        let mut total = 0.0;
        for (position, id) in ingredient_ids.iter().enumerate() {
            let slot = id.and_then(|id| self.slot_of_ingredient.get(&id).copied());
            let weight =
                slot.map_or(unseen_idf, |s| self.idf[s as usize]) * position_weight(position);
            total += weight;
            if let Some(slot) = slot {
                query.push((slot, weight));
            }
        }
        let ranking = Ranking {
            query: &query,
            query_total: total,
            comparison,
            limit,
        };
        self.rank(ranking, keep)
    }

    /// `similar_to_product` by scoring every product in the catalog: the slow, exact ranking
    /// the index is measured against (benchmarks, tests), never used to serve.
    pub fn similar_to_product_exhaustively(
        &self,
        product_id: i32,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Option<Vec<(i32, f32)>> {
        let slot = self.slot_of_product.get(product_id)?;
        let keep = |p: i32| p != product_id && keep(p);
        let query: Vec<(u32, f32)> = self.weighted_list(slot).collect();
        let ranking = Ranking {
            query: &query,
            query_total: self.totals[slot as usize],
            comparison: Comparison::Formulas,
            limit,
        };
        Some(self.ranked_exhaustively(ranking, keep))
    }

    fn ranked_exhaustively(&self, ranking: Ranking, keep: impl Fn(i32) -> bool) -> Vec<(i32, f32)> {
        let query = ranking.query;
        let mut all: Vec<(i32, f32)> = (0..self.product_ids.len())
            .filter(|slot| keep(self.product_ids[*slot]))
            .filter_map(|slot| {
                let shared: f32 = query
                    .iter()
                    .map(|(q, qw)| {
                        self.weighted_list(slot as u32)
                            .filter(|(i, _)| i == q)
                            .map(|(_, w)| qw.min(w))
                            .sum::<f32>()
                    })
                    .sum();
                (shared > 0.0).then(|| {
                    let total = self.totals[slot];
                    (
                        self.product_ids[slot],
                        score(ranking.comparison, shared, ranking.query_total, total),
                    )
                })
            })
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(ranking.limit);
        all
    }

    /// How alike two catalog products are (as `similar_to_product` scores them); 0 when
    /// either has no list.
    pub fn score_between(&self, a: i32, b: i32) -> f32 {
        let (Some(slot_a), Some(slot_b)) =
            (self.slot_of_product.get(a), self.slot_of_product.get(b))
        else {
            return 0.0;
        };
        let held: HashMap<u32, f32> = self.weighted_list(slot_b).collect();
        let shared: f32 = self
            .weighted_list(slot_a)
            .filter_map(|(slot, weight)| held.get(&slot).map(|w| weight.min(*w)))
            .sum();
        score(
            Comparison::Formulas,
            shared,
            self.totals[slot_a as usize],
            self.totals[slot_b as usize],
        )
    }

    fn rank(&self, ranking: Ranking, keep: impl Fn(i32) -> bool) -> Vec<SimilarMatch> {
        let Ranking { query, limit, .. } = ranking;
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let scored = SCRATCH.with_borrow_mut(|scratch| {
            scratch.fit(self.product_ids.len(), self.ingredient_ids.len());
            let scored = self.top_scores(scratch, ranking, &keep);
            scratch.clear(query);
            scored
        });
        scored
            .into_iter()
            .map(|(slot, score)| SimilarMatch {
                product_id: self.product_ids[slot as usize],
                score,
                shared: self.shared(query, slot),
            })
            .collect()
    }

    /// The `limit` best (product slot, score), best first, ties by product id.
    ///
    /// Exact, but without reading every posting: the query's ingredients are read in order of
    /// weight per posting (rare, early ones first) into a dense accumulator. A product none of
    /// whose ingredients has been read yet shares at most the weight still unread, and its score
    /// is at most that over the query's total; once that falls below the `limit`-th best score
    /// found so far, no unseen product can enter the results, and the common ingredients (water,
    /// glycerin: postings as long as the catalog) are never read. The candidates' scores are then
    /// completed from their own lists, the most promising first, stopping when the rest cannot
    /// reach the results. `keep` is asked only of those promising ones.
    fn top_scores(
        &self,
        scratch: &mut Scratch,
        ranking: Ranking,
        keep: &impl Fn(i32) -> bool,
    ) -> Vec<(u32, f32)> {
        let Ranking {
            query,
            query_total,
            comparison,
            limit,
        } = ranking;
        let mut terms: Vec<(u32, f32)> = query.to_vec();
        terms.sort_by(|a, b| {
            let per_posting = |t: &(u32, f32)| t.1 / (self.postings[t.0 as usize].len() + 1) as f32;
            per_posting(b)
                .total_cmp(&per_posting(a))
                .then(a.0.cmp(&b.0))
        });
        for (slot, weight) in query {
            scratch.query_weight[*slot as usize] += weight;
            scratch.query_terms[*slot as usize] += 1;
        }
        let mut unread: f32 = terms.iter().map(|t| t.1).sum();
        let mut threshold = 0.0f32;
        let mut read = 0;
        let mut approximate = false;
        for (ingredient, query_weight) in &terms {
            let postings = &self.postings[*ingredient as usize];
            if postings.len() > self.stop_postings() && scratch.touched.len() >= ENOUGH_CANDIDATES {
                // See `stop_postings`: from here on the ranking is among the candidates found.
                unread -= query_weight;
                approximate = true;
                continue;
            }
            // A check reads only the leaders, so it is made before every ingredient.
            threshold = self.threshold(scratch, &ranking, keep, threshold);
            if threshold > 0.0 && unread / query_total < threshold - ROUNDING {
                break;
            }
            for (product, weight) in postings {
                // One memory access a posting: a product is new while it shares nothing (every
                // weight is above 0). Its `state` is set once it is a candidate, below.
                let shared = &mut scratch.shared[*product as usize];
                let before = *shared;
                if before == 0.0 {
                    scratch.touched.push(*product);
                }
                *shared += query_weight.min(*weight);
                scratch.most = scratch.most.max(*shared);
                if before <= scratch.cut && *shared > scratch.cut {
                    scratch.leaders.push(*product);
                }
            }
            unread -= query_weight;
            read += 1;
        }
        let complete = read == terms.len();
        if approximate {
            return self.best_of_leading(scratch, ranking, keep);
        }
        // Each candidate with the most its score can still be (its exact score when every
        // posting was read), most promising first.
        let mut bounds: Vec<(u32, f32)> = Vec::new();
        for product in &scratch.touched {
            let p = *product as usize;
            if scratch.state[p] == Candidate::Dropped {
                continue;
            }
            let total = self.totals[p];
            let shared = scratch.shared[p];
            let most = if complete {
                shared
            } else {
                (shared + unread).min(total).min(query_total)
            };
            let bound = score(comparison, most, query_total, total);
            if bound >= threshold - ROUNDING {
                bounds.push((*product, bound));
            }
        }
        let by_score_then_id = |a: &(u32, f32), b: &(u32, f32)| self.by_score_then_id(a, b);
        let mut scored: Vec<(u32, f32)> = Vec::with_capacity(limit + 1);
        best_first(&mut bounds, by_score_then_id, |&(product, bound)| {
            if scored.len() == limit && bound < scored[limit - 1].1 - ROUNDING {
                return false;
            }
            if self.kept(scratch, product, keep) {
                // Always from the product's list, as the threshold's exact scores are: sums in
                // another order could differ in the last bits.
                let shared = self.shared_weight(scratch, query, product);
                let exact = score(
                    comparison,
                    shared,
                    query_total,
                    self.totals[product as usize],
                );
                scored.push((product, exact));
                scored.sort_unstable_by(by_score_then_id);
                scored.truncate(limit);
            }
            true
        });
        scored
    }

    /// Postings longer than this are not read to find candidates once there are
    /// `ENOUGH_CANDIDATES`: an ingredient in more than one product in 100 (water, glycerin,
    /// phenoxyethanol), or in more than 2,000 in a catalog under 200,000, tells formulas apart
    /// too little to be worth reading that many postings for. The 1-in-100 was 1-in-50 until
    /// the page's p99 at 1M measured 13.9 ms; the 2,000 was 5,000 until the page's p99 at 100k
    /// measured 2.3 ms, a product without near relatives reading postings of up to a twentieth
    /// of the catalog. The ranking is then among the candidates sharing the most of the rest
    /// (`best_of_leading`), scored exactly; a product sharing only common ingredients with the
    /// query is not among them. BENCHMARKS.md counts how often that changes the 4 from scoring
    /// every product, and by how much their scores fall short. Catalogs of up to
    /// `EXACT_UP_TO` products (the real ones seongbun imports) read every posting and rank
    /// exactly (the property test checks it).
    fn stop_postings(&self) -> usize {
        let products = self.product_ids.len();
        if products <= EXACT_UP_TO {
            return usize::MAX;
        }
        (products / 100).max(STOP_POSTINGS_FLOOR)
    }

    /// The best by exact score among the `ENOUGH_CANDIDATES` kept candidates sharing the most
    /// weight read: the ranking once common ingredients were skipped (see `stop_postings`).
    fn best_of_leading(
        &self,
        scratch: &mut Scratch,
        ranking: Ranking,
        keep: &impl Fn(i32) -> bool,
    ) -> Vec<(u32, f32)> {
        let mut leading: Vec<(u32, f32)> = scratch
            .touched
            .iter()
            .map(|p| (*p, scratch.shared[*p as usize]))
            .collect();
        keep_the_most(&mut leading, scratch.most, VISITED_AT_MOST);
        let mut scored: Vec<(u32, f32)> = Vec::with_capacity(ENOUGH_CANDIDATES);
        // Those `keep` drops (another category) do not count: a narrowed ranking still scores
        // as many as an unnarrowed one.
        let mut visited = 0;
        best_first(
            &mut leading,
            |a, b| b.1.total_cmp(&a.1),
            |(product, _)| {
                visited += 1;
                if self.kept(scratch, *product, keep) {
                    let shared = self.shared_weight(scratch, ranking.query, *product);
                    let total = self.totals[*product as usize];
                    let exact = score(ranking.comparison, shared, ranking.query_total, total);
                    scored.push((*product, exact));
                }
                // A narrowing that keeps few (a rare category) is not asked of the whole catalog.
                scored.len() < ENOUGH_CANDIDATES && visited < VISITED_AT_MOST
            },
        );
        scored.sort_unstable_by(|a, b| self.by_score_then_id(a, b));
        scored.truncate(ranking.limit);
        scored
    }

    /// The order of results: best score first, then by product id (the same on every run).
    fn by_score_then_id(&self, a: &(u32, f32), b: &(u32, f32)) -> std::cmp::Ordering {
        b.1.total_cmp(&a.1)
            .then_with(|| self.product_ids[a.0 as usize].cmp(&self.product_ids[b.0 as usize]))
    }

    /// Whether `keep` keeps the candidate, asked once per query and remembered.
    fn kept(&self, scratch: &mut Scratch, product: u32, keep: &impl Fn(i32) -> bool) -> bool {
        let p = product as usize;
        if scratch.state[p] == Candidate::Unseen {
            scratch.state[p] = if keep(self.product_ids[p]) {
                Candidate::Kept
            } else {
                Candidate::Dropped
            };
        }
        scratch.state[p] == Candidate::Kept
    }

    /// The `limit`-th best score among the kept candidates so far, counting only the weight
    /// read: a score the final results are sure to reach (never below `known`, an earlier one).
    /// `keep` is asked of candidates from the best down, until `limit` are kept.
    fn threshold(
        &self,
        scratch: &mut Scratch,
        ranking: &Ranking,
        keep: &impl Fn(i32) -> bool,
        known: f32,
    ) -> f32 {
        let Ranking {
            query,
            query_total,
            comparison,
            limit,
        } = *ranking;
        let mut lower: Vec<(u32, f32)> = scratch
            .leaders
            .iter()
            .filter(|p| scratch.state[**p as usize] != Candidate::Dropped)
            .map(|p| {
                let slot = *p as usize;
                let lower = score(
                    comparison,
                    scratch.shared[slot],
                    query_total,
                    self.totals[slot],
                );
                (*p, lower)
            })
            .filter(|(_, lower)| *lower > known)
            .collect();
        // Exact scores of the most promising few: any `limit` kept candidates' scores bound
        // the final `limit`-th best from below, and exact ones far more tightly than the
        // weight read so far does.
        let mut exact: Vec<f32> = Vec::with_capacity(limit * EXACT_FOR_THRESHOLD);
        best_first(
            &mut lower,
            |a, b| b.1.total_cmp(&a.1),
            |(product, _)| {
                if self.kept(scratch, *product, keep) {
                    let shared = self.shared_weight(scratch, query, *product);
                    let total = self.totals[*product as usize];
                    exact.push(score(comparison, shared, query_total, total));
                }
                exact.len() < limit * EXACT_FOR_THRESHOLD
            },
        );
        scratch.keep_leaders(LEADERS.max(limit * EXACT_FOR_THRESHOLD));
        if exact.len() < limit {
            return known;
        }
        exact.sort_unstable_by(|a, b| b.total_cmp(a));
        exact[limit - 1].max(known)
    }

    /// The weight product `slot` shares with the query (as the postings would sum it), from the
    /// product's own list and the query's weights spread in `scratch`.
    fn shared_weight(&self, scratch: &Scratch, query: &[(u32, f32)], slot: u32) -> f32 {
        self.list(slot)
            .iter()
            .enumerate()
            .map(|(position, ingredient)| {
                let i = *ingredient as usize;
                match scratch.query_terms[i] {
                    0 => 0.0,
                    1 => scratch.query_weight[i].min(self.weight(*ingredient, position)),
                    // The query names this ingredient more than once: each counts.
                    _ => {
                        let weight = self.weight(*ingredient, position);
                        query
                            .iter()
                            .filter(|(s, _)| s == ingredient)
                            .map(|(_, w)| w.min(weight))
                            .sum()
                    }
                }
            })
            .sum()
    }

    /// The shared ingredients, those that add most to the score first (rare ones high on both
    /// lists), then in the query's label order.
    fn shared(&self, query: &[(u32, f32)], product_slot: u32) -> Vec<i32> {
        let held: HashMap<u32, f32> = self.weighted_list(product_slot).collect();
        let mut shared: Vec<(usize, f32, u32)> = query
            .iter()
            .enumerate()
            .filter_map(|(order, (slot, weight))| {
                held.get(slot).map(|w| (order, weight.min(*w), *slot))
            })
            .collect();
        shared.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shared
            .into_iter()
            .map(|(_, _, slot)| self.ingredient_ids[slot as usize])
            .collect()
    }
}

/// Drops from `items` (a product and its shared weight, at most `most`) all but the `count` or
/// somewhat more sharing the most, in one pass: a histogram of the weights finds the least
/// that is surely kept. A ranking in a big catalog touches tens of thousands; selecting among
/// them all to visit a few hundred was a fifth of its time at 100k products (perf).
fn keep_the_most(items: &mut Vec<(u32, f32)>, most: f32, count: usize) {
    const BUCKETS: usize = 256;
    if items.len() <= count || most <= 0.0 {
        return;
    }
    let scale = (BUCKETS - 1) as f32 / most;
    // The same expression sorts into buckets and filters: no rounding can tell them apart.
    let bucket = |weight: f32| ((weight * scale) as usize).min(BUCKETS - 1);
    let mut counts = [0usize; BUCKETS];
    for (_, weight) in items.iter() {
        counts[bucket(*weight)] += 1;
    }
    let mut above = 0;
    let mut lowest = 0;
    for b in (0..BUCKETS).rev() {
        above += counts[b];
        if above >= count {
            lowest = b;
            break;
        }
    }
    items.retain(|(_, weight)| bucket(*weight) >= lowest);
}

/// Visits `items` in `order` until `visit` says stop, sorting only as far as it gets: a few
/// dozen of tens of thousands of candidates are usually enough.
fn best_first<T>(
    items: &mut [T],
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
    mut visit: impl FnMut(&T) -> bool,
) {
    let mut start = 0;
    let mut chunk = 32;
    while start < items.len() {
        let rest = &mut items[start..];
        let end = chunk.min(rest.len());
        if end < rest.len() {
            rest.select_nth_unstable_by(end - 1, &order);
        }
        rest[..end].sort_unstable_by(&order);
        for item in &rest[..end] {
            if !visit(item) {
                return;
            }
        }
        start += end;
        chunk *= 4;
    }
}

/// What one ranking compares and how many it wants.
#[derive(Clone, Copy)]
struct Ranking<'q> {
    query: &'q [(u32, f32)],
    query_total: f32,
    comparison: Comparison,
    limit: usize,
}

/// Below this many holders an ingredient's postings are always read (see `stop_postings`).
const STOP_POSTINGS_FLOOR: usize = 2_000;
/// Up to this many products, every posting is read (see `stop_postings`).
const EXACT_UP_TO: usize = 10_000;
/// Common ingredients are read until there are this many candidates (see `stop_postings`).
const ENOUGH_CANDIDATES: usize = 256;
/// How many candidates `best_of_leading` asks `keep` of at most, to find `ENOUGH_CANDIDATES`.
const VISITED_AT_MOST: usize = 16 * ENOUGH_CANDIDATES;
/// Bounds are compared with this much slack: the same sum added up in another order (postings
/// or a product's list) may differ in the last bits of an `f32`.
const ROUNDING: f32 = 1e-4;
/// How many leaders the threshold keeps watching (see `Scratch::keep_leaders`).
const LEADERS: usize = 64;
/// How many candidates per result the threshold scores exactly.
const EXACT_FOR_THRESHOLD: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidate {
    /// `keep` not yet asked.
    Unseen,
    Kept,
    Dropped,
}

/// Per-thread working memory of a ranking, sized to the catalog and reset after each query
/// (only the entries it touched), so a query allocates nothing in proportion to the catalog.
#[derive(Default)]
struct Scratch {
    state: Vec<Candidate>,
    shared: Vec<f32>,
    touched: Vec<u32>,
    /// The candidates whose shared weight is above `cut`: the few the threshold looks at,
    /// kept up to date while postings are read.
    leaders: Vec<u32>,
    cut: f32,
    /// The most weight any product shares so far.
    most: f32,
    /// Per ingredient slot: the query's weight and how many times the query names it.
    query_weight: Vec<f32>,
    query_terms: Vec<u8>,
}

impl Scratch {
    fn fit(&mut self, products: usize, ingredients: usize) {
        if self.state.len() < products {
            self.state.resize(products, Candidate::Unseen);
            self.shared.resize(products, 0.0);
        }
        if self.query_weight.len() < ingredients {
            self.query_weight.resize(ingredients, 0.0);
            self.query_terms.resize(ingredients, 0);
        }
    }

    /// Raises `cut` so that about `count` leaders stay (all of them with more weight than
    /// any that leaves); one that later passes the new cut joins again.
    fn keep_leaders(&mut self, count: usize) {
        let shared = &self.shared;
        let state = &self.state;
        self.leaders
            .retain(|p| state[*p as usize] != Candidate::Dropped);
        if self.leaders.len() > count {
            let (_, cut, _) = self.leaders.select_nth_unstable_by(count - 1, |a, b| {
                shared[*b as usize].total_cmp(&shared[*a as usize])
            });
            self.cut = shared[*cut as usize];
            let cut = self.cut;
            // Strictly above, as the leaders are defined: one exactly at the cut joins again
            // when it passes it, and is never listed twice.
            self.leaders.retain(|p| shared[*p as usize] > cut);
        }
    }

    fn clear(&mut self, query: &[(u32, f32)]) {
        self.leaders.clear();
        self.cut = 0.0;
        self.most = 0.0;
        for product in self.touched.drain(..) {
            self.state[product as usize] = Candidate::Unseen;
            self.shared[product as usize] = 0.0;
        }
        for (slot, _) in query {
            self.query_weight[*slot as usize] = 0.0;
            self.query_terms[*slot as usize] = 0;
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// The score of a product whose shared weight with the query is `shared`.
fn score(comparison: Comparison, shared: f32, query_total: f32, product_total: f32) -> f32 {
    let union = query_total + product_total - shared;
    let jaccard = if union > 0.0 { shared / union } else { 0.0 };
    match comparison {
        Comparison::Formulas => jaccard,
        Comparison::PastedList => {
            let coverage = if query_total > 0.0 {
                shared / query_total
            } else {
                0.0
            };
            0.5 * coverage + 0.5 * jaccard
        }
    }
    .clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(lists: &[(i32, Vec<i32>)]) -> SimilarityIndex {
        SimilarityIndex::build(lists.iter().map(|(id, l)| (*id, l.iter().copied())))
    }

    #[test]
    fn identical_formulas_score_one_and_the_product_itself_is_never_offered() {
        let idx = index(&[
            (1, vec![10, 11, 12]),
            (2, vec![10, 11, 12]),
            (3, vec![10, 20, 21]),
        ]);
        let found = idx.similar_to_product(1, 4, |_| true).unwrap();
        assert_eq!(found[0].product_id, 2);
        assert!((found[0].score - 1.0).abs() < 1e-6);
        assert!(found.iter().all(|m| m.product_id != 1));
        let mut shared = found[0].shared.clone();
        shared.sort();
        assert_eq!(shared, [10, 11, 12]);
    }

    #[test]
    fn lists_read_back_in_label_order_and_an_ingredient_lists_each_holder_once_in_build_order() {
        // Built out of id order, with product 5 naming ingredient 10 twice (two synonyms).
        let idx = index(&[
            (5, vec![10, 12, 10]),
            (2, vec![]),
            (9, vec![12, 11]),
            (1, vec![11, 10]),
        ]);
        assert_eq!(idx.ingredients_of(5).collect::<Vec<_>>(), [10, 12, 10]);
        assert_eq!(idx.ingredients_of(9).collect::<Vec<_>>(), [12, 11]);
        assert_eq!(idx.ingredients_of(2).count(), 0);
        assert_eq!(idx.ingredients_of(404).count(), 0);
        assert_eq!(idx.products_holding(10), [5, 1]);
        assert_eq!(idx.products_holding(12), [5, 9]);
        assert_eq!(idx.products_holding(11), [9, 1]);
        assert!(idx.products_holding(404).is_empty());
        // The repeated ingredient weighs at each of its places, as the label has it.
        let twice = idx.similar_to_list(
            &[Some(10), Some(12), Some(10)],
            Comparison::Formulas,
            1,
            |_| true,
        );
        assert_eq!(twice[0].product_id, 5);
        assert!((twice[0].score - 1.0).abs() < 1e-6, "{twice:?}");
    }

    proptest::proptest! {
        #[test]
        fn keeping_the_most_keeps_every_one_of_the_top_count(
            weights in proptest::collection::vec(0.001f32..50.0, 0..3000),
            count in 1usize..500,
        ) {
            let mut items: Vec<(u32, f32)> =
                weights.iter().enumerate().map(|(i, w)| (i as u32, *w)).collect();
            let most = weights.iter().copied().fold(0.0, f32::max);
            keep_the_most(&mut items, most, count);
            let mut sorted = weights.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            // Everything at least the count-th largest weight is still there.
            let needed = sorted.get(count - 1).copied().unwrap_or(0.0);
            let kept = weights.iter().filter(|w| **w >= needed).count();
            proptest::prop_assert_eq!(
                items.iter().filter(|(_, w)| *w >= needed).count(),
                kept
            );
            proptest::prop_assert!(items.len() >= count.min(weights.len()));
            for (i, w) in &items {
                proptest::prop_assert_eq!(weights[*i as usize], *w);
            }
        }
    }

    #[test]
    fn keeping_the_most_drops_the_long_tail() {
        // 10,000 weights spread evenly: the best 100 need not bring the other 9,900 along.
        let mut items: Vec<(u32, f32)> = (0..10_000).map(|i| (i, i as f32 + 1.0)).collect();
        keep_the_most(&mut items, 10_000.0, 100);
        assert!((100..200).contains(&items.len()), "{}", items.len());
        assert!(items.iter().all(|(i, _)| *i >= 9_800));
    }

    #[test]
    fn rare_shared_ingredients_count_more_than_common_ones() {
        // 10 (water) is in every product; 30 is rare.
        let idx = index(&[
            (1, vec![10, 30, 40]),
            (2, vec![10, 30, 41]),
            (3, vec![10, 40, 42]),
            (4, vec![10, 43, 44]),
            (5, vec![10, 45, 46]),
        ]);
        let found = idx.similar_to_product(1, 4, |_| true).unwrap();
        assert_eq!(
            found[0].product_id, 2,
            "shares the rare 30 early in the list"
        );
        assert_eq!(
            found[0].shared,
            [30, 10],
            "the rare one is the first reason"
        );
        assert_eq!(found[1].product_id, 3);
    }

    #[test]
    fn ingredients_high_on_the_list_count_more_than_trace_ones() {
        let idx = index(&[
            (1, vec![1, 2, 3, 4, 5, 6, 7, 8]),
            (2, vec![1, 20, 21, 22, 23, 24, 25, 26]),
            (3, vec![30, 31, 32, 33, 34, 35, 36, 1]),
        ]);
        let found = idx.similar_to_product(1, 2, |_| true).unwrap();
        assert_eq!(found[0].product_id, 2);
        assert!(found[0].score > found[1].score);
    }

    #[test]
    fn products_without_ingredients_are_never_offered_and_have_no_results() {
        let idx = index(&[(1, vec![1, 2]), (2, vec![]), (3, vec![1, 2])]);
        assert!(idx.similar_to_product(2, 4, |_| true).is_none());
        let found = idx.similar_to_product(1, 4, |_| true).unwrap();
        assert_eq!(found.iter().map(|m| m.product_id).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn a_pasted_list_cut_short_still_finds_its_product_first() {
        let idx = index(&[
            (1, vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            (2, vec![1, 2, 3, 13]),
            (3, vec![1, 14, 15, 16]),
        ]);
        let pasted: Vec<Option<i32>> = [1, 2, 3, 4, 5].into_iter().map(Some).collect();
        let found = idx.similar_to_list(&pasted, Comparison::PastedList, 4, |_| true);
        assert_eq!(found[0].product_id, 1);
    }

    #[test]
    fn unknown_pasted_ingredients_lower_the_score() {
        let idx = index(&[(1, vec![1, 2]), (2, vec![3, 4])]);
        let known = idx.similar_to_list(&[Some(1), Some(2)], Comparison::PastedList, 1, |_| true);
        let partly =
            idx.similar_to_list(&[Some(1), Some(2), None], Comparison::PastedList, 1, |_| {
                true
            });
        assert!(partly[0].score < known[0].score);
    }

    #[test]
    fn the_score_between_two_products_is_the_score_they_are_ranked_by() {
        let idx = index(&[(1, vec![1, 2, 3]), (2, vec![1, 2, 4]), (3, vec![])]);
        let ranked = idx.similar_to_product(1, 1, |_| true).unwrap()[0].score;
        assert!((idx.score_between(1, 2) - ranked).abs() < 1e-6);
        assert!((idx.score_between(2, 1) - ranked).abs() < 1e-6);
        assert_eq!(idx.score_between(1, 3), 0.0);
    }

    #[test]
    fn the_keep_filter_applies_before_ranking() {
        let idx = index(&[(1, vec![1, 2]), (2, vec![1, 2]), (3, vec![1, 3])]);
        let found = idx.similar_to_product(1, 1, |p| p != 2).unwrap();
        assert_eq!(found[0].product_id, 3);
    }

    fn same_ranking(found: &[SimilarMatch], expected: &[(i32, f32)]) -> Result<(), String> {
        if found.len() != expected.len() {
            return Err(format!(
                "{} found, {} expected",
                found.len(),
                expected.len()
            ));
        }
        for (f, (id, score)) in found.iter().zip(expected) {
            // Sums in another order may differ in the last bits; only near-ties may swap.
            if (f.score - score).abs() > 1e-5 {
                return Err(format!("{found:?} vs {expected:?}"));
            }
            if f.product_id != *id {
                let tied = expected
                    .iter()
                    .any(|(other, s)| *other == f.product_id && (s - score).abs() <= 1e-5);
                if !tied {
                    return Err(format!("{found:?} vs {expected:?}"));
                }
            }
        }
        Ok(())
    }

    /// Catalogs shaped like real ones: one ingredient on every label (water), a few on most,
    /// a long tail of rare ones, so that the pruning has common postings to skip.
    fn catalog_strategy() -> impl proptest::strategy::Strategy<Value = Vec<(i32, Vec<i32>)>> {
        use proptest::prelude::*;
        let ingredient = prop_oneof![
            3 => 1..4i32,
            2 => 4..20i32,
            2 => 20..300i32,
        ];
        proptest::collection::vec(proptest::collection::vec(ingredient, 1..25), 20..250).prop_map(
            |mut lists| {
                // Families: every third product is the one before it with its last ingredient
                // changed (a shade, a relaunch), as real catalogs are full of.
                for i in (2..lists.len()).step_by(3) {
                    let mut sibling = lists[i - 1].clone();
                    sibling.pop();
                    sibling.push(300 + i as i32);
                    lists[i] = sibling;
                }
                lists
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut list)| {
                        list.insert(0, 0);
                        let mut seen = std::collections::HashSet::new();
                        list.retain(|id| seen.insert(*id));
                        (i as i32 * 3 + 1, list)
                    })
                    .collect()
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        #[test]
        fn pruned_ranking_equals_scoring_every_product(
            lists in catalog_strategy(),
            pick in 0usize..1000,
            limit in 1usize..6,
            drop_every in 2i32..7,
        ) {
            let idx = index(&lists);
            let product = lists[pick % lists.len()].0;
            let keep = |p: i32| p % drop_every != 0;
            let slot = idx.slot_of_product.get(product).unwrap();
            let found = idx.similar_to_product(product, limit, keep).unwrap();
            let query: Vec<(u32, f32)> = idx.weighted_list(slot).collect();
            let ranking = Ranking {
                query: &query,
                query_total: idx.totals[slot as usize],
                comparison: Comparison::Formulas,
                limit,
            };
            let expected = idx.ranked_exhaustively(ranking, |p| p != product && keep(p));
            proptest::prop_assert!(same_ranking(&found, &expected).is_ok(), "{:?}", same_ranking(&found, &expected));

            // The same list pasted, cut short and with a name the catalog lacks.
            let pasted: Vec<Option<i32>> = lists[pick % lists.len()]
                .1
                .iter()
                .take(8)
                .map(|id| Some(*id))
                .chain([None])
                .collect();
            let found = idx.similar_to_list(&pasted, Comparison::PastedList, limit, |_| true);
            let unseen = idf(idx.product_ids.len(), 0);
            let mut query = Vec::new();
            let mut total = 0.0;
            for (position, id) in pasted.iter().enumerate() {
                let slot = id.and_then(|id| idx.slot_of_ingredient.get(&id).copied());
                let weight = slot.map_or(unseen, |s| idx.idf[s as usize]) * position_weight(position);
                total += weight;
                if let Some(slot) = slot {
                    query.push((slot, weight));
                }
            }
            let expected =
                idx.ranked_exhaustively(Ranking { query: &query, query_total: total, comparison: Comparison::PastedList, limit }, |_| true);
            proptest::prop_assert!(same_ranking(&found, &expected).is_ok(), "{:?}", same_ranking(&found, &expected));
        }
    }
}
