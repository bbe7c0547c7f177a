//! Turns the ingredient text printed on a label (English INCI or Korean 전성분) into the ordered
//! list of ingredient names it holds. Resolution to canonical ingredients happens later
//! (`resolver.rs`); this module only finds where one name ends and the next begins, and strips
//! what is not a name: labels, footnotes, colour sections, concentrations, codes, disclaimers.

use std::sync::LazyLock;

use regex::Regex;

use crate::text;

mod items;
mod patterns;
mod split;

use items::{clean_item, is_footnote_legend, split_long_item, strip_section_label};
use split::split_items;

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

    /// Why the text holds no list, if it holds none.
    pub fn no_information(&self) -> Option<NoInfoReason> {
        match self {
            LabelText::Ingredients(_) => None,
            LabelText::NoInformation(reason) => Some(*reason),
        }
    }
}

/// Longest name taken as one ingredient, in words; a longer item is a list written without
/// commas, or prose.
pub const MAX_WORDS_IN_NAME: usize = 12;

static ILN_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)/?[<\[(]?\s*iln\s*[a-z]?\d{3,}\s*[>\])]?").unwrap());
static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(please (?:be aware|refer|note|consult)|ingredient lists? (?:may|are subject|is subject)|may change or vary|제공된 성분|변경될 수 있습니다|전성분은 제조)",
    )
    .unwrap()
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:no info(?:rmation)?|n/?a|none|not available|정보 ?없음)\s*\.?\s*$")
        .unwrap()
});
static POINTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*visit the .{1,80}boutique\b").unwrap());

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
    fn a_product_kind_is_no_ingredient() {
        assert_eq!(
            names("이즈앤트리 어니언 에센스 토너 정제수 글리세린 부틸렌글라이콜"),
            [
                "이즈앤트리",
                "어니언",
                "정제수",
                "글리세린",
                "부틸렌글라이콜"
            ]
        );
        assert_eq!(names("Cream, Water, Shea Butter"), ["Water", "Shea Butter"]);
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
        // Olive Young lists written with `@` or spaces for commas.
        assert_eq!(
            names("정제수@프로판다이올@글리세린"),
            ["정제수", "프로판다이올", "글리세린"]
        );
        assert_eq!(
            names("정제수 변성알코올 글리세린 프로판다이올 나이아신아마이드 락틱애씨드"),
            [
                "정제수",
                "변성알코올",
                "글리세린",
                "프로판다이올",
                "나이아신아마이드",
                "락틱애씨드"
            ]
        );
        // Nothing but the legends (five Tata Harper pages): no list, not a one-item formula
        // the five would share with each other and nothing else.
        assert_eq!(
            parse_label(
                "*Ingredients from organic farming. **Clinical grade essential oils blend."
            ),
            LabelText::NoInformation(NoInfoReason::MarketingOnly)
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
