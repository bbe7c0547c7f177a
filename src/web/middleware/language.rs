//! Which language a page speaks: the visitor's choice in the `sb_lang` cookie, else the
//! browser's `Accept-Language`, else Korean. The switch in the header (`/lang/{code}`) sets
//! the cookie and returns to the page it was clicked on.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};

use crate::i18n::{Lang, LANG_COOKIE};
use crate::web::errors::{error_page_body, ErrorPageFailure};
use crate::web::middleware::visitor::site_cookie;

/// The language of the page answering `req`.
pub fn lang_of(req: &HttpRequest) -> Lang {
    if let Some(lang) = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
    {
        return lang;
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .map_or(Lang::default(), Lang::from_accept_language)
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(lang_of(req)))
    }
}

/// Middleware: error pages, rendered where the request is not known, are shown again in the
/// visitor's language; they vary by it, so caches are told.
pub async fn localized_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut response = next.call(req).await?.map_into_boxed_body();
    vary_by_language(response.headers_mut());
    // "Try again later" says when: a handler that knows the wait (a rate limit) set it
    // already; otherwise a busy or locked site asks for a few seconds, a limit for a minute.
    let retry = match response.status() {
        StatusCode::SERVICE_UNAVAILABLE => Some("10"),
        StatusCode::TOO_MANY_REQUESTS => Some("60"),
        _ => None,
    };
    if let Some(seconds) = retry {
        if !response.headers().contains_key(header::RETRY_AFTER) {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from_static(seconds),
            );
        }
    }
    let failure = response
        .response()
        .extensions()
        .get::<ErrorPageFailure>()
        .cloned();
    // The language is read only for an error page: most answers need none of it here.
    let lang = failure.as_ref().map(|_| lang_of(response.request()));
    match (failure, lang) {
        (Some(ErrorPageFailure(failure)), Some(lang)) if lang != Lang::default() => {
            let body = error_page_body(&failure, lang);
            Ok(response.map_body(|head, _| {
                head.headers_mut().remove(header::CONTENT_LENGTH);
                BoxBody::new(body)
            }))
        }
        _ => Ok(response),
    }
}

/// Tells caches that an answer differs by the visitor's language (its header or cookie).
pub fn vary_by_language(headers: &mut header::HeaderMap) {
    headers.append(
        header::VARY,
        header::HeaderValue::from_static("Accept-Language, Cookie"),
    );
}

/// `GET /lang/{code}`: remembers the choice for a year and goes back to the page.
pub async fn switch_language(req: HttpRequest, code: web::Path<String>) -> HttpResponse {
    let back = same_site_referer(&req).unwrap_or_else(|| "/".to_string());
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, back));
    if let Some(lang) = Lang::from_code(&code) {
        let secure = crate::web::middleware::visitor::secure_cookies(&req);
        response.cookie(
            site_cookie(LANG_COOKIE, lang.code().to_string(), secure)
                .max_age(actix_web::cookie::time::Duration::days(365))
                .finish(),
        );
    }
    response.finish()
}

/// The path and query of the page the switch was clicked on, when it is one of ours.
fn same_site_referer(req: &HttpRequest) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let host = req.headers().get(header::HOST)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let path_start = rest.find('/').unwrap_or(rest.len());
    let (referer_host, path) = rest.split_at(path_start);
    if !referer_host.eq_ignore_ascii_case(host) || path.is_empty() {
        return None;
    }
    crate::web::local_path(path).map(str::to_string)
}
