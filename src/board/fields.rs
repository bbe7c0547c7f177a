//! A post's fields, parsed once at the edge: the rest of the code cannot hold an invalid one.
//! Every rule has a message in Korean and English, shown beside the field it is about.

use std::fmt;

use crate::form::{multi_line, one_line};
use crate::i18n::Message;

macro_rules! text_field {
    ($(#[$doc:meta])* $name:ident, $kind:ident, ($ko:literal, $en:literal), $min:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, Message> {
                $kind(raw, ($ko, $en), $min, $max).map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }
    };
}

text_field!(
    /// A post's title: one line, 1–200 characters.
    PostTitle, one_line, ("제목", "title"), 1, 200
);
text_field!(
    /// A post's body: plain text, 1–20,000 characters.
    PostBody, multi_line, ("본문", "text"), 1, 20000
);
text_field!(
    /// The name an author signs with: one line, 1–50 characters.
    AuthorName, one_line, ("이름", "name"), 1, 50
);
text_field!(
    /// The admin's answer under a post: empty (no answer) to 20,000 characters.
    Answer, multi_line, ("답변", "answer"), 0, 20000
);

/// The password protecting a post: 4–100 characters, taken exactly as typed (spaces count).
#[derive(Clone, PartialEq, Eq)]
pub struct PostPassword(String);

impl PostPassword {
    pub fn parse(raw: &str) -> Result<Self, Message> {
        let count = raw.chars().count();
        if count == 0 {
            return Err(Message::new(
                "비밀번호를 입력해 주세요.",
                "Please enter a password.",
            ));
        }
        if count < 4 {
            return Err(Message::new(
                "비밀번호는 4자 이상이어야 합니다.",
                "The password needs at least 4 characters.",
            ));
        }
        if count > 100 {
            return Err(Message::new(
                "비밀번호는 100자까지 쓸 수 있습니다.",
                "The password can have at most 100 characters.",
            ));
        }
        Ok(PostPassword(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never shows the password, even in a debug print.
impl fmt::Debug for PostPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PostPassword(…)")
    }
}

/// What a post is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostCategory {
    /// Please add this product to the catalog.
    ProductRequest,
    /// This product's ingredient list is wrong.
    Correction,
    Question,
    /// Only the admin writes notices.
    Notice,
}

impl PostCategory {
    pub const ALL: [PostCategory; 4] = [
        PostCategory::ProductRequest,
        PostCategory::Correction,
        PostCategory::Question,
        PostCategory::Notice,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            PostCategory::ProductRequest => "request",
            PostCategory::Correction => "correction",
            PostCategory::Question => "question",
            PostCategory::Notice => "notice",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.slug() == slug)
    }

    /// Korean, English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            PostCategory::ProductRequest => ("제품 추가 요청", "Product request"),
            PostCategory::Correction => ("성분 정정", "Correction"),
            PostCategory::Question => ("질문", "Question"),
            PostCategory::Notice => ("공지", "Notice"),
        }
    }

    /// A visitor's choice; `notice` only when the admin writes.
    pub fn parse(raw: &str, by_admin: bool) -> Result<Self, Message> {
        match Self::from_slug(raw) {
            Some(PostCategory::Notice) if !by_admin => Err(Message::new(
                "공지는 관리자만 쓸 수 있습니다.",
                "Only the admin can write notices.",
            )),
            Some(category) => Ok(category),
            None => Err(Message::new(
                "분류를 골라 주세요.",
                "Please choose a category.",
            )),
        }
    }
}

/// Where the admin is with a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostStatus {
    Received,
    InProgress,
    Done,
    Declined,
}

impl PostStatus {
    pub const ALL: [PostStatus; 4] = [
        PostStatus::Received,
        PostStatus::InProgress,
        PostStatus::Done,
        PostStatus::Declined,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            PostStatus::Received => "received",
            PostStatus::InProgress => "in_progress",
            PostStatus::Done => "done",
            PostStatus::Declined => "declined",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Korean, English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            PostStatus::Received => ("접수", "Received"),
            PostStatus::InProgress => ("처리중", "In progress"),
            PostStatus::Done => ("완료", "Done"),
            PostStatus::Declined => ("반려", "Declined"),
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Message> {
        Self::from_slug(raw)
            .ok_or_else(|| Message::new("처리 상태를 골라 주세요.", "Please choose a status."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_trimmed_and_must_not_be_empty() {
        assert_eq!(
            PostTitle::parse("  수분크림 추가해 주세요 ")
                .unwrap()
                .as_str(),
            "수분크림 추가해 주세요"
        );
        assert!(PostTitle::parse("   ")
            .unwrap_err()
            .to_string()
            .contains("제목을 입력"));
    }

    #[test]
    fn a_title_counts_characters_not_bytes() {
        assert!(PostTitle::parse(&"가".repeat(200)).is_ok());
        let err = PostTitle::parse(&"가".repeat(201)).unwrap_err().to_string();
        assert!(err.contains("200자") && err.contains("201"), "{err}");
    }

    #[test]
    fn a_title_cannot_hold_a_line_break() {
        assert!(PostTitle::parse("one\ntwo")
            .unwrap_err()
            .to_string()
            .contains("line breaks"));
    }

    #[test]
    fn a_body_keeps_its_lines_and_unifies_line_endings() {
        let body = PostBody::parse("첫 줄\r\n\r\n  둘째 줄  \n").unwrap();
        assert_eq!(body.as_str(), "첫 줄\n\n  둘째 줄");
    }

    #[test]
    fn a_body_of_only_spaces_is_empty() {
        assert!(PostBody::parse(" \n\t \n").is_err());
    }

    #[test]
    fn a_body_over_twenty_thousand_characters_is_refused() {
        assert!(PostBody::parse(&"a".repeat(20_000)).is_ok());
        assert!(PostBody::parse(&"a".repeat(20_001)).is_err());
    }

    #[test]
    fn a_body_cannot_hold_other_control_characters() {
        assert!(PostBody::parse("bell \u{7}").is_err());
        assert!(PostBody::parse("tab\tok").is_ok());
    }

    #[test]
    fn an_author_name_is_one_to_fifty_characters() {
        assert!(AuthorName::parse("").is_err());
        assert!(AuthorName::parse(&"김".repeat(50)).is_ok());
        assert!(AuthorName::parse(&"김".repeat(51)).is_err());
    }

    #[test]
    fn a_password_is_four_to_a_hundred_characters_as_typed() {
        assert!(PostPassword::parse("abc").is_err());
        assert_eq!(PostPassword::parse(" ab ").unwrap().as_str(), " ab ");
        assert!(PostPassword::parse(&"x".repeat(101)).is_err());
        assert_eq!(
            format!("{:?}", PostPassword::parse("secret").unwrap()),
            "PostPassword(…)"
        );
    }

    #[test]
    fn only_the_admin_writes_notices() {
        assert!(PostCategory::parse("notice", false).is_err());
        assert_eq!(
            PostCategory::parse("notice", true),
            Ok(PostCategory::Notice)
        );
        assert_eq!(
            PostCategory::parse("request", false),
            Ok(PostCategory::ProductRequest)
        );
        assert!(PostCategory::parse("spam", true).is_err());
    }

    #[test]
    fn an_answer_may_be_empty() {
        assert_eq!(Answer::parse("  ").unwrap().as_str(), "");
    }

    #[test]
    fn statuses_round_trip_through_their_slugs() {
        for status in PostStatus::ALL {
            assert_eq!(PostStatus::parse(status.slug()), Ok(status));
        }
        assert!(PostStatus::parse("archived").is_err());
    }
}
