//! Building the index: each product's list resolved to ingredient slots, identical lists made
//! one formula, weights from rarity, place and brand spread, and the bounds that stand in for
//! the common ingredients' postings.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use super::SimilarityIndex;
use crate::live_catalog::id_table::IdTable;
use crate::similarity::common_bounds::CommonBounds;
use crate::similarity::weights::{
    brand_spread, idf, trace_factor, Rarity, TraceLine, TRACE_LINE_FROM,
};

impl SimilarityIndex {
    /// `build_with`, with which ingredients count as common set by `pruning` (tests cross its
    /// thresholds with small catalogs).
    pub(super) fn build_pruned<L: IntoIterator<Item = i32>>(
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
                    let formula = index.first_product_of_formula.len() as u32;
                    index.first_product_of_formula.push(product_id);
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
        index.first_product_of_formula.shrink_to_fit();
        index.list_starts.shrink_to_fit();
        index.member_ids.shrink_to_fit();
        index.formula_of.shrink_to_fit();
        index.place_of = IdTable::new(index.member_ids.iter().copied());
        index.group_members();
        let formulas = index.first_product_of_formula.len();
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
        for formula in 0..self.first_product_of_formula.len() as u32 {
            let brand =
                brand_of(self.first_product_of_formula[formula as usize]).unwrap_or(NO_BRAND);
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
        let formulas = self.first_product_of_formula.len();
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
    pub(super) fn trace_line(list: impl Iterator<Item = (Rarity, bool)> + Clone) -> TraceLine {
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
}

/// The end of a chain of formulas with one hash (`build_marking_trace`).
const NO_FORMULA: u32 = u32::MAX;

/// Which ingredients are common (see `CommonBounds`): held by more than one formula in
/// `common_share`, or by more than `common_floor` where that is more, once there are more than
/// `read_whole_up_to` formulas (below, every posting is read: the real catalogs seongbun
/// imports, 1,472 to 8,494 products, are). One in 15 from trials at a million products: at 1 in
/// 100 the common weight left unread was so large that the bounds let most candidates through
/// (p99 26 ms without a budget). Against 1 in 30 (`cargo bench --bench scale`, 2026-12-07), a
/// ranking in one category reads its own short postings of the ingredients it no longer finds
/// through the bounds: p50 584 -> 400 µs, p99 6.7 -> 4.1 ms, rankings cut by the work budget
/// 308 -> 28 of 12,000, 200/200 equal to the exhaustive ranking (196); a pasted list's p99
/// 11.8 -> 13.0 ms. 1 in 10 cut 2 but took the pasted p99 to 14.5 ms.
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
            common_share: 15,
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
