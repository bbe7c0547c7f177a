//! The optimal string alignment distance (strsim's `osa_distance`: insertions, deletions,
//! substitutions and swaps of neighbours, each substring edited once) of one query word or
//! whole query against many names, bit-parallel (Hyyrö 2003, "A bit-vector algorithm for
//! computing Levenshtein and Damerau edit distances"): the query's up to 64 characters are the
//! bits of a word, so a name costs a few instructions a character instead of a row of the
//! dynamic-programming table, and nothing is allocated. strsim stays the reference: a property
//! test holds this to `strsim::osa_distance`, and longer queries use it directly.

/// A query prepared for measuring its distance to many names.
pub struct OsaPattern {
    len: usize,
    /// For each ASCII character, the positions where the query holds it.
    ascii: [u64; 128],
    /// The same for every other character the query holds (Hangul, accented letters).
    other: Vec<(char, u64)>,
}

impl OsaPattern {
    /// The longest query this works for, in characters.
    pub const MAX_CHARS: usize = 64;

    /// `None` when `query` is longer than `MAX_CHARS` characters.
    pub fn new(query: &str) -> Option<Self> {
        let mut pattern = OsaPattern {
            len: 0,
            ascii: [0; 128],
            other: Vec::new(),
        };
        for (i, c) in query.chars().enumerate() {
            if i >= Self::MAX_CHARS {
                return None;
            }
            let bit = 1u64 << i;
            match usize::try_from(u32::from(c)).ok().filter(|&c| c < 128) {
                Some(ascii) => pattern.ascii[ascii] |= bit,
                None => match pattern.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, mask)) => *mask |= bit,
                    None => pattern.other.push((c, bit)),
                },
            }
            pattern.len = i + 1;
        }
        Some(pattern)
    }

    fn positions_of(&self, c: char) -> u64 {
        let code = u32::from(c);
        if code < 128 {
            return self.ascii[code as usize];
        }
        self.other
            .iter()
            .find(|(o, _)| *o == c)
            .map_or(0, |(_, mask)| *mask)
    }

    /// `strsim::osa_distance(query, text)`.
    pub fn distance(&self, text: &str) -> usize {
        if self.len == 0 {
            return text.chars().count();
        }
        let last = 1u64 << (self.len - 1);
        // Vertical differences of the current column: +1 (vp) and -1 (vn) per query position;
        // the first column is 0, 1, 2, ...: all +1.
        let (mut vp, mut vn) = (!0u64, 0u64);
        // The previous column's diagonal zero differences and matches, for swaps.
        let (mut d0, mut previous_matches) = (0u64, 0u64);
        let mut distance = self.len;
        for c in text.chars() {
            let matches = self.positions_of(c);
            let swapped = ((!d0 & matches) << 1) & previous_matches;
            d0 = (((matches & vp).wrapping_add(vp)) ^ vp) | matches | vn | swapped;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            if hp & last != 0 {
                distance += 1;
            } else if hn & last != 0 {
                distance -= 1;
            }
            let hp = (hp << 1) | 1;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            previous_matches = matches;
        }
        distance
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
    fn queries_over_64_characters_are_left_to_strsim() {
        assert!(OsaPattern::new(&"a".repeat(64)).is_some());
        assert!(OsaPattern::new(&"가".repeat(65)).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Small alphabets, so swaps, repeats and near misses are common.
        #[test]
        fn equals_strsims_optimal_string_alignment(
            query in "[abcd가나]{0,64}",
            text in "[abcd가나é]{0,80}",
        ) {
            let pattern = OsaPattern::new(&query).unwrap();
            prop_assert_eq!(pattern.distance(&text), strsim::osa_distance(&query, &text));
        }
    }
}
