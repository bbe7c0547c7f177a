//! A post's body as shown: plain text, cut into text and links. Only `http://` and `https://`
//! addresses become links; everything is escaped by the template, so no HTML in a body ever
//! reaches the page as markup.

/// A run of text, and the address it links to if it is a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyPart {
    pub text: String,
    pub href: Option<String>,
}

impl BodyPart {
    fn text(text: &str) -> Self {
        BodyPart {
            text: text.to_string(),
            href: None,
        }
    }
}

/// Cuts `body` into text and links, in order; joined back, the parts are `body` again.
pub fn body_parts(body: &str) -> Vec<BodyPart> {
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(start) = next_link_start(rest) {
        let length = link_length(&rest[start..]);
        if length == 0 {
            // A bare "https://" with nothing after it stays text.
            let skip = start + "http".len();
            push_text(&mut parts, &rest[..skip]);
            rest = &rest[skip..];
            continue;
        }
        push_text(&mut parts, &rest[..start]);
        let link = &rest[start..start + length];
        parts.push(BodyPart {
            text: link.to_string(),
            href: Some(link.to_string()),
        });
        rest = &rest[start + length..];
    }
    push_text(&mut parts, rest);
    parts
}

fn push_text(parts: &mut Vec<BodyPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(last) if last.href.is_none() => last.text.push_str(text),
        _ => parts.push(BodyPart::text(text)),
    }
}

fn next_link_start(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    [lower.find("https://"), lower.find("http://")]
        .into_iter()
        .flatten()
        .min()
}

/// How much of `text` (starting with the scheme) is the address: up to a space, a quote, an
/// angle bracket or a non-ASCII letter (Korean text often follows an address with no space),
/// without trailing punctuation, and with a closing bracket only when it closes one inside.
fn link_length(text: &str) -> usize {
    let scheme = if text[..5].eq_ignore_ascii_case("https") {
        "https://"
    } else {
        "http://"
    };
    let end = text
        .char_indices()
        .find(|(_, c)| {
            !c.is_ascii()
                || c.is_ascii_whitespace()
                || c.is_ascii_control()
                || "<>\"'`".contains(*c)
        })
        .map_or(text.len(), |(i, _)| i);
    let mut link = &text[..end];
    loop {
        let trimmed = link.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let trimmed = match trimmed.strip_suffix(')') {
            Some(inner) if inner.matches('(').count() < trimmed.matches(')').count() => inner,
            _ => trimmed,
        };
        if trimmed.len() == link.len() {
            break;
        }
        link = trimmed;
    }
    if link.len() <= scheme.len() {
        0
    } else {
        link.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(body: &str) -> Vec<String> {
        body_parts(body)
            .into_iter()
            .filter_map(|p| p.href)
            .collect()
    }

    #[test]
    fn an_address_in_text_becomes_a_link_and_the_rest_stays_text() {
        let parts = body_parts("성분표는 https://example.com/a?b=1&c=2 에 있어요");
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].text, "성분표는 ");
        assert_eq!(
            parts[1].href.as_deref(),
            Some("https://example.com/a?b=1&c=2")
        );
        assert_eq!(parts[2].text, " 에 있어요");
    }

    #[test]
    fn the_parts_join_back_to_the_body() {
        let body = "a http://x.y/z. (see https://q.r/s_(t)) <b>http://</b> end\nnext";
        let joined: String = body_parts(body).into_iter().map(|p| p.text).collect();
        assert_eq!(joined, body);
    }

    #[test]
    fn trailing_punctuation_and_unbalanced_brackets_are_not_part_of_the_link() {
        assert_eq!(links("see http://x.y/z."), ["http://x.y/z"]);
        assert_eq!(links("(http://x.y/z)"), ["http://x.y/z"]);
        assert_eq!(
            links("http://en.wikipedia.org/wiki/Niacin_(vitamin)"),
            ["http://en.wikipedia.org/wiki/Niacin_(vitamin)"]
        );
    }

    #[test]
    fn korean_text_right_after_an_address_ends_it() {
        assert_eq!(
            links("https://oliveyoung.co.kr/p/1에서 봤어요"),
            ["https://oliveyoung.co.kr/p/1"]
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert!(links("javascript:alert(1) data:text/html,x ftp://x").is_empty());
        assert!(links("https:// alone").is_empty());
        assert_eq!(
            links("<a href=\"https://evil.example\">x</a>"),
            ["https://evil.example"]
        );
    }
}
