//! The in-memory similarity index: an inverted index from ingredient to the formulas holding
//! it, with each holding's weight. Scoring a query touches only the formulas that share an
//! ingredient with it, never the whole catalog.
//!
//! A formula is one distinct ingredient list: products whose resolved lists are identical (a
//! Mini, a Jumbo, a Refill, a Set of the same product) are one formula, ranked once and shown
//! as one result with its other products "also sold as", so that one formula takes one slot.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use crate::live_catalog::id_table::IdTable;

use super::common_bounds::{CommonBounds, CommonTerms, BLOCK};
use super::weights::{brand_spread, idf, trace_factor, Rarity, TraceLine, TRACE_LINE_FROM};

/// One formula found similar: the product shown for it (the first of its products, by brand
/// and name, that the ranking keeps), its other kept products with the same formula, its
/// score in 0..=1 and the ingredients it shares with the query (database ids, those adding
/// most to the score first).
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarMatch {
    pub product_id: i32,
    pub same_formula: Vec<i32>,
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
    /// Per formula slot, the id of its first product (in the order `build` was given the
    /// products): the id results are ordered by on equal scores. Slots follow the order of
    /// their first product, and so do the postings.
    product_ids: Vec<i32>,
    /// Every product with a list, in the order `build` was given them (its "place"); `place_of`
    /// finds a product's place, `formula_of` its formula slot.
    member_ids: Vec<i32>,
    place_of: IdTable,
    formula_of: Vec<u32>,
    /// Per formula slot, the places of its products in order: slot `f`'s are
    /// `members[member_starts[f]..member_starts[f + 1]]`.
    member_starts: Vec<u32>,
    members: Vec<u32>,
    /// Every formula's ingredient slots in label order, one list after another: slot `p`'s are
    /// `list_items[list_starts[p]..list_starts[p + 1]]`. A weight is not kept with each: it is
    /// the ingredient's idf times its place's weight (`weight`), a multiplication away.
    list_starts: Vec<u32>,
    list_items: Vec<u32>,
    /// Per formula slot: where its trace ingredients start, and what they are weighed by
    /// (`weights::TraceLine`).
    trace: Vec<TraceLine>,
    /// Per formula slot: the sum of its weights.
    totals: Vec<f32>,
    /// Per ingredient slot: (formula slot, weight), by formula slot.
    postings: Vec<Vec<(u32, f32)>>,
    ingredient_ids: Vec<i32>,
    slot_of_ingredient: FxHashMap<i32, u32>,
    rarity: Vec<Rarity>,
    /// Per ingredient slot: whether it marks the end of a label's base (`weights::TraceLine`).
    marks_trace: Vec<bool>,
    /// Bounds standing in for the common ingredients' postings (empty in a small catalog).
    common: CommonBounds,
    /// Per formula slot: its group (`tag_groups`), or `ANY_GROUP`; empty when untagged.
    groups: Vec<u32>,
    /// The most work one ranking does (`Pruning::work_budget`), and how many rankings were
    /// cut short by it.
    work_budget: usize,
    rankings_cut: std::sync::atomic::AtomicU64,
}

impl SimilarityIndex {
    /// Builds the index from each product's ingredient ids in label order, with no ingredient
    /// marking trace amounts and every product of a brand of its own (see `build_with`).
    pub fn build<L: IntoIterator<Item = i32>>(lists: impl IntoIterator<Item = (i32, L)>) -> Self {
        Self::build_with(lists, |_| false, |_| None)
    }

    /// Builds the index from each product's ingredient ids in label order. `marks_trace` says
    /// which ingredients are used below 1 % (preservatives, fragrance: see `weights`);
    /// `brand_of` gives a product's brand as a number (`None`: a brand of its own), for
    /// `weights::brand_spread`; products should come brand by brand, or a brand is counted
    /// again each time it comes back. Products with an empty list are never offered as
    /// similar. An ingredient's products are listed in the order they are given here, and a
    /// formula is shown as the first of its products.
    pub fn build_with<L: IntoIterator<Item = i32>>(
        lists: impl IntoIterator<Item = (i32, L)>,
        marks_trace: impl Fn(i32) -> bool,
        brand_of: impl Fn(i32) -> Option<u32>,
    ) -> Self {
        Self::build_pruned(lists, marks_trace, brand_of, Pruning::default())
    }

    /// `build_with`, with which ingredients count as common set by `pruning` (tests cross its
    /// thresholds with small catalogs).
    fn build_pruned<L: IntoIterator<Item = i32>>(
        lists: impl IntoIterator<Item = (i32, L)>,
        marks_trace: impl Fn(i32) -> bool,
        brand_of: impl Fn(i32) -> Option<u32>,
        pruning: Pruning,
    ) -> Self {
        let mut index = SimilarityIndex {
            list_starts: vec![0],
            ..SimilarityIndex::default()
        };
        // Formulas by the hash of their list; formulas with the same hash are chained.
        let mut first_with_hash: FxHashMap<u64, u32> = FxHashMap::default();
        let mut next_with_hash: Vec<u32> = Vec::new();
        for (product_id, ingredient_ids) in lists {
            let start = index.list_items.len();
            for id in ingredient_ids {
                let slot = index.ingredient_slot(id, &marks_trace);
                index.list_items.push(slot);
            }
            if index.list_items.len() == start {
                continue;
            }
            let hash = {
                let mut hasher = FxHasher::default();
                index.list_items[start..].hash(&mut hasher);
                hasher.finish()
            };
            let mut same = first_with_hash.get(&hash).copied();
            while let Some(formula) = same {
                if index.list(formula) == &index.list_items[start..] {
                    break;
                }
                same = Some(next_with_hash[formula as usize]).filter(|f| *f != NO_FORMULA);
            }
            let formula = match same {
                Some(formula) => {
                    index.list_items.truncate(start);
                    formula
                }
                None => {
                    let Ok(end) = u32::try_from(index.list_items.len()) else {
                        panic!("more than 4 billion ingredient links");
                    };
                    let formula = index.product_ids.len() as u32;
                    index.product_ids.push(product_id);
                    index.list_starts.push(end);
                    let chained = first_with_hash.insert(hash, formula);
                    next_with_hash.push(chained.unwrap_or(NO_FORMULA));
                    formula
                }
            };
            index.member_ids.push(product_id);
            index.formula_of.push(formula);
        }
        drop(first_with_hash);
        drop(next_with_hash);
        index.list_items.shrink_to_fit();
        index.product_ids.shrink_to_fit();
        index.list_starts.shrink_to_fit();
        index.member_ids.shrink_to_fit();
        index.formula_of.shrink_to_fit();
        index.place_of = IdTable::new(index.member_ids.iter().copied());
        index.group_members();
        let formulas = index.product_ids.len();
        let mut document_frequency = vec![0u32; index.ingredient_ids.len()];
        for slot in &index.list_items {
            document_frequency[*slot as usize] += 1;
        }
        let brands = index.brands_holding(brand_of);
        index.rarity = document_frequency
            .iter()
            .zip(&brands)
            .map(|(df, brands)| Rarity {
                idf: idf(formulas, *df as usize),
                spread: brand_spread(*brands, *df),
            })
            .collect();
        index.trace = (0..formulas as u32)
            .map(|f| {
                Self::trace_line(
                    index
                        .list(f)
                        .iter()
                        .map(|i| (index.rarity[*i as usize], index.marks_trace[*i as usize])),
                )
            })
            .collect();
        // Sized exactly: grown by doubling, the postings would hold up to half again as much.
        let mut postings: Vec<Vec<(u32, f32)>> = document_frequency
            .iter()
            .map(|df| Vec::with_capacity(*df as usize))
            .collect();
        let mut totals = Vec::with_capacity(formulas);
        for formula in 0..formulas as u32 {
            let mut total = 0.0f32;
            for (ingredient, weight) in index.weighted_list(formula) {
                postings[ingredient as usize].push((formula, weight));
                total += weight;
            }
            totals.push(total);
        }
        index.postings = postings;
        index.totals = totals;
        index.work_budget = pruning.work_budget;
        let most_read = pruning.most_read(formulas);
        index.common = CommonBounds::build(
            formulas,
            index.ingredient_ids.len(),
            |slot| index.postings[slot as usize].len() > most_read,
            |formula| index.weighted_list(formula),
            &index.totals,
        );
        index
    }

    /// Per ingredient slot, how many brands hold it: counted formula by formula, a brand once
    /// per run of its formulas (the brand of a formula is its first product's).
    fn brands_holding(&self, brand_of: impl Fn(i32) -> Option<u32>) -> Vec<u32> {
        const NO_BRAND: u32 = u32::MAX;
        let mut brands = vec![0u32; self.ingredient_ids.len()];
        let mut last_brand = vec![NO_BRAND; self.ingredient_ids.len()];
        for formula in 0..self.product_ids.len() as u32 {
            let brand = brand_of(self.product_ids[formula as usize]).unwrap_or(NO_BRAND);
            for ingredient in self.list(formula) {
                let i = *ingredient as usize;
                if brand == NO_BRAND || last_brand[i] != brand {
                    brands[i] += 1;
                    last_brand[i] = brand;
                }
            }
        }
        brands
    }

    /// Lists each formula's products (their places, in order) after the formulas are known.
    fn group_members(&mut self) {
        let formulas = self.product_ids.len();
        let mut starts = vec![0u32; formulas + 1];
        for formula in &self.formula_of {
            starts[*formula as usize + 1] += 1;
        }
        for f in 0..formulas {
            starts[f + 1] += starts[f];
        }
        let mut next = starts.clone();
        let mut members = vec![0u32; self.formula_of.len()];
        for (place, formula) in self.formula_of.iter().enumerate() {
            let at = &mut next[*formula as usize];
            members[*at as usize] = place as u32;
            *at += 1;
        }
        self.member_starts = starts;
        self.members = members;
    }

    fn ingredient_slot(&mut self, ingredient_id: i32, marks_trace: impl Fn(i32) -> bool) -> u32 {
        let next = self.ingredient_ids.len() as u32;
        let slot = *self.slot_of_ingredient.entry(ingredient_id).or_insert(next);
        if slot == next {
            self.ingredient_ids.push(ingredient_id);
            self.marks_trace.push(marks_trace(ingredient_id));
        }
        slot
    }

    /// Where a list's trace ingredients start and what they weigh, from each ingredient's
    /// rarity and whether it marks trace amounts, in label order.
    fn trace_line(list: impl Iterator<Item = (Rarity, bool)> + Clone) -> TraceLine {
        let first_marker = list
            .clone()
            .enumerate()
            .position(|(position, (_, marks))| marks && position >= TRACE_LINE_FROM);
        let Some(from) = first_marker else {
            return TraceLine::NONE;
        };
        let (mut base, mut trace) = (0.0f32, 0.0f32);
        for (position, (rarity, _)) in list.enumerate() {
            let raw = rarity.at(position);
            if position < from {
                base += raw;
            } else {
                trace += raw;
            }
        }
        TraceLine {
            from: from as u32,
            factor: trace_factor(base, trace),
        }
    }

    /// Formula slot `slot`'s ingredient slots in label order.
    fn list(&self, slot: u32) -> &[u32] {
        let start = self.list_starts[slot as usize] as usize;
        let end = self.list_starts[slot as usize + 1] as usize;
        &self.list_items[start..end]
    }

    /// The weight of ingredient slot `ingredient` at `position` on formula `formula`'s label.
    /// Computed here only, so a weight from a formula's list and the same from a posting are
    /// equal to the last bit.
    fn weight(&self, formula: u32, ingredient: u32, position: usize) -> f32 {
        self.trace[formula as usize].weigh(position, self.rarity[ingredient as usize])
    }

    /// Formula slot `slot`'s (ingredient slot, weight) in label order.
    fn weighted_list(&self, slot: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.list(slot)
            .iter()
            .enumerate()
            .map(move |(position, ingredient)| {
                (*ingredient, self.weight(slot, *ingredient, position))
            })
    }

    /// The formula slot of a product with a list.
    fn formula_of_product(&self, product_id: i32) -> Option<u32> {
        let place = self.place_of.get(product_id)?;
        Some(self.formula_of[place as usize])
    }

    /// Formula slot `formula`'s products' places, in the order `build` was given them.
    fn member_places(&self, formula: u32) -> &[u32] {
        let start = self.member_starts[formula as usize] as usize;
        let end = self.member_starts[formula as usize + 1] as usize;
        &self.members[start..end]
    }

    /// Formula slot `formula`'s products, in the order `build` was given them.
    fn members_of(&self, formula: u32) -> impl Iterator<Item = i32> + '_ {
        self.member_places(formula)
            .iter()
            .map(|place| self.member_ids[*place as usize])
    }

    /// A product's ingredient ids in label order; none when it has no list.
    pub fn ingredients_of(&self, product_id: i32) -> impl Iterator<Item = i32> + '_ {
        let list = match self.formula_of_product(product_id) {
            Some(slot) => self.list(slot),
            None => &[],
        };
        list.iter().map(|i| self.ingredient_ids[*i as usize])
    }

    /// The other products whose list is the same as this product's (its Mini, its Refill), in
    /// the order `build` was given them; none when it has no list or no twin.
    pub fn same_formula_as(&self, product_id: i32) -> Vec<i32> {
        match self.formula_of_product(product_id) {
            Some(formula) => self
                .members_of(formula)
                .filter(|id| *id != product_id)
                .collect(),
            None => Vec::new(),
        }
    }

    /// How many rankings were cut short by the work budget (`Pruning::work_budget`) since
    /// the index was built.
    pub fn rankings_cut(&self) -> u64 {
        self.rankings_cut.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many distinct formulas the catalog holds (products with identical lists are one).
    pub fn formula_count(&self) -> usize {
        self.product_ids.len()
    }

    /// The products holding an ingredient, each once, in the order `build` was given them.
    pub fn products_holding(&self, ingredient_id: i32) -> Vec<i32> {
        let Some(slot) = self.slot_of_ingredient.get(&ingredient_id) else {
            return Vec::new();
        };
        let mut places: Vec<u32> = Vec::new();
        for (formula, _) in &self.postings[*slot as usize] {
            places.extend_from_slice(self.member_places(*formula));
        }
        // A list may name one ingredient twice (two synonyms): the product counts once.
        places.sort_unstable();
        places.dedup();
        places
            .into_iter()
            .map(|place| self.member_ids[place as usize])
            .collect()
    }

    /// The `limit` formulas most similar to a catalog product (never its own), best first;
    /// `None` when the product has no ingredient list in the index. A formula is kept when
    /// `keep` keeps one of its products.
    pub fn similar_to_product(
        &self,
        product_id: i32,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Option<Vec<SimilarMatch>> {
        self.similar_to_product_in(product_id, limit, None, keep)
    }

    /// `similar_to_product` among the formulas of group `group` only (see `tag_groups`): those
    /// of other groups are dropped with one read each, before `keep` is asked.
    pub fn similar_to_product_in(
        &self,
        product_id: i32,
        limit: usize,
        group: Option<u32>,
        keep: impl Fn(i32) -> bool,
    ) -> Option<Vec<SimilarMatch>> {
        let slot = self.formula_of_product(product_id)?;
        let query: Vec<(u32, f32)> = self.weighted_list(slot).collect();
        let ranking = Ranking {
            query: &query,
            query_total: self.totals[slot as usize],
            comparison: Comparison::Formulas,
            limit,
        };
        let in_group = |f: u32| match (group, self.groups.get(f as usize)) {
            (Some(wanted), Some(tag)) => *tag == wanted || *tag == ANY_GROUP,
            _ => true,
        };
        Some(self.rank(ranking, |f| f != slot && in_group(f), keep))
    }

    /// Tags each formula with its products' group (a category, by number) for
    /// `similar_to_product_in`; a formula whose products are of several groups is in any.
    pub fn tag_groups(&mut self, group_of: impl Fn(i32) -> u32) {
        self.groups = (0..self.product_ids.len() as u32)
            .map(|f| {
                let mut groups = self.members_of(f).map(&group_of);
                let first = groups.next().unwrap_or(ANY_GROUP);
                if groups.all(|g| g == first) {
                    first
                } else {
                    ANY_GROUP
                }
            })
            .collect();
    }

    /// The `limit` formulas most similar to a list of ingredient ids in label order. Ids the
    /// catalog does not know (`None`) still count as part of the list, as the rarest kind.
    pub fn similar_to_list(
        &self,
        ingredient_ids: &[Option<i32>],
        comparison: Comparison,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Vec<SimilarMatch> {
        let (query, total) = self.weighted_query(ingredient_ids);
        let ranking = Ranking {
            query: &query,
            query_total: total,
            comparison,
            limit,
        };
        self.rank(ranking, |_| true, keep)
    }

    /// A list of ingredient ids weighed as a formula's would be: (ingredient slot, weight) of
    /// those the catalog holds, and the total weight of all.
    fn weighted_query(&self, ingredient_ids: &[Option<i32>]) -> (Vec<(u32, f32)>, f32) {
        let unseen = Rarity::unseen(self.product_ids.len());
        let slots: Vec<Option<u32>> = ingredient_ids
            .iter()
            .map(|id| id.and_then(|id| self.slot_of_ingredient.get(&id).copied()))
            .collect();
        let trace = Self::trace_line(slots.iter().map(|slot| match slot {
            Some(s) => (self.rarity[*s as usize], self.marks_trace[*s as usize]),
            None => (unseen, false),
        }));
        let mut query = Vec::new();
        let mut total = 0.0;
        for (position, slot) in slots.iter().enumerate() {
            let weight = trace.weigh(position, slot.map_or(unseen, |s| self.rarity[s as usize]));
            total += weight;
            if let Some(slot) = slot {
                query.push((*slot, weight));
            }
        }
        (query, total)
    }

    /// `similar_to_product` by scoring every formula in the catalog: the slow, exact ranking
    /// the index is measured against (benchmarks, tests), never used to serve. Each result is
    /// (the product shown for the formula, score).
    pub fn similar_to_product_exhaustively(
        &self,
        product_id: i32,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Option<Vec<(i32, f32)>> {
        let slot = self.formula_of_product(product_id)?;
        let query: Vec<(u32, f32)> = self.weighted_list(slot).collect();
        let ranking = Ranking {
            query: &query,
            query_total: self.totals[slot as usize],
            comparison: Comparison::Formulas,
            limit,
        };
        let found =
            self.ranked_exhaustively(ranking, |f| f != slot && self.shown(f, &keep).is_some());
        Some(
            found
                .into_iter()
                .filter_map(|(f, score)| Some((self.shown(f, &keep)?, score)))
                .collect(),
        )
    }

    /// Every formula `keep` keeps scored, the `limit` best: (formula slot, score).
    fn ranked_exhaustively(&self, ranking: Ranking, keep: impl Fn(u32) -> bool) -> Vec<(u32, f32)> {
        let query = ranking.query;
        let mut all: Vec<(u32, f32)> = (0..self.product_ids.len() as u32)
            .filter(|slot| keep(*slot))
            .filter_map(|slot| {
                let shared: f32 = query
                    .iter()
                    .map(|(q, qw)| {
                        self.weighted_list(slot)
                            .filter(|(i, _)| i == q)
                            .map(|(_, w)| qw.min(w))
                            .sum::<f32>()
                    })
                    .sum();
                (shared > 0.0).then(|| {
                    let total = self.totals[slot as usize];
                    (
                        slot,
                        score(ranking.comparison, shared, ranking.query_total, total),
                    )
                })
            })
            .collect();
        all.sort_by(|a, b| self.by_score_then_id(a, b));
        all.truncate(ranking.limit);
        all
    }

    /// The product shown for formula `formula`: the first of its products `keep` keeps.
    fn shown(&self, formula: u32, keep: &impl Fn(i32) -> bool) -> Option<i32> {
        // The first product is `product_ids`': most formulas have one, and need no more reads.
        let first = self.product_ids[formula as usize];
        if keep(first) {
            return Some(first);
        }
        self.members_of(formula).skip(1).find(|id| keep(*id))
    }

    /// How alike two catalog products are (as `similar_to_product` scores them); 0 when
    /// either has no list.
    pub fn score_between(&self, a: i32, b: i32) -> f32 {
        let (Some(slot_a), Some(slot_b)) = (self.formula_of_product(a), self.formula_of_product(b))
        else {
            return 0.0;
        };
        let shared: f32 = self.explain(a, b).iter().map(|(_, weight)| weight).sum();
        score(
            Comparison::Formulas,
            shared,
            self.totals[slot_a as usize],
            self.totals[slot_b as usize],
        )
    }

    /// Each shared ingredient's part of the score between two products: (its position on A's
    /// label, the weight it adds to what they share), in A's label order. What the
    /// alternatives report (examples/alternatives.rs) weighs trace ingredients with.
    pub fn explain(&self, a: i32, b: i32) -> Vec<(usize, f32)> {
        let (Some(slot_a), Some(slot_b)) = (self.formula_of_product(a), self.formula_of_product(b))
        else {
            return Vec::new();
        };
        let held: HashMap<u32, f32> = self.weighted_list(slot_b).collect();
        self.weighted_list(slot_a)
            .enumerate()
            .filter_map(|(position, (slot, weight))| {
                held.get(&slot).map(|w| (position, weight.min(*w)))
            })
            .collect()
    }

    /// Whether ingredient `position` of product `product_id`'s list is below its trace line.
    pub fn is_trace_position(&self, product_id: i32, position: usize) -> bool {
        self.formula_of_product(product_id)
            .is_some_and(|f| self.trace[f as usize].holds(position))
    }

    /// The ranking of the formulas `candidate` allows whose products `keep` keeps.
    fn rank(
        &self,
        ranking: Ranking,
        candidate: impl Fn(u32) -> bool,
        keep: impl Fn(i32) -> bool,
    ) -> Vec<SimilarMatch> {
        let Ranking { query, limit, .. } = ranking;
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let keep_formula = |f: u32| candidate(f) && self.shown(f, &keep).is_some();
        let scored = SCRATCH.with_borrow_mut(|scratch| {
            scratch.fit(self.product_ids.len(), self.ingredient_ids.len());
            scratch.work_left = self.work_budget;
            let scored = self.top_scores(scratch, ranking, &keep_formula);
            if scratch.ran_out {
                self.rankings_cut
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            scratch.clear(query);
            scored
        });
        scored
            .into_iter()
            .filter_map(|(slot, score)| {
                let mut kept = self.members_of(slot).filter(|id| keep(*id));
                Some(SimilarMatch {
                    product_id: kept.next()?,
                    same_formula: kept.collect(),
                    score,
                    shared: self.shared(query, slot),
                })
            })
            .collect()
    }

    /// The `limit` best (formula slot, score), best first, ties by product id: exactly those
    /// of scoring every formula (`ranked_exhaustively`), without reading every posting.
    ///
    /// The query's ingredients are read in order of weight per posting (rare, early ones first)
    /// into a dense accumulator. A formula none of whose ingredients has been read yet shares at
    /// most the weight still unread, and its score is at most that over the query's total; once
    /// that falls below the `limit`-th best score found so far, no unseen formula can enter the
    /// results. The candidates' scores are then completed from their own lists, the most
    /// promising first, stopping when the rest cannot reach the results. `keep` is asked only of
    /// those promising ones.
    ///
    /// Common ingredients' postings (water, glycerin: as long as the catalog) are never read in
    /// a big catalog: formulas sharing only those with the query are found through
    /// `CommonBounds`, block by block, best bound first (`common_candidates`).
    fn top_scores(
        &self,
        scratch: &mut Scratch,
        ranking: Ranking,
        keep: &impl Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let Ranking {
            query,
            query_total,
            comparison,
            limit,
        } = ranking;
        // `None`: every posting is read (a small catalog, or a query naming a common
        // ingredient twice).
        let common = if self.common.active() {
            self.common.terms_of(query)
        } else {
            None
        };
        let skipped = |slot: u32| common.is_some() && self.common.is_common(slot);
        let mut terms: Vec<(u32, f32)> = query.iter().copied().filter(|t| !skipped(t.0)).collect();
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
        let common_weight = common.as_ref().map_or(0.0, |c| c.weight);
        let mut unread: f32 = terms.iter().map(|t| t.1).sum::<f32>() + common_weight;
        let mut threshold = 0.0f32;
        let mut read = 0;
        for (ingredient, query_weight) in &terms {
            // A check reads only the leaders, so it is made before every ingredient.
            threshold = self.threshold(scratch, &ranking, keep, threshold);
            if threshold > 0.0 && unread / query_total < threshold - ROUNDING {
                break;
            }
            for (product, weight) in &self.postings[*ingredient as usize] {
                // One memory access a posting: a product is new while it shares nothing (every
                // weight is above 0). Its `state` is set once it is a candidate, below.
                let shared = &mut scratch.shared[*product as usize];
                let before = *shared;
                if before == 0.0 {
                    scratch.touched.push(*product);
                }
                *shared += query_weight.min(*weight);
                if before <= scratch.cut && *shared > scratch.cut {
                    scratch.leaders.push(*product);
                }
            }
            unread -= query_weight;
            read += 1;
        }
        let complete = read == terms.len() && common_weight == 0.0;
        // Every posting but the common ingredients' read: what a candidate shares besides is
        // what it shares of those, at most its common weight, and summed exactly from its few
        // common ingredients before its whole list is read.
        let common_left = common.as_ref().filter(|_| read == terms.len() && !complete);
        if let Some(common) = common_left {
            scratch.common_weight.resize(self.common.count(), 0.0);
            self.common.spread(common, &mut scratch.common_weight);
        }
        // Each candidate with the most its score can still be (its exact score when every
        // posting was read), most promising first.
        let mut bounds: Vec<(u32, f32)> = Vec::new();
        for (i, product) in scratch.touched.iter().enumerate() {
            // The candidates are scattered over the catalog: each read is a cache miss in a
            // big one, so the reads of one a few ahead are started now (PREFETCH_AHEAD).
            if let Some(ahead) = scratch.touched.get(i + PREFETCH_AHEAD) {
                let a = *ahead as usize;
                prefetch(&scratch.state, a);
                prefetch(&scratch.shared, a);
                prefetch(&self.totals, a);
                self.common.prefetch_common_of(*ahead);
            }
            let p = *product as usize;
            if scratch.state[p] == Candidate::Dropped {
                continue;
            }
            let total = self.totals[p];
            let shared = scratch.shared[p];
            let most = if complete {
                shared
            } else if common_left.is_some() {
                shared + common_weight.min(self.common.common_of(*product))
            } else {
                (shared + unread).min(total).min(query_total)
            };
            let bound = score(comparison, most, query_total, total);
            if bound >= threshold - ROUNDING {
                bounds.push((*product, bound));
            }
        }
        let mut scored = TopScores::new(limit);
        let ordered = by_bound_buckets(&bounds);
        for (i, &(product, bound, bucket_top)) in ordered.iter().enumerate() {
            // In three steps, each reading what the one before brought in: the candidate's
            // own values and its place among the blocks, then where its entries start, then
            // the entries (`CommonBounds::prefetch`).
            if let Some((ahead, _, _)) = ordered.get(i + 2 * PREFETCH_AHEAD) {
                let a = *ahead as usize;
                prefetch(&self.product_ids, a);
                prefetch(&self.groups, a);
                prefetch(&self.totals, a);
                prefetch(&scratch.state, a);
                prefetch(&scratch.shared, a);
                self.common.prefetch(*ahead, 0);
            }
            if let Some((ahead, _, _)) = ordered.get(i + PREFETCH_AHEAD) {
                self.common.prefetch(*ahead, 1);
            }
            if let Some((ahead, _, _)) = ordered.get(i + PREFETCH_AHEAD / 2) {
                self.common.prefetch(*ahead, 2);
            }
            let threshold = scored.threshold() - ROUNDING;
            if bucket_top < threshold {
                break;
            }
            if bound < threshold {
                continue;
            }
            if scratch.work_left < CANDIDATE_WORK {
                scratch.ran_out = true;
                break;
            }
            scratch.work_left -= CANDIDATE_WORK;
            // `keep` first: a narrowed ranking (one category) drops most candidates, its
            // threshold is low, and asking costs less than summing what they share.
            if !self.kept(scratch, product, keep) {
                continue;
            }
            let total = self.totals[product as usize];
            if common_left.is_some() {
                // All but the last bits of the exact score: the candidates it leaves out are
                // most of them, and need not have their whole list read.
                let at = self.common.at_of(product);
                let common = self.common.shared(at, &scratch.common_weight);
                let nearly = scratch.shared[product as usize] + common;
                if score(comparison, nearly, query_total, total) < threshold - ROUNDING {
                    continue;
                }
            }
            // Always from the product's list, as the threshold's exact scores are: sums in
            // another order could differ in the last bits.
            let shared = self.shared_weight(scratch, query, product);
            let exact = score(comparison, shared, query_total, total);
            scored.offer((product, exact), |a, b| self.by_score_then_id(a, b));
        }
        if let Some(common) = common_left {
            if !scratch.ran_out {
                self.common_candidates(scratch, ranking, keep, common, &mut scored);
            }
            scratch.common_weight.fill(0.0);
        }
        scored.into_best()
    }

    /// Offers `scored` every formula that shares with the query only common ingredients (none
    /// of the postings read) and could reach its `limit`-th score, scored exactly. Two ways,
    /// whichever reads less: the blocks of `CommonBounds` whose bound reaches that score, best
    /// first, and in each the formulas whose own bound does (few blocks, usually); or the common
    /// ingredients' postings read whole and every formula scored from the sums (a query whose
    /// best matches share little, so that most blocks might hold one).
    fn common_candidates(
        &self,
        scratch: &mut Scratch,
        ranking: Ranking,
        keep: &impl Fn(u32) -> bool,
        common: &CommonTerms,
        scored: &mut TopScores,
    ) {
        let Ranking {
            query,
            query_total,
            comparison,
            ..
        } = ranking;
        // A formula sharing `shared` and holding `rest` besides: its union with the query is at
        // least the query's total and `rest` (what it shares is at most its common weight).
        let bound = |shared: f32, rest: f32| {
            let jaccard = (shared / (query_total + rest)).min(1.0);
            match comparison {
                Comparison::Formulas => jaccard,
                Comparison::PastedList => 0.5 * (shared / query_total).min(1.0) + 0.5 * jaccard,
            }
        };
        let blocks = self
            .common
            .blocks_reaching(common, scored.threshold() - ROUNDING, bound);
        let by_blocks = blocks.len() * BLOCK * FORMULA_COST;
        let by_postings: usize = query
            .iter()
            .filter(|(slot, _)| self.common.is_common(*slot))
            .map(|(slot, _)| self.postings[*slot as usize].len())
            .sum::<usize>()
            + self.product_ids.len();
        // Touched formulas were scored above, or could not reach the results: marked, so that
        // neither way scores them again.
        for formula in &scratch.touched {
            let state = &mut scratch.state[*formula as usize];
            if *state == Candidate::Unseen {
                *state = Candidate::Passed;
            }
        }
        if by_blocks > by_postings {
            self.common_by_postings(scratch, ranking, keep, scored);
            return;
        }
        for (block, most, bucket_top) in by_bound_buckets(&blocks) {
            let threshold = scored.threshold() - ROUNDING;
            if bucket_top < threshold {
                break;
            }
            if most < threshold {
                continue;
            }
            if scratch.work_left == 0 {
                scratch.ran_out = true;
                break;
            }
            for candidate in self.common.formulas_in(block, common.weight) {
                let threshold = scored.threshold() - ROUNDING;
                if bound(candidate.most_shared, candidate.rest) < threshold {
                    continue;
                }
                scratch.work_left = scratch.work_left.saturating_sub(1);
                let shared = self.common.shared(candidate.at, &scratch.common_weight);
                if shared <= 0.0 {
                    continue;
                }
                let exact = score(comparison, shared, query_total, candidate.total);
                let formula = candidate.formula;
                // A touched formula shares more than its common ingredients: it was scored
                // above (or could not reach the results), and is not scored again here.
                if exact < threshold || scratch.state[formula as usize] != Candidate::Unseen {
                    continue;
                }
                // Remembered in `touched`, so that `clear` forgets its state.
                scratch.touched.push(formula);
                if self.kept(scratch, formula, keep) {
                    scored.offer((formula, exact), |a, b| self.by_score_then_id(a, b));
                }
            }
        }
    }

    /// `common_candidates` by reading the common ingredients' postings into the accumulator:
    /// then every formula's shared weight is whole, and each is scored from it.
    fn common_by_postings(
        &self,
        scratch: &mut Scratch,
        ranking: Ranking,
        keep: &impl Fn(u32) -> bool,
        scored: &mut TopScores,
    ) {
        let (query, query_total) = (ranking.query, ranking.query_total);
        for (slot, query_weight) in query {
            if !self.common.is_common(*slot) {
                continue;
            }
            for (formula, weight) in &self.postings[*slot as usize] {
                scratch.shared[*formula as usize] += query_weight.min(*weight);
            }
        }
        // Most formulas are written to: `clear` zeroes them all.
        scratch.shared_everywhere = true;
        for f in 0..self.product_ids.len() {
            let shared = scratch.shared[f];
            if shared <= 0.0 || scratch.state[f] != Candidate::Unseen {
                continue;
            }
            let most = score(ranking.comparison, shared, query_total, self.totals[f]);
            if most < scored.threshold() - ROUNDING {
                continue;
            }
            let formula = f as u32;
            scratch.touched.push(formula);
            if self.kept(scratch, formula, keep) {
                // From the formula's list, as every other score is.
                let shared = self.shared_weight(scratch, query, formula);
                let exact = score(ranking.comparison, shared, query_total, self.totals[f]);
                scored.offer((formula, exact), |a, b| self.by_score_then_id(a, b));
            }
        }
    }

    /// The order of results: best score first, then by product id (the same on every run).
    fn by_score_then_id(&self, a: &(u32, f32), b: &(u32, f32)) -> std::cmp::Ordering {
        b.1.total_cmp(&a.1)
            .then_with(|| self.product_ids[a.0 as usize].cmp(&self.product_ids[b.0 as usize]))
    }

    /// Whether `keep` keeps the candidate, asked once per query and remembered.
    fn kept(&self, scratch: &mut Scratch, product: u32, keep: &impl Fn(u32) -> bool) -> bool {
        let p = product as usize;
        if scratch.state[p] == Candidate::Unseen {
            scratch.state[p] = if keep(product) {
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
        keep: &impl Fn(u32) -> bool,
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
                    1 => scratch.query_weight[i].min(self.weight(slot, *ingredient, position)),
                    // The query names this ingredient more than once: each counts.
                    _ => {
                        let weight = self.weight(slot, *ingredient, position);
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

/// `items` (an item and the most it can score) from the highest bound down, by buckets of
/// bounds: (item, bound, the top of its bucket). An exact sort of the tens of thousands of
/// candidates a ranking can have cost more than the visits it saved (perf); a visit stops when
/// the top of the bucket it reached is below the results, and skips items below them.
fn by_bound_buckets(items: &[(u32, f32)]) -> Vec<(u32, f32, f32)> {
    const BUCKETS: usize = 1024;
    let (low, high) = items.iter().fold((f32::MAX, f32::MIN), |(l, h), (_, b)| {
        (l.min(*b), h.max(*b))
    });
    if items.is_empty() {
        return Vec::new();
    }
    let width = ((high - low) / BUCKETS as f32).max(f32::MIN_POSITIVE);
    // The same expression sorts into buckets and gives each bucket's top.
    let bucket = |bound: f32| (((bound - low) / width) as usize).min(BUCKETS - 1);
    let mut starts = vec![0usize; BUCKETS + 1];
    for (_, bound) in items {
        // Highest bucket first.
        starts[BUCKETS - bucket(*bound)] += 1;
    }
    for b in 0..BUCKETS {
        starts[b + 1] += starts[b];
    }
    let mut ordered = vec![(0u32, 0.0f32, 0.0f32); items.len()];
    for (item, bound) in items {
        let b = bucket(*bound);
        let at = &mut starts[BUCKETS - 1 - b];
        // The bucket's top is the highest bound it holds at most: `high` for the top bucket.
        let top = if b == BUCKETS - 1 {
            high
        } else {
            low + (b + 1) as f32 * width
        };
        ordered[*at] = (*item, *bound, top.max(*bound));
        *at += 1;
    }
    ordered
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

/// The group of a formula whose products are of several (`tag_groups`).
const ANY_GROUP: u32 = u32::MAX;
/// The end of a chain of formulas with one hash (`build_marking_trace`).
const NO_FORMULA: u32 = u32::MAX;
/// The best `limit` (formula slot, score) offered so far, best first.
struct TopScores {
    limit: usize,
    best: Vec<(u32, f32)>,
}

impl TopScores {
    fn new(limit: usize) -> Self {
        TopScores {
            limit,
            best: Vec::with_capacity(limit + 1),
        }
    }

    /// The score a formula must reach to enter: the `limit`-th best, 0 until there are `limit`.
    fn threshold(&self) -> f32 {
        if self.best.len() == self.limit {
            self.best[self.limit - 1].1
        } else {
            0.0
        }
    }

    fn offer(
        &mut self,
        scored: (u32, f32),
        order: impl Fn(&(u32, f32), &(u32, f32)) -> std::cmp::Ordering,
    ) {
        self.best.push(scored);
        self.best.sort_unstable_by(order);
        self.best.truncate(self.limit);
    }

    fn into_best(self) -> Vec<(u32, f32)> {
        self.best
    }
}

/// Which ingredients are common (see `CommonBounds`): held by more than one formula in
/// `common_share`, or by more than `common_floor` where that is more, once there are more than
/// `read_whole_up_to` formulas (below, every posting is read: the real catalogs seongbun
/// imports, 1,472 to 8,494 products, are). One in 30 from trials at a million products: at 1 in
/// 100 the common weight left unread was so large that the bounds let most candidates through
/// (p99 26 ms without a budget); at 1 in 20 the postings read touched up to 370,000 formulas.
#[derive(Debug, Clone, Copy)]
pub struct Pruning {
    pub read_whole_up_to: usize,
    pub common_floor: usize,
    pub common_share: usize,
    /// The most work a ranking does after reading postings, in candidates scored (a
    /// candidate of the postings read counts `CANDIDATE_WORK`, a formula of a block 1): past
    /// it, the ranking answers with the best it has scored, best bounds first. It bounds the
    /// slowest rankings of a million-product catalog; a ranking of 100,000 does a tenth of it
    /// at most, and is exact (BENCHMARKS.md counts the rankings cut and how their answers
    /// compare with the exhaustive ones).
    pub work_budget: usize,
}

impl Default for Pruning {
    fn default() -> Self {
        Pruning {
            read_whole_up_to: 10_000,
            common_floor: 2_000,
            common_share: 30,
            work_budget: 200_000,
        }
    }
}

impl Pruning {
    /// The most holders an ingredient may have and still be read, in a catalog of `formulas`.
    fn most_read(&self, formulas: usize) -> usize {
        if formulas <= self.read_whole_up_to {
            return usize::MAX;
        }
        (formulas / self.common_share).max(self.common_floor)
    }
}
/// How many candidates ahead of the one scored their reads are started (`prefetch`).
const PREFETCH_AHEAD: usize = 8;

/// Starts reading `slice[index]` into the cache, if there is one: a hint, no effect on what
/// the program computes.
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(index) {
        // SAFETY: a prefetch of an address inside a live slice; it reads nothing the program
        // sees and cannot fault.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (item as *const T).cast::<i8>(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}

/// What scoring a candidate of the postings read costs against `Pruning::work_budget`, where a
/// formula of a block costs 1: its reads are scattered over the catalog, a block's are not.
const CANDIDATE_WORK: usize = 4;
/// What scoring one formula of a block costs, in postings read: `common_candidates` reads the
/// postings instead when the blocks would cost more.
const FORMULA_COST: usize = 8;
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
    /// A candidate of the postings read, left to `common_candidates` unscored: its bound
    /// could not reach the results, or it was scored already.
    Passed,
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
    /// Per ingredient slot: the query's weight and how many times the query names it.
    query_weight: Vec<f32>,
    query_terms: Vec<u8>,
    /// Per common ingredient (`CommonBounds`): the query's weight.
    common_weight: Vec<f32>,
    /// Whether `shared` was written beyond `touched` (`common_by_postings`).
    shared_everywhere: bool,
    /// The work the ranking may still do (`Pruning::work_budget`), and whether it ran out.
    work_left: usize,
    ran_out: bool,
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
        for product in self.touched.drain(..) {
            self.state[product as usize] = Candidate::Unseen;
            self.shared[product as usize] = 0.0;
        }
        if self.shared_everywhere {
            self.shared.fill(0.0);
            self.shared_everywhere = false;
        }
        self.ran_out = false;
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
    fn identical_lists_are_one_formula_one_result_shown_as_its_first_kept_product() {
        let idx = index(&[
            (1, vec![10, 11, 12]),
            (2, vec![10, 11, 12]),
            (3, vec![10, 11, 13]),
            (4, vec![10, 20, 21]),
            (5, vec![10, 11, 12]),
        ]);
        assert_eq!(idx.formula_count(), 3);
        // The product's own twins are its "same formula", never a similar result.
        assert_eq!(idx.same_formula_as(1), [2, 5]);
        assert_eq!(idx.same_formula_as(2), [1, 5]);
        assert!(idx.same_formula_as(4).is_empty());
        assert!(idx.same_formula_as(404).is_empty());
        let found = idx.similar_to_product(1, 4, |_| true).unwrap();
        let ids: Vec<i32> = found.iter().map(|m| m.product_id).collect();
        assert_eq!(ids, [3, 4]);
        // Another formula's twins take one slot: the first product, the others "also sold as".
        let found = idx.similar_to_product(3, 4, |_| true).unwrap();
        assert_eq!(found[0].product_id, 1);
        assert_eq!(found[0].same_formula, [2, 5]);
        assert_eq!(found.len(), 2);
        let mut shared = found[0].shared.clone();
        shared.sort();
        assert_eq!(shared, [10, 11]);
        // `keep` picks among a formula's products: the first kept one is shown.
        let found = idx.similar_to_product(3, 4, |p| p != 1).unwrap();
        assert_eq!(
            (found[0].product_id, found[0].same_formula.clone()),
            (2, vec![5])
        );
        let found = idx.similar_to_product(3, 4, |p| p == 5 || p == 4).unwrap();
        assert_eq!((found[0].product_id, found[0].same_formula.len()), (5, 0));
        // Every product still lists its own ingredients and is found holding them.
        assert_eq!(idx.ingredients_of(5).collect::<Vec<_>>(), [10, 11, 12]);
        assert_eq!(idx.products_holding(12), [1, 2, 5]);
        assert!((idx.score_between(1, 2) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_shared_trace_signature_never_outranks_a_shared_base() {
        // 1's base is 10..=14; 90 (phenoxyethanol) starts its trace part, where 50..=55 are a
        // brand's rare mineral complex. 2 shares that base (with a trace part of its own), 3
        // only the trace part, on a base as common as 1's.
        let marker = 90;
        let mut lists = vec![
            (1, vec![10, 11, 12, 13, 14, marker, 50, 51, 52, 53, 54, 55]),
            (2, vec![10, 11, 12, 13, 14, marker, 60, 61]),
            (3, vec![15, 16, 17, 18, 19, marker, 50, 51, 52, 53, 54, 55]),
        ];
        for id in 100..140 {
            lists.push((
                id,
                vec![10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 70 + id % 7],
            ));
        }
        let idx = SimilarityIndex::build_with(
            lists.iter().map(|(id, l)| (*id, l.iter().copied())),
            |i| i == marker,
            |_| None,
        );
        let untraced = index(&lists);
        assert!(
            untraced.score_between(1, 3) > untraced.score_between(1, 2),
            "weighed alike, the rare trace complex wins: the case this guards against"
        );
        assert!(idx.score_between(1, 2) > idx.score_between(1, 3));
        assert_eq!(
            idx.similar_to_product(1, 1, |_| true).unwrap()[0].product_id,
            2
        );
    }

    #[test]
    fn an_ingredient_only_one_brand_holds_weighs_less_below_the_base() {
        // 20 and 50 are held by brand 7's products 1 and 3 only: 20 in the base, 50 below it.
        let lists = vec![
            (1, vec![10, 20, 11, 12, 13, 14, 50]),
            (3, vec![10, 20, 21, 22, 23, 24, 50]),
            (4, vec![10, 30, 31, 32, 33, 34, 35]),
        ];
        let brand = |id: i32| Some(if id == 4 { 4 } else { 7 });
        let branded = SimilarityIndex::build_with(
            lists.iter().map(|(id, l)| (*id, l.iter().copied())),
            |_| false,
            brand,
        );
        let unbranded = index(&lists);
        let part = |idx: &SimilarityIndex, position: usize| -> f32 {
            let parts = idx.explain(1, 3);
            parts.iter().find(|(p, _)| *p == position).unwrap().1
        };
        assert_eq!(
            part(&branded, 1),
            part(&unbranded, 1),
            "in the base: all its rarity"
        );
        assert!(
            (part(&branded, 6) - 0.5 * part(&unbranded, 6)).abs() < 1e-6,
            "1 brand, 2 formulas"
        );
        assert!(branded.score_between(1, 3) < unbranded.score_between(1, 3));
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
        let idx = index(&[(1, vec![1, 2]), (2, vec![]), (3, vec![1, 3])]);
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
                "{} found, {} expected: {found:?} vs {expected:?}",
                found.len(),
                expected.len()
            ));
        }
        for (f, (_, score)) in found.iter().zip(expected) {
            // Sums in another order may differ in the last bits: another product in a place
            // is a tie, as long as the scores are the same.
            if (f.score - score).abs() > 1e-5 {
                return Err(format!("{found:?} vs {expected:?}"));
            }
        }
        Ok(())
    }

    /// Catalogs shaped like real ones: one ingredient on every label (water), a few on most,
    /// a long tail of rare ones, families of near-twins and exact twins (a Mini), brands, and
    /// a preservative starting trace parts, so that every pruning has something to skip.
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
                // changed (a shade, a relaunch), every seventh the one before it again (a Mini).
                for i in (2..lists.len()).step_by(3) {
                    let mut sibling = lists[i - 1].clone();
                    sibling.pop();
                    sibling.push(300 + i as i32);
                    lists[i] = sibling;
                }
                for i in (6..lists.len()).step_by(7) {
                    lists[i] = lists[i - 1].clone();
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

    /// A pasted list ranked by scoring every formula.
    fn pasted_exhaustively(
        idx: &SimilarityIndex,
        pasted: &[Option<i32>],
        limit: usize,
    ) -> Vec<(i32, f32)> {
        let (query, total) = idx.weighted_query(pasted);
        let ranking = Ranking {
            query: &query,
            query_total: total,
            comparison: Comparison::PastedList,
            limit,
        };
        idx.ranked_exhaustively(ranking, |_| true)
            .into_iter()
            .map(|(f, score)| (idx.product_ids[f as usize], score))
            .collect()
    }

    /// A catalog past the real thresholds (`Pruning::default()`): more formulas than are read
    /// whole, ingredients held by more than the 2,000-holder floor, near-twins and exact twins.
    #[test]
    fn the_served_ranking_is_exact_past_the_real_thresholds() {
        let mut rng = crate::catalog::synthetic::SeededRng::new(7);
        let mut lists: Vec<(i32, Vec<i32>)> = Vec::new();
        for i in 0..24_000 {
            let id = i as i32 + 1;
            if i % 9 == 8 {
                // A Mini of the product before.
                let before = lists[i - 1].1.clone();
                lists.push((id, before));
                continue;
            }
            let mut list = vec![0];
            let length = 8 + rng.below(22);
            while list.len() < length {
                let ingredient = match rng.below(10) {
                    0..=3 => 1 + rng.below(12),
                    4..=6 => 13 + rng.below(200),
                    _ => 213 + rng.below(6_000),
                } as i32;
                if !list.contains(&ingredient) {
                    list.push(ingredient);
                }
            }
            lists.push((id, list));
        }
        let idx = SimilarityIndex::build_with(
            lists.iter().map(|(id, l)| (*id, l.iter().copied())),
            |i| i == 5,
            |id| Some(id as u32 % 300),
        );
        assert!(idx.formula_count() > Pruning::default().read_whole_up_to);
        assert!(idx.common.active(), "some ingredients are common");
        for pick in 0..40 {
            let product = lists[(pick * 577) % lists.len()].0;
            for keep in [|_: i32| true, |p: i32| p % 3 != 0] {
                let found = idx.similar_to_product(product, 4, keep).unwrap();
                let expected = idx
                    .similar_to_product_exhaustively(product, 4, keep)
                    .unwrap();
                assert!(
                    same_ranking(&found, &expected).is_ok(),
                    "{product}: {:?}",
                    same_ranking(&found, &expected)
                );
            }
            let pasted: Vec<Option<i32>> = lists[(pick * 577) % lists.len()]
                .1
                .iter()
                .take(10)
                .map(|id| Some(*id))
                .collect();
            let found = idx.similar_to_list(&pasted, Comparison::PastedList, 4, |_| true);
            let expected = pasted_exhaustively(&idx, &pasted, 4);
            assert!(
                same_ranking(&found, &expected).is_ok(),
                "{:?}",
                same_ranking(&found, &expected)
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Whatever the thresholds (a catalog read whole, or with common ingredients from a
        /// handful of holders up), the served ranking is the exhaustive one.
        #[test]
        fn the_served_ranking_equals_scoring_every_formula(
            lists in catalog_strategy(),
            pick in 0usize..1000,
            limit in 1usize..6,
            drop_every in 2i32..7,
            read_whole_up_to in 0usize..300,
            common_floor in 1usize..40,
            common_share in 2usize..30,
            brands in 1u32..40,
        ) {
            let pruning = Pruning { read_whole_up_to, common_floor, common_share, work_budget: usize::MAX };
            let idx = SimilarityIndex::build_pruned(
                lists.iter().map(|(id, l)| (*id, l.iter().copied())),
                |i| i == 5,
                |id| Some(id as u32 % brands),
                pruning,
            );
            let product = lists[pick % lists.len()].0;
            let keep = |p: i32| p % drop_every != 0;
            let found = idx.similar_to_product(product, limit, keep).unwrap();
            let expected = idx.similar_to_product_exhaustively(product, limit, keep).unwrap();
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
            let expected = pasted_exhaustively(&idx, &pasted, limit);
            proptest::prop_assert!(same_ranking(&found, &expected).is_ok(), "{:?}", same_ranking(&found, &expected));
        }
    }
}
