//! Text folding shared by ingredient keys and name search: one place decides what "the same
//! text" means (Unicode compatibility forms, case, accents, trademark marks).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFKC-normalises (ligatures `ﬁ`, full-width letters, Unicode hyphens), lower-cases, removes
/// accents and trademark marks, and turns every dash-like character into `-`.
/// Hangul survives untouched: it is decomposed and recomposed, never stripped.
pub fn fold(text: &str) -> String {
    // Most names are plain ASCII, or ASCII and Hangul syllables: normalisation leaves those as
    // they are, and skipping it makes importing a million products minutes faster.
    if normalised_already(text) {
        return text.to_ascii_lowercase();
    }
    fold_normalising(text)
}

/// ASCII and precomposed Hangul syllables: text every normal form leaves as it is.
fn normalised_already(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii() || ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

fn fold_normalising(text: &str) -> String {
    let without_marks: String = text
        .chars()
        .filter(|c| !matches!(c, '™' | '®' | '©' | '℠'))
        .collect::<String>()
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if is_dash(c) { '-' } else { c })
        .collect();
    without_marks.nfc().collect::<String>().to_lowercase()
}

/// NFKC only, keeping case: for text shown back to people.
pub fn nfkc(text: &str) -> String {
    if normalised_already(text) {
        return text.to_string();
    }
    text.nfkc()
        .map(|c| if is_dash(c) { '-' } else { c })
        .collect()
}

pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

pub fn has_hangul(text: &str) -> bool {
    text.chars().any(is_hangul)
}

/// Collapses every run of whitespace into one space and trims the ends.
pub fn squash_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_accents_case_and_trademarks() {
        assert_eq!(fold("Crème de la Mer™"), "creme de la mer");
        assert_eq!(fold("SUPERMUD® Clearing"), "supermud clearing");
    }

    #[test]
    fn fold_applies_compatibility_forms() {
        assert_eq!(fold("Sunﬂower Seed Oil"), "sunflower seed oil");
        assert_eq!(fold("Tetra‐Di‐T‐Butyl"), "tetra-di-t-butyl");
    }

    #[test]
    fn fold_keeps_hangul_syllables_whole() {
        assert_eq!(fold("정제수 Water"), "정제수 water");
        assert!(has_hangul(&fold("글리세린")));
    }

    proptest::proptest! {
        #[test]
        fn the_shortcut_for_normalised_text_folds_as_normalising_does(
            text in "[ -~가-힣]{0,40}"
        ) {
            proptest::prop_assert!(normalised_already(&text));
            proptest::prop_assert_eq!(fold(&text), fold_normalising(&text));
            proptest::prop_assert_eq!(nfkc(&text), text.nfkc().collect::<String>());
        }
    }

    #[test]
    fn squash_spaces_collapses_runs() {
        assert_eq!(squash_spaces("  a \n\t b  "), "a b");
    }
}
