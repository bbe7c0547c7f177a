//! Where one name ends and the next begins: separators outside brackets, with the commas and
//! periods that belong to names kept.

use super::patterns::{FOOTNOTE_WORDS, MAY_CONTAIN};
use crate::text;

/// Longest text in brackets inside one name (`(CI 77491, CI 77492, CI 77499)`); a pair
/// further apart is not a pair.
const MAX_BRACKETED_CHARS: usize = 100;

/// Which brackets close each other. An unmatched bracket (`(Chickweed( Extract, …`) is plain
/// text, so it cannot swallow the rest of the list.
fn matched_brackets(chars: &[char]) -> Vec<bool> {
    let mut matched = vec![false; chars.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '(' | '[' | '{' => open.push(i),
            ')' | ']' | '}' => {
                if let Some(o) = open.pop() {
                    if i - o <= MAX_BRACKETED_CHARS {
                        (matched[o], matched[i]) = (true, true);
                    }
                }
            }
            '\n' => open.clear(),
            _ => {}
        }
    }
    matched
}

/// Splits at list separators outside brackets: commas, semicolons, newlines, bullets, `@` (an
/// Olive Young page's list came with `@` for commas: no ingredient name holds one), and a
/// sentence end (`. `) that starts a footnote or a new sentence. A comma between digits that
/// belongs to a name (`1,2-Hexanediol`, `1, 2-헥산다이올`) or a number (`4,500`) is kept.
pub(super) fn split_items(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let matched = matched_brackets(&chars);
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth: i32 = 0;
    for (i, &c) in chars.iter().enumerate() {
        // A section starts here: `[리필]`, `May Contain`, `(+/-)`, a glued `+/-`.
        let section_starts = depth == 0
            && (c == '[' && starts_new_section(&chars, i) || starts_colour_section(&chars, i));
        // A footnote legend after a space: ` *Certified organic`.
        if section_starts || c == '*' && depth == 0 && starts_footnote(&chars, i) {
            items.push(std::mem::take(&mut current));
        }
        if matched[i] {
            match c {
                '(' | '[' | '{' => depth += 1,
                _ => depth = (depth - 1).max(0),
            }
        }
        let separates = match c {
            '\n' => {
                depth = 0;
                true
            }
            '•' | '@' => true,
            ',' | ';' | '，' | '、' => depth == 0 && !comma_inside_name(&chars, i),
            '.' => depth == 0 && period_ends_item(&chars, i),
            _ => false,
        };
        if separates {
            items.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| text::squash_spaces(&item))
        .filter(|item| !item.is_empty())
        .collect()
}

/// `[리필]` (a section label: no comma before its `]`) or `[+/- Mica, …]` starts a new item.
fn starts_new_section(chars: &[char], at: usize) -> bool {
    let closing = chars[at..].iter().position(|c| *c == ']');
    let comma = chars[at..].iter().position(|c| *c == ',');
    match (closing, comma) {
        (Some(close), None) => close < 40,
        (Some(close), Some(comma)) => close < comma && close < 40,
        _ => false,
    }
}

fn starts_colour_section(chars: &[char], at: usize) -> bool {
    // Only these can start the pattern (after spaces, which the item's end trims anyway):
    // checked first because this runs at every character of every label.
    if !matches!(chars[at], '[' | '(' | 'm' | 'M' | 'p' | 'P' | '+' | '±') {
        return false;
    }
    let ahead: String = chars[at..].iter().take(16).collect();
    MAY_CONTAIN.is_match(&ahead)
}

/// ` *표시: belif original formula`, ` *Certified organic`: a mark after a space, then words.
fn starts_footnote(chars: &[char], at: usize) -> bool {
    let after_space = at > 0 && chars[at - 1].is_whitespace();
    let ahead: String = chars[at..].iter().take(40).collect();
    after_space && FOOTNOTE_WORDS.is_match(&ahead)
}

/// The characters right before `at` that all satisfy `keep` (the number before a comma, the
/// word before a period).
fn run_before(chars: &[char], at: usize, keep: impl Fn(char) -> bool) -> String {
    let start = chars[..at]
        .iter()
        .rposition(|c| !keep(*c))
        .map_or(0, |i| i + 1);
    chars[start..at].iter().collect()
}

fn comma_inside_name(chars: &[char], at: usize) -> bool {
    if chars[at] != ',' || at == 0 || !chars[at - 1].is_ascii_digit() {
        return false;
    }
    let number_before = run_before(chars, at, |c| c.is_ascii_digit());
    let mut j = at + 1;
    while j < chars.len() && chars[j] == ' ' {
        j += 1;
    }
    let digits_start = j;
    while j < chars.len() && chars[j].is_ascii_digit() {
        j += 1;
    }
    let number_after: String = chars[digits_start..j].iter().collect();
    if number_after.is_empty() {
        return false;
    }
    let thousands = digits_start == at + 1 && number_after.len() == 3;
    // Locants ascend (`1,2-Hexanediol`, `Diethylhexyl 2, 6-Naphthalate`); `Peg-8, 3-O-Ethyl …`
    // is two names.
    let followed_by_hyphen = j < chars.len() && chars[j] == '-';
    let ascending = match (number_before.parse::<u32>(), number_after.parse::<u32>()) {
        (Ok(a), Ok(b)) => a < b && number_before.len() <= 2 && number_after.len() <= 2,
        _ => false,
    };
    (followed_by_hyphen && ascending) || thousands
}

/// A period followed by space and a footnote mark or a capitalised word ends the item, unless
/// it closes an abbreviation that INCI names use (`Alcohol Denat.`, `Vit.`).
fn period_ends_item(chars: &[char], at: usize) -> bool {
    let next_is_space = chars.get(at + 1).is_some_and(|c| c.is_whitespace());
    if !next_is_space {
        return at + 1 == chars.len();
    }
    let mut j = at + 1;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    let Some(&next) = chars.get(j) else {
        return true;
    };
    if matches!(next, '*' | '†' | '‡' | '+') {
        return true;
    }
    if !next.is_uppercase() {
        return false;
    }
    let word_before = run_before(chars, at, char::is_alphanumeric);
    let abbreviations = [
        "denat", "vit", "no", "sp", "spp", "st", "var", "ext", "dr", "subsp",
    ];
    // Not an initial (`C. Aurantium`); a digit or a closing bracket may end a name.
    let initial = word_before.chars().count() == 1 && word_before.chars().all(char::is_alphabetic);
    !abbreviations.contains(&word_before.to_lowercase().as_str()) && !initial
}
