//! Typo-tolerant product name search. Candidates come from a character-trigram index over each
//! product's brand, name and aliases with spaces removed (so `피캄베리어사이클토너` finds
//! `피캄 베리어 사이클 토너`); each candidate is then scored by strsim's optimal string
//! alignment (computed bit-parallel in `osa`, held to strsim by property tests), word by word
//! (in any order, tolerating typos and partial words) and as a whole.

mod osa;
pub mod query;

use rustc_hash::FxHashMap;

use serde::Serialize;

use crate::text;

/// One product found by name, with how well it matches (0..=1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameMatch {
    pub product_id: i32,
    pub score: f32,
}

/// What a search found, from the person's point of view.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchOutcome {
    /// One product clearly matches.
    Clear(NameMatch),
    /// Several plausible products, best first.
    Several(Vec<NameMatch>),
    Nothing,
}

/// Candidates kept from the trigram step for exact scoring.
const CANDIDATES: usize = 64;
/// Postings read before the most common trigrams are skipped (see `candidates`).
const POSTINGS_BUDGET: usize = 60_000;
/// Below this a product is not offered at all.
const MIN_SCORE: f32 = 0.45;
/// A match this good, and this far ahead of the next, goes straight to the product.
const CLEAR_SCORE: f32 = 0.8;
const CLEAR_LEAD: f32 = 0.08;

/// Folds a name or query for matching: `fold`, then only letters and digits, in words.
pub fn search_words(text: &str) -> Vec<String> {
    text::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// One product's words and whole names. The words are places in the index's `NameWords`:
/// at a million products, a `String` a word was most of the name index's memory, and each word
/// held once for the catalog is measured once, when indexed, and met in a search by its place
/// rather than hashed.
#[derive(serde::Serialize, serde::Deserialize)]
struct NameEntry {
    product_id: i32,
    /// How many of the words are brand + name (the rest come from aliases).
    own_words: u32,
    /// How many of `places` are words.
    word_count: u32,
    /// Whether `wholes` is ASCII, so that a whole's length in characters is its length in
    /// bytes (counting characters was a twelfth of a search's time).
    ascii: bool,
    /// Brand + name, the name alone, and each alias, without spaces: back to back.
    wholes: Box<str>,
    /// The words of brand + name, then of the aliases, as places in `NameWords`; then where
    /// each of `wholes` ends. One allocation, not two: a million of them.
    places: Box<[u32]>,
}

impl NameEntry {
    fn new(product_id: i32, words: Vec<u32>, own_words: usize, wholes: Vec<String>) -> Self {
        let mut text = String::with_capacity(wholes.iter().map(String::len).sum());
        let mut places = words;
        let word_count = places.len() as u32;
        places.reserve_exact(wholes.len());
        for whole in &wholes {
            text.push_str(whole);
            places.push(text.len() as u32);
        }
        NameEntry {
            product_id,
            own_words: own_words as u32,
            word_count,
            ascii: text.is_ascii(),
            wholes: text.into_boxed_str(),
            places: places.into_boxed_slice(),
        }
    }

    /// Its words, as places in `NameWords`.
    fn words(&self) -> &[u32] {
        &self.places[..self.word_count as usize]
    }

    /// Brand + name, the name alone, and each alias, without spaces, measured.
    fn wholes(&self) -> impl Iterator<Item = NamePiece<'_>> {
        let ends = &self.places[self.word_count as usize..];
        (0..ends.len()).map(move |i| {
            let start = if i == 0 { 0 } else { ends[i - 1] as usize };
            let text = &self.wholes[start..ends[i] as usize];
            let chars = if self.ascii {
                text.len()
            } else {
                text.chars().count()
            };
            NamePiece {
                text,
                chars,
                ascii: self.ascii,
            }
        })
    }
}

/// Every distinct word of the catalog's names, held once and measured once.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct NameWords {
    /// The words back to back.
    text: String,
    /// Where each word ends in `text`.
    ends: Vec<u32>,
    /// Each word's measures.
    measures: Vec<WordMeasures>,
}

#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
struct WordMeasures {
    /// Its length in characters.
    chars: u32,
    /// Whether it is ASCII, so it can be aligned byte by byte.
    ascii: bool,
    char_set: osa::CharSet,
}

impl NameWords {
    /// The place of `word`, added if new; `places` finds the words added so far.
    fn place(&mut self, places: &mut FxHashMap<String, u32>, word: String) -> u32 {
        if let Some(&place) = places.get(&word) {
            return place;
        }
        let place = self.measures.len() as u32;
        let ascii = word.is_ascii();
        self.measures.push(WordMeasures {
            chars: word.chars().count() as u32,
            ascii,
            char_set: if ascii {
                osa::CharSet::of_ascii(&word)
            } else {
                osa::CharSet::of(&word)
            },
        });
        self.text.push_str(&word);
        self.ends.push(self.text.len() as u32);
        places.insert(word, place);
        place
    }

    fn len(&self) -> usize {
        self.measures.len()
    }

    /// The word at `place`, measured.
    fn word(&self, place: u32) -> NameWord<'_> {
        let i = place as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let measures = self.measures[i];
        let text = &self.text[start..self.ends[i] as usize];
        NameWord {
            piece: NamePiece {
                text,
                chars: measures.chars as usize,
                ascii: measures.ascii,
            },
            char_set: measures.char_set,
            // Counted when met rather than kept: 64 bytes a word of the catalog.
            char_counts: if measures.ascii {
                osa::CharCounts::of_ascii(text)
            } else {
                osa::CharCounts::of(text)
            },
        }
    }
}

/// A word or whole name of an entry, measured for aligning.
#[derive(Clone, Copy)]
struct NamePiece<'a> {
    text: &'a str,
    /// Its length in characters.
    chars: usize,
    /// Whether it is ASCII, so it can be aligned byte by byte.
    ascii: bool,
}

/// A name word with the characters it holds, measured once for all the query's words.
struct NameWord<'a> {
    piece: NamePiece<'a>,
    char_set: osa::CharSet,
    char_counts: osa::CharCounts,
}

impl NameWord<'_> {
    /// Whether this is `query_word`, compared by length and characters first.
    fn is(&self, query_word: &QueryText) -> bool {
        self.piece.chars == query_word.chars
            && self.char_set == query_word.char_set
            && self.piece.text == query_word.text
    }
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct NameIndex {
    entries: Vec<NameEntry>,
    words: NameWords,
    trigrams: FxHashMap<[char; 3], Vec<u32>>,
}

impl NameIndex {
    /// Builds the index from (product id, brand, name, aliases).
    pub fn build<'a>(
        products: impl IntoIterator<Item = (i32, &'a str, &'a str, &'a [String])>,
    ) -> Self {
        let mut index = NameIndex::default();
        let mut places = FxHashMap::default();
        for (product_id, brand, name, aliases) in products {
            let slot = index.entries.len() as u32;
            // Korean shops often repeat the brand in the name: each word counts once.
            let mut words = search_words(brand);
            let name_words = search_words(name);
            let mut whole = vec![
                [words.as_slice(), name_words.as_slice()].concat().concat(),
                name_words.concat(),
            ];
            for word in name_words {
                if !words.contains(&word) {
                    words.push(word);
                }
            }
            let own_words = words.len();
            for alias in aliases {
                let alias_words = search_words(alias);
                whole.push(alias_words.concat());
                words.extend(alias_words);
            }
            let mut grams: Vec<[char; 3]> = whole.iter().flat_map(|w| trigrams(w)).collect();
            grams.sort_unstable();
            grams.dedup();
            for gram in grams {
                index.trigrams.entry(gram).or_default().push(slot);
            }
            let words = words
                .into_iter()
                .map(|word| index.words.place(&mut places, word))
                .collect();
            index
                .entries
                .push(NameEntry::new(product_id, words, own_words, whole));
        }
        // Grown by doubling, the postings would hold up to half again as much as they need.
        for postings in index.trigrams.values_mut() {
            postings.shrink_to_fit();
        }
        index
    }

    /// Products matching `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<NameMatch> {
        let query_words = search_words(query);
        let query_whole = query_words.concat();
        let candidates = self.candidates(&query_whole);
        self.ranked(candidates.into_iter(), &query_words, &query_whole, limit)
    }

    /// The entries `slots` scored against the query (its words, and them run together), best
    /// first, at most `limit`.
    fn ranked(
        &self,
        slots: impl Iterator<Item = u32>,
        query_words: &[String],
        query_whole: &str,
        limit: usize,
    ) -> Vec<NameMatch> {
        if query_words.is_empty() {
            return Vec::new();
        }
        let query = PreparedQuery::new(query_words, query_whole);
        let mut scores = NameWordScores::new(&self.words);
        let mut matches: Vec<NameMatch> = slots
            .map(|slot| {
                let entry = &self.entries[slot as usize];
                NameMatch {
                    product_id: entry.product_id,
                    score: match_score(&query, entry, &mut scores),
                }
            })
            .filter(|m| m.score >= MIN_SCORE)
            .collect();
        matches.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.product_id.cmp(&b.product_id))
        });
        matches.truncate(limit);
        matches
    }

    /// The entries worth scoring: those holding the most of the query's trigrams.
    ///
    /// Counted in a dense per-thread array, rarest trigram first; once the postings read pass
    /// `POSTINGS_BUDGET`, the most common trigrams left (`cre`, `ser`: a tenth of a big catalog
    /// each) are skipped. They tell few names apart, and a name that matches holds the rare
    /// ones too; `search_exhaustively` is the yardstick this is measured against
    /// (BENCHMARKS.md).
    fn candidates(&self, query_whole: &str) -> Vec<u32> {
        let mut grams: Vec<&Vec<u32>> = {
            let mut grams = trigrams(query_whole);
            grams.sort_unstable();
            grams.dedup();
            grams.iter().filter_map(|g| self.trigrams.get(g)).collect()
        };
        grams.sort_by_key(|postings| postings.len());
        // The postings read: rarest first, up to the budget, and at least half of them.
        let mut read = 0;
        let taken = grams
            .iter()
            .enumerate()
            .take_while(|(taken, postings)| {
                let within = read <= POSTINGS_BUDGET || taken * 2 < grams.len();
                read += postings.len();
                within
            })
            .count();
        let grams = &grams[..taken];
        let postings_read: usize = grams.iter().map(|postings| postings.len()).sum();
        COUNTS.with_borrow_mut(|(counts, touched)| {
            if counts.len() < self.entries.len() {
                counts.resize(self.entries.len(), 0);
            }
            // Each entry once, as first met: written for every posting and kept by moving on
            // only at a first meeting. Without a branch, it costs half of what pushing did, whose
            // branch the CPU could not predict. A write lands at most one past the entries met,
            // so the room kept is never more than the catalog's (a long query of common
            // trigrams reads many times that many postings).
            let room = postings_read.min(self.entries.len() + 1);
            if touched.len() < room {
                touched.resize(room, 0);
            }
            let mut met = 0;
            for postings in grams {
                for &slot in postings.iter() {
                    let count = &mut counts[slot as usize];
                    touched[met] = slot;
                    met += usize::from(*count == 0);
                    *count = count.saturating_add(1);
                }
            }
            let touched = &touched[..met];
            // The `CANDIDATES` with the most trigrams, ties by slot. A big catalog touches tens
            // of thousands of entries: rather than sort them, count them by trigrams held, find
            // the count the last one taken holds (`cut`), and sort only those at or above it.
            let mut by_count = vec![0usize; grams.len() + 1];
            for slot in touched {
                by_count[usize::from(counts[*slot as usize])] += 1;
            }
            let (mut above, mut cut) = (0, 1);
            for (count, entries) in by_count.iter().enumerate().skip(1).rev() {
                if above + entries >= CANDIDATES {
                    cut = count;
                    break;
                }
                above += entries;
            }
            let mut candidates: Vec<(u32, u16)> = Vec::with_capacity(CANDIDATES * 2);
            for &slot in touched {
                let count = std::mem::take(&mut counts[slot as usize]);
                if usize::from(count) >= cut {
                    candidates.push((slot, count));
                }
            }
            let by_count_then_slot =
                |a: &(u32, u16), b: &(u32, u16)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
            if candidates.len() > CANDIDATES {
                candidates.select_nth_unstable_by(CANDIDATES - 1, by_count_then_slot);
                candidates.truncate(CANDIDATES);
            }
            candidates.sort_unstable_by(by_count_then_slot);
            candidates.into_iter().map(|(slot, _)| slot).collect()
        })
    }

    /// Every product scored against `query`, best first: the slow, exact ranking the trigram
    /// step approximates. For measuring `search`, not for serving.
    pub fn search_exhaustively(&self, query: &str, limit: usize) -> Vec<NameMatch> {
        let slots = 0..self.entries.len() as u32;
        let query_words = search_words(query);
        self.ranked(slots, &query_words, &query_words.concat(), limit)
    }

    /// What a person searching `query` should see: one product, a short list, or nothing.
    pub fn find(&self, query: &str, limit: usize) -> SearchOutcome {
        let matches = self.search(query, limit);
        match matches.as_slice() {
            [] => SearchOutcome::Nothing,
            [best, rest @ ..]
                if best.score >= CLEAR_SCORE
                    && rest
                        .first()
                        .is_none_or(|next| best.score - next.score >= CLEAR_LEAD) =>
            {
                SearchOutcome::Clear(best.clone())
            }
            _ => SearchOutcome::Several(matches),
        }
    }
}

thread_local! {
    /// Per entry, how many of the query's trigrams it holds (zero between queries); and room
    /// for the entries a query's postings touch.
    static COUNTS: std::cell::RefCell<(Vec<u16>, Vec<u32>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

fn trigrams(word: &str) -> Vec<[char; 3]> {
    let chars: Vec<char> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .collect();
    chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

/// A word of the query ready to be compared with many name words: its length in characters,
/// the characters it holds and its bit-parallel alignment pattern.
struct QueryText<'a> {
    text: &'a str,
    chars: usize,
    char_set: osa::CharSet,
    char_counts: osa::CharCounts,
    pattern: Option<osa::OsaPattern>,
}

impl<'a> QueryText<'a> {
    fn new(text: &'a str) -> Self {
        QueryText {
            text,
            chars: text.chars().count(),
            char_set: osa::CharSet::of(text),
            char_counts: osa::CharCounts::of(text),
            pattern: osa::OsaPattern::new(text),
        }
    }

    /// strsim's optimal string alignment distance to `other`.
    fn distance(&self, other: NamePiece) -> usize {
        match &self.pattern {
            Some(pattern) if other.ascii => pattern.distance_ascii(other.text),
            Some(pattern) => pattern.distance(other.text),
            None => strsim::osa_distance(self.text, other.text),
        }
    }

    /// 1 − the edit distance (insertions, deletions, substitutions and swaps of neighbours,
    /// each once: optimal string alignment) over the longer length, `longest` characters. The
    /// unrestricted Damerau–Levenshtein differs only when a swapped pair is edited again, and
    /// its per-call alphabet map made it most of a search's time.
    fn edit_similarity(&self, other: NamePiece, longest: usize) -> f32 {
        if longest == 0 {
            return 1.0;
        }
        1.0 - self.distance(other) as f32 / longest as f32
    }
}

/// The query's words and whole, prepared once for all the candidates.
struct PreparedQuery<'a> {
    words: Vec<QueryText<'a>>,
    whole: WholeQuery<'a>,
}

impl<'a> PreparedQuery<'a> {
    fn new(words: &'a [String], whole: &'a str) -> Self {
        PreparedQuery {
            words: words.iter().map(|w| QueryText::new(w)).collect(),
            whole: WholeQuery::new(whole),
        }
    }
}

/// The query without spaces, ready to be compared with many whole names.
struct WholeQuery<'a> {
    text: &'a str,
    chars: usize,
    /// Measures a name read from its end, and a suffix of it in the same pass.
    pattern: Option<osa::BackwardPattern>,
    /// Finds the whole in a name: built once, where `str::contains` set up its searcher for
    /// every name.
    finder: memchr::memmem::Finder<'a>,
}

impl<'a> WholeQuery<'a> {
    fn new(text: &'a str) -> Self {
        WholeQuery {
            text,
            chars: text.chars().count(),
            pattern: osa::BackwardPattern::new(text),
            finder: memchr::memmem::Finder::new(text),
        }
    }

    /// strsim's optimal string alignment distance to `name`, and to `suffix`, a suffix of it.
    fn distances(&self, name: NamePiece, suffix: NamePiece) -> (usize, usize) {
        match &self.pattern {
            Some(pattern) => pattern.distances(name.text, name.ascii, suffix.chars),
            None => {
                let to_name = strsim::osa_distance(self.text, name.text);
                let to_suffix = if suffix.text.len() == name.text.len() {
                    to_name
                } else {
                    strsim::osa_distance(self.text, suffix.text)
                };
                (to_name, to_suffix)
            }
        }
    }

    /// The similarity to `name` the query's containment alone gives: a query of four or more
    /// characters found whole inside it scores by how much of it the query covers.
    fn contained_in(&self, name: NamePiece) -> f32 {
        let (q, n) = (self.chars, name.chars);
        if q >= 4 && n >= q && self.finder.find(name.text.as_bytes()).is_some() {
            0.7 + 0.25 * (q as f32 / n as f32)
        } else {
            0.0
        }
    }

    /// The most an edit-distance similarity to `name` can be, by length alone.
    fn at_most(&self, name: NamePiece) -> f32 {
        let (q, n) = (self.chars, name.chars);
        let longest = q.max(n);
        if longest == 0 {
            1.0
        } else {
            1.0 - q.abs_diff(n) as f32 / longest as f32
        }
    }

    /// 1 − `distance` over the longer of the query and `name`.
    fn similarity(&self, name: NamePiece, distance: usize) -> f32 {
        let longest = self.chars.max(name.chars);
        if longest == 0 {
            1.0
        } else {
            1.0 - distance as f32 / longest as f32
        }
    }
}

/// How alike a query word and a name word are: exact 1, a prefix of it (a partial word) a
/// little less, otherwise edit-distance similarity; near-misses below 0.5 count as nothing.
/// An edit distance is at least the difference in length, the count of characters only one
/// word holds and the count one holds beyond the other, so a pair that cannot reach 0.5 by
/// those (most pairs) is never aligned. Inlined into its one caller, which calls it for every
/// query word against each name word met: 1.8 % fewer instructions a search than a call each.
#[inline(always)]
fn word_similarity(query_word: &QueryText, name_word: &NameWord) -> f32 {
    if name_word.is(query_word) {
        return 1.0;
    }
    let (q, n) = (query_word.chars, name_word.piece.chars);
    if q >= 2
        && n > q
        && query_word.char_set.within(name_word.char_set)
        && name_word.piece.text.starts_with(query_word.text)
    {
        return 0.8 + 0.15 * q as f32 / n as f32;
    }
    let longest = q.max(n);
    // 1 - distance / longest < 0.5, in integers (the float test gives the same answer: the
    // two sides differ by at least 1 / (2 longest)).
    let below_half = |distance: usize| 2 * distance > longest;
    if below_half(q.abs_diff(n))
        || below_half(query_word.char_set.distance_at_least(name_word.char_set))
        || query_word
            .char_counts
            .distance_at_least(q, &name_word.char_counts, n)
            .is_some_and(below_half)
    {
        return 0.0;
    }
    let similarity = query_word.edit_similarity(name_word.piece, longest);
    if similarity >= 0.5 {
        similarity
    } else {
        0.0
    }
}

/// Each distinct name word among a search's candidates, scored once against every query word:
/// 64 candidates hold about 500 words, 210 of them distinct (brands, `cream`, `mini`), so most
/// pairs would otherwise be measured again and again.
struct NameWordScores<'w> {
    words: &'w NameWords,
    /// Per word of the catalog, 1 + where its scores are here, or 0 for a word not met yet:
    /// taken from this thread's `WORD_SLOTS`, and given back cleared.
    slots: Vec<u32>,
    /// The catalog's words met, in the order met.
    met: Vec<u32>,
    /// Per word met, its length in characters.
    chars: Vec<u32>,
    /// Per word met, its similarity to each query word in turn (`word_similarity`).
    similarities: Vec<f32>,
    /// The words of the entry being scored, as where their scores are.
    entry_words: Vec<u32>,
}

thread_local! {
    /// `NameWordScores::slots` between searches: all zero, as long as the catalog's words.
    static WORD_SLOTS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl<'w> NameWordScores<'w> {
    fn new(words: &'w NameWords) -> Self {
        // Room for a search's usual 64 candidates' words, so that the table rarely grows.
        const WORDS: usize = 256;
        let mut slots = WORD_SLOTS.take();
        if slots.len() < words.len() {
            slots.resize(words.len(), 0);
        }
        NameWordScores {
            words,
            slots,
            met: Vec::with_capacity(WORDS),
            chars: Vec::with_capacity(WORDS),
            similarities: Vec::new(),
            entry_words: Vec::with_capacity(32),
        }
    }

    /// Sets `entry_words` to `entry`'s words, scoring the ones not met before.
    fn read(&mut self, query: &PreparedQuery, entry: &NameEntry) {
        self.entry_words.clear();
        for &place in entry.words() {
            let slot = &mut self.slots[place as usize];
            let id = match slot.checked_sub(1) {
                Some(id) => id,
                None => {
                    let id = self.met.len() as u32;
                    *slot = id + 1;
                    let word = self.words.word(place);
                    self.met.push(place);
                    self.chars.push(word.piece.chars as u32);
                    self.similarities
                        .extend(query.words.iter().map(|q| word_similarity(q, &word)));
                    id
                }
            };
            self.entry_words.push(id);
        }
    }
}

impl Drop for NameWordScores<'_> {
    /// Clears the words met and gives the slots back for the thread's next search (also when
    /// unwinding, so that no search meets another's words).
    fn drop(&mut self) {
        for &place in &self.met {
            self.slots[place as usize] = 0;
        }
        WORD_SLOTS.set(std::mem::take(&mut self.slots));
    }
}

/// How well `entry` matches the query (0..=1). `scores` holds the name words met so far in
/// this search, scored against the query's words.
fn match_score(query: &PreparedQuery, entry: &NameEntry, scores: &mut NameWordScores) -> f32 {
    scores.read(query, entry);
    let query_words = query.words.len();
    let similarity = |word: u32, query_word: usize| {
        scores.similarities[word as usize * query_words + query_word]
    };
    let weight = |word: u32| scores.chars[word as usize].max(2) as f32;
    let mut matched_weight = 0.0;
    let mut total_weight = 0.0;
    // Which name words a query word matched (a bit a word; a list only past 128 words).
    let mut hits = WordHits::new(scores.entry_words.len());
    for (q, query_word) in query.words.iter().enumerate() {
        // The first name word with the highest similarity (ties keep the earlier one).
        let mut best_slot = None;
        let mut best = 0.0f32;
        for (i, &word) in scores.entry_words.iter().enumerate() {
            let similarity = similarity(word, q);
            if similarity > best {
                (best_slot, best) = (Some(i), similarity);
                if best >= 1.0 {
                    break;
                }
            }
        }
        if let Some(slot) = best_slot.filter(|_| best >= 0.75) {
            hits.set(slot);
        }
        let query_weight = query_word.chars.max(2) as f32;
        matched_weight += query_weight * best;
        total_weight += query_weight;
    }
    let query_part = matched_weight / total_weight;
    // Prefer the product whose own words the query covers (`The Concentrate` over
    // `The Concentrate Mini` for "the concentrate"); aliases are not counted against it.
    let own_words = entry.own_words as usize;
    let (mut covered, mut own_total) = (0.0f32, 0.0f32);
    for (i, &word) in scores.entry_words.iter().take(own_words).enumerate() {
        let w = weight(word);
        if hits.get(i) {
            covered += w;
        }
        own_total += w;
    }
    let by_words = 0.85 * query_part + 0.15 * covered / own_total.max(1.0);
    let by_whole = whole_similarity(&query.whole, entry);
    // Word-for-word agreement breaks ties between names that differ only in spacing, and the
    // whole string between names that hold the same words in another order.
    0.94 * by_words.max(by_whole) + 0.03 * by_words + 0.03 * by_whole
}

/// A set of word positions: bits for the first 128, a list for the rest (names that long are
/// kits' aliases, rare enough to allocate for).
struct WordHits {
    bits: u128,
    rest: Vec<bool>,
}

impl WordHits {
    fn new(words: usize) -> Self {
        WordHits {
            bits: 0,
            rest: vec![false; words.saturating_sub(128)],
        }
    }

    fn set(&mut self, i: usize) {
        match i.checked_sub(128) {
            None => self.bits |= 1 << i,
            Some(past) => self.rest[past] = true,
        }
    }

    fn get(&self, i: usize) -> bool {
        match i.checked_sub(128) {
            None => self.bits & (1 << i) != 0,
            Some(past) => self.rest[past],
        }
    }
}

/// How well the query without spaces matches `entry`'s names without spaces: the best of
/// edit similarity and containment over its whole names. Catches `피캄베리어사이클토너` and
/// `디오디 너리`, where word boundaries differ. A name whose similarity cannot beat the best
/// so far (by length alone) is not aligned; brand + name and the name alone (a suffix of it)
/// are aligned in one pass.
fn whole_similarity(query: &WholeQuery, entry: &NameEntry) -> f32 {
    let mut wholes = entry.wholes();
    let mut best = 0.0f32;
    if let Some(full) = wholes.next() {
        let contained = query.contained_in(full);
        let name = wholes.next();
        match name.filter(|name| full.text.ends_with(name.text)) {
            Some(name) if query.at_most(full) > contained => {
                let (to_full, to_name) = query.distances(full, name);
                best = query.similarity(full, to_full).max(contained);
                best = best.max(
                    query
                        .similarity(name, to_name)
                        .max(query.contained_in(name)),
                );
            }
            _ => {
                best = whole_similarity_above(query, full, best);
                if let Some(name) = name {
                    best = best.max(whole_similarity_above(query, name, best));
                }
            }
        }
    }
    for whole in wholes {
        best = best.max(whole_similarity_above(query, whole, best));
    }
    best
}

/// The query without spaces against one name without spaces. A value that cannot exceed
/// `floor` (by length alone) may come back uncomputed, as at most `floor`.
fn whole_similarity_above(query: &WholeQuery, name: NamePiece, floor: f32) -> f32 {
    let contained = query.contained_in(name);
    if query.at_most(name) <= floor.max(contained) {
        return contained;
    }
    let (distance, _) = query.distances(name, name);
    query.similarity(name, distance).max(contained)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `match_score` as it was before the length bounds and the bit-parallel alignment: every
    /// pair aligned by strsim. Neither may ever change a score.
    fn match_score_aligning_every_pair(
        query_words: &[String],
        query_whole: &str,
        catalog_words: &NameWords,
        entry: &NameEntry,
    ) -> f32 {
        let edit = |a: &str, b: &str| {
            let longest = a.chars().count().max(b.chars().count());
            if longest == 0 {
                return 1.0;
            }
            1.0 - strsim::osa_distance(a, b) as f32 / longest as f32
        };
        let word_similarity = |query_word: &str, name_word: &str| {
            if query_word == name_word {
                return 1.0;
            }
            let (q, n) = (query_word.chars().count(), name_word.chars().count());
            if q >= 2 && name_word.starts_with(query_word) {
                return 0.8 + 0.15 * q as f32 / n as f32;
            }
            let similarity = edit(query_word, name_word);
            if similarity >= 0.5 {
                similarity
            } else {
                0.0
            }
        };
        let weight = |w: &str| w.chars().count().max(2) as f32;
        let (mut matched_weight, mut total_weight) = (0.0, 0.0);
        let words: Vec<&str> = entry
            .words()
            .iter()
            .map(|&place| catalog_words.word(place).piece.text)
            .collect();
        let mut name_word_hit = vec![false; words.len()];
        for query_word in query_words {
            let (best_slot, best) = words
                .iter()
                .enumerate()
                .map(|(i, name_word)| (i, word_similarity(query_word, name_word)))
                .fold(
                    (None, 0.0f32),
                    |acc, (i, s)| {
                        if s > acc.1 {
                            (Some(i), s)
                        } else {
                            acc
                        }
                    },
                );
            if let Some(slot) = best_slot.filter(|_| best >= 0.75) {
                name_word_hit[slot] = true;
            }
            matched_weight += weight(query_word) * best;
            total_weight += weight(query_word);
        }
        let own = &words[..entry.own_words as usize];
        let covered: f32 = own
            .iter()
            .zip(&name_word_hit)
            .map(|(w, hit)| if *hit { weight(w) } else { 0.0 })
            .sum();
        let own_total: f32 = own.iter().map(|w| weight(w)).sum();
        let by_words = 0.85 * (matched_weight / total_weight) + 0.15 * covered / own_total.max(1.0);
        let by_whole = entry
            .wholes()
            .map(|whole| whole.text)
            .map(|whole| {
                let similarity = edit(query_whole, whole);
                if query_whole.chars().count() >= 4 && whole.contains(query_whole) {
                    let ratio = query_whole.chars().count() as f32 / whole.chars().count() as f32;
                    return similarity.max(0.7 + 0.25 * ratio);
                }
                similarity
            })
            .fold(0.0f32, f32::max);
        0.94 * by_words.max(by_whole) + 0.03 * by_words + 0.03 * by_whole
    }

    /// Names from a small alphabet, so words repeat, prefix each other and differ by a letter.
    /// Some ASCII only, whose lengths are counted in bytes.
    fn name_text() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::collection::vec("[abc가나]{0,7}", 1..6),
            proptest::collection::vec("[abc]{0,7}", 1..6),
        ]
        .prop_map(|words| words.join(" "))
    }

    proptest! {
        #[test]
        /// Neither the bounds nor the scores kept between candidates change a score: several
        /// products scored in turn, sharing their words, each equal to the reference.
        fn shortcuts_never_change_a_score(
            products in proptest::collection::vec(
                (name_text(), name_text(), proptest::option::of(name_text())),
                1..6,
            ),
            query in name_text(),
        ) {
            let aliases: Vec<Vec<String>> = products
                .iter()
                .map(|(_, _, alias)| alias.iter().cloned().collect())
                .collect();
            let index = NameIndex::build(products.iter().zip(&aliases).enumerate().map(
                |(i, ((brand, name, _), aliases))| {
                    (i as i32, brand.as_str(), name.as_str(), aliases.as_slice())
                },
            ));
            let query_words = search_words(&query);
            prop_assume!(!query_words.is_empty());
            let query_whole = query_words.concat();
            let prepared = PreparedQuery::new(&query_words, &query_whole);
            let mut scores = NameWordScores::new(&index.words);
            for entry in &index.entries {
                prop_assert_eq!(
                    match_score(&prepared, entry, &mut scores).to_bits(),
                    match_score_aligning_every_pair(&query_words, &query_whole, &index.words, entry).to_bits()
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The candidates are the entries holding the most of the query's trigrams, ties by
        /// slot: as sorting every entry touched would give them.
        #[test]
        fn candidates_hold_the_most_trigrams(
            names in proptest::collection::vec("[abcd]{2,6} [abcd]{2,6}", 70..300),
            query in "[abcd]{3,12}",
        ) {
            let index = NameIndex::build(
                names.iter().enumerate().map(|(i, n)| (i as i32, "", n.as_str(), &[][..])),
            );
            let mut wanted: Vec<[char; 3]> = trigrams(&query);
            wanted.sort_unstable();
            wanted.dedup();
            let mut every: Vec<(u32, usize)> = index
                .entries
                .iter()
                .enumerate()
                .map(|(slot, entry)| {
                    let held: Vec<[char; 3]> = entry.wholes().flat_map(|whole| trigrams(whole.text)).collect();
                    (slot as u32, wanted.iter().filter(|g| held.contains(g)).count())
                })
                .filter(|(_, count)| *count > 0)
                .collect();
            every.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            every.truncate(CANDIDATES);
            let expected: Vec<u32> = every.into_iter().map(|(slot, _)| slot).collect();
            prop_assert_eq!(index.candidates(&query), expected);
        }
    }

    #[test]
    fn the_room_kept_for_touched_entries_is_never_more_than_the_catalog() {
        let names: Vec<String> = (0..300).map(|i| format!("cream serum toner {i}")).collect();
        let index = NameIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as i32, "", n.as_str(), &[][..])),
        );
        // Every one of the query's trigrams is held by all 300 names: 5,000 postings read.
        let query = "cream serum toner ".repeat(10);
        assert_eq!(index.search(&query, 10).len(), 10);
        let room = COUNTS.with_borrow(|(_, touched)| touched.len());
        assert!(room <= 301, "{room} slots kept for 300 entries");
    }

    fn index(products: &[(i32, &str, &str, &[&str])]) -> NameIndex {
        let owned: Vec<(i32, String, String, Vec<String>)> = products
            .iter()
            .map(|(id, b, n, a)| {
                (
                    *id,
                    b.to_string(),
                    n.to_string(),
                    a.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect();
        NameIndex::build(
            owned
                .iter()
                .map(|(id, b, n, a)| (*id, b.as_str(), n.as_str(), a.as_slice())),
        )
    }

    fn first(idx: &NameIndex, query: &str) -> Option<i32> {
        idx.search(query, 5).first().map(|m| m.product_id)
    }

    fn sample() -> NameIndex {
        index(&[
            (1, "ERBORIAN", "Bamboo Waterlock Mask", &[]),
            (2, "LA MER", "The Concentrate", &[]),
            (3, "LA MER", "The Concentrate Mini", &[]),
            (4, "피캄", "베리어 사이클 토너", &[]),
            (
                5,
                "DRUNK ELEPHANT",
                "D-Bronzi™ Anti-Pollution Sunshine Drops",
                &[],
            ),
            (
                6,
                "Haneul Lab",
                "Ceramide Barrier Cream",
                &["하늘랩 세라마이드 베리어 크림"],
            ),
            (
                7,
                "ERBORIAN",
                "CC Crème High Definition Radiance Face Cream",
                &[],
            ),
        ])
    }

    #[test]
    fn typos_in_brand_and_name_are_tolerated() {
        assert_eq!(first(&sample(), "Erborian Bamboo Waterloik Mask"), Some(1));
        assert_eq!(first(&sample(), "erborain bambo mask"), Some(1));
    }

    #[test]
    fn words_in_any_order_without_marks_or_accents() {
        assert_eq!(
            first(&sample(), "sunshine drops d-bronzi anti-pollution"),
            Some(5)
        );
        assert_eq!(first(&sample(), "cc creme high definition"), Some(7));
    }

    #[test]
    fn the_fuller_match_wins_between_a_product_and_its_mini() {
        assert_eq!(first(&sample(), "concentrate mini the"), Some(3));
        assert_eq!(first(&sample(), "la mer the concentrate"), Some(2));
    }

    #[test]
    fn korean_names_without_spaces_and_aliases_are_found() {
        assert_eq!(first(&sample(), "피캄베리어사이클토너"), Some(4));
        assert_eq!(first(&sample(), "세라마이드 베리어 크림"), Some(6));
    }

    #[test]
    fn spacing_and_a_repeated_brand_do_not_hide_the_exact_name() {
        let idx = index(&[
            (1, "비레디", "비레디 시카페인 트러블 리셋 세럼", &[]),
            (2, "비레디", "비레디 시카페인 트러블리셋 세럼", &[]),
            (3, "제로이드", "인텐시브 크림 토너", &[]),
            (4, "제로이드", "제로이드 인텐시브 크림", &[]),
        ]);
        assert_eq!(
            first(&idx, "비레디 비레디 시카페인 트러블리셋 세럼"),
            Some(2)
        );
        assert_eq!(first(&idx, "비레디 시카페인 트러블 리셋 세럼"), Some(1));
        assert_eq!(first(&idx, "제로이드 인텐시브 크림"), Some(4));
        let reordered = index(&[
            (1, "아벤느", "아벤느 탄력 액티브 HAB3 안티에이징 크림", &[]),
            (2, "아벤느", "아벤느 HAB3 탄력 액티브 안티에이징 크림", &[]),
        ]);
        assert_eq!(
            first(&reordered, "아벤느 HAB3 탄력 액티브 안에티이징 크림"),
            Some(2)
        );
        assert_eq!(
            first(&reordered, "아벤느 탄력 액티브 HAB3 안에티이징 크림"),
            Some(1)
        );
    }

    #[test]
    fn a_clear_match_is_clear_and_nonsense_finds_nothing() {
        assert!(
            matches!(sample().find("Erborian Bamboo Waterlock Mask", 10), SearchOutcome::Clear(m) if m.product_id == 1)
        );
        assert_eq!(sample().find("zzzz qqqq", 10), SearchOutcome::Nothing);
        assert!(matches!(sample().find("la mer", 10), SearchOutcome::Several(m) if m.len() >= 2));
    }
}
