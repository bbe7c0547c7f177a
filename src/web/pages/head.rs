//! What a page says about itself in `<head>`: its description, its canonical address, and the
//! title card a shared link shows (Open Graph, read by KakaoTalk, Facebook and Instagram DMs;
//! Twitter's card). Filled by each page's handler, written out by `base.html`.

use std::future::{ready, Ready};

use actix_web::{web, FromRequest, HttpRequest};

use crate::app_state::AppState;
use crate::i18n::Lang;

/// The site's address as visitors see it (`https://seongbun.example`): the configured public
/// URL, else the request's own `Host` (https when the site marks its cookies Secure). Never
/// `X-Forwarded-Host` or `Forwarded`: anyone can send those, and a canonical link, a share
/// card or a sitemap naming another site is what a cache poisoner wants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin(pub String);

impl Origin {
    pub fn of(req: &HttpRequest) -> Self {
        let configured = req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| state.public_origin.clone());
        Origin(configured.map_or_else(
            || {
                let scheme = if crate::web::middleware::visitor::secure_cookies(req) {
                    "https"
                } else {
                    "http"
                };
                // Pieces pushed rather than `format!`: every kept page's key is made so.
                let host = request_host(req);
                let mut origin = String::with_capacity(scheme.len() + 3 + host.len());
                origin.push_str(scheme);
                origin.push_str("://");
                origin.push_str(host);
                origin
            },
            |origin| origin.to_string(),
        ))
    }

    /// `path` (which starts with `/`) made absolute.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl FromRequest for Origin {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Origin::of(req)))
    }
}

/// The request's `Host` when it is a plain host name or address with an optional port;
/// `localhost` otherwise (no quote, slash or space reaches a link).
fn request_host(req: &HttpRequest) -> &str {
    req.headers()
        .get(actix_web::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .filter(|host| {
            !host.is_empty()
                && host.len() <= 255
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost")
}

/// The `<head>` lines a page writes beyond its title.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub description: String,
    /// The page's one address (a narrowed product page's is the plain product page's).
    pub canonical: Option<String>,
    pub card: Option<ShareCard>,
    /// Pages no search engine should list: a sign-in form, an edit form.
    pub noindex: bool,
}

/// What a shared link shows: title, description, picture.
#[derive(Debug, Clone)]
pub struct ShareCard {
    pub title: String,
    pub url: String,
    pub image: String,
    pub locale: &'static str,
}

/// Search engines show about 155 characters of a description; a longer one is cut there.
const DESCRIPTION_CHARS: usize = 155;

impl Head {
    pub fn new(description: impl Into<String>) -> Self {
        Head {
            description: shorten(&description.into(), DESCRIPTION_CHARS),
            ..Head::default()
        }
    }

    pub fn canonical(mut self, origin: &Origin, path: &str) -> Self {
        self.canonical = Some(origin.absolute(path));
        self
    }

    /// A title card for the canonical address (set that first).
    pub fn card(mut self, origin: &Origin, title: impl Into<String>, lang: Lang) -> Self {
        self.card = Some(ShareCard {
            title: title.into(),
            url: self
                .canonical
                .clone()
                .unwrap_or_else(|| origin.absolute("/")),
            image: origin.absolute(crate::web::pages::assets::url("card.png")),
            locale: match lang {
                Lang::Ko => "ko_KR",
                Lang::En => "en_US",
            },
        });
        self
    }

    pub fn noindex(mut self) -> Self {
        self.noindex = true;
        self
    }
}

/// `text` on one line, cut at a word boundary to at most `chars` characters with `…`.
///
/// The words are copied once, counted as they go, and only until the text is known to be
/// too long: every page's description passes here.
fn shorten(text: &str, chars: usize) -> String {
    let mut flat = String::with_capacity(text.len());
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > chars {
            break;
        }
        if !flat.is_empty() {
            flat.push(' ');
            count += 1;
        }
        flat.push_str(word);
        count += word.chars().count();
    }
    if count <= chars {
        return flat;
    }
    let end = flat
        .char_indices()
        .nth(chars - 1)
        .map_or(flat.len(), |(at, _)| at);
    let cut = &flat[..end];
    let at_word = cut
        .rfind(' ')
        .filter(|at| *at > cut.len() / 2)
        .unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end_matches([',', ' ', '·']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_description_is_cut_at_a_word() {
        let long = "Water, Glycerin, Butylene Glycol, ".repeat(20);
        let short = Head::new(long).description;
        assert!(short.chars().count() <= DESCRIPTION_CHARS);
        assert!(
            short.ends_with("Glycol…") || short.ends_with("Glycerin…") || short.ends_with("Water…"),
            "{short}"
        );
        assert_eq!(Head::new("  두 줄\n설명 ").description, "두 줄 설명");
    }

    /// The former version, in two passes over every word: the one-pass version is held to it.
    fn shortened_as_before(text: &str, chars: usize) -> String {
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.chars().count() <= chars {
            return flat;
        }
        let cut: String = flat.chars().take(chars - 1).collect();
        let at_word = cut
            .rfind(' ')
            .filter(|at| *at > cut.len() / 2)
            .unwrap_or(cut.len());
        format!("{}…", cut[..at_word].trim_end_matches([',', ' ', '·']))
    }

    proptest::proptest! {
        #[test]
        fn a_description_is_cut_where_it_was_cut_before(
            text in "([a-z가-힣]{0,12}[ ,·\\n]{0,3}){0,40}",
            chars in 2usize..80,
        ) {
            proptest::prop_assert_eq!(shorten(&text, chars), shortened_as_before(&text, chars));
        }
    }

    #[test]
    fn a_korean_description_without_spaces_is_cut_by_characters() {
        let short = Head::new("정제수".repeat(100)).description;
        assert_eq!(short.chars().count(), DESCRIPTION_CHARS);
    }
}
