//! The answer cache (`crate::answer_cache`) as requests meet it: the key a request's answer is
//! kept under, and a kept answer served with the coding the browser accepts.

use actix_web::{HttpRequest, HttpResponse};

use crate::answer_cache::{Answer, AnswerKey};
use crate::compression::Coding;
use crate::i18n::Lang;
use crate::web::encoding::AcceptedCodings;
use crate::web::pages::head::Origin;

/// The key of `req`'s answer from catalog `catalog_version` in `lang`: the site's address as
/// the page names it, and the path with its query string exactly as asked.
pub fn answer_key(req: &HttpRequest, catalog_version: i32, lang: Lang) -> AnswerKey {
    let uri = req.uri();
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string());
    AnswerKey::new(catalog_version, lang, Origin::of(req).0, target)
}

/// `answer` for `req`: gzipped when it has been and the browser accepts gzip.
pub fn respond(answer: &Answer, req: &HttpRequest) -> HttpResponse {
    let mut response = HttpResponse::build(answer.status);
    response.content_type(answer.content_type());
    match answer.gzipped() {
        Some(gzipped) => {
            response.insert_header((actix_web::http::header::VARY, "Accept-Encoding"));
            if AcceptedCodings::of(req).take(Coding::Gzip) {
                response.insert_header((actix_web::http::header::CONTENT_ENCODING, "gzip"));
                return response.body(gzipped.clone());
            }
            // Plain, from what is kept, to a browser that does not take gzip: not compressed
            // again on every request.
            let mut plain = response.body(answer.body().clone());
            plain
                .extensions_mut()
                .insert(crate::web::middleware::compress_once::AlreadyCoded);
            plain
        }
        None => response.body(answer.body().clone()),
    }
}
