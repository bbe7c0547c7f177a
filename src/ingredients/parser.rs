//! Turns the ingredient text printed on a label (English INCI or Korean 전성분) into the ordered
//! list of ingredient names it holds. Resolution to canonical ingredients happens later
//! (`resolver.rs`); this module only finds where one name ends and the next begins, and strips
//! what is not a name: labels, footnotes, colour sections, concentrations, codes, disclaimers.

use std::sync::LazyLock;

use regex::Regex;

use crate::text;

/// The outcome of reading one label text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelText {
    /// Names in label order, each as written (cleaned), without repeats.
    Ingredients(Vec<String>),
    /// The text holds no ingredient list; the reason says what it held instead.
    NoInformation(NoInfoReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoInfoReason {
    Empty,
    /// `No Info` and similar placeholders.
    Placeholder,
    /// `#NAME?` and other spreadsheet errors.
    SpreadsheetError,
    /// `Visit the Dior boutique` and similar pointers elsewhere.
    PointerElsewhere,
    /// Marketing text only (`-Vitamin E: protects…`), no list.
    MarketingOnly,
}

impl NoInfoReason {
    pub fn describe(self) -> &'static str {
        match self {
            NoInfoReason::Empty => "empty ingredient field",
            NoInfoReason::Placeholder => "placeholder such as \"No Info\"",
            NoInfoReason::SpreadsheetError => "spreadsheet error such as \"#NAME?\"",
            NoInfoReason::PointerElsewhere => "\"Visit the ... boutique\" instead of a list",
            NoInfoReason::MarketingOnly => "marketing text without an ingredient list",
        }
    }
}

impl LabelText {
    pub fn names(&self) -> &[String] {
        match self {
            LabelText::Ingredients(names) => names,
            LabelText::NoInformation(_) => &[],
        }
    }
}

/// Longest name taken as one ingredient, in words; a longer item is a list written without
/// commas, or prose.
pub const MAX_WORDS_IN_NAME: usize = 12;

static ILN_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/?[<\[(]?\s*iln\s*[a-z]?\d{3,}\s*[>\])]?").unwrap());
static CONCENTRATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(?\s*\d+(?:[.,]\d+)*\s*(?:%|ppm|ppb|mg/g|mg)[^),]*\)?").unwrap()
});
static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(please (?:be aware|refer|note|consult)|ingredient lists? (?:may|are subject|is subject)|may change or vary|제공된 성분|변경될 수 있습니다|전성분은 제조)",
    )
    .unwrap()
});
static MAY_CONTAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*[\[(]?\s*(?:may contain|peut contenir|\+\s*/|±)").unwrap()
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:no info(?:rmation)?|n/?a|none|not available|정보 ?없음)\s*\.?\s*$")
        .unwrap()
});
static POINTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*visit the .{1,80}boutique\b").unwrap());
static FOOTNOTE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(organic|certified|natural|ingredient|derived|origin|formula|fair ?trade|wild|harvest|유기농|원료|표시)").unwrap()
});
/// A Korean kit section's name and size glued to its first ingredient:
/// `- 하이드라 크림앰플(30ml) 코코넛야자열매수`.
static KIT_SIZE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[-\s]*[^,]{0,40}?[(\s]\d+(?:\.\d+)?\s*(?:ml|g|매|ea)\)?\.?\s+").unwrap()
});
static LABEL_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\[[^\],]{1,40}\]\s*").unwrap());

/// Reads a label's ingredient text.
pub fn parse_label(raw: &str) -> LabelText {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return LabelText::NoInformation(NoInfoReason::Empty);
    }
    if trimmed.starts_with("#NAME") || trimmed.starts_with("#VALUE") || trimmed == "#REF!" {
        return LabelText::NoInformation(NoInfoReason::SpreadsheetError);
    }
    if PLACEHOLDER.is_match(trimmed) {
        return LabelText::NoInformation(NoInfoReason::Placeholder);
    }
    if POINTER.is_match(trimmed) {
        return LabelText::NoInformation(NoInfoReason::PointerElsewhere);
    }
    let prepared = prepare(trimmed);
    let mut names: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut in_colour_section = false;
    for item in split_items(&prepared) {
        if is_footnote_legend(&item) {
            continue;
        }
        let Some(item) = strip_section_label(&item, &mut in_colour_section) else {
            continue;
        };
        if in_colour_section {
            continue;
        }
        for piece in split_long_item(&item) {
            if let Some(name) = clean_item(&piece) {
                if seen.insert(super::resolver::ingredient_key(&name)) {
                    names.push(name);
                }
            }
        }
    }
    if names.is_empty() {
        LabelText::NoInformation(NoInfoReason::MarketingOnly)
    } else {
        LabelText::Ingredients(names)
    }
}

/// Whole-text clean-ups before splitting: compatibility forms, HTML escapes, internal codes,
/// marketing lines and disclaimers.
fn prepare(raw: &str) -> String {
    let text = text::nfkc(raw)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("_C_", ",")
        .replace(" (and) ", ", ")
        .replace('\r', "\n");
    let text = ILN_CODE.replace_all(&text, " ");
    let mut kept_lines = Vec::new();
    for line in text.split('\n') {
        let line = line.trim();
        if is_marketing_line(line) {
            continue;
        }
        let line = match DISCLAIMER.find(line) {
            Some(found) => line[..found.start()].trim_end_matches([' ', '*', '※']),
            None => line,
        };
        kept_lines.push(line);
    }
    kept_lines.join("\n")
}

/// `-Vitamin E: Acts as an anti-inflammatory…` and `-Black Bee Honey` lines that some shops
/// put before the list: a bullet and a word. No INCI name starts with a dash.
/// A Korean line with a bullet and many commas is a kit's section (`- 멜라캡처앰플 38ml 정제수, …`).
fn is_marketing_line(line: &str) -> bool {
    let mut chars = line.chars();
    let bullet_and_word = matches!(chars.next(), Some('-' | '•' | '·' | '–'))
        && chars.next().is_some_and(|c| c.is_alphabetic() || c == ' ');
    let korean_list = text::has_hangul(line) && line.matches(',').count() >= 3;
    bullet_and_word && !korean_list
}

/// Splits at list separators outside brackets: commas, semicolons, newlines, bullets, and a
/// sentence end (`. `) that starts a footnote or a new sentence. A comma between digits that
/// belongs to a name (`1,2-Hexanediol`, `1, 2-헥산다이올`) or a number (`4,500`) is kept.
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

fn split_items(text: &str) -> Vec<String> {
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
            '•' => true,
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

/// Handles `Label: first ingredient`, `[라벨] 정제수`, `Ingredients:`, `전성분:` and the start of
/// a `May contain` / `+/-` colour section. Returns the item without its label, or `None` when
/// nothing is left of it.
fn strip_section_label(item: &str, in_colour_section: &mut bool) -> Option<String> {
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
/// is rare and short), so a long Korean item is split at spaces; a long English item is kept
/// whole for the resolver to cut at known names (`Resolver::resolve_label`).
fn split_long_item(item: &str) -> Vec<String> {
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
    if words.len() <= MAX_WORDS_IN_NAME {
        return vec![item.to_string()];
    }
    let hangul_words = words.iter().filter(|w| text::has_hangul(w)).count();
    if hangul_words * 2 > words.len() {
        return words.into_iter().map(str::to_string).collect();
    }
    vec![item.to_string()]
}

/// `*Certified organic ingredient`, `*표시: belif original formula`.
fn is_footnote_legend(item: &str) -> bool {
    let item = item.trim_start();
    item.starts_with(['*', '†', '‡', '¹', '²']) && FOOTNOTE_WORDS.is_match(item)
}

/// Cleans one item into an ingredient name, or `None` when it is a footnote legend, prose or
/// holds no name at all.
fn clean_item(item: &str) -> Option<String> {
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
    if !name.chars().any(|c| c.is_alphabetic()) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &str) -> Vec<String> {
        match parse_label(raw) {
            LabelText::Ingredients(names) => names,
            other => panic!("expected a list, got {other:?}"),
        }
    }

    #[test]
    fn commas_inside_parentheses_stay_in_one_name() {
        assert_eq!(
            names("Mica, Iron Oxides (CI 77491, CI 77492), Water"),
            ["Mica", "Iron Oxides (CI 77491, CI 77492)", "Water"]
        );
    }

    #[test]
    fn locant_commas_do_not_split_hexanediol() {
        assert_eq!(
            names("Water, 1,2-Hexanediol, Glycerin"),
            ["Water", "1,2-Hexanediol", "Glycerin"]
        );
        assert_eq!(
            names("Water, 1, 2-Hexanediol, Glycerin"),
            ["Water", "1, 2-Hexanediol", "Glycerin"]
        );
        assert_eq!(
            names("정제수, 1,2-헥산다이올, 글리세린, 1, 2-헥산다이올"),
            ["정제수", "1,2-헥산다이올", "글리세린"]
        );
    }

    #[test]
    fn concentrations_and_thousands_are_removed() {
        assert_eq!(
            names("약모밀꽃/잎/줄기수(77%), 팥추출물(4,500 ppm), 병풀추출물(15%함유)"),
            ["약모밀꽃/잎/줄기수", "팥추출물", "병풀추출물"]
        );
        assert_eq!(names("Zinc Oxide 17.1%, Water"), ["Zinc Oxide", "Water"]);
    }

    #[test]
    fn footnote_marks_and_legends_are_dropped() {
        assert_eq!(
            names(
                "Water/Aqua/Eau*, Betaine*, Sorbitol**, Alanine*. *Certified organic ingredient."
            ),
            ["Water/Aqua/Eau", "Betaine", "Sorbitol", "Alanine"]
        );
        assert_eq!(
            names("정제수, 글리세린*, 향료 *표시: belif original formula"),
            ["정제수", "글리세린", "향료"]
        );
    }

    #[test]
    fn may_contain_colour_sections_are_dropped() {
        assert_eq!(
            names("Water, Glycerin. May Contain: Mica, Titanium Dioxide (CI 77891), Iron Oxides (CI 77491)."),
            ["Water", "Glycerin"]
        );
        assert_eq!(
            names("Talc, Silica [+/- Mica, CI 77891, CI 77491]"),
            ["Talc", "Silica"]
        );
        assert_eq!(
            names("Talc, Silica, (+/-) Mica, CI 77891"),
            ["Talc", "Silica"]
        );
    }

    #[test]
    fn leading_labels_and_newline_separators() {
        assert_eq!(
            names("Ingredients: water/aqua/eau\nlactic acid\nglycerin\npalmitoyl tripeptide- 5"),
            [
                "water/aqua/eau",
                "lactic acid",
                "glycerin",
                "palmitoyl tripeptide- 5"
            ]
        );
        assert_eq!(names("전성분: 정제수\n글리세린"), ["정제수", "글리세린"]);
    }

    #[test]
    fn kits_merge_their_labelled_lists_without_repeats() {
        let kit = "Jelly Cleanser:\n\nWater, Glycerin, Citric Acid.\n\n\n\nDay Serum:\n\nWater, Ascorbic Acid, Ferulic Acid";
        assert_eq!(
            names(kit),
            [
                "Water",
                "Glycerin",
                "Citric Acid",
                "Ascorbic Acid",
                "Ferulic Acid"
            ]
        );
        let korean_kit = "[본품] 정제수, 글리세린 [리필] 정제수, 나이아신아마이드";
        assert_eq!(
            names(korean_kit),
            ["정제수", "글리세린", "나이아신아마이드"]
        );
        let estee =
            "Cell Pwr Crm Division: El (Estee Lauder)Ingredients: Water , Dimethicone , Glycerin";
        assert_eq!(names(estee), ["Water", "Dimethicone", "Glycerin"]);
    }

    #[test]
    fn internal_codes_even_html_escaped_are_removed() {
        assert_eq!(
            names("Water, Glycerin, Phenoxyethanol &lt;ILN46335&gt;"),
            ["Water", "Glycerin", "Phenoxyethanol"]
        );
        assert_eq!(names("정제수, 글리세린 [iln44077]"), ["정제수", "글리세린"]);
        assert_eq!(
            names("Kaolin. <ILN C171016>, 페녹시에탄올 (iln40454), 황색4호iln48715/iln48715, 티타늄디옥사이드 ILN99085"),
            ["Kaolin", "페녹시에탄올", "황색4호", "티타늄디옥사이드"]
        );
    }

    #[test]
    fn disclaimers_and_marketing_blurbs_are_not_ingredients() {
        let raw = "-Amazonian clay: Provides total balancing.\r\n\r\nWater, Kaolin, Glycerin. Please be aware that ingredient lists may change or vary from time to time.";
        assert_eq!(names(raw), ["Water", "Kaolin", "Glycerin"]);
        assert_eq!(
            names("정제수, 글리세린 * 제공된 성분은 제조사의 사정에 따라 변경될 수 있습니다"),
            ["정제수", "글리세린"]
        );
        assert_eq!(
            parse_label("-Black Bee Honey\n\n-Ouessant Honey: Repairs skin."),
            LabelText::NoInformation(NoInfoReason::MarketingOnly)
        );
    }

    #[test]
    fn korean_lists_separated_by_spaces_are_split() {
        let raw = "정제수 부틸렌글라이콜 변성알코올 글리세린 징크글루코네이트 글라이신 메치오닌 소듐시트레이트 소듐석시네이트 알지닌 세린 만노오스 향료";
        assert_eq!(names(raw).len(), 13);
        assert_eq!(names(raw)[12], "향료");
    }

    #[test]
    fn a_disclaimer_glued_to_the_last_name_is_cut_off() {
        assert_eq!(
            names("정제수,글리세린,에틸헥실글리세린 제공된 성분은 동일 제품이라도 경우에 따라 변경될 수 있습니다."),
            ["정제수", "글리세린", "에틸헥실글리세린"]
        );
    }

    #[test]
    fn english_prose_is_not_an_ingredient_but_a_comma_less_list_is_kept_whole() {
        assert_eq!(
            parse_label("This gentle formula helps your skin feel soft and smooth all day long with natural oils."),
            LabelText::NoInformation(NoInfoReason::MarketingOnly)
        );
        let comma_less = "Caprylic/Capric Triglyceride Dicaprylyl Carbonate Squalane Rosa Canina Fruit Oil Tocopherol Lavandula Angustifolia Oil Linalool";
        assert_eq!(names(comma_less), [comma_less]);
    }

    #[test]
    fn korean_kit_sections_with_a_size_and_and_separators() {
        assert_eq!(
            names("- 멜라캡처앰플(맥스). 38ml 정제수, 다이프로필렌글라이콜, 글리세린, 병풀추출물"),
            ["정제수", "다이프로필렌글라이콜", "글리세린", "병풀추출물"]
        );
        assert_eq!(
            names("-하이드라 크림앰플(30ml) 코코넛야자열매수,부틸렌글라이콜,글리세린,정제수"),
            ["코코넛야자열매수", "부틸렌글라이콜", "글리세린", "정제수"]
        );
        assert_eq!(
            names("Water** (and) Argania Spinosa (Argan) Kernel Oil* (and) Propanediol**"),
            ["Water", "Argania Spinosa (Argan) Kernel Oil", "Propanediol"]
        );
    }

    #[test]
    fn an_unclosed_bracket_does_not_swallow_the_list() {
        let raw = "Stellaria Media (Chickweed( Extract, Malt Extract, Triticum Vulgare (Wheat) Sprout Extract, Alchemilla Vulgaris Leaf Extract, Equisetum Arvense Leaf Extract, Panthenol, Carbomer";
        let read = names(raw);
        assert_eq!(read.len(), 7, "{read:?}");
        assert_eq!(read[6], "Carbomer");
    }

    #[test]
    fn may_contain_glued_or_after_a_number_starts_the_colour_section() {
        assert_eq!(
            names("Silica, Poloxamer 338May Contain/Peut Contenir: Mica, CI 77891"),
            ["Silica", "Poloxamer 338"]
        );
        assert_eq!(
            names("Water, Ceramide 3. May Contain: Mica, Iron Oxides"),
            ["Water", "Ceramide 3"]
        );
        assert_eq!(names("Aqua (Water). May Contain: Mica"), ["Aqua (Water)"]);
    }

    #[test]
    fn descending_numbers_around_a_comma_are_two_names() {
        assert_eq!(
            names("Peg-8, 3-O-Ethyl Ascorbic Acid, Trideceth-6, 2-Oleamido-1,3-Octadecanediol"),
            [
                "Peg-8",
                "3-O-Ethyl Ascorbic Acid",
                "Trideceth-6",
                "2-Oleamido-1,3-Octadecanediol"
            ]
        );
        assert_eq!(
            names("Diethylhexyl 2, 6-Naphthalate"),
            ["Diethylhexyl 2, 6-Naphthalate"]
        );
    }

    #[test]
    fn a_glued_plus_minus_starts_the_colour_section() {
        assert_eq!(names("Sorbic Acid +/- Mica, CI 77891"), ["Sorbic Acid"]);
        assert_eq!(
            names("Ascorbyl Palmitate. [+/: Mica, CI 77891]"),
            ["Ascorbyl Palmitate"]
        );
    }

    #[test]
    fn short_prose_items_are_dropped() {
        assert_eq!(
            names("Water, Glycolic Acid, Helps to exfoliate dead surface skin cells, Glycerin"),
            ["Water", "Glycolic Acid", "Glycerin"]
        );
        assert_eq!(
            names("Water, Glycerin *Napiers original formula"),
            ["Water", "Glycerin"]
        );
    }

    #[test]
    fn abbreviations_keep_their_period() {
        assert_eq!(
            names("Alcohol Denat. (SD Alcohol 39C), Parfum (Fragrance)"),
            ["Alcohol Denat. (SD Alcohol 39C)", "Parfum (Fragrance)"]
        );
    }

    #[test]
    fn semicolons_ligatures_and_trailing_periods() {
        assert_eq!(
            names("Helianthus Annuus (Sunﬂower) Seed Oil; Isoparafﬁn; Water."),
            [
                "Helianthus Annuus (Sunflower) Seed Oil",
                "Isoparaffin",
                "Water"
            ]
        );
    }

    #[test]
    fn placeholders_are_no_information() {
        assert_eq!(
            parse_label("No Info"),
            LabelText::NoInformation(NoInfoReason::Placeholder)
        );
        assert_eq!(
            parse_label("#NAME?"),
            LabelText::NoInformation(NoInfoReason::SpreadsheetError)
        );
        assert_eq!(
            parse_label("Visit the Dior boutique"),
            LabelText::NoInformation(NoInfoReason::PointerElsewhere)
        );
        assert_eq!(
            parse_label("  "),
            LabelText::NoInformation(NoInfoReason::Empty)
        );
    }
}
