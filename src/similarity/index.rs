//! The in-memory similarity index: an inverted index from ingredient to the formulas holding
//! it, with each holding's weight. Scoring a query touches only the formulas that share an
//! ingredient with it, never the whole catalog.
//!
//! A formula is one distinct ingredient list: products whose resolved lists are identical (a
//! Mini, a Jumbo, a Refill, a Set of the same product) are one formula, ranked once and shown
//! as one result with its other products "also sold as", so that one formula takes one slot.

//!
//! Building it is `build`, the top-k engine that ranks formulas without reading every posting
//! is `ranking`, and its per-thread working memory `scratch`; this file holds the index and
//! the queries the site asks of it.

mod build;
mod ranking;
mod scratch;

use rustc_hash::FxHashMap;

use crate::live_catalog::id_table::IdTable;

use super::common_bounds::CommonBounds;
use super::weights::{Rarity, TraceLine};
pub use build::Pruning;
use ranking::{score, Ranking};
use scratch::Scratch;

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
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SimilarityIndex {
    /// Per formula slot, the id of its first product (in the order `build` was given the
    /// products): the id results are ordered by on equal scores. Slots follow the order of
    /// their first product, and so do the postings.
    first_product_of_formula: Vec<i32>,
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
    /// Per ingredient slot: (formula slot, weight), by formula slot; once groups are tagged,
    /// by group (those of several last), then by formula slot (`group_starts`).
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
    /// Where each group's formulas start in each posting list (`postings_in`): ingredient
    /// slot `i`'s are `group_starts[i * (group_ranks + 1)..][..group_ranks + 1]`, the groups
    /// in order, then the formulas of several groups. Empty when untagged.
    group_starts: Vec<u32>,
    group_ranks: u32,
    /// The most work one ranking does (`Pruning::work_budget`), and how many rankings were
    /// cut short by it.
    work_budget: usize,
    #[serde(skip)]
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
        self.first_product_of_formula.len()
    }

    /// How many distinct formulas hold an ingredient: how common it is, without listing them.
    pub fn formulas_holding(&self, ingredient_id: i32) -> usize {
        self.slot_of_ingredient
            .get(&ingredient_id)
            .map_or(0, |slot| self.postings[*slot as usize].len())
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
        self.similar_to_product_in(product_id, limit, None, &keep, &keep)
    }

    /// `similar_to_product` among the formulas of group `group` only (see `tag_groups`): those
    /// of other groups are dropped with one read each, before anything is asked of them. `keep`
    /// is asked of the products of formulas of several groups, `keep_besides_group` of those
    /// of a formula of `group` alone, which are all of the group: a caller's own check of the
    /// group is left out of it (at a million products, the reads that check made were a sixth
    /// of a product page's time).
    pub fn similar_to_product_in(
        &self,
        product_id: i32,
        limit: usize,
        group: Option<u32>,
        keep: impl Fn(i32) -> bool,
        keep_besides_group: impl Fn(i32) -> bool,
    ) -> Option<Vec<SimilarMatch>> {
        let slot = self.formula_of_product(product_id)?;
        let query: Vec<(u32, f32)> = self.weighted_list(slot).collect();
        let ranking = Ranking {
            query: &query,
            query_total: self.totals[slot as usize],
            comparison: Comparison::Formulas,
            limit,
            group,
        };
        let of_group_alone =
            |f: u32| group.is_some() && self.groups.get(f as usize) == group.as_ref();
        let keep = |f: u32, product: i32| {
            if of_group_alone(f) {
                keep_besides_group(product)
            } else {
                keep(product)
            }
        };
        Some(self.rank(ranking, |f| f != slot && self.in_group(f, group), keep))
    }

    /// Whether formula `f` may be of group `group` (any formula may be of no group).
    fn in_group(&self, f: u32, group: Option<u32>) -> bool {
        tag_allows(self.groups.get(f as usize).copied(), group)
    }

    /// Ingredient slot `slot`'s postings a ranking in `group` reads: those of the group's
    /// formulas and of the formulas of several groups (the whole list without a group, or
    /// before groups are tagged).
    fn postings_in(&self, slot: u32, group: Option<u32>) -> [&[(u32, f32)]; 2] {
        let list = &self.postings[slot as usize][..];
        let Some(group) = group.filter(|_| !self.group_starts.is_empty()) else {
            return [list, &[]];
        };
        let ranks = self.group_ranks as usize;
        let starts = &self.group_starts[slot as usize * (ranks + 1)..][..ranks + 1];
        let range = |rank: usize| &list[starts[rank] as usize..starts[rank + 1] as usize];
        let several = ranks - 1;
        let own = if (group as usize) < several {
            range(group as usize)
        } else {
            &[]
        };
        [own, range(several)]
    }

    /// Tags each formula with its products' group (a category, by number: 0, 1, ...) for
    /// `similar_to_product_in`; a formula whose products are of several groups is in any. Each
    /// posting list is then ordered by group, so that a ranking in one group reads only its
    /// own group's postings and those of several groups (`postings_in`): a product page's
    /// ranking, narrowed to its category, read every category's postings before.
    pub fn tag_groups(&mut self, group_of: impl Fn(i32) -> u32) {
        self.groups = (0..self.first_product_of_formula.len() as u32)
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
        self.order_postings_by_group();
        let groups = &self.groups;
        self.common.tag_groups(|formula| groups[formula as usize]);
    }

    /// Orders each posting list by group (formulas of several groups last), by formula slot
    /// within one, and notes where each group starts (`group_starts`).
    fn order_postings_by_group(&mut self) {
        let real = self.groups.iter().filter(|g| **g != ANY_GROUP).max();
        let ranks = real.map_or(0, |g| *g as usize + 1) + 1;
        if ranks > MOST_GROUPS_ORDERED {
            // Groups are categories: a few dozen. More is not what this is for.
            (self.group_starts, self.group_ranks) = (Vec::new(), 0);
            return;
        }
        let rank_of = |formula: u32| match self.groups[formula as usize] {
            ANY_GROUP => ranks - 1,
            group => group as usize,
        };
        let mut starts = Vec::with_capacity(self.postings.len() * (ranks + 1));
        let mut next = vec![0u32; ranks];
        let mut ordered: Vec<(u32, f32)> = Vec::new();
        for list in &mut self.postings {
            let at = starts.len();
            starts.resize(at + ranks + 1, 0u32);
            let list_starts = &mut starts[at..];
            for (formula, _) in list.iter() {
                list_starts[rank_of(*formula) + 1] += 1;
            }
            for rank in 0..ranks {
                list_starts[rank + 1] += list_starts[rank];
            }
            next.copy_from_slice(&list_starts[..ranks]);
            ordered.clear();
            ordered.resize(list.len(), (0, 0.0));
            // In slot order within a group, as the whole list was.
            for posting in list.iter() {
                let place = &mut next[rank_of(posting.0)];
                ordered[*place as usize] = *posting;
                *place += 1;
            }
            list.copy_from_slice(&ordered);
        }
        self.group_starts = starts;
        self.group_ranks = ranks as u32;
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
            group: None,
        };
        self.rank(ranking, |_| true, |_, product| keep(product))
    }

    /// A list of ingredient ids weighed as a formula's would be: (ingredient slot, weight) of
    /// those the catalog holds, and the total weight of all.
    fn weighted_query(&self, ingredient_ids: &[Option<i32>]) -> (Vec<(u32, f32)>, f32) {
        let unseen = Rarity::unseen(self.first_product_of_formula.len());
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
            group: None,
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
        let mut all: Vec<(u32, f32)> = (0..self.first_product_of_formula.len() as u32)
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
        // The first product is in `first_product_of_formula`: most formulas have one, and need no more reads.
        let first = self.first_product_of_formula[formula as usize];
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
        let held: FxHashMap<u32, f32> = self.weighted_list(slot_b).collect();
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

    /// The shared ingredients, those that add most to the score first (rare ones high on both
    /// lists), then in the query's label order. Formula `product_slot`'s weights are spread in
    /// `scratch` (by ingredient slot, as a map would hold them: a list naming one twice keeps
    /// the last) and taken away again.
    fn shared(&self, scratch: &mut Scratch, query: &[(u32, f32)], product_slot: u32) -> Vec<i32> {
        // Every weight is above 0: 0 is "not held".
        let held = &mut scratch.held_weight;
        for (slot, weight) in self.weighted_list(product_slot) {
            held[slot as usize] = weight;
        }
        let mut shared: Vec<(usize, f32, u32)> = query
            .iter()
            .enumerate()
            .filter_map(|(order, (slot, weight))| {
                let held = held[*slot as usize];
                (held > 0.0).then(|| (order, weight.min(held), *slot))
            })
            .collect();
        for slot in self.list(product_slot) {
            held[*slot as usize] = 0.0;
        }
        shared.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        shared
            .into_iter()
            .map(|(_, _, slot)| self.ingredient_ids[slot as usize])
            .collect()
    }
}

/// The group of a formula whose products are of several (`tag_groups`).
const ANY_GROUP: u32 = u32::MAX;

/// Whether a formula tagged `tag` (`None`: untagged) may be of group `group`.
fn tag_allows(tag: Option<u32>, group: Option<u32>) -> bool {
    match (group, tag) {
        (Some(wanted), Some(tag)) => tag == wanted || tag == ANY_GROUP,
        _ => true,
    }
}

/// The most groups (and one rank for several) whose postings `tag_groups` orders by group.
const MOST_GROUPS_ORDERED: usize = 1024;

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
        assert_eq!(idx.formulas_holding(12), 1, "one formula, three products");
        assert_eq!(idx.formulas_holding(404), 0);
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
            group: None,
        };
        idx.ranked_exhaustively(ranking, |_| true)
            .into_iter()
            .map(|(f, score)| (idx.first_product_of_formula[f as usize], score))
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
        let mut idx = SimilarityIndex::build_with(
            lists.iter().map(|(id, l)| (*id, l.iter().copied())),
            |i| i == 5,
            |id| Some(id as u32 % 300),
        );
        // Six categories, a Mini now and then in another than its product.
        let group_of = |id: i32| (id as u32 / 5) % 6;
        idx.tag_groups(group_of);
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
                let wanted = group_of(product);
                let in_wanted = |p: i32| keep(p) && group_of(p) == wanted;
                let found = idx
                    .similar_to_product_in(product, 4, Some(wanted), in_wanted, keep)
                    .unwrap();
                let expected = idx
                    .similar_to_product_exhaustively(product, 4, in_wanted)
                    .unwrap();
                assert!(
                    same_ranking(&found, &expected).is_ok(),
                    "{product} in its group: {:?}",
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
            groups in 1u32..5,
            wanted in 0u32..6,
        ) {
            let pruning = Pruning { read_whole_up_to, common_floor, common_share, work_budget: usize::MAX };
            let mut idx = SimilarityIndex::build_pruned(
                lists.iter().map(|(id, l)| (*id, l.iter().copied())),
                |i| i == 5,
                |id| Some(id as u32 % brands),
                pruning,
            );
            // Categories, with exact twins (a Mini) often in another: formulas of several.
            let group_of = |id: i32| (id as u32 * 7 / 3) % groups;
            idx.tag_groups(group_of);
            let product = lists[pick % lists.len()].0;
            let keep = |p: i32| p % drop_every != 0;
            let found = idx.similar_to_product(product, limit, keep).unwrap();
            let expected = idx.similar_to_product_exhaustively(product, limit, keep).unwrap();
            proptest::prop_assert!(same_ranking(&found, &expected).is_ok(), "{:?}", same_ranking(&found, &expected));

            // Narrowed to one group (one no formula is of, past `groups`): only its own and
            // several groups' postings are read, and nothing of the group is missed.
            let in_wanted = |p: i32| keep(p) && group_of(p) == wanted;
            // The group's own formulas are asked only the rest (`keep`): all of them are of it.
            let found = idx.similar_to_product_in(product, limit, Some(wanted), in_wanted, keep).unwrap();
            let expected = idx.similar_to_product_exhaustively(product, limit, in_wanted).unwrap();
            proptest::prop_assert!(same_ranking(&found, &expected).is_ok(), "group {wanted}: {:?}", same_ranking(&found, &expected));

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
