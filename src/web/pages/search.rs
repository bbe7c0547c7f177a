use crate::web::pages::frame::{framed_pages, PageFrame};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::i18n::{fill, Lang, Message};
use crate::search::query::SearchQuery;
use crate::search::SearchOutcome;
use crate::web::errors::{render, render_with, PageError};
use crate::web::middleware::visitor::client_address;
use crate::web::pages::head::{Head, Origin};
use crate::web::views::ProductView;

/// "Too many searches from here; try again in …".
pub fn too_many_searches(wait: std::time::Duration) -> Message {
    crate::web::safeguards::wait_message(wait, ("검색이", "searches"))
}

/// How many candidates a search shows at most.
pub const MAX_CANDIDATES: usize = 10;

#[derive(Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
}

pub struct Candidate<'a> {
    pub product: ProductView<'a>,
    pub percent: u32,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    frame: PageFrame,
    query: String,
    error: Option<Message>,
    candidates: Vec<Candidate<'a>>,
}
framed_pages!(SearchPage<'a>);

impl SearchPage<'_> {
    /// The board form's query string for a product request about this search.
    fn request_query(&self) -> String {
        serde_urlencoded::to_string([("category", "request"), ("product", self.query.as_str())])
            .unwrap_or_default()
    }
}

pub async fn search_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let raw = crate::web::lenient_query::<SearchParams>(&req).q;
    let query = match SearchQuery::parse(&raw) {
        Ok(query) => query,
        Err(e) => {
            let page = SearchPage {
                frame: PageFrame::new(lang, Head::new(fill(lang.texts().describe_search, &raw))),
                query: raw,
                error: Some(e.message()),
                candidates: Vec::new(),
            };
            return render_with(StatusCode::BAD_REQUEST, &page);
        }
    };
    if let Err(wait) = state.safeguards.searches.take(client_address(&req)) {
        let page = SearchPage {
            frame: PageFrame::new(lang, Head::new(fill(lang.texts().describe_search, &raw))),
            query: raw,
            error: Some(too_many_searches(wait)),
            candidates: Vec::new(),
        };
        let mut response = render_with(StatusCode::TOO_MANY_REQUESTS, &page)?;
        crate::web::errors::set_retry_after(&mut response, wait);
        return Ok(response);
    }
    let index = state.catalog.snapshot();
    let candidates = match index.find(query.as_str(), MAX_CANDIDATES) {
        SearchOutcome::Clear(found) => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/products/{}", found.product_id)))
                .finish());
        }
        SearchOutcome::Several(matches) => matches
            .into_iter()
            .filter_map(|m| {
                Some(Candidate {
                    product: ProductView::new(index.product(m.product_id)?),
                    percent: crate::web::views::percent(m.score),
                })
            })
            .collect(),
        SearchOutcome::Nothing => Vec::new(),
    };
    let t = lang.texts();
    let canonical = format!(
        "/search?{}",
        serde_urlencoded::to_string([("q", query.as_str())]).unwrap_or_default()
    );
    render(&SearchPage {
        frame: PageFrame::new(
            lang,
            Head::new(fill(t.describe_search, query.as_str()))
                .canonical(&Origin::of(&req), &canonical),
        ),
        query: query.as_str().to_string(),
        error: None,
        candidates,
    })
}
