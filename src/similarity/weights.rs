//! How much one ingredient of one product weighs in a comparison: its rarity across the
//! catalog times its place on the label. Ingredients are listed by falling concentration, so
//! the first ones define a formula; ubiquitous ones (water, glycerin) say little about it.
//!
//! Below the first preservative, chelator or fragrance (`marks_trace`), a label is in trace
//! amounts: those ingredients are used at 1 % or less, and may be listed in any order. A brand
//! puts its signature there (LANEIGE's mineral complex: manganese, zinc and magnesium sulfate,
//! quinoa extract), rare ingredients that would otherwise weigh as much as a whole shared base
//! and rank the brand's other products first. So the trace part of a list weighs
//! `TRACE_WEIGHT` of what the same ingredients would weigh in the base, and never more in total
//! than `TRACE_SHARE_AT_MOST` of the base (`trace_factor`): a product sharing only a list's
//! trace signature can never score above one sharing its base. BENCHMARKS.md ("Alternatives")
//! has the evidence on the real catalogs.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::ingredients::resolver::{ingredient_key, korean_key};

/// Inverse document frequency: `ln(1 + N / df)`. An ingredient in every product weighs
/// ln 2 ≈ 0.69; one in a single product of 10,000 weighs about 9.2. An ingredient no product
/// holds (in a pasted list) is counted as held by one.
pub fn idf(products: usize, document_frequency: usize) -> f32 {
    (1.0 + products.max(1) as f32 / document_frequency.max(1) as f32).ln()
}

/// How much of its rarity an ingredient held by `formulas` formulas of `brands` brands keeps:
/// the brands per formula, at most 1. An ingredient only one brand uses (a brand's signature
/// complex, a patented active) is rare, but finding it in two products says they are of one
/// brand, not that their formulas are alike; one spread over as many brands as formulas keeps
/// all its rarity. The same formula listed twice in one brand (a duplicate page) is one formula
/// and does not count twice.
pub fn brand_spread(brands: u32, formulas: u32) -> f32 {
    if formulas == 0 {
        return 1.0;
    }
    (brands as f32 / formulas as f32).min(1.0)
}

/// The weight of the `position`-th ingredient (0-based): 1 for the first, ½ for the sixth,
/// ⅕ for the 21st, falling slowly so that long tails still count a little.
pub fn position_weight(position: usize) -> f32 {
    1.0 / (1.0 + position as f32 / 5.0)
}

/// How much an ingredient in a list's trace part weighs, of what it would weigh in the base.
pub const TRACE_WEIGHT: f32 = 0.25;
/// The most a list's trace part weighs in all, as a share of its base.
pub const TRACE_SHARE_AT_MOST: f32 = 0.5;

/// What an ingredient weighs for being that ingredient: its rarity (`idf`), and the share of
/// it kept below a label's first `BASE_POSITIONS` (`brand_spread`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rarity {
    pub idf: f32,
    pub spread: f32,
}

impl Rarity {
    /// An ingredient no product holds (in a pasted list), among `products`.
    pub fn unseen(products: usize) -> Rarity {
        Rarity {
            idf: idf(products, 0),
            spread: 1.0,
        }
    }

    /// Its weight at `position` on a label, before any trace scaling.
    pub fn at(&self, position: usize) -> f32 {
        let weight = self.idf * position_weight(position);
        if position < BASE_POSITIONS {
            weight
        } else {
            weight * self.spread
        }
    }
}

/// A label's first this many ingredients are its base (water, the humectants, the main
/// emollients and the headline active, by the highest concentrations): a brand's own base
/// ingredient (Anua's houttuynia water at 77 %) is as telling as any, and keeps all its
/// rarity. Below them, rarity counts by brands (`brand_spread`).
pub const BASE_POSITIONS: usize = 5;

/// A marker among a list's first this many ingredients does not start its trace part: no
/// label is at 1 % that early but a perfume's (alcohol, fragrance, water) or a mislabelled one.
pub const TRACE_LINE_FROM: usize = 3;

/// Where a list's trace part begins (the first ingredient marking it, `marks_trace`) and the
/// factor its ingredients' weights are multiplied by.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TraceLine {
    pub from: u32,
    pub factor: f32,
}

impl TraceLine {
    /// A list with no marker: all base.
    pub const NONE: TraceLine = TraceLine {
        from: u32::MAX,
        factor: 1.0,
    };

    /// Whether the `position`-th ingredient is in the trace part.
    pub fn holds(&self, position: usize) -> bool {
        u32::try_from(position).map_or(true, |p| p >= self.from)
    }

    /// The weight of an ingredient of rarity `rarity` at `position` on this list.
    pub fn weigh(&self, position: usize, rarity: Rarity) -> f32 {
        let weight = rarity.at(position);
        if self.holds(position) {
            weight * self.factor
        } else {
            weight
        }
    }
}

/// The factor a trace part weighing `trace` (unscaled) is scaled by, below a base weighing
/// `base`: `TRACE_WEIGHT`, or less where that would leave the trace part above
/// `TRACE_SHARE_AT_MOST` of the base.
pub fn trace_factor(base: f32, trace: f32) -> f32 {
    if trace <= 0.0 {
        return TRACE_WEIGHT;
    }
    TRACE_WEIGHT.min(TRACE_SHARE_AT_MOST * base / trace)
}

/// The ingredients used at 1 % or less whose place on a label starts its trace part:
/// preservatives (most are capped at or below 1 % by the EU and Korean rules), chelators and
/// fragrance. INCI names, and the Korean standard names for labels read without the KCIA
/// dictionary.
const TRACE_MARKERS: &[&str] = &[
    "Phenoxyethanol",
    "Methylparaben",
    "Ethylparaben",
    "Propylparaben",
    "Butylparaben",
    "Isobutylparaben",
    "Chlorphenesin",
    "Sodium Benzoate",
    "Potassium Sorbate",
    "Benzoic Acid",
    "Sorbic Acid",
    "Dehydroacetic Acid",
    "Sodium Dehydroacetate",
    "Benzyl Alcohol",
    "Ethylhexylglycerin",
    "Methylisothiazolinone",
    "Methylchloroisothiazolinone",
    "DMDM Hydantoin",
    "Imidazolidinyl Urea",
    "Diazolidinyl Urea",
    "Disodium EDTA",
    "Trisodium EDTA",
    "Tetrasodium EDTA",
    "Sodium Phytate",
    "Tetrasodium Glutamate Diacetate",
    "Fragrance",
    "Parfum",
    "페녹시에탄올",
    "메틸파라벤",
    "에틸파라벤",
    "프로필파라벤",
    "부틸파라벤",
    "클로페네신",
    "소듐벤조에이트",
    "포타슘소르베이트",
    "벤조익애씨드",
    "소르빅애씨드",
    "벤질알코올",
    "에틸헥실글리세린",
    "다이소듐이디티에이",
    "트라이소듐이디티에이",
    "테트라소듐이디티에이",
    "소듐파이테이트",
    "향료",
];

static TRACE_MARKER_KEYS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    TRACE_MARKERS
        .iter()
        .flat_map(|name| [ingredient_key(name), korean_key(name)])
        .collect()
});

/// Whether the ingredient with canonical key `key` starts a label's trace part.
pub fn marks_trace(key: &str) -> bool {
    TRACE_MARKER_KEYS.contains(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarer_weighs_more() {
        assert!(idf(1000, 1) > idf(1000, 10));
        assert!(idf(1000, 10) > idf(1000, 1000));
        assert!((idf(1000, 1000) - 2f32.ln()).abs() < 1e-6);
    }

    #[test]
    fn preservatives_chelators_and_fragrance_mark_trace_amounts_in_either_language() {
        for name in [
            "Phenoxyethanol",
            "PHENOXYETHANOL",
            "Disodium EDTA",
            "향료",
            "페녹시에탄올",
        ] {
            assert!(marks_trace(&ingredient_key(name)), "{name}");
        }
        for name in [
            "Water",
            "Glycerin",
            "Niacinamide",
            "1,2-Hexanediol",
            "정제수",
        ] {
            assert!(!marks_trace(&ingredient_key(name)), "{name}");
        }
    }

    #[test]
    fn a_trace_part_weighs_a_quarter_and_never_more_than_half_the_base() {
        let line = TraceLine {
            from: 3,
            factor: trace_factor(10.0, 4.0),
        };
        let rarity = Rarity {
            idf: 2.0,
            spread: 1.0,
        };
        assert_eq!(line.weigh(2, rarity), 2.0 * position_weight(2));
        assert!((line.weigh(3, rarity) - 0.25 * 2.0 * position_weight(3)).abs() < 1e-6);
        // A trace part of 100 below a base of 10 is scaled to 5.
        assert!((trace_factor(10.0, 100.0) * 100.0 - 5.0).abs() < 1e-4);
        assert_eq!(trace_factor(0.0, 3.0), 0.0);
        assert!(!TraceLine::NONE.holds(1_000));
    }

    #[test]
    fn one_brand_s_ingredient_keeps_its_rarity_in_the_base_only() {
        let signature = Rarity {
            idf: 5.0,
            spread: brand_spread(1, 8),
        };
        assert_eq!(signature.at(0), 5.0);
        assert_eq!(
            signature.at(BASE_POSITIONS - 1),
            5.0 * position_weight(BASE_POSITIONS - 1)
        );
        let below = 5.0 * position_weight(BASE_POSITIONS) / 8.0;
        assert!((signature.at(BASE_POSITIONS) - below).abs() < 1e-6);
        assert_eq!(brand_spread(8, 8), 1.0);
        assert_eq!(brand_spread(9, 8), 1.0, "a formula sold by two brands");
        assert_eq!(brand_spread(0, 0), 1.0);
    }

    #[test]
    fn earlier_weighs_more() {
        assert_eq!(position_weight(0), 1.0);
        assert!((position_weight(5) - 0.5).abs() < 1e-6);
        assert!(position_weight(30) < position_weight(3));
    }
}
