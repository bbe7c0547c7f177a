//! Which of a photo's nearly equal answers the label names. Sister products (a cream and its
//! lotion, the 100 and the 300 of one essence) differ in a name or two of their lists, and a
//! read that OCR bent scores them alike; the brand and name printed above the list tell them
//! apart.

/// Answers scoring within this share of the best are near enough to be told apart by name.
const NEAR_THE_BEST: f32 = 0.03;

/// A word of a product's name counts as printed when a printed word is this near it
/// (normalized Levenshtein: OCR bends a letter or a syllable).
const NEAR_WORD: f64 = 0.75;

/// Moves to the front, among the answers scoring near the best (best first), the one whose
/// name the text printed above the list holds most of, when it holds more of it than the
/// first answer's; the rest keep their order. `name_of` gives an answer's brand and name.
pub fn named_first<T>(
    answers: &mut [T],
    above: &str,
    score_of: impl Fn(&T) -> f32,
    name_of: impl Fn(&T) -> String,
) {
    let printed = words(above);
    let Some(best) = answers.first().map(&score_of) else {
        return;
    };
    if printed.is_empty() {
        return;
    }
    let near = answers
        .iter()
        .take_while(|a| score_of(a) >= best * (1.0 - NEAR_THE_BEST))
        .count();
    let named = |a: &T| printed_share(&words(&name_of(a)), &printed);
    let mut most = (0, named(&answers[0]));
    for (at, answer) in answers.iter().enumerate().take(near).skip(1) {
        let share = named(answer);
        if share > most.1 {
            most = (at, share);
        }
    }
    answers[..=most.0].rotate_right(1);
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
        named_first(&mut answers, above, |a| a.1, |a| a.0.to_string());
        answers.into_iter().map(|a| a.0).collect()
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
