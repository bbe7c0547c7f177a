//! The JSON API: the same logic as the pages, for scripts and checks.

use actix_web::error::JsonPayloadError;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::answer_cache::{Answer, AnswerKey};
use super::errors::{ApiError, Failure};
use super::views::IngredientChip;
use crate::app_state::AppState;
use crate::catalog::model::ProductSummary;
use crate::catalog_index::{CatalogIndex, SimilarProduct};
use crate::i18n::{Lang, Message};
use crate::ingredients::PastedText;
use crate::search::query::SearchQuery;
use crate::similarity::Narrowing;

/// How many similar products the API returns by default, and at most.
const DEFAULT_LIMIT: usize = 4;
const MAX_LIMIT: usize = 50;
/// How many name matches the API returns.
const MAX_MATCHES: usize = 10;

#[derive(Serialize)]
struct ProductJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    category: &'a str,
    price_cents: Option<i32>,
    currency: &'a str,
    aliases: &'a [String],
    has_ingredients: bool,
    ingredients: Vec<IngredientChip>,
    same_formula: Vec<TwinJson<'a>>,
}

#[derive(Serialize)]
struct NameMatchJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    category: &'a str,
    score: f64,
}

#[derive(Serialize)]
struct SimilarJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    category: &'a str,
    score: f64,
    shared_ingredients: Vec<&'a str>,
    /// The other products with this formula: one result, "also sold as".
    same_formula: Vec<TwinJson<'a>>,
}

/// A product with the same formula as another.
#[derive(Serialize)]
struct TwinJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
}

impl<'a> TwinJson<'a> {
    fn list(products: &[&'a ProductSummary]) -> Vec<Self> {
        products
            .iter()
            .map(|p| TwinJson {
                id: p.id,
                brand: &p.brand,
                name: &p.name,
            })
            .collect()
    }
}

impl<'a> SimilarJson<'a> {
    fn new(found: &SimilarProduct<'a>) -> Self {
        SimilarJson {
            id: found.product.id,
            brand: &found.product.brand,
            name: &found.product.name,
            category: &found.product.category,
            score: round3(found.score),
            shared_ingredients: found.shared.iter().map(|i| i.name.as_str()).collect(),
            same_formula: TwinJson::list(&found.same_formula),
        }
    }
}

/// A score to 3 decimals, rounded as a 64-bit number: rounded in 32 bits it was written out
/// with its binary noise (`0.8899999856948853`).
fn round3(score: f32) -> f64 {
    (f64::from(score) * 1000.0).round() / 1000.0
}

fn product_json<'a>(index: &'a CatalogIndex, p: &'a ProductSummary) -> ProductJson<'a> {
    ProductJson {
        id: p.id,
        brand: &p.brand,
        name: &p.name,
        category: &p.category,
        price_cents: p.price_cents,
        currency: &p.currency,
        aliases: &p.aliases,
        has_ingredients: p.no_ingredients_reason.is_none(),
        ingredients: index
            .ingredients_of(p.id)
            .into_iter()
            .map(|i| IngredientChip::new(index, i, false))
            .collect(),
        same_formula: TwinJson::list(&index.same_formula_as(p.id)),
    }
}

/// `GET /api/search?q=TEXT`
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let index = state.catalog.snapshot();
    // The JSON is the same in every language.
    let key = AnswerKey::of(&req, index.version(), Lang::default());
    if let Some(kept) = state.answers.get(&key) {
        return Ok(kept.response(&req));
    }
    let params = web::Query::<super::search::SearchParams>::from_query(req.query_string())
        .map_err(|_| ApiError::bad_request("the query string could not be read"))?;
    let query = SearchQuery::parse(&params.q).map_err(|e| ApiError::bad_request(e.message()))?;
    let matches: Vec<NameMatchJson> = index
        .search(query.as_str(), MAX_MATCHES)
        .into_iter()
        .map(|(p, score)| NameMatchJson {
            id: p.id,
            brand: &p.brand,
            name: &p.name,
            category: &p.category,
            score: round3(score),
        })
        .collect();
    let answer = Answer::json(&serde_json::json!({ "query": query.as_str(), "matches": matches }))
        .map_err(|e| ApiError(Failure::Internal(e.to_string())))?;
    Ok(state.answers.keep(key, answer).response(&req))
}

/// Suggestions offered while typing.
const MAX_SUGGESTIONS: usize = 8;

#[derive(Serialize)]
struct SuggestionJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    href: String,
}

/// `GET /api/suggest?q=TEXT`: products to offer under the search box as a person types.
/// Text that is no query yet (empty, only punctuation) has no suggestions rather than an error.
pub async fn suggest(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let typed = web::Query::<super::search::SearchParams>::from_query(req.query_string())
        .map(|q| q.into_inner().q)
        .unwrap_or_default();
    let index = state.catalog.snapshot();
    let suggestions: Vec<SuggestionJson> = match SearchQuery::parse(&typed) {
        Ok(query) => index
            .search(query.as_str(), MAX_SUGGESTIONS)
            .into_iter()
            .map(|(p, _)| SuggestionJson {
                id: p.id,
                brand: &p.brand,
                name: &p.name,
                href: format!("/products/{}", p.id),
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    HttpResponse::Ok().json(serde_json::json!({ "suggestions": suggestions }))
}

#[derive(Deserialize)]
struct SimilarParams {
    limit: Option<String>,
    other_brands: Option<String>,
}

/// `other_brands=true` (or `1`) asks for products of other brands only; `false`, `0` or none
/// for all.
fn parse_other_brands(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw.map(str::trim) {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(ApiError::bad_request("other_brands must be true or false")),
    }
}

fn parse_limit(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => text
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}"
                ))
            }),
    }
}

/// `GET /api/products/{id}/similar?limit=N&other_brands=true`
pub async fn similar_to_product(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let params = web::Query::<SimilarParams>::from_query(req.query_string())
        .map_err(|_| ApiError::bad_request("the query string could not be read"))?;
    let limit = parse_limit(params.limit.as_deref())?;
    let other_brands = parse_other_brands(params.other_brands.as_deref())?;
    let not_found = || ApiError::not_found(format!("no product with id {path}"));
    let id = super::parse_product_id(&path).ok_or_else(not_found)?;
    let index = state.catalog.snapshot();
    let product = index.product(id).ok_or_else(not_found)?;
    let narrowing = Narrowing {
        other_brand_than: other_brands.then(|| product.brand.clone()),
        ..Narrowing::default()
    };
    let similar = index
        .similar_products_narrowed(id, limit, &narrowing)
        .unwrap_or_default();
    let similar: Vec<SimilarJson> = similar.iter().map(SimilarJson::new).collect();
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "product": product_json(&index, product), "similar": similar })))
}

#[derive(Deserialize)]
pub struct PasteRequest {
    ingredients: String,
    limit: Option<usize>,
}

/// `POST /api/similar` with `{"ingredients": "TEXT", "limit": N}`
pub async fn similar_to_list(
    body: web::Json<PasteRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let limit = parse_limit(request.limit.map(|n| n.to_string()).as_deref())?;
    let pasted =
        PastedText::parse(&request.ingredients).map_err(|e| ApiError::bad_request(e.message()))?;
    let index = state.catalog.snapshot();
    let (understood, found) = index.similar_to_pasted(&pasted, limit);
    let similar: Vec<SimilarJson> = found.iter().map(SimilarJson::new).collect();
    let understood: Vec<&str> = understood
        .iter()
        .map(|u| u.canonical.name.as_str())
        .collect();
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "ingredients": understood, "similar": similar })))
}

pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found("no such API endpoint"))
}

/// A JSON body that could not be read: too large (413), not JSON (415), or not the expected
/// JSON (400).
pub fn json_error(err: JsonPayloadError) -> actix_web::Error {
    let failure = match &err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => Failure::TooLarge(
            Message::for_programs(format!("the body is larger than {limit} bytes")),
        ),
        JsonPayloadError::ContentType => Failure::UnsupportedMediaType(Message::for_programs(
            "send the body as application/json",
        )),
        other => Failure::BadRequest(Message::for_programs(format!(
            "the JSON body could not be read: {other}"
        ))),
    };
    ApiError(failure).into()
}
