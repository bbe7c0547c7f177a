//! The top-k engine: the `limit` best formulas for a query, exactly those of scoring every
//! formula, without reading every posting (`top_scores`), the common ingredients' formulas
//! found through their bounds (`common_candidates`), and the score they are ranked by, written
//! once (`score`, and the bound of a formula not yet read: `blended`).

use super::scratch::{Candidate, Scratch};
use super::{Comparison, SimilarMatch, SimilarityIndex};
use crate::similarity::common_bounds::{CommonTerms, BLOCK};
use crate::similarity::prefetch::prefetch;

impl SimilarityIndex {
    /// The ranking of the formulas `candidate` allows whose products `keep` keeps (asked with
    /// the product's formula).
    pub(super) fn rank(
        &self,
        ranking: Ranking,
        candidate: impl Fn(u32) -> bool,
        keep: impl Fn(u32, i32) -> bool,
    ) -> Vec<SimilarMatch> {
        let Ranking { query, limit, .. } = ranking;
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let keep_formula =
            |f: u32| candidate(f) && self.shown(f, &|product| keep(f, product)).is_some();
        let scored = SCRATCH.with_borrow_mut(|scratch| {
            scratch.fit(
                self.first_product_of_formula.len(),
                self.ingredient_ids.len(),
            );
            scratch.work_left = self.work_budget;
            let scored = self.top_scores(scratch, ranking, &keep_formula);
            if scratch.ran_out {
                self.rankings_cut
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            scratch.clear(query);
            scored
                .into_iter()
                .map(|(slot, score)| (slot, score, self.shared(scratch, query, slot)))
                .collect::<Vec<_>>()
        });
        scored
            .into_iter()
            .filter_map(|(slot, score, shared)| {
                let mut kept = self.members_of(slot).filter(|id| keep(slot, *id));
                Some(SimilarMatch {
                    product_id: kept.next()?,
                    same_formula: kept.collect(),
                    score,
                    shared,
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
            group,
        } = ranking;
        // `None`: every posting is read (a small catalog, or a query naming a common
        // ingredient twice).
        let common = if self.common.active() {
            self.common.terms_of(query)
        } else {
            None
        };
        let skipped = |slot: u32| common.is_some() && self.common.is_common(slot);
        // Read in order of weight per posting read (rare, early ones first).
        let per_posting = |(slot, weight): (u32, f32)| {
            let read: usize = self.postings_in(slot, group).iter().map(|p| p.len()).sum();
            weight / (read + 1) as f32
        };
        let mut terms: Vec<(u32, f32, f32)> = query
            .iter()
            .filter(|t| !skipped(t.0))
            .map(|t| (t.0, t.1, per_posting(*t)))
            .collect();
        terms.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        for (slot, weight) in query {
            scratch.query_weight[*slot as usize] += weight;
            scratch.query_terms[*slot as usize] += 1;
        }
        let common_weight = common.as_ref().map_or(0.0, |c| c.weight);
        let mut unread: f32 = terms.iter().map(|t| t.1).sum::<f32>() + common_weight;
        let mut threshold = 0.0f32;
        let mut read = 0;
        // A check reads only the leaders. In a big catalog it is made before every ingredient:
        // each can stop the reading of long postings. When every posting is read (a small
        // catalog: short postings, `common` inactive) the checks cost more than the postings
        // they save, and one is made once the weight unread has fallen by a quarter since the
        // last. Fewer checks only stop the reading later: the answer is the same.
        let check_step = if common.is_some() { 1.0 } else { CHECK_STEP };
        let mut checked_at = f32::MAX;
        for (ingredient, query_weight, _) in &terms {
            if unread <= checked_at * check_step {
                checked_at = unread;
                threshold = self.threshold(scratch, &ranking, keep, threshold);
                if threshold > 0.0 && unread / query_total < threshold - ROUNDING {
                    break;
                }
            }
            for (product, weight) in self.postings_in(*ingredient, group).into_iter().flatten() {
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
        let mut bounds = std::mem::take(&mut scratch.bounds);
        bounds.clear();
        for (i, product) in scratch.touched.iter().enumerate() {
            // The candidates are scattered over the catalog: each read is a cache miss in a
            // big one, so the reads of one a few ahead are started now (PREFETCH_AHEAD).
            if let Some(ahead) = scratch.touched.get(i + PREFETCH_AHEAD) {
                let a = *ahead as usize;
                prefetch(&scratch.shared, a);
                prefetch(&self.totals, a);
                self.common.prefetch_common_of(*ahead);
            }
            // A candidate `keep` dropped (a threshold's leader) is not looked for here: one
            // more scattered read a candidate, for the few the threshold asked. It is skipped
            // where it is scored (`kept`).
            let p = *product as usize;
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
        let mut ordered = std::mem::take(&mut scratch.ordered);
        by_bound_buckets(&bounds, &mut ordered, &mut scratch.bucket_starts);
        for (i, &(product, bound, bucket_top)) in ordered.iter().enumerate() {
            // In three steps, each reading what the one before brought in: the candidate's
            // own values and its place among the blocks, then where its entries start, then
            // the entries (`CommonBounds::prefetch`).
            if let Some((ahead, _, _)) = ordered.get(i + 2 * PREFETCH_AHEAD) {
                let a = *ahead as usize;
                prefetch(&self.first_product_of_formula, a);
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
        scratch.bounds = bounds;
        scratch.ordered = ordered;
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
        let bound =
            |shared: f32, rest: f32| blended(comparison, shared, query_total, query_total + rest);
        let blocks = self
            .common
            .blocks_reaching(common, scored.threshold() - ROUNDING, bound);
        let by_blocks = blocks.len() * BLOCK * FORMULA_COST;
        let by_postings: usize = query
            .iter()
            .filter(|(slot, _)| self.common.is_common(*slot))
            .flat_map(|(slot, _)| self.postings_in(*slot, ranking.group))
            .map(<[_]>::len)
            .sum::<usize>()
            + self.first_product_of_formula.len();
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
        let mut ordered = std::mem::take(&mut scratch.ordered);
        by_bound_buckets(&blocks, &mut ordered, &mut scratch.bucket_starts);
        for &(block, most, bucket_top) in &ordered {
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
                // Another group's formula is dropped before its common weights are summed.
                if !super::tag_allows(candidate.group, ranking.group) {
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
        scratch.ordered = ordered;
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
        let query = ranking.query;
        // Without a group most formulas are written to: `clear` zeroes them all, and all are
        // looked at. In one group (a sixth of the catalog, say), those newly written are listed
        // in `touched` instead, and only they are looked at: what was touched before was scored
        // or passed.
        let listed = ranking.group.is_some();
        let first_new = scratch.touched.len();
        for (slot, query_weight) in query {
            if !self.common.is_common(*slot) {
                continue;
            }
            for (formula, weight) in self.postings_in(*slot, ranking.group).into_iter().flatten() {
                let shared = &mut scratch.shared[*formula as usize];
                if listed && *shared == 0.0 {
                    scratch.touched.push(*formula);
                }
                *shared += query_weight.min(*weight);
            }
        }
        if listed {
            for i in first_new..scratch.touched.len() {
                let formula = scratch.touched[i];
                self.offer_summed(scratch, ranking, keep, scored, formula, false);
            }
        } else {
            scratch.shared_everywhere = true;
            for formula in 0..self.first_product_of_formula.len() as u32 {
                self.offer_summed(scratch, ranking, keep, scored, formula, true);
            }
        }
    }

    /// Offers `scored` formula `formula` whose shared weight is summed whole in `scratch`, if
    /// unseen and it could reach the results; `list` it in `touched` when it is not yet.
    fn offer_summed(
        &self,
        scratch: &mut Scratch,
        ranking: Ranking,
        keep: &impl Fn(u32) -> bool,
        scored: &mut TopScores,
        formula: u32,
        list: bool,
    ) {
        let f = formula as usize;
        let shared = scratch.shared[f];
        if shared <= 0.0 || scratch.state[f] != Candidate::Unseen {
            return;
        }
        let (query, query_total) = (ranking.query, ranking.query_total);
        let most = score(ranking.comparison, shared, query_total, self.totals[f]);
        if most < scored.threshold() - ROUNDING {
            return;
        }
        if list {
            scratch.touched.push(formula);
        }
        if self.kept(scratch, formula, keep) {
            // From the formula's list, as every other score is.
            let shared = self.shared_weight(scratch, query, formula);
            let exact = score(ranking.comparison, shared, query_total, self.totals[f]);
            scored.offer((formula, exact), |a, b| self.by_score_then_id(a, b));
        }
    }

    /// The order of results: best score first, then by product id (the same on every run).
    pub(super) fn by_score_then_id(&self, a: &(u32, f32), b: &(u32, f32)) -> std::cmp::Ordering {
        b.1.total_cmp(&a.1).then_with(|| {
            self.first_product_of_formula[a.0 as usize]
                .cmp(&self.first_product_of_formula[b.0 as usize])
        })
    }

    /// Whether `keep` keeps the candidate, asked once per query and remembered.
    fn kept(&self, scratch: &mut Scratch, formula: u32, keep: &impl Fn(u32) -> bool) -> bool {
        let f = formula as usize;
        if scratch.state[f] == Candidate::Unseen {
            scratch.state[f] = if keep(formula) {
                Candidate::Kept
            } else {
                Candidate::Dropped
            };
        }
        scratch.state[f] == Candidate::Kept
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
            ..
        } = *ranking;
        // Asked as the postings are read (`top_scores`): its two lists keep their room in
        // `scratch`.
        let mut lower = std::mem::take(&mut scratch.threshold_lower);
        lower.clear();
        lower.extend(
            scratch
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
                .filter(|(_, lower)| *lower > known),
        );
        // Exact scores of the most promising few: any `limit` kept candidates' scores bound
        // the final `limit`-th best from below, and exact ones far more tightly than the
        // weight read so far does.
        let mut exact = std::mem::take(&mut scratch.threshold_exact);
        exact.clear();
        best_first(
            &mut lower,
            |a, b| b.1.total_cmp(&a.1),
            |(product, _)| {
                if self.kept(scratch, *product, keep) {
                    let shared = match scratch.leaders_shared.get(product) {
                        Some(shared) => *shared,
                        None => {
                            let shared = self.shared_weight(scratch, query, *product);
                            scratch.leaders_shared.insert(*product, shared);
                            shared
                        }
                    };
                    let total = self.totals[*product as usize];
                    exact.push(score(comparison, shared, query_total, total));
                }
                exact.len() < limit * EXACT_FOR_THRESHOLD
            },
        );
        scratch.keep_leaders(LEADERS.max(limit * EXACT_FOR_THRESHOLD));
        let found = if exact.len() < limit {
            known
        } else {
            exact.sort_unstable_by(|a, b| b.total_cmp(a));
            exact[limit - 1].max(known)
        };
        scratch.threshold_lower = lower;
        scratch.threshold_exact = exact;
        found
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
}

/// How many candidates ahead of the one scored their reads are started (`prefetch`).
const PREFETCH_AHEAD: usize = 8;

/// `items` (an item and the most it can score) from the highest bound down, by buckets of
/// bounds: (item, bound, the top of its bucket). An exact sort of the tens of thousands of
/// candidates a ranking can have cost more than the visits it saved (perf); a visit stops when
/// the top of the bucket it reached is below the results, and skips items below them.
/// They are written to `ordered`, and the buckets counted in `starts`: both keep their room
/// from one ranking to the next.
fn by_bound_buckets(
    items: &[(u32, f32)],
    ordered: &mut Vec<(u32, f32, f32)>,
    starts: &mut Vec<usize>,
) {
    let (low, high) = items.iter().fold((f32::MAX, f32::MIN), |(l, h), (_, b)| {
        (l.min(*b), h.max(*b))
    });
    ordered.clear();
    if items.is_empty() {
        return;
    }
    // About one bucket an item, up to 1,024: a few hundred candidates (a small catalog) need
    // no more buckets than that, and counting and summing unused ones was most of the work.
    let buckets = items.len().next_power_of_two().clamp(16, 1024);
    let width = ((high - low) / buckets as f32).max(f32::MIN_POSITIVE);
    // The same expression sorts into buckets and gives each bucket's top.
    let bucket = |bound: f32| (((bound - low) / width) as usize).min(buckets - 1);
    starts.clear();
    starts.resize(buckets + 1, 0);
    for (_, bound) in items {
        // Highest bucket first.
        starts[buckets - bucket(*bound)] += 1;
    }
    for b in 0..buckets {
        starts[b + 1] += starts[b];
    }
    ordered.resize(items.len(), (0, 0.0, 0.0));
    for (item, bound) in items {
        let b = bucket(*bound);
        let at = &mut starts[buckets - 1 - b];
        // The bucket's top is the highest bound it holds at most: `high` for the top bucket.
        let top = if b == buckets - 1 {
            high
        } else {
            low + (b + 1) as f32 * width
        };
        ordered[*at] = (*item, *bound, top.max(*bound));
        *at += 1;
    }
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
pub(super) struct Ranking<'q> {
    pub(super) query: &'q [(u32, f32)],
    pub(super) query_total: f32,
    pub(super) comparison: Comparison,
    pub(super) limit: usize,
    /// The group the results are of (`SimilarityIndex::tag_groups`): only its postings and
    /// those of formulas of several groups are read. `None`: any.
    pub(super) group: Option<u32>,
}

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

/// What scoring a candidate of the postings read costs against `Pruning::work_budget`, where a
/// formula of a block costs 1: its reads are scattered over the catalog, a block's are not.
const CANDIDATE_WORK: usize = 4;

/// What scoring one formula of a block costs, in postings read: `common_candidates` reads the
/// postings instead when the blocks would cost more.
const FORMULA_COST: usize = 8;

/// Bounds are compared with this much slack: the same sum added up in another order (postings
/// or a product's list) may differ in the last bits of an `f32`.
const ROUNDING: f32 = 1e-4;

/// When every posting is read, the threshold is checked once the weight unread is at most
/// this share of what it was at the last check (`top_scores`).
const CHECK_STEP: f32 = 0.75;

/// How many leaders the threshold keeps watching (see `Scratch::keep_leaders`).
const LEADERS: usize = 64;

/// How many candidates per result the threshold scores exactly.
const EXACT_FOR_THRESHOLD: usize = 3;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// The score of a formula whose shared weight with the query is `shared`.
pub(super) fn score(
    comparison: Comparison,
    shared: f32,
    query_total: f32,
    formula_total: f32,
) -> f32 {
    blended(
        comparison,
        shared,
        query_total,
        query_total + formula_total - shared,
    )
}

/// The score of a formula sharing `shared` with the query where their union weighs `union`:
/// the one place the comparisons' formulas are written. With the union known it is the score
/// (`score`); with the least union a formula not yet read can have, the most it can score
/// (`common_candidates`' bound).
fn blended(comparison: Comparison, shared: f32, query_total: f32, union: f32) -> f32 {
    let jaccard = if union > 0.0 {
        (shared / union).min(1.0)
    } else {
        0.0
    };
    match comparison {
        Comparison::Formulas => jaccard,
        Comparison::PastedList => {
            let coverage = if query_total > 0.0 {
                (shared / query_total).min(1.0)
            } else {
                0.0
            };
            0.5 * coverage + 0.5 * jaccard
        }
    }
    .clamp(0.0, 1.0)
}
