//! The site's two languages: Korean (the default, the original audience) and English.
//!
//! - Page texts live in one place per language: `ko::TEXTS` and `en::TEXTS`, both a `Texts`
//!   (`texts.rs`), so a text missing in one language is a compile error.
//! - A message made by the code (a validation error, a refusal) is a `Message` holding both
//!   languages, written beside the rule it explains; the page shows the one it speaks.
//! - Which language a visitor gets: the `lang` cookie (set by the switch in the header), else
//!   the browser's `Accept-Language`, else Korean.

pub mod en;
pub mod ko;
mod texts;

use std::borrow::Cow;
use std::fmt;

pub use texts::Texts;

/// The cookie remembering a visitor's choice.
pub const LANG_COOKIE: &str = "sb_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ko, Lang::En];

    /// The BCP 47 code, as in `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Every text of the site's pages in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ko => &ko::TEXTS,
            Lang::En => &en::TEXTS,
        }
    }

    /// The text in this language of a (Korean, English) pair.
    pub fn pick(self, (ko, en): (&'static str, &'static str)) -> &'static str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }

    /// The language to offer as the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ko => Lang::En,
            Lang::En => Lang::Ko,
        }
    }

    /// The language an `Accept-Language` header prefers among ours: the one with the highest
    /// weight (ties go to the one listed first); Korean when it names neither.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = Lang::from_code(primary) else {
                continue;
            };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .filter(|w| w.is_finite())
                .unwrap_or(1.0);
            if weight <= 0.0 {
                continue;
            }
            if best.is_none_or(|(_, w)| weight > w) {
                best = Some((lang, weight));
            }
        }
        best.map_or(Lang::default(), |(lang, _)| lang)
    }
}

/// A message the code makes for a visitor, in both of the site's languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    ko: Cow<'static, str>,
    en: Cow<'static, str>,
}

impl Message {
    pub fn new(ko: impl Into<Cow<'static, str>>, en: impl Into<Cow<'static, str>>) -> Self {
        Message {
            ko: ko.into(),
            en: en.into(),
        }
    }

    /// A text for programs (the JSON API's messages about requests): English in both.
    pub fn for_programs(text: impl Into<Cow<'static, str>>) -> Self {
        let text = text.into();
        Message {
            ko: text.clone(),
            en: text,
        }
    }

    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }
}

/// Logs and plain-text fallbacks show both languages.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} · {}", self.ko, self.en)
    }
}

/// A page text with `{}` filled in: `fill("제품 {}개", 70)`, written where it is shown (a
/// template writes it into the page, escaped, with no string made for it: a product page
/// fills some ten texts); `.to_string()` for a text of its own.
pub fn fill<V: fmt::Display>(text: &str, value: V) -> Filled<'_, V> {
    Filled { text, value }
}

/// A text and the value for its first `{}` (`fill`).
pub struct Filled<'a, V> {
    text: &'a str,
    value: V,
}

impl<V: fmt::Display> From<Filled<'_, V>> for String {
    fn from(filled: Filled<'_, V>) -> String {
        filled.to_string()
    }
}

impl<V: fmt::Display> fmt::Display for Filled<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The first `{}` only, as `replacen(.., 1)` did.
        match self.text.split_once("{}") {
            Some((before, after)) => {
                f.write_str(before)?;
                write!(f, "{}", self.value)?;
                f.write_str(after)
            }
            None => f.write_str(self.text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_most_wanted_of_our_languages() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("ko-KR,ko;q=0.9,en-US;q=0.8"),
            Lang::Ko
        );
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0.4, ko;q=0.6"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("EN-gb"), Lang::En);
    }

    #[test]
    fn korean_is_the_default_when_neither_language_is_wanted() {
        assert_eq!(Lang::from_accept_language(""), Lang::Ko);
        assert_eq!(Lang::from_accept_language("fr, de;q=0.8"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("en;q=abc, *"), Lang::En);
        assert_eq!(Lang::from_accept_language(";;,,q=1"), Lang::Ko);
    }

    #[test]
    fn a_message_speaks_the_language_asked() {
        let m = Message::new("안녕", "hello");
        assert_eq!(m.in_lang(Lang::Ko), "안녕");
        assert_eq!(m.in_lang(Lang::En), "hello");
    }

    #[test]
    fn fill_puts_the_value_in_place() {
        assert_eq!(fill("제품 {}개", 70).to_string(), "제품 70개");
        assert_eq!(fill("{} products", 3).to_string(), "3 products");
    }
}
