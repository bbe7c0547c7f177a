//! Bounds on what a formula can share with a query through common ingredients alone, so that a
//! ranking stays exact without reading their postings.
//!
//! An ingredient held by many formulas (water, glycerin, phenoxyethanol: `index::Pruning` says
//! how many) has a posting list as long as a good part of the catalog: reading it for every
//! query was most of a ranking's time at a million products. The ranking reads the other ingredients' postings;
//! a formula sharing none of those with the query ("untouched") can share with it only common
//! ingredients, and this module bounds how much:
//!
//! - per formula, the weight of its common ingredients (`common`) and of the rest (`rest`): it
//!   shares at most `min(query's common weight, common)`, and its union with the query is at
//!   least the query's total plus `rest` (weighted Jaccard `S / (q + T - S)` with `T - S >= rest`);
//! - per block of `BLOCK` formulas, the same bounds at their loosest, and per common ingredient
//!   the most weight a formula of the block gives it (block-max, as Lucene's and PISA's
//!   block-max WAND keep per block of postings).
//!
//! Formulas are laid out in blocks by `rest` then by `common` (most first), so a block's bounds
//! are nearly those of each of its formulas, and the blocks a query must open are few: those
//! of formulas made mostly of common ingredients, which are exactly the ones that can score
//! high on common ingredients alone. The ranking opens blocks best bound first and stops when
//! the best left cannot reach its `limit`-th score: the answer is the exhaustive one.

/// Formulas per block.
pub const BLOCK: usize = 64;
/// `rest` is ordered in steps of this much weight; within a step, by `common`, most first.
const REST_STEP: f32 = 0.25;
const NOT_COMMON: u32 = u32::MAX;

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct CommonBounds {
    /// Per ingredient slot: its place among the common ingredients, or `NOT_COMMON`.
    place: Vec<u32>,
    /// How many common ingredients there are.
    count: usize,
    /// Per common ingredient: the most times one formula lists it (almost always 1).
    most_times: Vec<f32>,
    /// Formula slots in block order; everything below that is per formula is in this order
    /// too, so that a block is read front to back (read by formula slot, a block's formulas
    /// were a cache miss each, most of a ranking's time).
    order: Vec<u32>,
    /// Per formula slot: its place in block order, and its common weight (as `common`, read
    /// by formula slot where a ranking's candidates are).
    at_of: Vec<u32>,
    common_of: Vec<f32>,
    /// Per formula: the weight of its common ingredients, of the rest, and its total (the
    /// index's, to the last bit).
    common: Vec<f32>,
    rest: Vec<f32>,
    total: Vec<f32>,
    /// Per formula: its group (`SimilarityIndex::tag_groups`), read with the rest of a block
    /// (read by formula slot, one cache miss a formula); empty when untagged.
    group: Vec<u32>,
    /// Per formula, its common ingredients (place among them, weight) in label order: the
    /// `i`-th formula's are `entry_places[entry_starts[i]..entry_starts[i + 1]]` (and the same
    /// of `entry_weights`). What an untouched formula shares with a query is summed from these
    /// few, not from its whole list.
    entry_starts: Vec<u32>,
    entry_places: Vec<u16>,
    entry_weights: Vec<f32>,
    /// Per block: the least `rest` and the most `common` of its formulas.
    block_rest: Vec<f32>,
    block_common: Vec<f32>,
    /// Per common ingredient, per block: the most weight one formula of the block gives it (in
    /// all its places on the list); ingredient `i`'s are `block_max[i * blocks..(i + 1) *
    /// blocks]`. By ingredient, so that the bounds of every block are summed one ingredient's
    /// row after another, front to back (block by block, each block's row was read at a few
    /// scattered places: a tenth of a million-product ranking).
    block_max: Vec<f32>,
}

/// One formula of a block as `CommonBounds::formulas_in` gives it.
pub struct BlockFormula {
    /// Its place in block order (for `CommonBounds::shared`).
    pub at: u32,
    pub formula: u32,
    /// The most it shares with the query, what it holds besides, and its total weight.
    pub most_shared: f32,
    pub rest: f32,
    pub total: f32,
    /// Its group (`tag_groups`), `None` when untagged.
    pub group: Option<u32>,
}

/// A query's common ingredients, as `CommonBounds` weighs them.
pub struct CommonTerms {
    /// (place among the common ingredients, the query's weight of it).
    terms: Vec<(u32, f32)>,
    /// The query's total weight of common ingredients: the most an untouched formula shares.
    pub weight: f32,
}

impl CommonBounds {
    /// Bounds over `formulas` formulas, whose (ingredient slot, weight) lists `list` gives;
    /// `common` says which ingredient slots (of `ingredients`) are common. None are: no bounds
    /// (every posting is read).
    pub fn build<L: Iterator<Item = (u32, f32)>>(
        formulas: usize,
        ingredients: usize,
        is_common: impl Fn(u32) -> bool,
        list: impl Fn(u32) -> L,
        totals: &[f32],
    ) -> Self {
        let mut place = vec![NOT_COMMON; ingredients];
        let mut count = 0usize;
        for (slot, at) in place.iter_mut().enumerate() {
            if is_common(slot as u32) {
                *at = count as u32;
                count += 1;
            }
        }
        // Places are kept in 16 bits; more common ingredients than that is no catalog's.
        if count == 0 || count > usize::from(u16::MAX) {
            return CommonBounds::default();
        }
        let mut most_times = vec![1.0f32; count];
        let mut common_of = vec![0.0f32; formulas];
        let mut rest_of = vec![0.0f32; formulas];
        for formula in 0..formulas as u32 {
            for (at, times, _) in common_weights(&place, list(formula)) {
                let most = &mut most_times[at as usize];
                *most = most.max(times);
            }
            for (slot, weight) in list(formula) {
                match place[slot as usize] {
                    NOT_COMMON => rest_of[formula as usize] += weight,
                    _ => common_of[formula as usize] += weight,
                }
            }
        }
        let mut order: Vec<u32> = (0..formulas as u32).collect();
        let step = |r: f32| (r / REST_STEP) as u32;
        order.sort_unstable_by(|a, b| {
            let (a, b) = (*a as usize, *b as usize);
            step(rest_of[a])
                .cmp(&step(rest_of[b]))
                .then(common_of[b].total_cmp(&common_of[a]))
                .then(a.cmp(&b))
        });
        let blocks = formulas.div_ceil(BLOCK);
        let mut bounds = CommonBounds {
            count,
            block_rest: vec![f32::MAX; blocks],
            block_common: vec![0.0f32; blocks],
            block_max: vec![0.0f32; blocks * count],
            entry_starts: Vec::with_capacity(formulas + 1),
            ..CommonBounds::default()
        };
        bounds.entry_starts.push(0);
        for (at, formula) in order.iter().enumerate() {
            let block = at / BLOCK;
            let f = *formula as usize;
            bounds.common.push(common_of[f]);
            bounds.rest.push(rest_of[f]);
            bounds.total.push(totals[f]);
            bounds.block_rest[block] = bounds.block_rest[block].min(rest_of[f]);
            bounds.block_common[block] = bounds.block_common[block].max(common_of[f]);
            for (at, _, weight) in common_weights(&place, list(*formula)) {
                let most = &mut bounds.block_max[at as usize * blocks + block];
                *most = most.max(weight);
            }
            for (slot, weight) in list(*formula) {
                let at = place[slot as usize];
                if at != NOT_COMMON {
                    bounds.entry_places.push(at as u16);
                    bounds.entry_weights.push(weight);
                }
            }
            let Ok(end) = u32::try_from(bounds.entry_places.len()) else {
                return CommonBounds::default();
            };
            bounds.entry_starts.push(end);
        }
        bounds.entry_places.shrink_to_fit();
        bounds.entry_weights.shrink_to_fit();
        bounds.place = place;
        bounds.most_times = most_times;
        bounds.at_of = vec![0; formulas];
        for (at, formula) in order.iter().enumerate() {
            bounds.at_of[*formula as usize] = at as u32;
        }
        bounds.order = order;
        bounds.common_of = common_of;
        bounds
    }

    /// Whether ingredient slot `slot` is common (its postings are not read).
    pub fn is_common(&self, slot: u32) -> bool {
        self.place
            .get(slot as usize)
            .is_some_and(|p| *p != NOT_COMMON)
    }

    /// How many common ingredients there are (a query's weights of them are spread over this
    /// many places for `shared`).
    pub fn count(&self) -> usize {
        self.count
    }

    /// What the formula at `at` (in block order) shares with a query whose weight of each
    /// common ingredient (by place) is `query_weights`, through common ingredients: summed in
    /// label order, as the formula's whole list would sum it (its other ingredients adding
    /// nothing).
    pub fn shared(&self, at: u32, query_weights: &[f32]) -> f32 {
        let start = self.entry_starts[at as usize] as usize;
        let end = self.entry_starts[at as usize + 1] as usize;
        self.entry_places[start..end]
            .iter()
            .zip(&self.entry_weights[start..end])
            .map(|(at, weight)| query_weights[*at as usize].min(*weight))
            .sum()
    }

    /// The place in block order of formula slot `formula`.
    pub fn at_of(&self, formula: u32) -> u32 {
        self.at_of[formula as usize]
    }

    /// Starts reading what `common_of(formula)` reads (see `prefetch`).
    pub fn prefetch_common_of(&self, formula: u32) {
        super::prefetch::prefetch(&self.common_of, formula as usize);
    }

    /// Starts reading what `shared` reads of formula slot `formula`, step `step` of three:
    /// 0 its place in block order, 1 where its entries start (its place read by then), 2 its
    /// entries (their start read by then). See `prefetch`.
    pub fn prefetch(&self, formula: u32, step: u8) {
        let f = formula as usize;
        match step {
            0 => super::prefetch::prefetch(&self.at_of, f),
            1 => {
                if let Some(at) = self.at_of.get(f) {
                    super::prefetch::prefetch(&self.entry_starts, *at as usize);
                }
            }
            _ => {
                let start = self
                    .at_of
                    .get(f)
                    .and_then(|at| self.entry_starts.get(*at as usize));
                if let Some(start) = start {
                    super::prefetch::prefetch(&self.entry_places, *start as usize);
                    super::prefetch::prefetch(&self.entry_weights, *start as usize);
                }
            }
        }
    }

    /// The weight of the common ingredients of formula slot `formula`.
    pub fn common_of(&self, formula: u32) -> f32 {
        self.common_of[formula as usize]
    }

    /// Spreads the query's common weights by place into `into` (of `count` zeros).
    pub fn spread(&self, terms: &CommonTerms, into: &mut [f32]) {
        for (at, weight) in &terms.terms {
            into[*at as usize] = *weight;
        }
    }

    /// Whether there are bounds at all (a catalog big enough to have common ingredients).
    pub fn active(&self) -> bool {
        self.count > 0
    }

    /// The query's common ingredients; `None` when it names one twice (two synonyms on one
    /// label), which these bounds do not cover: that ranking reads every posting. A formula
    /// listing one `n` times shares with the query up to `n` times its weight.
    pub fn terms_of(&self, query: &[(u32, f32)]) -> Option<CommonTerms> {
        let mut terms: Vec<(u32, f32)> = query
            .iter()
            .filter(|(slot, _)| self.is_common(*slot))
            .map(|(slot, weight)| (self.place[*slot as usize], *weight))
            .collect();
        terms.sort_unstable_by_key(|t| t.0);
        if terms.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        let weight = terms
            .iter()
            .map(|(at, weight)| weight * self.most_times[*at as usize])
            .sum();
        Some(CommonTerms { terms, weight })
    }

    /// Blocks whose formulas might share with the query enough to score `at_least`: (block,
    /// the most any of them can score), by `bound`, which gives the most a formula sharing at
    /// most `shared` and holding `rest` besides can score.
    pub fn blocks_reaching(
        &self,
        terms: &CommonTerms,
        at_least: f32,
        bound: impl Fn(f32, f32) -> f32,
    ) -> Vec<(u32, f32)> {
        if terms.terms.is_empty() {
            return Vec::new();
        }
        let blocks = self.block_rest.len();
        // Each block's sum in the terms' order, as one block at a time would add them.
        let mut sums = vec![0.0f32; blocks];
        for (at, weight) in &terms.terms {
            let at = *at as usize;
            let most = weight * self.most_times[at];
            let maxes = &self.block_max[at * blocks..(at + 1) * blocks];
            for (sum, max) in sums.iter_mut().zip(maxes) {
                *sum += most.min(*max);
            }
        }
        sums.into_iter()
            .enumerate()
            .filter_map(|(block, sum)| {
                let shared = sum.min(self.block_common[block]);
                let most = bound(shared, self.block_rest[block]);
                (shared > 0.0 && most >= at_least).then_some((block as u32, most))
            })
            .collect()
    }

    /// Block `block`'s formulas, each with the most it can share with a query whose common
    /// weight is `weight` (`CommonTerms::weight`).
    pub fn formulas_in(&self, block: u32, weight: f32) -> impl Iterator<Item = BlockFormula> + '_ {
        let start = block as usize * BLOCK;
        let end = (start + BLOCK).min(self.order.len());
        (start..end).map(move |at| BlockFormula {
            at: at as u32,
            formula: self.order[at],
            most_shared: weight.min(self.common[at]),
            rest: self.rest[at],
            total: self.total[at],
            group: self.group.get(at).copied(),
        })
    }

    /// Notes each formula's group in block order (`group_of`: by formula slot).
    pub fn tag_groups(&mut self, group_of: impl Fn(u32) -> u32) {
        self.group = self
            .order
            .iter()
            .map(|formula| group_of(*formula))
            .collect();
    }
}

/// A formula's common ingredients: (place among them, times listed, weight in all), from its
/// (ingredient slot, weight) list.
fn common_weights(place: &[u32], list: impl Iterator<Item = (u32, f32)>) -> Vec<(u32, f32, f32)> {
    let mut found: Vec<(u32, f32, f32)> = Vec::new();
    for (slot, weight) in list {
        let at = place[slot as usize];
        if at == NOT_COMMON {
            continue;
        }
        match found.iter_mut().find(|(p, _, _)| *p == at) {
            Some((_, times, sum)) => {
                *times += 1.0;
                *sum += weight;
            }
            None => found.push((at, 1.0, weight)),
        }
    }
    found
}
