//! The product categories seongbun groups by, mapped from whatever a source calls them.

/// Our categories, as slugs stored in the database.
pub const CATEGORIES: &[&str] = &[
    "moisturizer",
    "cleanser",
    "mask",
    "treatment",
    "eye-care",
    "sunscreen",
    "toner",
    "makeup",
    "hair",
    "fragrance",
    "body",
    "other",
];

/// Maps a source's category text (`Face Mask`, `Eye cream`, `에센스/세럼/앰플`, a Sephora
/// category path) to our category slug. The most specific words win: an eye cream is eye care,
/// a sun cream is sunscreen.
pub fn category_from_source(text: &str) -> &'static str {
    let t = crate::text::fold(text);
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["eye", "아이크림", "아이 케어", "아이케어"]) {
        "eye-care"
    } else if has(&["sun", "spf", "선크림", "선케어", "선블록", "자외선"]) {
        "sunscreen"
    } else if has(&["mask", "마스크", "팩", "peel"]) {
        "mask"
    } else if has(&[
        "cleans",
        "wash",
        "remover",
        "exfoliat",
        "클렌징",
        "클렌저",
        "폼",
    ]) {
        "cleanser"
    } else if has(&[
        "makeup",
        "foundation",
        "lip",
        "cheek",
        "palette",
        "concealer",
    ]) {
        "makeup"
    } else if has(&["hair", "shampoo", "conditioner"]) {
        "hair"
    } else if has(&["fragrance", "perfume", "parfum", "cologne", "candle"]) {
        "fragrance"
    } else if has(&["bath", "body"]) {
        "body"
    } else if has(&[
        "serum",
        "treatment",
        "essence",
        "ampoule",
        "oil",
        "세럼",
        "에센스",
        "앰플",
        "오일",
    ]) {
        "treatment"
    } else if has(&["toner", "mist", "스킨", "토너", "미스트"]) {
        "toner"
    } else if has(&[
        "moistur", "cream", "lotion", "balm", "크림", "로션", "skincare",
    ]) {
        "moisturizer"
    } else {
        "other"
    }
}

/// The category's name in Korean and English.
pub fn category_label(slug: &str) -> (&'static str, &'static str) {
    match slug {
        "moisturizer" => ("보습제", "Moisturizer"),
        "cleanser" => ("클렌저", "Cleanser"),
        "mask" => ("마스크·팩", "Mask"),
        "treatment" => ("세럼·트리트먼트", "Serum / treatment"),
        "eye-care" => ("아이케어", "Eye care"),
        "sunscreen" => ("선케어", "Sunscreen"),
        "toner" => ("스킨·토너", "Toner"),
        "makeup" => ("메이크업", "Makeup"),
        "hair" => ("헤어", "Hair"),
        "fragrance" => ("향수", "Fragrance"),
        "body" => ("바디", "Body"),
        _ => ("기타", "Other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_categories_map_to_ours() {
        assert_eq!(category_from_source("Eye cream"), "eye-care");
        assert_eq!(category_from_source("Sun protect"), "sunscreen");
        assert_eq!(category_from_source("Face Mask"), "mask");
        assert_eq!(category_from_source("Treatment"), "treatment");
        assert_eq!(category_from_source("에센스/세럼/앰플"), "treatment");
        assert_eq!(category_from_source("스킨/토너"), "toner");
        assert_eq!(category_from_source("크림"), "moisturizer");
        assert_eq!(
            category_from_source("Skincare > Moisturizers > Moisturizers"),
            "moisturizer"
        );
    }

    #[test]
    fn every_category_has_labels() {
        for slug in CATEGORIES.iter().filter(|s| **s != "other") {
            assert_ne!(category_label(slug).1, "Other", "{slug}")
        }
    }
}
