//! The in-memory similarity index: an inverted index from ingredient to the products holding
//! it, with each holding's weight. Scoring a query touches only the products that share an
//! ingredient with it, never the whole catalog.

use std::collections::HashMap;

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

#[derive(Debug, Default)]
pub struct SimilarityIndex {
    product_ids: Vec<i32>,
    slot_of_product: HashMap<i32, u32>,
    /// Per product slot: (ingredient slot, weight) in label order.
    lists: Vec<Vec<(u32, f32)>>,
    /// Per product slot: the sum of its weights.
    totals: Vec<f32>,
    /// Per ingredient slot: (product slot, weight).
    postings: Vec<Vec<(u32, f32)>>,
    ingredient_ids: Vec<i32>,
    slot_of_ingredient: HashMap<i32, u32>,
    idf: Vec<f32>,
}

impl SimilarityIndex {
    /// Builds the index from each product's ingredient ids in label order. Products with an
    /// empty list are never offered as similar.
    pub fn build<'a>(lists: impl IntoIterator<Item = (i32, &'a [i32])>) -> Self {
        let mut index = SimilarityIndex::default();
        let mut raw_lists: Vec<Vec<u32>> = Vec::new();
        for (product_id, ingredient_ids) in lists {
            if ingredient_ids.is_empty() {
                continue;
            }
            let slots = ingredient_ids
                .iter()
                .map(|id| index.ingredient_slot(*id))
                .collect();
            index
                .slot_of_product
                .insert(product_id, index.product_ids.len() as u32);
            index.product_ids.push(product_id);
            raw_lists.push(slots);
        }
        let mut document_frequency = vec![0u32; index.ingredient_ids.len()];
        for list in &raw_lists {
            for slot in list {
                document_frequency[*slot as usize] += 1;
            }
        }
        let products = raw_lists.len();
        index.idf = document_frequency
            .iter()
            .map(|df| idf(products, *df as usize))
            .collect();
        index.postings = vec![Vec::new(); index.ingredient_ids.len()];
        for (product_slot, list) in raw_lists.into_iter().enumerate() {
            let weighted: Vec<(u32, f32)> = list
                .into_iter()
                .enumerate()
                .map(|(position, slot)| {
                    (slot, index.idf[slot as usize] * position_weight(position))
                })
                .collect();
            for (slot, weight) in &weighted {
                index.postings[*slot as usize].push((product_slot as u32, *weight));
            }
            index.totals.push(weighted.iter().map(|(_, w)| w).sum());
            index.lists.push(weighted);
        }
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

    /// The `limit` products most similar to a catalog product (never itself), best first;
    /// `None` when the product has no ingredient list in the index.
    pub fn similar_to_product(
        &self,
        product_id: i32,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Option<Vec<SimilarMatch>> {
        let slot = *self.slot_of_product.get(&product_id)?;
        let query = &self.lists[slot as usize];
        Some(self.rank(
            query,
            self.totals[slot as usize],
            Comparison::Formulas,
            limit,
            |p| p != product_id && keep(p),
        ))
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
        self.rank(&query, total, comparison, limit, keep)
    }

    /// How alike two catalog products are (as `similar_to_product` scores them); 0 when
    /// either has no list.
    pub fn score_between(&self, a: i32, b: i32) -> f32 {
        let (Some(&slot_a), Some(&slot_b)) =
            (self.slot_of_product.get(&a), self.slot_of_product.get(&b))
        else {
            return 0.0;
        };
        let held: HashMap<u32, f32> = self.lists[slot_b as usize].iter().copied().collect();
        let shared: f32 = self.lists[slot_a as usize]
            .iter()
            .filter_map(|(slot, weight)| held.get(slot).map(|w| weight.min(*w)))
            .sum();
        score(
            Comparison::Formulas,
            shared,
            self.totals[slot_a as usize],
            self.totals[slot_b as usize],
        )
    }

    fn rank(
        &self,
        query: &[(u32, f32)],
        query_total: f32,
        comparison: Comparison,
        limit: usize,
        keep: impl Fn(i32) -> bool,
    ) -> Vec<SimilarMatch> {
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        // Sum over shared ingredients of the smaller of the two weights.
        let mut overlap: HashMap<u32, f32> = HashMap::new();
        for (ingredient, query_weight) in query {
            for (product, weight) in &self.postings[*ingredient as usize] {
                *overlap.entry(*product).or_default() += query_weight.min(*weight);
            }
        }
        let mut scored: Vec<(u32, f32)> = overlap
            .into_iter()
            .filter(|(slot, _)| keep(self.product_ids[*slot as usize]))
            .map(|(slot, shared)| {
                let total = self.totals[slot as usize];
                (slot, score(comparison, shared, query_total, total))
            })
            .collect();
        let by_score_then_id = |a: &(u32, f32), b: &(u32, f32)| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.product_ids[a.0 as usize].cmp(&self.product_ids[b.0 as usize]))
        };
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit - 1, by_score_then_id);
            scored.truncate(limit);
        }
        scored.sort_unstable_by(by_score_then_id);
        scored
            .into_iter()
            .map(|(slot, score)| SimilarMatch {
                product_id: self.product_ids[slot as usize],
                score,
                shared: self.shared(query, slot),
            })
            .collect()
    }

    /// The shared ingredients, those that add most to the score first (rare ones high on both
    /// lists), then in the query's label order.
    fn shared(&self, query: &[(u32, f32)], product_slot: u32) -> Vec<i32> {
        let held: HashMap<u32, f32> = self.lists[product_slot as usize].iter().copied().collect();
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
        SimilarityIndex::build(lists.iter().map(|(id, l)| (*id, l.as_slice())))
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
}
