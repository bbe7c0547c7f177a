//! Resolves an ingredient name as written on a label (English INCI, a common name, a Korean
//! standard name or an old Korean spelling) to one canonical ingredient, so that `Aqua`,
//! `Water/Aqua/Eau` and `정제수` are the same ingredient.

use std::collections::{HashMap, HashSet};

use super::parser::{LabelText, MAX_WORDS_IN_NAME};
use crate::text;

/// One ingredient of a label: the name the label wrote, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedName {
    pub label_name: String,
    pub canonical: CanonicalIngredient,
}

/// A canonical ingredient: `key` is its identity, `name` how it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalIngredient {
    pub key: String,
    pub name: String,
}

/// The identity of an ingredient name: folded (case, accents, compatibility forms), without
/// parenthesised common names (`(Shea)`, `(CI 77891)`), spaces, hyphens or trailing dots. Two
/// names with the same key are the same ingredient.
pub fn ingredient_key(name: &str) -> String {
    let folded = text::fold(name).replace("_c_", ",");
    let without_parens = strip_parenthesised(&folded);
    let base = if without_parens.trim().is_empty() {
        folded.replace(['(', ')', '[', ']'], " ")
    } else {
        without_parens
    };
    base.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '*' | '.' | '\'' | '"' | '’'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect()
}

/// The key of a Korean name: `ingredient_key` in one spelling (`KOREAN_SPELLING_FIXES`), so
/// `에칠헥실글리세린` and `에틸헥실글리세린` meet.
pub fn korean_key(name: &str) -> String {
    let mut key = ingredient_key(name);
    for (old, new) in KOREAN_SPELLING_FIXES {
        if key.contains(old) {
            key = key.replace(old, new);
        }
    }
    key
}

fn strip_parenthesised(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Old and new Korean spellings of the same sounds (에칠/에틸, 디/다이, 트리/트라이, …). Labels
/// and even the KCIA dictionary use both, so every Korean key is written in the newer spelling
/// on both sides (`korean_key`). Order matters: longer patterns first.
const KOREAN_SPELLING_FIXES: &[(&str, &str)] = &[
    ("디메치콘", "다이메티콘"),
    ("메치콘", "메티콘"),
    ("에칠", "에틸"),
    ("메칠", "메틸"),
    ("프로필렌글리콜", "프로필렌글라이콜"),
    ("글리콜", "글라이콜"),
    ("트리", "트라이"),
    ("디", "다이"),
    ("애시드", "애씨드"),
    ("하이알루론산", "하이알루로닉애씨드"),
    ("히알루론산", "하이알루로닉애씨드"),
    ("히아루론산", "하이알루로닉애씨드"),
    ("나이아신아미드", "나이아신아마이드"),
    ("니코틴아마이드", "나이아신아마이드"),
    ("세라마이드3", "세라마이드엔피"),
    (
        "카프릴릭/카프릭트리글리세라이드",
        "카프릴릭/카프릭트라이글리세라이드",
    ),
    ("실록산", "실록세인"),
];

/// The ingredient knowledge the resolver uses: the curated synonym table and Korean table
/// shipped with seongbun, extended by imported references (KCIA dictionary, CosIng).
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Resolver {
    /// Folded alias → canonical INCI name (`aqua` → `Water`).
    synonyms: HashMap<String, String>,
    /// Korean key → INCI name (`정제수` → `Water`).
    korean: HashMap<String, String>,
    /// Korean spelling variant key → standard Korean key.
    korean_variants: HashMap<String, String>,
    /// Keys of names known to be whole INCI names, with their preferred spelling if known.
    known: HashMap<String, Option<String>>,
    /// INCI key → standard Korean name, for showing Korean names beside INCI ones.
    korean_by_key: HashMap<String, String>,
    /// INCI key → CosIng functions (`Emollient, Humectant`).
    functions: HashMap<String, String>,
}

impl Resolver {
    /// The resolver with the tables shipped in the repository.
    pub fn builtin() -> Self {
        let mut resolver = Resolver::default();
        for (alias, canonical) in tsv_pairs(include_str!("synonyms.tsv")) {
            resolver.add_synonym(alias, canonical);
        }
        for (korean, inci) in tsv_pairs(include_str!("korean_names.tsv")) {
            resolver.add_korean_name(korean, inci);
        }
        resolver
    }

    pub fn add_synonym(&mut self, alias: &str, canonical: &str) {
        self.add_known_inci(canonical);
        self.synonyms
            .insert(ingredient_key(alias), canonical.to_string());
    }

    /// A name known to be a whole INCI name, with the spelling to show for it.
    pub fn add_known_inci(&mut self, inci: &str) {
        self.known
            .insert(ingredient_key(inci), Some(text::squash_spaces(inci)));
    }

    /// A name known to be INCI whose spelling is not for showing (CosIng writes UPPER CASE).
    pub fn add_known_inci_key(&mut self, inci: &str) {
        self.known.entry(ingredient_key(inci)).or_insert(None);
    }

    pub fn add_korean_name(&mut self, korean: &str, inci: &str) {
        let korean = text::squash_spaces(korean);
        let inci_key = ingredient_key(inci);
        let canonical = self
            .synonyms
            .get(&inci_key)
            .cloned()
            .unwrap_or_else(|| inci.to_string());
        self.add_known_inci(&canonical);
        self.korean_by_key
            .entry(ingredient_key(&canonical))
            .or_insert_with(|| korean.clone());
        self.korean.insert(korean_key(&korean), canonical);
    }

    pub fn add_korean_variant(&mut self, variant: &str, standard: &str) {
        let (variant, standard) = (korean_key(variant), korean_key(standard));
        if variant != standard {
            self.korean_variants.insert(variant, standard);
        }
    }

    pub fn add_functions(&mut self, inci: &str, functions: &str) {
        if !functions.trim().is_empty() {
            self.functions
                .insert(ingredient_key(inci), functions.trim().to_string());
        }
    }

    /// Every Korean name known (its key) with the INCI name it stands for.
    pub fn korean_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.korean
            .iter()
            .map(|(k, inci)| (k.as_str(), inci.as_str()))
    }

    pub fn korean_name_of(&self, key: &str) -> Option<&str> {
        self.korean_by_key.get(key).map(String::as_str)
    }

    pub fn functions_of(&self, key: &str) -> Option<&str> {
        self.functions.get(key).map(String::as_str)
    }

    /// The canonical ingredient a label name stands for.
    pub fn resolve(&self, label_name: &str) -> CanonicalIngredient {
        let name = text::squash_spaces(&text::nfkc(label_name));
        if text::has_hangul(&name) {
            if let Some(inci) = self.korean_to_inci(&name) {
                return self.resolve_english(inci);
            }
            return CanonicalIngredient {
                key: korean_key(&name),
                name,
            };
        }
        self.resolve_english(&name)
    }

    /// Resolves a parsed label to its canonical ingredients in label order, each once (the
    /// first place of a repeat counts), with the name the label wrote for it. A list written
    /// without commas is cut at the names this resolver knows, and so is a Korean name with
    /// spaces that is not itself a known name: Korean standard names are written without
    /// spaces (but for a few Latin binomials, which are known whole), so a space there is a
    /// lost comma (`정제수 부틸렌글라이콜`, a comma that OCR read as `.`, or stray marks OCR read
    /// before a name: `WAY) 정제수`).
    pub fn resolve_label(&self, label: &LabelText) -> Vec<ResolvedName> {
        self.resolve_label_with(label, |name| self.resolve(name))
    }

    /// `resolve_label`, remembering each name's resolution in `memo`: an import resolves the
    /// same few thousand names millions of times.
    pub fn resolve_label_remembering(
        &self,
        label: &LabelText,
        memo: &mut HashMap<String, CanonicalIngredient>,
    ) -> Vec<ResolvedName> {
        self.resolve_label_with(label, |name| {
            if let Some(known) = memo.get(name) {
                return known.clone();
            }
            let canonical = self.resolve(name);
            memo.insert(name.to_string(), canonical.clone());
            canonical
        })
    }

    fn resolve_label_with(
        &self,
        label: &LabelText,
        mut resolve: impl FnMut(&str) -> CanonicalIngredient,
    ) -> Vec<ResolvedName> {
        let mut seen = HashSet::new();
        let mut resolved = Vec::new();
        for name in label.names() {
            let pieces = if name.split_whitespace().count() > MAX_WORDS_IN_NAME
                || (text::has_hangul(name) && words_of(name).len() > 1 && !self.is_known_name(name))
            {
                self.segment(name)
            } else {
                vec![name.clone()]
            };
            for label_name in pieces {
                let canonical = resolve(&label_name);
                if seen.insert(canonical.key.clone()) {
                    resolved.push(ResolvedName {
                        label_name,
                        canonical,
                    });
                }
            }
        }
        resolved
    }

    /// Whether `name` is a whole INCI name or a synonym of one, or a Korean name of one.
    fn is_known_name(&self, name: &str) -> bool {
        if text::has_hangul(name) {
            return self.korean_to_inci(name).is_some();
        }
        let key = ingredient_key(name);
        self.synonyms.contains_key(&key) || self.known.contains_key(&key)
    }

    /// Cuts a comma-less list at the longest known names. Unknown words between known names
    /// stay together as one name; a common name after ` / ` (`Jojoba Seed Oil` in
    /// `Simmondsia Chinensis Oil / Jojoba Seed Oil`) is the same ingredient again and dropped;
    /// a lone mark (`-`, `*`) is no word, and a known name is kept without its footnote stars.
    fn segment(&self, text: &str) -> Vec<String> {
        const LONGEST_NAME_IN_WORDS: usize = 8;
        let words = words_of(text);
        let mut names = Vec::new();
        let mut unknown: Vec<&str> = Vec::new();
        let mut after_slash = false;
        let flush = |unknown: &mut Vec<&str>, after_slash: &mut bool, names: &mut Vec<String>| {
            if !unknown.is_empty() && !*after_slash {
                names.push(unknown.join(" "));
            }
            unknown.clear();
            *after_slash = false;
        };
        let mut i = 0;
        while i < words.len() {
            if words[i] == "/" {
                flush(&mut unknown, &mut after_slash, &mut names);
                after_slash = true;
                i += 1;
                continue;
            }
            if !words[i].contains(char::is_alphanumeric) {
                flush(&mut unknown, &mut after_slash, &mut names);
                i += 1;
                continue;
            }
            let longest = (1..=LONGEST_NAME_IN_WORDS.min(words.len() - i))
                .rev()
                .find(|len| {
                    words[i + len - 1].contains(char::is_alphanumeric)
                        && self.is_known_name(&words[i..i + len].join(" "))
                });
            match longest {
                Some(len) => {
                    flush(&mut unknown, &mut after_slash, &mut names);
                    names.push(words[i..i + len].join(" ").trim_matches('*').to_string());
                    i += len;
                }
                None => {
                    unknown.push(words[i]);
                    i += 1;
                }
            }
        }
        flush(&mut unknown, &mut after_slash, &mut names);
        names
    }

    fn resolve_english(&self, name: &str) -> CanonicalIngredient {
        let key = ingredient_key(name);
        if let Some(canonical) = self.synonyms.get(&key) {
            return self.canonical(canonical);
        }
        if self.known.contains_key(&key) {
            return self.canonical(name);
        }
        if let Some(alternative) = self.slash_alternative(name) {
            return alternative;
        }
        self.canonical(name)
    }

    /// `Water/Aqua/Eau`, `Parfum\Fragrance`, `Yeast Extract/Faex/Extrait De Levure`: one
    /// ingredient written in several languages. Taken apart only when its first and last parts
    /// are known names (or the last is a French/Latin translation), so that real compound names
    /// such as `Caprylic/Capric Triglyceride` stay whole.
    fn slash_alternative(&self, name: &str) -> Option<CanonicalIngredient> {
        let parts: Vec<&str> = split_outside_parens(name, &['/', '\\']);
        if parts.len() < 2 {
            return None;
        }
        let last = parts[parts.len() - 1].trim();
        let last_is_translation = {
            let folded = text::fold(last);
            [
                "extrait", "eau", "huile", "beurre", "cire", "proteine", "parfum", "aqua", "faex",
            ]
            .iter()
            .any(|word| folded.starts_with(word))
        };
        let first = parts[0].trim();
        if self.is_known_name(first) && (self.is_known_name(last) || last_is_translation) {
            return Some(self.resolve_english(first));
        }
        parts
            .iter()
            .find(|part| self.synonyms.contains_key(&ingredient_key(part)))
            .filter(|_| parts.iter().all(|p| p.split_whitespace().count() <= 2))
            .map(|part| self.resolve_english(part))
    }

    fn canonical(&self, name: &str) -> CanonicalIngredient {
        let key = ingredient_key(name);
        let shown = match self.known.get(&key) {
            Some(Some(spelling)) => spelling.clone(),
            _ => display_spelling(name),
        };
        CanonicalIngredient { key, name: shown }
    }

    fn korean_to_inci(&self, name: &str) -> Option<&str> {
        let key = korean_key(name);
        if let Some(inci) = self.korean.get(&key) {
            return Some(inci);
        }
        let standard = self.korean_variants.get(&key)?;
        self.korean.get(standard).map(String::as_str)
    }
}

/// Title-cases names written in all capitals or all lower case; keeps mixed case as written.
fn display_spelling(name: &str) -> String {
    let name = text::squash_spaces(name);
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let all_upper = letters.iter().all(|c| !c.is_lowercase());
    let all_lower = letters.iter().all(|c| !c.is_uppercase());
    if !(all_upper || all_lower) || text::has_hangul(&name) {
        return name;
    }
    let mut out = String::with_capacity(name.len());
    let mut start_of_word = true;
    for c in name.chars() {
        if start_of_word {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start_of_word = !c.is_alphanumeric();
    }
    out
}

/// The words of a name, a bracket's content one with the word it is part of:
/// `하이드롤라이즈드디엔에이(2,000ppm, c-PDRN)` is one word.
fn words_of(text: &str) -> Vec<&str> {
    split_outside_parens(text, &[' ', '\t', '\n', '\r', '\u{3000}'])
        .into_iter()
        .map(str::trim)
        .collect()
}

fn split_outside_parens<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            // A closing bracket without its opening one (OCR's `WAY) 정제수`) closes nothing.
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 && separators.contains(&c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Lines `a<TAB>b` of a data file, skipping comments and blank lines.
pub fn tsv_pairs(data: &str) -> impl Iterator<Item = (&str, &str)> {
    data.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once('\t'))
        .map(|(a, b)| (a.trim(), b.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(resolver: &Resolver, label: &str) -> String {
        resolver.resolve(label).name
    }

    #[test]
    fn keys_ignore_case_spacing_hyphens_and_common_names() {
        assert_eq!(
            ingredient_key("PALMITOYL TRIPEPTIDE- 5"),
            ingredient_key("Palmitoyl Tripeptide-5")
        );
        assert_eq!(
            ingredient_key("1, 2-Hexanediol"),
            ingredient_key("1,2-Hexanediol")
        );
        assert_eq!(
            ingredient_key("Butyrospermum Parkii (Shea) Butter"),
            ingredient_key("butyrospermum parkii butter")
        );
        assert_eq!(
            ingredient_key("하이알루 로닉애씨드"),
            ingredient_key("하이알루로닉애씨드")
        );
        assert_eq!(
            ingredient_key("1_C_2-헥산다이올"),
            ingredient_key("1,2-헥산다이올")
        );
    }

    #[test]
    fn synonyms_written_together_resolve_to_one_ingredient() {
        let resolver = Resolver::builtin();
        for label in [
            "Water/Aqua/Eau",
            "Aqua (Water)",
            "AQUA",
            "Water\\Aqua\\Eau",
            "eau",
        ] {
            assert_eq!(name_of(&resolver, label), "Water", "{label}");
        }
        assert_eq!(name_of(&resolver, "Parfum/Fragrance"), "Fragrance");
        assert_eq!(name_of(&resolver, "Parfum (Fragrance)"), "Fragrance");
    }

    #[test]
    fn common_names_resolve_to_inci() {
        let resolver = Resolver::builtin();
        assert_eq!(
            name_of(&resolver, "Green Tea Extract"),
            "Camellia Sinensis Leaf Extract"
        );
        assert_eq!(name_of(&resolver, "Vitamin B3"), "Niacinamide");
        assert_eq!(
            name_of(&resolver, "Titanium Dioxide (CI 77891)"),
            "Titanium Dioxide"
        );
        assert_eq!(name_of(&resolver, "CI 77891"), "Titanium Dioxide");
    }

    #[test]
    fn compound_names_with_a_slash_stay_whole() {
        let resolver = Resolver::builtin();
        assert_eq!(
            name_of(&resolver, "Caprylic/Capric Triglyceride"),
            "Caprylic/Capric Triglyceride"
        );
        assert_eq!(
            resolver
                .resolve("Lactobacillus/Soybean Ferment Extract")
                .key,
            ingredient_key("Lactobacillus/Soybean Ferment Extract")
        );
    }

    #[test]
    fn korean_names_resolve_to_the_same_ingredient_as_inci() {
        let resolver = Resolver::builtin();
        assert_eq!(resolver.resolve("정제수"), resolver.resolve("Water"));
        assert_eq!(resolver.resolve("글리세린"), resolver.resolve("GLYCERIN"));
        assert_eq!(
            resolver.resolve("1, 2-헥산다이올"),
            resolver.resolve("1,2-Hexanediol")
        );
        assert_eq!(
            resolver.resolve("녹차추출물"),
            resolver.resolve("Green Tea Extract")
        );
    }

    #[test]
    fn old_korean_spellings_are_respelled() {
        let resolver = Resolver::builtin();
        assert_eq!(
            resolver.resolve("에칠헥실글리세린"),
            resolver.resolve("Ethylhexylglycerin")
        );
        assert_eq!(
            resolver.resolve("디메치콘"),
            resolver.resolve("Dimethicone")
        );
        assert_eq!(
            resolver.resolve("부틸렌글리콜"),
            resolver.resolve("Butylene Glycol")
        );
    }

    #[test]
    fn imported_korean_variants_are_followed() {
        let mut resolver = Resolver::builtin();
        resolver.add_korean_name("유칼립투스속오일", "Eucalyptus Globulus Leaf Oil");
        resolver.add_korean_variant("유칼립투스오일", "유칼립투스속오일");
        assert_eq!(
            name_of(&resolver, "유칼립투스오일"),
            "Eucalyptus Globulus Leaf Oil"
        );
    }

    #[test]
    fn a_comma_less_list_is_cut_at_known_names() {
        let resolver = Resolver::builtin();
        let label = crate::ingredients::parse_label(
            "Caprylic/Capric Triglyceride Dicaprylyl Carbonate Squalane Jojoba Seed Oil / Simmondsia Chinensis Seed Oil Tocopherol Lavandula Angustifolia Oil / Lavender Oil Linalool Limonene Geraniol",
        );
        let names: Vec<String> = resolver
            .resolve_label(&label)
            .into_iter()
            .map(|r| r.canonical.name)
            .collect();
        assert_eq!(
            names,
            [
                "Caprylic/Capric Triglyceride",
                "Dicaprylyl Carbonate",
                "Squalane",
                "Simmondsia Chinensis Seed Oil",
                "Tocopherol",
                "Lavandula Angustifolia Oil",
                "Linalool",
                "Limonene",
                "Geraniol"
            ]
        );
    }

    #[test]
    fn a_korean_name_with_spaces_is_cut_at_known_names_unless_known_whole() {
        let mut resolver = Resolver::builtin();
        resolver.add_korean_name("밤부사 불가리스추출물", "Bambusa Vulgaris Extract");
        let label = crate::ingredients::parse_label(
            "WAY) 정제수, 글리세린. 부틸렌글라이콜, 밤부사 불가리스추출물, 나이아신아마이드 알수없는이름, 판테놀* - 알란토인*, 하이드롤라이즈드디엔에이(2,000ppm, c-PDRN)",
        );
        let written: Vec<String> = resolver
            .resolve_label(&label)
            .into_iter()
            .map(|r| r.label_name)
            .collect();
        assert_eq!(
            written,
            [
                "WAY)",
                "정제수",
                "글리세린.",
                "부틸렌글라이콜",
                "밤부사 불가리스추출물",
                "나이아신아마이드",
                "알수없는이름",
                "판테놀",
                "알란토인",
                "하이드롤라이즈드디엔에이",
                "c-PDRN"
            ]
        );
        let english = crate::ingredients::parse_label("Butyrospermum Parkii Butter, Aqua Fake");
        assert_eq!(resolver.resolve_label(&english).len(), 2);
    }

    #[test]
    fn a_label_resolves_each_ingredient_once() {
        let resolver = Resolver::builtin();
        let label =
            crate::ingredients::parse_label("Water, Aqua, Glycerin, 정제수, 글리세린, Niacinamide");
        let names: Vec<String> = resolver
            .resolve_label(&label)
            .into_iter()
            .map(|r| r.canonical.name)
            .collect();
        assert_eq!(names, ["Water", "Glycerin", "Niacinamide"]);
    }

    #[test]
    fn unknown_names_are_shown_in_title_case_when_shouted() {
        let resolver = Resolver::builtin();
        assert_eq!(
            name_of(&resolver, "OPUNTIA FICUS-INDICA EXTRACT"),
            "Opuntia Ficus-Indica Extract"
        );
        assert_eq!(
            name_of(&resolver, "PEG-7 Glyceryl Cocoate"),
            "PEG-7 Glyceryl Cocoate"
        );
    }
}
