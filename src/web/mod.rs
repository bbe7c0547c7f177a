//! HTTP, by job: `pages/` (the HTML pages: search, product, paste and photo results,
//! compare, ingredient, the board and the admin's pages, assets and crawler files), `api/` (the
//! JSON API, its OpenAPI document, the load balancer's health checks), `middleware/` (the
//! visitor cookie and CSRF, the page language and error pages, security headers, metrics); and
//! beside them what all of those share: errors as a visitor meets them, running blocking work
//! (`blocking`), rate limits and password guesses (`safeguards`), photo uploads, the catalog's
//! view models (`views`), kept answers as requests meet them and content codings. Handlers stay thin: parse, call the
//! catalog index or a store, render.

mod api;
mod blocking;
mod encoding;
mod errors;
mod kept_answers;
mod middleware;
mod page_context;
mod pages;
mod photo;
mod safeguards;
mod views;

use api::{health, openapi};
use middleware::language;
use pages::{admin, assets, board, compare, crawlers, home, ingredient, product, search, similar};

use crate::i18n::Message;
use actix_web::{web, HttpResponse};

pub use errors::{ApiError, PageError};
pub use kept_answers::serve_kept;
pub use middleware::compress_once::compress_once;
pub use middleware::draining::close_when_draining;
pub use middleware::language::localized_errors;
pub use middleware::metrics::metrics;
pub use middleware::security_headers::{security_headers, CONTENT_SECURITY_POLICY};
pub use middleware::visitor::visitor_cookie;
pub use page_context::PageContext;
pub use pages::assets::{prepare as prepare_assets, url as asset_url};

/// Largest form body accepted (a pasted list of 20,000 Korean characters, percent-encoded).
pub const FORM_LIMIT_BYTES: usize = 256 * 1024;
/// Largest JSON body accepted by the API.
pub const JSON_LIMIT_BYTES: usize = 256 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::FormConfig::default()
            .limit(FORM_LIMIT_BYTES)
            .error_handler(|err, _req| similar::form_error(err)),
    )
    // Routes are tried in order, each dynamic one with a regex: the busiest come first.
    .service(
        web::scope("/api")
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT_BYTES)
                    .error_handler(|err, _req| api::json_error(err)),
            )
            .service(get_only("/search", web::get().to(api::search)))
            .service(get_only("", web::get().to(openapi::page)))
            .service(get_only("/openapi.json", web::get().to(openapi::document)))
            .service(get_only("/suggest", web::get().to(api::suggest)))
            .service(get_only(
                "/products/{id}/similar",
                web::get().to(api::similar_to_product),
            ))
            .service(
                web::resource("/similar")
                    .route(web::post().to(api::similar_to_list))
                    .default_service(web::to(api::only_post)),
            )
            .service(
                web::resource("/similar/photo")
                    .route(web::post().to(api::similar_to_photo))
                    .default_service(web::to(api::only_post)),
            )
            .default_service(web::to(api::not_found)),
    )
    .route("/products/{id}", web::get().to(product::product_page))
    .route(
        "/products/{id}/ingredients",
        web::get().to(product::ingredient_list_page),
    )
    .service(get_only("/healthz", web::get().to(health::healthz)))
    .service(get_only("/readyz", web::get().to(health::readyz)))
    .route("/static/{name}", web::get().to(assets::asset))
    .route("/favicon.ico", web::get().to(assets::favicon))
    .route("/robots.txt", web::get().to(crawlers::robots))
    .route("/sitemap.xml", web::get().to(crawlers::sitemap_index))
    .route("/sitemaps/{name}", web::get().to(crawlers::sitemap))
    .route("/", web::get().to(home::home_page))
    .route("/search", web::get().to(search::search_page))
    .route("/compare", web::get().to(compare::compare_page))
    .route(
        "/ingredients/{id}",
        web::get().to(ingredient::ingredient_page),
    )
    .route("/lang/{code}", web::get().to(language::switch_language))
    .route("/similar", web::get().to(similar::paste_form))
    .route("/similar", web::post().to(similar::paste_results))
    .route("/similar/photo", web::post().to(similar::photo_results))
    .configure(board::routes)
    .configure(admin::routes)
    .default_service(web::to(not_found_page));
}

/// A JSON endpoint that takes GET: any other method is a 405 saying so, as the OpenAPI
/// document promises (not the site's 404 page).
fn get_only(path: &str, route: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(route)
        .default_service(web::to(api::only_get))
}

async fn not_found_page() -> Result<HttpResponse, PageError> {
    Err(PageError::not_found(Message::new(
        "그런 페이지가 없습니다.",
        "There is no such page.",
    )))
}

/// `path` when it is a path on this site (never `//host` or `https://...`). Browsers drop
/// tabs and line breaks from addresses, so `/\t/host` would be `//host`: no whitespace or
/// control character passes either.
fn local_path(path: &str) -> Option<&str> {
    let plain = !path
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    (plain && path.starts_with('/') && !path.starts_with("//")).then_some(path)
}

/// A stored row's id (a product's, a post's) from a path segment; anything but a positive
/// number names no row.
fn parse_row_id(raw: &str) -> Option<i32> {
    raw.parse::<i32>().ok().filter(|id| *id > 0)
}

/// What a path's `{id}` names, and what a visitor is told when it names nothing.
pub trait RowKind {
    fn not_found() -> errors::PageError;
}

/// The `{id}` of a page's path, read once at the edge: a positive number, or the kind's "no
/// such ..." page before the handler runs (`PathId<board::PostRow>`, `PathId<admin::ProductRow>`).
pub struct PathId<K>(pub i32, std::marker::PhantomData<K>);

impl<K: RowKind> actix_web::FromRequest for PathId<K> {
    type Error = errors::PageError;
    type Future = std::future::Ready<Result<Self, errors::PageError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.match_info()
                .get("id")
                .and_then(parse_row_id)
                .map(|id| PathId(id, std::marker::PhantomData))
                .ok_or_else(K::not_found),
        )
    }
}

/// A page's query string, read as leniently as people type addresses: a parameter that cannot
/// be read is as if it were not given (the page shows its default, never an error).
pub fn lenient_query<T: serde::de::DeserializeOwned + Default>(req: &actix_web::HttpRequest) -> T {
    actix_web::web::Query::<T>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default()
}

/// "See other": where a form that changed something sends the browser next.
pub fn see_other(location: String) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}
