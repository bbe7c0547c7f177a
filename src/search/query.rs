//! A name query as people type it, checked once at the edge.

use crate::i18n::Message;

/// Longest query accepted, in characters: longer is not a product name.
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("an empty query")]
    Empty,
    #[error("a query of {0} characters")]
    TooLong(usize),
    #[error("a query without letters or digits")]
    NoWords,
}

impl QueryError {
    /// What the person is told.
    pub fn message(&self) -> Message {
        match self {
            QueryError::Empty => Message::new(
                "검색어를 입력해 주세요.",
                "Please type a product or brand name.",
            ),
            QueryError::TooLong(length) => Message::new(
                format!("검색어가 너무 깁니다 ({length}자). {MAX_QUERY_CHARS}자 이하로 입력해 주세요."),
                format!("The query is too long ({length} characters); please use at most {MAX_QUERY_CHARS}."),
            ),
            QueryError::NoWords => Message::new(
                "검색어에 글자나 숫자가 없습니다.",
                "The query holds no letters or digits.",
            ),
        }
    }
}

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<SearchQuery, QueryError> {
        let trimmed: String = raw.trim().chars().filter(|c| !c.is_control()).collect();
        let length = trimmed.chars().count();
        if length == 0 {
            return Err(QueryError::Empty);
        }
        if length > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong(length));
        }
        if super::search_words(&trimmed).is_empty() {
            return Err(QueryError::NoWords);
        }
        Ok(SearchQuery(trimmed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_queries_are_refused() {
        assert_eq!(SearchQuery::parse(""), Err(QueryError::Empty));
        assert_eq!(SearchQuery::parse("  \t "), Err(QueryError::Empty));
    }

    #[test]
    fn a_five_thousand_character_query_is_too_long() {
        assert_eq!(
            SearchQuery::parse(&"a".repeat(5000)),
            Err(QueryError::TooLong(5000))
        );
    }

    #[test]
    fn punctuation_only_is_refused_and_control_characters_dropped() {
        assert_eq!(SearchQuery::parse("?!*"), Err(QueryError::NoWords));
        assert_eq!(SearchQuery::parse("la\u{0}mer").unwrap().as_str(), "lamer");
    }
}
