//! One item of a split list: its section label taken off, footnotes and prose recognised, and
//! what is left cleaned into an ingredient name.

use super::patterns::{CONCENTRATION, FOOTNOTE_WORDS, KIT_SIZE_PREFIX, LABEL_PREFIX, MAY_CONTAIN};
use crate::text;

/// Handles `Label: first ingredient`, `[라벨] 정제수`, `Ingredients:`, `전성분:` and the start of
/// a `May contain` / `+/-` colour section. Returns the item without its label, or `None` when
/// nothing is left of it.
pub(super) fn strip_section_label(item: &str, in_colour_section: &mut bool) -> Option<String> {
    let mut rest = item.to_string();
    if text::has_hangul(&rest) {
        if let Some(found) = KIT_SIZE_PREFIX.find(&rest) {
            if found.end() < rest.len() {
                rest = rest[found.end()..].to_string();
            }
        }
    }
    if let Some(found) = LABEL_PREFIX.find(&rest) {
        let label = &rest[..found.end()];
        *in_colour_section = MAY_CONTAIN.is_match(label);
        rest = rest[found.end()..].to_string();
    }
    if let Some(colon) = label_colon(&rest) {
        let label = &rest[..colon];
        *in_colour_section = MAY_CONTAIN.is_match(label);
        rest = rest[colon + 1..].to_string();
    } else if MAY_CONTAIN.is_match(&rest) {
        *in_colour_section = true;
        return None;
    }
    let rest = rest.trim();
    (!rest.is_empty()).then(|| rest.to_string())
}

/// The byte offset of the last colon outside brackets, when what stands before it reads like
/// a label (not a ratio such as `1:1`).
fn label_colon(item: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut found = None;
    for (i, c) in item.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = (depth - 1).max(0),
            ':' | '：' if depth == 0 => {
                let before = item[..i].chars().last();
                let after = item[i + c.len_utf8()..].chars().next();
                let ratio = before.is_some_and(|b| b.is_ascii_digit())
                    && after.is_some_and(|a| a.is_ascii_digit());
                if !ratio {
                    found = Some(i);
                }
            }
            _ => {}
        }
    }
    found
}

/// Words that occur in sentences but not in ingredient names: an item holding several is prose.
const PROSE_WORDS: &[&str] = &[
    "the", "and", "to", "of", "for", "is", "are", "your", "with", "that", "this", "it", "from",
    "in", "skin", "helps", "provides", "please",
];

/// An item that reads as prose (several sentence words) is no ingredient at all. A list written
/// without commas comes as one long item: Korean names hold no spaces (a stray space inside one
/// is rare and short), so a Korean item of `KOREAN_WORDS_OF_A_LIST` words or more is split at
/// spaces; a long English item is kept whole for the resolver to cut at known names
/// (`Resolver::resolve_label`).
/// How many space-separated words of mostly Korean make an item a list written without commas.
const KOREAN_WORDS_OF_A_LIST: usize = 5;

pub(super) fn split_long_item(item: &str) -> Vec<String> {
    let words: Vec<&str> = item.split_whitespace().collect();
    let prose_words = words
        .iter()
        .filter(|w| {
            PROSE_WORDS.contains(&w.to_lowercase().trim_matches(|c: char| !c.is_alphabetic()))
        })
        .count();
    if words.len() >= 5 && prose_words >= 2 {
        return Vec::new();
    }
    // A stray space splits a Korean name in two, seldom three; five Korean words are a list.
    let hangul_words = words.iter().filter(|w| text::has_hangul(w)).count();
    if words.len() >= KOREAN_WORDS_OF_A_LIST && hangul_words * 2 > words.len() {
        return words.into_iter().map(str::to_string).collect();
    }
    vec![item.to_string()]
}

/// What a product is, never what it holds: a kit's section name (`에센스`, `토너 정제수, …`) or
/// a label's product name read with its list. Read as an ingredient, it ranked kits that list
/// their parts' names first for any label naming its own kind.
const PRODUCT_KINDS: &[&str] = &[
    "토너",
    "스킨",
    "에센스",
    "세럼",
    "앰플",
    "크림",
    "로션",
    "미스트",
    "클렌저",
    "클렌징폼",
    "폼클렌저",
    "선크림",
    "아이크림",
    "마스크",
    "toner",
    "essence",
    "serum",
    "ampoule",
    "cream",
    "lotion",
    "mist",
    "cleanser",
];

/// `*Certified organic ingredient`, `*표시: belif original formula`.
pub(super) fn is_footnote_legend(item: &str) -> bool {
    let item = item.trim_start();
    item.starts_with(['*', '†', '‡', '¹', '²']) && FOOTNOTE_WORDS.is_match(item)
}

/// Cleans one item into an ingredient name, or `None` when it is a footnote legend, prose or
/// holds no name at all.
pub(super) fn clean_item(item: &str) -> Option<String> {
    let starts_as_footnote = item
        .trim_start()
        .starts_with(['*', '†', '‡', '+', '¹', '²']);
    let without_conc = CONCENTRATION.replace_all(item, " ");
    let name = text::squash_spaces(&without_conc);
    let name = name
        .trim_matches(|c: char| {
            matches!(
                c,
                '*' | '†' | '‡' | '^' | '+' | '•' | '·' | '.' | '"' | '\'' | ' ' | '¹' | '²' | '³'
            )
        })
        .trim_start_matches(['-', '–', ':'])
        .trim();
    let name = balance_brackets(name);
    if !name.chars().any(|c| c.is_alphabetic())
        || PRODUCT_KINDS.contains(&text::fold(&name).as_str())
    {
        return None;
    }
    let words = name.split_whitespace().count();
    if starts_as_footnote && words >= 2 && FOOTNOTE_WORDS.is_match(&name) {
        return None;
    }
    if name.chars().count() > 2_000 {
        return None;
    }
    Some(name)
}

/// Drops an unmatched closing bracket at the end or an unmatched opening one at the start, as
/// left by a list that was cut inside a parenthesis.
fn balance_brackets(name: &str) -> String {
    let opens = name.matches('(').count();
    let closes = name.matches(')').count();
    let mut name = name.to_string();
    if closes > opens && name.ends_with(')') {
        name.pop();
    }
    if opens > closes {
        if let Some(stripped) = name.strip_prefix('(') {
            name = stripped.to_string();
        } else {
            name.push(')');
        }
    }
    name.trim().to_string()
}
