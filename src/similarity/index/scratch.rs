//! A ranking's per-thread working memory, sized to the catalog and reset after each query
//! (only the entries it touched), so a query allocates nothing in proportion to the catalog.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Candidate {
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
pub(super) struct Scratch {
    pub(super) state: Vec<Candidate>,
    pub(super) shared: Vec<f32>,
    pub(super) touched: Vec<u32>,
    /// The weight the threshold's candidates share with the query, summed from their lists:
    /// the threshold asks it of the same few leaders before every ingredient. (A map, not an
    /// array over the catalog: one more scattered read a candidate cost more at a million
    /// products than the sums it saved.)
    pub(super) leaders_shared: rustc_hash::FxHashMap<u32, f32>,
    /// The candidates whose shared weight is above `cut`: the few the threshold looks at,
    /// kept up to date while postings are read.
    pub(super) leaders: Vec<u32>,
    pub(super) cut: f32,
    /// Per ingredient slot: the query's weight and how many times the query names it.
    pub(super) query_weight: Vec<f32>,
    pub(super) query_terms: Vec<u8>,
    /// Per ingredient slot: a result's weight, while its shared ingredients are listed
    /// (`SimilarityIndex::shared`); 0 otherwise.
    pub(super) held_weight: Vec<f32>,
    /// Per common ingredient (`CommonBounds`): the query's weight.
    pub(super) common_weight: Vec<f32>,
    /// A ranking's candidates with the most each can score, and the same by buckets of those
    /// bounds (`by_bound_buckets`): as long as the candidates, tens of thousands at a million
    /// products, so kept between queries rather than allocated afresh (and, with a freed
    /// allocation's pages returned to the system, faulted in again) for each.
    pub(super) bounds: Vec<(u32, f32)>,
    pub(super) ordered: Vec<(u32, f32, f32)>,
    /// Where each bucket of `ordered` starts (`by_bound_buckets`).
    pub(super) bucket_starts: Vec<usize>,
    /// The threshold's candidates with the score their weight read gives, and the exact
    /// scores of the best of them (`threshold`).
    pub(super) threshold_lower: Vec<(u32, f32)>,
    pub(super) threshold_exact: Vec<f32>,
    /// Whether `shared` was written beyond `touched` (`common_by_postings`).
    pub(super) shared_everywhere: bool,
    /// The work the ranking may still do (`Pruning::work_budget`), and whether it ran out.
    pub(super) work_left: usize,
    pub(super) ran_out: bool,
}

impl Scratch {
    /// Room for a catalog of `formulas` and `ingredients` slots.
    pub(super) fn fit(&mut self, formulas: usize, ingredients: usize) {
        if self.state.len() < formulas {
            self.state.resize(formulas, Candidate::Unseen);
            self.shared.resize(formulas, 0.0);
        }
        if self.query_weight.len() < ingredients {
            self.query_weight.resize(ingredients, 0.0);
            self.query_terms.resize(ingredients, 0);
            self.held_weight.resize(ingredients, 0.0);
        }
    }

    /// Raises `cut` so that about `count` leaders stay (all of them with more weight than
    /// any that leaves); one that later passes the new cut joins again.
    pub(super) fn keep_leaders(&mut self, count: usize) {
        let shared = &self.shared;
        let state = &self.state;
        self.leaders
            .retain(|p| state[*p as usize] != Candidate::Dropped);
        // Cut back only once twice as many have joined: a selection before every ingredient
        // read was a twentieth of a small catalog's ranking.
        if self.leaders.len() > 2 * count {
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

    pub(super) fn clear(&mut self, query: &[(u32, f32)]) {
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
        self.leaders_shared.clear();
        for (slot, _) in query {
            self.query_weight[*slot as usize] = 0.0;
            self.query_terms[*slot as usize] = 0;
        }
    }
}
