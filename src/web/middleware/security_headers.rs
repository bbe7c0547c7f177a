//! Headers every response carries, so that a browser limits what a page of ours can do even if
//! some text ever slipped through unescaped: no script but our own files, no inline script or
//! style, no framing, no MIME sniffing, no full URL leaked to other sites.

use std::sync::LazyLock;

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;

/// Only the site's own files; forms post only to the site; nobody may frame a page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    // For browsers that predate CSP's frame-ancestors.
    ("x-frame-options", "DENY"),
    // No Cross-Origin-Opener-Policy: it makes every arrival from another site start a fresh
    // renderer process, which a phone pays for on every shared link (Lighthouse's mobile
    // preset measured it as the largest main-thread task on a cold load, enough to cost
    // total blocking time on a busy machine). What it guards, a cross-site opener's handle
    // on our window, has nothing to reach here: no frames, no secrets in the page, every
    // form behind its own token.
];

/// `HEADERS` as header names and values, made once.
static PAIRS: LazyLock<Vec<(HeaderName, HeaderValue)>> = LazyLock::new(|| {
    HEADERS
        .iter()
        .map(|(name, value)| {
            (
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            )
        })
        .collect()
});

/// The middleware that adds the headers to every response (a handler's own value wins).
pub fn security_headers() -> DefaultHeaders {
    PAIRS
        .iter()
        .cloned()
        .fold(DefaultHeaders::new(), DefaultHeaders::add)
}

/// The same headers added to the headers of an answer sent before the middleware is reached
/// (a kept answer, `web::kept_answers::serve_kept`), which sets none of them itself.
pub fn add_security_headers(headers: &mut HeaderMap) {
    for (name, value) in PAIRS.iter() {
        headers.insert(name.clone(), value.clone());
    }
}
