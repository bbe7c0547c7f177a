//! An ingredient list a person pasted, checked once at the edge.

use super::LabelText;
use crate::i18n::Message;

/// Longest pasted text accepted, in characters (the longest real kit lists are ~8,000).
pub const MAX_PASTED_CHARS: usize = 20_000;
/// Most names a pasted list may hold (the longest real list, a kit's, has about 720).
pub const MAX_PASTED_NAMES: usize = 1_000;

/// A pasted list, already read: holding one means it has ingredient names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastedText(LabelText);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PastedError {
    #[error("nothing pasted")]
    Empty,
    #[error("a pasted text of {0} characters")]
    TooLong(usize),
    #[error("no ingredient in the pasted text")]
    NoIngredients,
    #[error("a pasted list of {0} names")]
    TooManyNames(usize),
}

impl PastedError {
    /// What the person is told.
    pub fn message(&self) -> Message {
        match self {
            PastedError::Empty => Message::new(
                "성분 목록을 붙여 넣어 주세요.",
                "Please paste an ingredient list.",
            ),
            PastedError::TooLong(length) => Message::new(
                format!("성분 목록이 너무 깁니다 ({length}자). {MAX_PASTED_CHARS}자 이하로 줄여 주세요."),
                format!("The list is too long ({length} characters); please keep it under {MAX_PASTED_CHARS}."),
            ),
            PastedError::TooManyNames(count) => Message::new(
                format!("성분이 너무 많습니다 ({count}개). 한 제품의 목록은 {MAX_PASTED_NAMES}개를 넘지 않습니다."),
                format!("The list has too many names ({count}); one product's list has at most {MAX_PASTED_NAMES}."),
            ),
            PastedError::NoIngredients => Message::new(
                "붙여 넣은 글에서 성분을 찾지 못했습니다. 쉼표나 줄바꿈으로 구분된 전성분을 넣어 주세요.",
                "No ingredients were found; paste a list separated by commas or line breaks.",
            ),
        }
    }
}

impl PastedText {
    pub fn parse(raw: &str) -> Result<PastedText, PastedError> {
        let length = raw.chars().count();
        if raw.trim().is_empty() {
            return Err(PastedError::Empty);
        }
        if length > MAX_PASTED_CHARS {
            return Err(PastedError::TooLong(length));
        }
        match super::parse_label(raw) {
            LabelText::NoInformation(_) => Err(PastedError::NoIngredients),
            label if label.names().len() > MAX_PASTED_NAMES => {
                Err(PastedError::TooManyNames(label.names().len()))
            }
            label => Ok(PastedText(label)),
        }
    }

    pub fn label(&self) -> &LabelText {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_too_long_and_listless_texts_are_refused() {
        assert_eq!(PastedText::parse(" \n "), Err(PastedError::Empty));
        assert_eq!(
            PastedText::parse(&"a, ".repeat(10_000)),
            Err(PastedError::TooLong(30_000))
        );
        assert_eq!(
            PastedText::parse("No Info"),
            Err(PastedError::NoIngredients)
        );
        assert!(PastedText::parse("Water, Glycerin").is_ok());
        let letters = |n: usize| -> String {
            [n / 676, n / 26 % 26, n % 26]
                .iter()
                .map(|d| char::from(b'a' + *d as u8))
                .collect()
        };
        let many: Vec<String> = (0..1_001)
            .map(|n| format!("Plant{} Extract", letters(n)))
            .collect();
        assert_eq!(
            PastedText::parse(&many.join(", ")),
            Err(PastedError::TooManyNames(1_001))
        );
    }
}
