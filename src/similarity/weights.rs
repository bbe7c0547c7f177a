//! How much one ingredient of one product weighs in a comparison: its rarity across the
//! catalog times its place on the label. Ingredients are listed by falling concentration, so
//! the first ones define a formula; ubiquitous ones (water, glycerin) say little about it.

/// Inverse document frequency: `ln(1 + N / df)`. An ingredient in every product weighs
/// ln 2 ≈ 0.69; one in a single product of 10,000 weighs about 9.2. An ingredient no product
/// holds (in a pasted list) is counted as held by one.
pub fn idf(products: usize, document_frequency: usize) -> f32 {
    (1.0 + products.max(1) as f32 / document_frequency.max(1) as f32).ln()
}

/// The weight of the `position`-th ingredient (0-based): 1 for the first, ½ for the sixth,
/// ⅕ for the 21st, falling slowly so that long tails still count a little.
pub fn position_weight(position: usize) -> f32 {
    1.0 / (1.0 + position as f32 / 5.0)
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
    fn earlier_weighs_more() {
        assert_eq!(position_weight(0), 1.0);
        assert!((position_weight(5) - 0.5).abs() < 1e-6);
        assert!(position_weight(30) < position_weight(3));
    }
}
