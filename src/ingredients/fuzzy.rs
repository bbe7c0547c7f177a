//! A name nobody knows, matched to the nearest known one when it is near enough: what OCR and
//! hurried typing bend. Hangul is compared letter by letter (jamo: `글리세린` and `글라세린`
//! differ by one vowel, not one syllable); Latin after folding the confusions OCR makes
//! (l/1/I, O/0, S/5, rn/m, cl/d, vv/w), which then cost nothing. Only a unique nearest name within a
//! bound that grows with the name's length is taken, so a real unknown stays unknown.

use crate::text;

/// Known names by their comparison form (with its length in letters, the order they are
/// kept in, so only names of about the asked length are compared), with what each stands for
/// and how common that is.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct NearestNames<T> {
    latin: Vec<Known<T>>,
    hangul: Vec<Known<T>>,
}

/// A known name's comparison form's length in letters, the form, its meaning and its weight.
type Known<T> = (usize, String, T, u32);

/// Of two meanings equally near a name, the one at least this many times as common is taken:
/// a catalog holds a few misspelt copies of common names (`소둠하이알루로네이트` in two
/// products beside `소듐하이알루로네이트` in hundreds), and a name one letter off both is
/// the common one bent, not the rare one.
const MUCH_MORE_COMMON: u32 = 4;

/// How much guessing one list may do: a pasted list of a thousand made-up names would
/// otherwise compare each with thousands of known ones (seconds of CPU for one request). A
/// real list has a handful of bent names; past the budget the rest stay unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuessBudget {
    /// Unknown names that may still be guessed.
    pub names: usize,
    /// Known names that may still be compared with them.
    pub comparisons: usize,
}

impl GuessBudget {
    /// One list's budget: 40 names, 120,000 comparisons (about 40 ms of a core on the real
    /// catalogs; a typed or OCR'd list of real products uses a few thousand).
    pub const PER_LIST: GuessBudget = GuessBudget {
        names: 40,
        comparisons: 120_000,
    };

    pub const UNLIMITED: GuessBudget = GuessBudget {
        names: usize::MAX,
        comparisons: usize::MAX,
    };

    pub fn is_spent(&self) -> bool {
        self.names == 0 || self.comparisons == 0
    }
}

/// Names shorter than this (in comparison letters) are never guessed: `Mica` one letter off
/// is `Mina` or `Milk`, not a typo.
const SHORTEST_GUESSED: usize = 5;

/// How many edits a name of `letters` comparison letters may be from the name it is taken
/// for: 1 up to 9 letters, 2 up to 17, 3 beyond (Latin letters, or Hangul jamo).
pub fn allowed_edits(letters: usize) -> usize {
    if letters < SHORTEST_GUESSED {
        0
    } else if letters <= 9 {
        1
    } else if letters <= 17 {
        2
    } else {
        3
    }
}

/// A Latin name with OCR's confusions folded to one letter each, and nothing but letters and
/// digits: `G1ycerin`, `Glycerln` and `GLYCERIN` are all `glycerln`.
pub fn latin_form(name: &str) -> String {
    let folded = text::fold(name);
    let plain: String = folded
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| match c {
            '1' | 'i' | 'l' | '|' | '!' => 'l',
            '0' | 'o' => 'o',
            '5' => 's',
            c => c,
        })
        .collect();
    plain
        .replace("rn", "m")
        .replace("cl", "d")
        .replace("vv", "w")
}

/// A Hangul name as jamo (each syllable as its lead, vowel and tail letters), other letters and
/// digits as they are, spaces and punctuation dropped.
pub fn hangul_form(name: &str) -> String {
    let mut out = String::new();
    for c in text::fold(name).chars().filter(|c| c.is_alphanumeric()) {
        let code = c as u32;
        if (0xAC00..=0xD7A3).contains(&code) {
            let index = code - 0xAC00;
            let (lead, vowel, tail) = (index / 588, (index % 588) / 28, index % 28);
            out.extend(char::from_u32(0x1100 + lead));
            out.extend(char::from_u32(0x1161 + vowel));
            if tail > 0 {
                out.extend(char::from_u32(0x11A7 + tail));
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl<T: Clone + PartialEq> NearestNames<T> {
    /// From (name, meaning) pairs; a name may be INCI or Korean.
    pub fn new<'a>(names: impl IntoIterator<Item = (&'a str, T)>) -> Self {
        Self::weighted(names.into_iter().map(|(name, meaning)| (name, meaning, 1)))
    }

    /// From (name, meaning, weight) triples: the weight says how common the meaning is (the
    /// formulas holding it; the same at every name of one meaning), which settles a tie
    /// between two meanings far apart in it.
    pub fn weighted<'a>(names: impl IntoIterator<Item = (&'a str, T, u32)>) -> Self {
        let mut nearest = NearestNames {
            latin: Vec::new(),
            hangul: Vec::new(),
        };
        for (name, meaning, weight) in names {
            let (form, list) = if text::has_hangul(name) {
                (hangul_form(name), &mut nearest.hangul)
            } else {
                (latin_form(name), &mut nearest.latin)
            };
            list.push((form.chars().count(), form, meaning, weight));
        }
        for list in [&mut nearest.latin, &mut nearest.hangul] {
            list.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            list.dedup_by(|a, b| a.1 == b.1 && a.2 == b.2);
        }
        nearest
    }

    /// What `name` stands for, when one known name is nearest and within `allowed_edits`.
    pub fn nearest(&self, name: &str) -> Option<T> {
        let mut unlimited = GuessBudget::UNLIMITED;
        self.nearest_within(name, &mut unlimited)
    }

    /// `nearest`, paid from `budget`: one name, and one comparison per known name of about
    /// its length. A guess the budget cannot pay for whole is not made (no partial answers:
    /// the nearest of half the candidates could be the wrong one).
    pub fn nearest_within(&self, name: &str, budget: &mut GuessBudget) -> Option<T> {
        let (form, known) = if text::has_hangul(name) {
            (hangul_form(name), &self.hangul)
        } else {
            (latin_form(name), &self.latin)
        };
        let letters = form.chars().count();
        let allowed = allowed_edits(letters);
        if allowed == 0 {
            return None;
        }
        let from = known.partition_point(|(length, ..)| *length + allowed < letters);
        let to = known.partition_point(|(length, ..)| *length <= letters + allowed);
        if budget.names == 0 || budget.comparisons < to - from {
            budget.names = 0;
            return None;
        }
        budget.names -= 1;
        budget.comparisons -= to - from;
        // The nearest meaning, the most common at that distance, and the weight of the most
        // common other meaning as near.
        let mut best: Option<(usize, &T, u32)> = None;
        let mut rival = 0u32;
        for (_, candidate, meaning, weight) in &known[from..to] {
            let distance = strsim::levenshtein(&form, candidate);
            match best {
                Some((d, m, w)) if distance == d && m != meaning => {
                    if *weight > w {
                        best = Some((d, meaning, *weight));
                        rival = rival.max(w);
                    } else {
                        rival = rival.max(*weight);
                    }
                }
                Some((d, ..)) if distance >= d => {}
                _ if distance <= allowed => {
                    best = Some((distance, meaning, *weight));
                    rival = 0;
                }
                _ => {}
            }
        }
        best.filter(|(_, _, weight)| {
            rival == 0 || *weight >= rival.saturating_mul(MUCH_MORE_COMMON)
        })
        .map(|(_, meaning, _)| meaning.clone())
    }

    pub fn len(&self) -> usize {
        self.latin.len() + self.hangul.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn known() -> NearestNames<&'static str> {
        NearestNames::new([
            ("Glycerin", "glycerin"),
            ("Butylene Glycol", "butylene glycol"),
            ("Niacinamide", "niacinamide"),
            ("Dimethicone", "dimethicone"),
            ("Phenoxyethanol", "phenoxyethanol"),
            ("Sodium Hyaluronate", "sodium hyaluronate"),
            ("Mica", "mica"),
            ("글리세린", "glycerin"),
            ("부틸렌글라이콜", "butylene glycol"),
            ("나이아신아마이드", "niacinamide"),
            ("병풀추출물", "centella"),
            ("히알루론산", "hyaluronic acid"),
            ("히알루론산나트륨", "sodium hyaluronate"),
        ])
    }

    #[test]
    fn a_tie_goes_to_a_much_more_common_meaning_only() {
        let known = NearestNames::weighted([
            ("소듐하이알루로네이트", "sodium hyaluronate", 300),
            ("소둠하이알루로네이트", "a misspelt copy", 2),
            ("가나다라마바", "ba", 10),
            ("가나다라마사", "sa", 5),
        ]);
        assert_eq!(
            known.nearest("소듬하이알루로네이트"),
            Some("sodium hyaluronate")
        );
        assert_eq!(known.nearest("가나다라마자"), None, "5 against 10 is a tie");
    }

    #[test]
    fn guessing_stops_when_the_budget_is_spent() {
        let known = known();
        let mut budget = GuessBudget {
            names: 2,
            comparisons: 1_000,
        };
        assert!(known.nearest_within("G1ycerin", &mut budget).is_some());
        assert!(known.nearest_within("Nlacinamlde", &mut budget).is_some());
        assert!(budget.is_spent());
        assert_eq!(known.nearest_within("Glycerln", &mut budget), None);
        let mut poor = GuessBudget {
            names: 10,
            comparisons: 0,
        };
        assert_eq!(known.nearest_within("Glycerln", &mut poor), None);
    }

    #[test]
    fn ocr_confusions_in_latin_names_cost_nothing() {
        let known = known();
        for bent in [
            "G1ycerin",
            "Glycerln",
            "GLYCERIN",
            "Nlacinamlde",
            "Dirnethicone",
            "Phen0xyethanol",
        ] {
            assert!(known.nearest(bent).is_some(), "{bent}");
        }
        assert_eq!(known.nearest("Butylene Glyco1"), Some("butylene glycol"));
        assert_eq!(
            known.nearest("Sodiurn Hyaluronate"),
            Some("sodium hyaluronate")
        );
    }

    #[test]
    fn a_hangul_vowel_or_tail_slip_is_one_edit() {
        let known = known();
        assert_eq!(known.nearest("글라세린"), Some("glycerin"));
        assert_eq!(known.nearest("부틸랜글라이콜"), Some("butylene glycol"));
        assert_eq!(known.nearest("나이아신아마이트"), Some("niacinamide"));
        assert_eq!(known.nearest("벙풀추출물"), Some("centella"));
    }

    #[test]
    fn real_unknowns_and_short_names_stay_unknown() {
        let known = known();
        assert_eq!(known.nearest("Tocopherol"), None);
        assert_eq!(known.nearest("Mina"), None, "too short to guess");
        assert_eq!(known.nearest("Water"), None);
        assert_eq!(known.nearest("녹차추출물"), None);
        assert_eq!(known.nearest(""), None);
    }

    #[test]
    fn a_tie_between_two_meanings_is_no_guess() {
        let known = NearestNames::new([("Abcdefgh", 1), ("Abcdefgk", 2)]);
        assert_eq!(known.nearest("Abcdefgx"), None);
        assert_eq!(known.nearest("Abcdefgh"), Some(1));
    }

    proptest! {
        /// Whatever is typed, a guess is never further from the name it is taken for than the
        /// bound for its length.
        #[test]
        fn a_guess_is_never_far_from_the_name_it_is_taken_for(typed in "[A-Za-z0-9 가-힣]{0,24}") {
            let names = [
                "Glycerin", "Butylene Glycol", "Niacinamide", "Dimethicone", "Phenoxyethanol",
                "글리세린", "부틸렌글라이콜", "나이아신아마이드", "병풀추출물", "히알루론산나트륨",
            ];
            let known = NearestNames::new(names.iter().map(|n| (*n, *n)));
            if let Some(name) = known.nearest(&typed) {
                let (a, b) = if text::has_hangul(&typed) {
                    (hangul_form(&typed), hangul_form(name))
                } else {
                    (latin_form(&typed), latin_form(name))
                };
                let letters = a.chars().count();
                prop_assert!(strsim::levenshtein(&a, &b) <= allowed_edits(letters));
                prop_assert!(letters >= SHORTEST_GUESSED);
            }
        }
    }
}
