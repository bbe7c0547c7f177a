//! The optimal string alignment distance (strsim's `osa_distance`: insertions, deletions,
//! substitutions and swaps of neighbours, each substring edited once) of one query word or
//! whole query against many names, bit-parallel (Hyyrö 2003, "A bit-vector algorithm for
//! computing Levenshtein and Damerau edit distances"): the query's up to 128 characters are the
//! bits of a word (`u64`, or `u128` past 64), so a name costs a few instructions a character
//! instead of a row of the dynamic-programming table, and nothing is allocated. strsim stays
//! the reference: a property test holds this to `strsim::osa_distance`, and longer queries use
//! it directly.

/// A machine word of query positions: `u64`, or `u128` for queries of 65 to 128 characters
/// (whole names without spaces often run past 64; strsim's table for them was a third of a
/// search's time).
trait Bits:
    Copy
    + PartialEq
    + std::ops::BitAnd<Output = Self>
    + std::ops::BitOr<Output = Self>
    + std::ops::BitXor<Output = Self>
    + std::ops::Not<Output = Self>
    + std::ops::Shl<u32, Output = Self>
    + std::ops::BitOrAssign
{
    const ZERO: Self;
    const ONE: Self;
    const WIDTH: usize;
    fn wrapping_add(self, other: Self) -> Self;
}

macro_rules! bits {
    ($($t:ty),*) => {$(
        impl Bits for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const WIDTH: usize = <$t>::BITS as usize;
            fn wrapping_add(self, other: Self) -> Self {
                <$t>::wrapping_add(self, other)
            }
        }
    )*};
}
bits!(u64, u128);

/// The query's positions of each character, in words of `B`.
struct Positions<B> {
    len: usize,
    /// For each ASCII character, the positions where the query holds it.
    ascii: [B; 128],
    /// The same for every other character the query holds (Hangul, accented letters).
    other: Vec<(char, B)>,
}

impl<B: Bits> Positions<B> {
    fn new(query: &str) -> Option<Self> {
        let mut positions = Positions {
            len: 0,
            ascii: [B::ZERO; 128],
            other: Vec::new(),
        };
        for (i, c) in query.chars().enumerate() {
            if i >= B::WIDTH {
                return None;
            }
            let bit = B::ONE << i as u32;
            match usize::try_from(u32::from(c)).ok().filter(|&c| c < 128) {
                Some(ascii) => positions.ascii[ascii] |= bit,
                None => match positions.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, mask)) => *mask |= bit,
                    None => positions.other.push((c, bit)),
                },
            }
            positions.len = i + 1;
        }
        Some(positions)
    }

    fn of(&self, c: char) -> B {
        let code = u32::from(c);
        if code < 128 {
            return self.ascii[code as usize];
        }
        self.other
            .iter()
            .find(|(o, _)| *o == c)
            .map_or(B::ZERO, |(_, mask)| *mask)
    }

    fn distance(&self, text: &str) -> usize {
        self.distances(text.chars(), NO_MARK).0
    }

    /// The distance to `text`, and to its first `mark` characters.
    fn distances(&self, text: impl Iterator<Item = char>, mark: usize) -> (usize, usize) {
        self.distances_by_matches(text.map(|c| self.of(c)), mark)
    }

    /// The distance to an ASCII text, read byte by byte: no decoding, no search among the
    /// query's other characters.
    fn distance_ascii(&self, text: &[u8]) -> usize {
        self.distances_ascii(text.iter().copied(), NO_MARK).0
    }

    fn distances_ascii(&self, text: impl Iterator<Item = u8>, mark: usize) -> (usize, usize) {
        self.distances_by_matches(text.map(|b| self.ascii[usize::from(b & 0x7f)]), mark)
    }

    /// The distance to the text whose characters' positions in the query are `text_matches`,
    /// and to its first `mark` characters (the last row of the table at that column).
    fn distances_by_matches(
        &self,
        text_matches: impl Iterator<Item = B>,
        mark: usize,
    ) -> (usize, usize) {
        if self.len == 0 {
            let read = text_matches.count();
            return (read, read.min(mark));
        }
        let last = B::ONE << (self.len - 1) as u32;
        // Vertical differences of the current column: +1 (vp) and -1 (vn) per query position;
        // the first column is 0, 1, 2, ...: all +1.
        let (mut vp, mut vn) = (!B::ZERO, B::ZERO);
        // The previous column's diagonal zero differences and matches, for swaps.
        let (mut d0, mut previous_matches) = (B::ZERO, B::ZERO);
        let mut distance = self.len;
        let mut at_mark = distance;
        for (read, matches) in text_matches.enumerate() {
            let swapped = ((!d0 & matches) << 1) & previous_matches;
            d0 = ((matches & vp).wrapping_add(vp) ^ vp) | matches | vn | swapped;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            // The last row's step, +1, -1 or 0, without branches (they mispredicted on names
            // that differ). Never both: a -1 needs d0 and vp, a +1 vn or neither of d0 and vp.
            distance += usize::from(hp & last != B::ZERO);
            distance -= usize::from(hn & last != B::ZERO);
            if read + 1 == mark {
                at_mark = distance;
            }
            let hp = (hp << 1) | B::ONE;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            previous_matches = matches;
        }
        (distance, at_mark)
    }
}

/// No mark: `distances_by_matches` never reads this many characters.
const NO_MARK: usize = usize::MAX;

/// A query prepared for measuring its distance to many names.
pub struct OsaPattern(Width);

enum Width {
    Short(Box<Positions<u64>>),
    Long(Box<Positions<u128>>),
}

impl OsaPattern {
    /// `None` when `query` is longer than 128 characters.
    pub fn new(query: &str) -> Option<Self> {
        let width = match Positions::new(query) {
            Some(short) => Width::Short(Box::new(short)),
            None => Width::Long(Box::new(Positions::new(query)?)),
        };
        Some(OsaPattern(width))
    }

    /// `strsim::osa_distance(query, text)`.
    pub fn distance(&self, text: &str) -> usize {
        match &self.0 {
            Width::Short(positions) => positions.distance(text),
            Width::Long(positions) => positions.distance(text),
        }
    }

    /// `strsim::osa_distance(query, text)` for an ASCII `text`.
    pub fn distance_ascii(&self, text: &str) -> usize {
        debug_assert!(text.is_ascii());
        match &self.0 {
            Width::Short(positions) => positions.distance_ascii(text.as_bytes()),
            Width::Long(positions) => positions.distance_ascii(text.as_bytes()),
        }
    }
}

/// A query prepared for measuring its distance to many names read from their end: the
/// distance is the same read backwards (reversing both texts reverses every alignment, swaps
/// included), and read so, the distance to a name's suffix is a column met on the way. A
/// product's name without spaces is a suffix of its brand and name without spaces, so one
/// pass measures both.
pub struct BackwardPattern(Width);

impl BackwardPattern {
    /// `None` when `query` is longer than 128 characters.
    pub fn new(query: &str) -> Option<Self> {
        let reversed: String = query.chars().rev().collect();
        OsaPattern::new(&reversed).map(|OsaPattern(width)| BackwardPattern(width))
    }

    /// `strsim::osa_distance(query, text)`, and the distance to the last `suffix` characters
    /// of `text` (`text` ASCII when `ascii`).
    pub fn distances(&self, text: &str, ascii: bool, suffix: usize) -> (usize, usize) {
        match (&self.0, ascii) {
            (Width::Short(positions), true) => {
                positions.distances_ascii(text.bytes().rev(), suffix)
            }
            (Width::Long(positions), true) => positions.distances_ascii(text.bytes().rev(), suffix),
            (Width::Short(positions), false) => positions.distances(text.chars().rev(), suffix),
            (Width::Long(positions), false) => positions.distances(text.chars().rev(), suffix),
        }
    }
}

/// The characters a text holds, as bits (some characters share one), for a lower bound on its
/// distance to another: every character one text holds and the other lacks needs an edit of
/// its own (a swap moves characters, it does not change them), so the distance is at least the
/// count of such characters on either side. Sharing bits only lowers the count, so the bound
/// stays true. Reading a word's characters once costs a tenth of aligning it, and most word
/// pairs of a search differ in enough letters to be dismissed by this alone.
#[derive(Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CharSet(u64);

impl CharSet {
    pub fn of(text: &str) -> Self {
        CharSet(
            text.chars()
                .fold(0, |bits, c| bits | Self::bit(u32::from(c))),
        )
    }

    pub fn of_ascii(text: &str) -> Self {
        CharSet(
            text.bytes()
                .fold(0, |bits, b| bits | Self::bit(u32::from(b))),
        )
    }

    /// Folded names are lower-case letters and digits: each has a bit of its own.
    fn bit(code: u32) -> u64 {
        1 << Self::slot(code)
    }

    fn slot(code: u32) -> usize {
        (match code {
            0x61..=0x7a => code - 0x61,
            0x30..=0x39 => 26 + code - 0x30,
            _ => 36 + code % 28,
        }) as usize
    }

    /// Whether every character here may be in `other` too (true when it is).
    pub fn within(self, other: CharSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// A lower bound on the optimal string alignment distance between the two texts.
    pub fn distance_at_least(self, other: CharSet) -> usize {
        let only_here = (self.0 & !other.0).count_ones();
        let only_there = (other.0 & !self.0).count_ones();
        only_here.max(only_there) as usize
    }
}

/// How many times a text holds each character (characters sharing a `CharSet` bit share a
/// count), for a lower bound on its distance to another tighter than `CharSet`'s: an
/// insertion, deletion or substitution changes a count on each side by at most one and a swap
/// none, so the distance is at least the count of characters one text holds beyond the other,
/// on either side. Of the word pairs `CharSet` let through to be aligned in a search, nine in
/// ten came out below half alike, and this dismissed two in three of those beforehand.
#[derive(Clone, Copy)]
pub struct CharCounts([u8; 64]);

impl CharCounts {
    pub fn of(text: &str) -> Self {
        Self::of_codes(text.chars().map(u32::from))
    }

    /// `of` for an ASCII text, read byte by byte.
    pub fn of_ascii(text: &str) -> Self {
        Self::of_codes(text.bytes().map(u32::from))
    }

    fn of_codes(codes: impl Iterator<Item = u32>) -> Self {
        let mut counts = [0u8; 64];
        for code in codes {
            let slot = CharSet::slot(code);
            counts[slot] = counts[slot].saturating_add(1);
        }
        CharCounts(counts)
    }

    /// A lower bound on the optimal string alignment distance between the two texts, of
    /// `chars` and `other_chars` characters: the longer's length less the characters both
    /// hold (so many of each as both have). `None` past 255 characters, where counts stop.
    pub fn distance_at_least(
        &self,
        chars: usize,
        other: &CharCounts,
        other_chars: usize,
    ) -> Option<usize> {
        let longest = chars.max(other_chars);
        if longest > usize::from(u8::MAX) {
            return None;
        }
        let both: u32 = self
            .0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| u32::from(*a.min(b)))
            .sum();
        Some(longest - both as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_distances() {
        let cases = [
            ("", "abc", 3),
            ("abc", "", 3),
            ("abc", "abc", 0),
            ("ab", "ba", 1),
            ("ab", "bca", 3),
            ("ca", "abc", 3),
            ("waterlock", "waterloik", 1),
            ("베리어", "베리여", 1),
            ("erborian", "erborain", 1),
        ];
        for (query, text, expected) in cases {
            let pattern = OsaPattern::new(query).unwrap();
            assert_eq!(pattern.distance(text), expected, "{query} / {text}");
            assert_eq!(
                strsim::osa_distance(query, text),
                expected,
                "{query} / {text}"
            );
        }
    }

    #[test]
    fn queries_over_128_characters_are_left_to_strsim() {
        assert!(matches!(
            OsaPattern::new(&"a".repeat(64)),
            Some(OsaPattern(Width::Short(_)))
        ));
        assert!(matches!(
            OsaPattern::new(&"a".repeat(65)),
            Some(OsaPattern(Width::Long(_)))
        ));
        assert!(OsaPattern::new(&"a".repeat(128)).is_some());
        assert!(OsaPattern::new(&"가".repeat(129)).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Small alphabets, so swaps, repeats and near misses are common.
        #[test]
        fn equals_strsims_optimal_string_alignment(
            query in "[abcd가나]{0,128}",
            text in "[abcd가나é]{0,80}",
        ) {
            let pattern = OsaPattern::new(&query).unwrap();
            prop_assert_eq!(pattern.distance(&text), strsim::osa_distance(&query, &text));
            let bound = CharSet::of(&query).distance_at_least(CharSet::of(&text));
            prop_assert!(bound <= strsim::osa_distance(&query, &text));
            let (query_chars, text_chars) = (query.chars().count(), text.chars().count());
            let counted = CharCounts::of(&query)
                .distance_at_least(query_chars, &CharCounts::of(&text), text_chars)
                .unwrap();
            prop_assert!(bound <= counted && counted <= strsim::osa_distance(&query, &text));
            let ascii: String = text.chars().filter(char::is_ascii).collect();
            prop_assert_eq!(CharSet::of_ascii(&ascii).0, CharSet::of(&ascii).0);
            prop_assert_eq!(CharCounts::of_ascii(&ascii).0, CharCounts::of(&ascii).0);
            prop_assert_eq!(pattern.distance_ascii(&ascii), strsim::osa_distance(&query, &ascii));
        }

        #[test]
        /// Read from the end, a text and each of its suffixes measure as strsim measures them.
        fn backwards_equals_strsim_for_the_text_and_a_suffix(
            query in "[abcd가나]{0,128}",
            text in "[abcd가나é]{0,80}",
            suffix_at in 0usize..=80,
        ) {
            let pattern = BackwardPattern::new(&query).unwrap();
            let chars = text.chars().count();
            let suffix = suffix_at.min(chars);
            let suffix_text: String = text.chars().skip(chars - suffix).collect();
            prop_assert_eq!(
                pattern.distances(&text, false, suffix),
                (strsim::osa_distance(&query, &text), strsim::osa_distance(&query, &suffix_text))
            );
            let ascii: String = text.chars().filter(char::is_ascii).collect();
            let suffix = suffix.min(ascii.len());
            prop_assert_eq!(
                pattern.distances(&ascii, true, suffix),
                (
                    strsim::osa_distance(&query, &ascii),
                    strsim::osa_distance(&query, &ascii[ascii.len() - suffix..]),
                )
            );
        }
    }
}
