//! The answer cache (`crate::answer_cache`) as requests meet it: the key a request's answer is
//! kept under, a kept answer served with the coding the browser accepts, and `serve_kept`,
//! which sends a kept answer before routing and the page middleware are reached.

use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::answer_cache::{Answer, AnswerKey};
use crate::app_state::AppState;
use crate::compression::Coding;
use crate::i18n::Lang;
use crate::web::encoding::AcceptedCodings;
use crate::web::middleware::language::{lang_of, vary_by_language};
use crate::web::middleware::security_headers::add_security_headers;
use crate::web::middleware::visitor::ADMIN_COOKIE;
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

/// Keeps `answer` for `req` under `key` (with the route it was made on, which metrics count a
/// kept answer under); returns the answer to serve now.
pub fn keep(state: &AppState, req: &HttpRequest, key: AnswerKey, answer: Answer) -> Answer {
    state
        .answers
        .keep(key, answer.on_route(req.match_pattern()))
}

/// `answer` for `req`: once kept, in the coding the browser takes (zstd, else gzip), else plain.
pub fn respond(answer: &Answer, req: &HttpRequest) -> HttpResponse {
    let mut response = HttpResponse::build(answer.status);
    response.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type()),
    ));
    if !answer.is_coded() {
        return response.body(answer.body().clone());
    }
    response.insert_header((header::VARY, HeaderValue::from_static("Accept-Encoding")));
    let accepted = AcceptedCodings::of(req);
    let coded = if accepted.take(Coding::Zstd) {
        answer.zstd().map(|body| (Coding::Zstd, body))
    } else if accepted.take(Coding::Gzip) {
        answer.gzip().map(|body| (Coding::Gzip, body))
    } else {
        None
    };
    match coded {
        Some((coding, body)) => {
            response.insert_header((
                header::CONTENT_ENCODING,
                HeaderValue::from_static(coding.name()),
            ));
            response.body(body.clone())
        }
        // Plain, from what is kept, to a browser that takes neither: not compressed again on
        // every request.
        None => {
            let mut plain = response.body(answer.body().clone());
            plain
                .extensions_mut()
                .insert(crate::web::middleware::compress_once::AlreadyCoded);
            plain
        }
    }
}

/// The route pattern a kept answer sent by `serve_kept` was made on: no route was matched for
/// it, and metrics count it under this one.
#[derive(Debug, Clone)]
pub struct KeptRoute(pub Arc<str>);

/// Middleware, outside routing and the page middleware: a GET whose answer is kept gets it from
/// here, with the headers that middleware would have added (security headers, `Vary`). Routing,
/// the visitor cookie, the page's extractors and the coding had been two thirds of what a kept
/// page cost to send (BENCHMARKS.md, "Kept pages and the middleware"). The handlers still look
/// the answer up, so nothing depends on this layer but speed; the signed-in admin's pages
/// (their edit links) are never kept, so a request with the admin's cookie goes the long way.
pub async fn serve_kept(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(response) = kept_response(req.request()) {
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

fn kept_response(req: &HttpRequest) -> Option<HttpResponse> {
    let state = req.app_data::<web::Data<AppState>>()?;
    if req.method() != Method::GET || !state.answers.is_on() || req.cookie(ADMIN_COOKIE).is_some() {
        return None;
    }
    let key = answer_key(req, state.catalog.snapshot().version(), lang_of(req));
    let kept = state.answers.get(&key)?;
    let mut response = respond(&kept, req);
    let headers = response.headers_mut();
    add_security_headers(headers);
    vary_by_language(headers);
    if let Some(route) = kept.route() {
        response.extensions_mut().insert(KeptRoute(route.clone()));
    }
    Some(response)
}
