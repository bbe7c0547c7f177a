//! Which of a photo's nearly equal answers the label shows. Sister products (a cream and its
//! lotion, the 100 and the 300 of one essence) differ in a name or two of their lists, or only
//! in their order, and a read that OCR bent scores them alike; the brand and name printed above
//! the list tell them apart, and else the order the label lists its names in.

/// Answers scoring within this share of the best are near enough to be told apart by name.
const NEAR_THE_BEST: f32 = 0.03;

/// A word of a product's name counts as printed when a printed word is this near it
/// (normalized Levenshtein: OCR bends a letter or a syllable).
const NEAR_WORD: f64 = 0.75;

/// Moves to the front, among the answers scoring near the best (best first), the one whose
/// name the text printed above the list holds most of, or with names held alike, whose list
/// keeps most of the read's names in the read's order, when it does better than the first
/// answer; the rest keep their order. `name_of` gives an answer's brand and name, `list_of`
/// its list (ingredient ids in label order); `read` is the ids read, in the label's order.
pub fn named_first<T>(
    answers: &mut [T],
    above: &str,
    read: &[i32],
    score_of: impl Fn(&T) -> f32,
    name_of: impl Fn(&T) -> String,
    list_of: impl Fn(&T) -> Vec<i32>,
) {
    let printed = words(above);
    let Some(best) = answers.first().map(&score_of) else {
        return;
    };
    let near = answers
        .iter()
        .take_while(|a| score_of(a) >= best * (1.0 - NEAR_THE_BEST))
        .count();
    if near < 2 {
        return;
    }
    let told = |a: &T| {
        let named = if printed.is_empty() {
            0.0
        } else {
            printed_share(&words(&name_of(a)), &printed)
        };
        (named, in_order(read, &list_of(a)))
    };
    let mut most = (0, told(&answers[0]));
    for (at, answer) in answers.iter().enumerate().take(near).skip(1) {
        let this = told(answer);
        if this.0 > most.1 .0 || (this.0 == most.1 .0 && this.1 > most.1 .1) {
            most = (at, this);
        }
    }
    answers[..=most.0].rotate_right(1);
}

/// How many of `read`'s names `list` holds in the same order: the longest common
/// subsequence (lists are tens of names long).
fn in_order(read: &[i32], list: &[i32]) -> usize {
    let mut row = vec![0usize; list.len() + 1];
    for id in read {
        let mut diagonal = 0;
        for (at, listed) in list.iter().enumerate() {
            let above = row[at + 1];
            row[at + 1] = if id == listed {
                diagonal + 1
            } else {
                row[at + 1].max(row[at])
            };
            diagonal = above;
        }
    }
    row[list.len()]
}

/// The words of `text`, lower case, each once.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The share of a name's words that are printed (or nearly).
fn printed_share(name: &[String], printed: &[String]) -> f64 {
    if name.is_empty() {
        return 0.0;
    }
    let found = name
        .iter()
        .filter(|word| {
            printed
                .iter()
                .any(|p| strsim::normalized_levenshtein(word, p) >= NEAR_WORD)
        })
        .count();
    found as f64 / name.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers() -> Vec<(&'static str, f32)> {
        vec![
            ("제로이드 제로이드 수딩 로션", 0.1542),
            ("제로이드 제로이드 수딩 크림", 0.1540),
            ("리얼베리어 익스트림 로션", 0.114),
        ]
    }

    fn ranked(above: &str) -> Vec<&'static str> {
        let mut answers = answers();
        named_first(
            &mut answers,
            above,
            &[],
            |a| a.1,
            |a| a.0.to_string(),
            |_| vec![],
        );
        answers.into_iter().map(|a| a.0).collect()
    }

    #[test]
    fn with_no_name_read_the_sister_listing_the_read_order_comes_first() {
        // The 300 and the 100 of one essence: the same names, two of them swapped.
        let lists = |name: &str| match name {
            "300" => vec![1, 2, 3, 4, 5, 6],
            "100" => vec![1, 2, 3, 5, 4, 6],
            _ => vec![9],
        };
        let mut answers = vec![("300", 0.302), ("100", 0.301), ("other", 0.2)];
        let read = [1, 2, 5, 4, 6];
        named_first(
            &mut answers,
            "",
            &read,
            |a| a.1,
            |a| a.0.into(),
            |a| lists(a.0),
        );
        assert_eq!(answers[0].0, "100");
        // A read in neither's order, or a name printed, leaves the scores' order.
        let mut answers = vec![("300", 0.302), ("100", 0.301)];
        named_first(
            &mut answers,
            "",
            &[1, 2, 6],
            |a| a.1,
            |a| a.0.into(),
            |a| lists(a.0),
        );
        assert_eq!(answers[0].0, "300");
        assert_eq!(in_order(&[1, 2, 5, 4, 6], &[1, 2, 3, 4, 5, 6]), 4);
        assert_eq!(in_order(&[], &[1]), 0);
    }

    #[test]
    fn the_sister_the_label_names_comes_first() {
        // OCR bent the brand; the product's name is read.
        assert_eq!(
            ranked("제로이드\n제루이드 수딩 크림\n150 mL"),
            [
                "제로이드 제로이드 수딩 크림",
                "제로이드 제로이드 수딩 로션",
                "리얼베리어 익스트림 로션"
            ]
        );
    }

    #[test]
    fn no_name_read_or_one_naming_neither_leaves_the_order() {
        assert_eq!(
            ranked(""),
            answers().iter().map(|a| a.0).collect::<Vec<_>>()
        );
        assert_eq!(
            ranked("제로이드 수딩"),
            answers().iter().map(|a| a.0).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_name_never_lifts_an_answer_scoring_clearly_lower() {
        // The third scores 26 % below the best: its list, not its name, decides.
        assert_eq!(
            ranked("리얼베리어 익스트림 로션")[0],
            "제로이드 제로이드 수딩 로션"
        );
    }
}
