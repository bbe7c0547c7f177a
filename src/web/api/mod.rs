//! The JSON API: the same logic as the pages, for scripts and checks.

pub(in crate::web) mod health;
pub(in crate::web) mod openapi;

use actix_web::error::JsonPayloadError;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::answer_cache::Answer;
use crate::app_state::AppState;
use crate::catalog::model::ProductSummary;
use crate::i18n::Message;
use crate::ingredients::PastedText;
use crate::live_catalog::{CatalogIndex, SimilarProduct};
use crate::search::query::SearchQuery;
use crate::similarity::Narrowing;
use crate::web::blocking::{busy_message, on_job_queue};
use crate::web::errors::{ApiError, ErrorAnswer, ErrorDetail, Failure};
use crate::web::kept_answers::{answer_key, keep, respond};
use crate::web::middleware::language::lang_of;
use crate::web::middleware::visitor::client_address;
use crate::web::views::IngredientChip;

/// How many similar products the API returns by default, and at most.
const DEFAULT_LIMIT: usize = 4;
const MAX_LIMIT: usize = 50;
/// How many name matches the API returns.
const MAX_MATCHES: usize = 10;

/// A product with its ingredient list as resolved.
#[derive(Serialize, ToSchema)]
#[schema(as = Product)]
pub struct ProductJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    category: &'a str,
    price_cents: Option<i32>,
    currency: &'a str,
    /// Other names it is sold under (a Korean name, say).
    aliases: &'a [String],
    /// Whether it has a usable ingredient list.
    has_ingredients: bool,
    ingredients: Vec<IngredientChip<'a>>,
    /// The other products with exactly this formula (its Mini, its Refill).
    same_formula: Vec<TwinJson<'a>>,
}

/// A product whose brand and name are like the query.
#[derive(Serialize, ToSchema)]
#[schema(as = NameMatch)]
pub struct NameMatchJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    category: &'a str,
    /// How alike the names are, from 0 to 1 (3 decimals).
    score: f64,
}

/// A product whose ingredients are like the asked ones.
#[derive(Serialize, ToSchema)]
#[schema(as = SimilarProduct)]
pub struct SimilarJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    category: &'a str,
    /// How alike the ingredient lists are, from 0 to 1 (3 decimals).
    score: f64,
    /// The ingredients both lists hold, most telling first.
    shared_ingredients: Vec<&'a str>,
    /// The other products with this formula: one result, "also sold as".
    same_formula: Vec<TwinJson<'a>>,
}

/// A product with the same formula as another.
#[derive(Serialize, ToSchema)]
#[schema(as = SameFormula)]
pub struct TwinJson<'a> {
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
            .map(|i| IngredientChip::new(i, false))
            .collect(),
        same_formula: TwinJson::list(&index.same_formula_as(p.id)),
    }
}

/// Products by brand and name, typos forgiven, Korean or English.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(("q" = String, Query, min_length = 1, description = "A product's name or brand, or part of it (at most 200 characters)")),
    responses(
        (status = 200, description = "The best name matches", body = SearchAnswer),
        (status = 400, description = "No query, or one too long or without letters", body = ErrorAnswer),
        (status = 429, description = "Too many searches from this address (see Retry-After)", body = ErrorAnswer),
    )
)]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let index = state.catalog.snapshot();
    // The JSON is the same in every language, but kept by it like a page: `serve_kept`
    // finds answers by the visitor's language before routing.
    let key = answer_key(&req, index.version(), lang_of(&req));
    if let Some(kept) = state.answers.get(&key) {
        return Ok(respond(&kept, &req));
    }
    let params =
        web::Query::<crate::web::pages::search::SearchParams>::from_query(req.query_string())
            .map_err(|_| ApiError::bad_request("the query string could not be read"))?;
    let query = SearchQuery::parse(&params.q).map_err(|e| ApiError::bad_request(e.message()))?;
    if let Err(wait) = state.safeguards.searches.take(client_address(&req)) {
        return Ok(too_many(
            crate::web::pages::search::too_many_searches(wait),
            wait,
        ));
    }
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
    let answer = Answer::json(&SearchAnswer {
        query: query.as_str(),
        matches,
    })
    .map_err(|e| ApiError(Failure::Internal(e.to_string())))?;
    Ok(respond(&keep(&state, &req, key, answer), &req))
}

/// Suggestions offered while typing.
const MAX_SUGGESTIONS: usize = 8;

/// A product offered under the search box.
#[derive(Serialize, ToSchema)]
#[schema(as = Suggestion)]
pub struct SuggestionJson<'a> {
    id: i32,
    brand: &'a str,
    name: &'a str,
    /// Its page.
    href: String,
}

/// `GET /api/search`'s answer.
#[derive(Serialize, ToSchema)]
pub struct SearchAnswer<'a> {
    /// The query as read (spaces squashed).
    query: &'a str,
    /// Best first; at most 10.
    matches: Vec<NameMatchJson<'a>>,
}

/// `GET /api/suggest`'s answer.
#[derive(Serialize, ToSchema)]
pub struct SuggestAnswer<'a> {
    /// Best first; at most 8, none for text that is no query yet.
    suggestions: Vec<SuggestionJson<'a>>,
}

/// `GET /api/products/{id}/similar`'s answer.
#[derive(Serialize, ToSchema)]
pub struct ProductSimilarAnswer<'a> {
    product: ProductJson<'a>,
    /// Most alike first; one entry per formula.
    similar: Vec<SimilarJson<'a>>,
}

/// `POST /api/similar`'s answer.
#[derive(Serialize, ToSchema)]
pub struct ListSimilarAnswer<'a> {
    /// The pasted ingredients as understood (INCI names), in the list's order.
    ingredients: Vec<&'a str>,
    /// Most alike first.
    similar: Vec<SimilarJson<'a>>,
}

/// Products to offer under the search box as a person types. Text that is no query yet
/// (empty, only punctuation) has no suggestions rather than an error.
#[utoipa::path(
    get,
    path = "/api/suggest",
    tag = "search",
    params(("q" = Option<String>, Query, description = "What has been typed so far")),
    responses(
        (status = 200, description = "Products to offer", body = SuggestAnswer),
        (status = 429, description = "Too many searches from this address (see Retry-After)", body = ErrorAnswer),
    )
)]
pub async fn suggest(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let typed = crate::web::lenient_query::<crate::web::pages::search::SearchParams>(&req).q;
    let index = state.catalog.snapshot();
    let query = SearchQuery::parse(&typed).ok();
    if query.is_some() {
        if let Err(wait) = state.safeguards.searches.take(client_address(&req)) {
            return too_many(crate::web::pages::search::too_many_searches(wait), wait);
        }
    }
    let suggestions: Vec<SuggestionJson> = match query {
        Some(query) => index
            .search(query.as_str(), MAX_SUGGESTIONS)
            .into_iter()
            .map(|(p, _)| SuggestionJson {
                id: p.id,
                brand: &p.brand,
                name: &p.name,
                href: format!("/products/{}", p.id),
            })
            .collect(),
        None => Vec::new(),
    };
    HttpResponse::Ok().json(SuggestAnswer { suggestions })
}

#[derive(Deserialize)]
struct SimilarParams {
    limit: Option<String>,
    other_brands: Option<String>,
}

/// `other_brands=true` (or `1`) asks for products of other brands only; `false`, `0` or none
/// for all.
fn parse_other_brands(raw: Option<&str>) -> Result<bool, ApiError> {
    match raw {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(ApiError::bad_request("other_brands must be true or false")),
    }
}

fn parse_limit(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw {
        None => Ok(DEFAULT_LIMIT),
        // Digits only: the document says an integer, so `+4` or ` 4` is not one.
        Some(text) => Some(text)
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|t| t.parse::<usize>().ok())
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}"
                ))
            }),
    }
}

/// A product and the products whose ingredient lists are most like its own.
#[utoipa::path(
    get,
    path = "/api/products/{id}/similar",
    tag = "similar",
    params(
        ("id" = i32, Path, minimum = 1, description = "The product's id"),
        ("limit" = Option<i32>, Query, minimum = 1, maximum = 50, description = "How many, 1 to 50 (4 if left out)"),
        ("other_brands" = Option<String>, Query, pattern = "^(true|false|1|0)$", description = "`true` or `1`: other brands only; `false` or `0`: all (the default)"),
    ),
    responses(
        (status = 200, description = "The product and its most similar products", body = ProductSimilarAnswer),
        (status = 400, description = "A limit or other_brands that cannot be read", body = ErrorAnswer),
        (status = 404, description = "No product with this id (or an id that is not a positive whole number)", body = ErrorAnswer),
    )
)]
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
    let id = crate::web::parse_row_id(&path).ok_or_else(not_found)?;
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
    Ok(HttpResponse::Ok().json(ProductSimilarAnswer {
        product: product_json(&index, product),
        similar,
    }))
}

/// A pasted ingredient list.
#[derive(Deserialize, ToSchema)]
pub struct PasteRequest {
    /// The list as on a label, Korean or INCI names, separated by commas or lines
    /// (at most 20,000 characters).
    #[schema(example = "Water, Glycerin, Niacinamide, Panthenol", min_length = 1)]
    ingredients: String,
    /// How many similar products, 1 to 50 (4 if left out).
    #[schema(minimum = 1, maximum = 50)]
    limit: Option<u32>,
}

/// The products whose ingredient lists are most like a pasted one.
#[utoipa::path(
    post,
    path = "/api/similar",
    tag = "similar",
    request_body = PasteRequest,
    responses(
        (status = 200, description = "The list as understood and its most similar products", body = ListSimilarAnswer),
        (status = 400, description = "No list, one too long, a limit out of range, or JSON that is not this shape", body = ErrorAnswer),
        (status = 413, description = "A body over 256 KB", body = ErrorAnswer),
        (status = 415, description = "A body that is not application/json", body = ErrorAnswer),
        (status = 429, description = "Too many lists from this address (see Retry-After)", body = ErrorAnswer),
        (status = 503, description = "Every list job is taken (see Retry-After)", body = ErrorAnswer),
    )
)]
pub async fn similar_to_list(
    req: HttpRequest,
    body: web::Json<PasteRequest>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let limit = parse_limit(request.limit.map(|n| n.to_string()).as_deref())?;
    if let Err(wait) = state.safeguards.pasted_lists.take(client_address(&req)) {
        return Ok(too_many(
            crate::web::pages::similar::too_many_lists(wait),
            wait,
        ));
    }
    let index = state.catalog.snapshot();
    on_list_jobs(&state, move || {
        let pasted = PastedText::parse(&request.ingredients)
            .map_err(|e| ApiError::bad_request(e.message()))?;
        let (understood, found) = index.similar_to_pasted(&pasted, limit);
        let similar: Vec<SimilarJson> = found.iter().map(SimilarJson::new).collect();
        let understood: Vec<&str> = understood
            .iter()
            .map(|u| u.canonical.name.as_str())
            .collect();
        json_body(&ListSimilarAnswer {
            ingredients: understood,
            similar,
        })
    })
    .await
}

/// A 429 saying how long to wait, in words and in `Retry-After`.
fn too_many(message: Message, wait: std::time::Duration) -> HttpResponse {
    let mut response = ApiError(Failure::TooManyRequests(message)).error_response();
    crate::web::errors::set_retry_after(&mut response, wait);
    response
}

/// Runs `answer` (a pasted list read and ranked, made into JSON) on the list jobs' blocking
/// threads, off the async workers; a 503 when they and their queue are full.
async fn on_list_jobs(
    state: &AppState,
    answer: impl FnOnce() -> Result<String, ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    match on_job_queue(&state.list_jobs, answer).await {
        Ok(Ok(Ok(json))) => Ok(HttpResponse::Ok()
            .content_type("application/json")
            .body(json)),
        Ok(Ok(Err(e))) => Err(e),
        // Retry-After: the site's default for a 503 (`localized_errors`).
        Ok(Err(_busy)) => Err(ApiError(Failure::Unavailable(busy_message()))),
        Err(page) => Err(ApiError(page.0)),
    }
}

fn json_body(answer: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(answer).map_err(|e| ApiError(Failure::Internal(e.to_string())))
}

/// One item of a photo's list as read: the label's name and the catalog ingredient it is.
#[derive(Serialize, ToSchema)]
pub struct ReadIngredient<'a> {
    /// The name as read from the label.
    label: &'a str,
    /// The catalog ingredient it resolved to; `null` when nobody knows the name.
    ingredient_id: Option<i32>,
}

/// `POST /api/similar/photo`'s answer.
#[derive(Serialize, ToSchema)]
pub struct PhotoSimilarAnswer<'a> {
    /// The ingredient list as OCR read it (after its heading, before the next section).
    text: &'a str,
    ingredients: Vec<ReadIngredient<'a>>,
    /// Most alike first.
    similar: Vec<SimilarJson<'a>>,
}

/// A photo upload, as the API takes it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhotoUpload {
    /// A photo of the label's ingredient list: JPEG, PNG or WebP, at most 10 MB and 50
    /// megapixels.
    #[schema(value_type = String, format = Binary)]
    image: Vec<u8>,
    /// How many similar products, 1 to 50 (4 if left out).
    #[schema(minimum = 1, maximum = 50)]
    limit: Option<u32>,
}

/// The products whose ingredient lists are most like the one in a photo of a label (전성분).
#[utoipa::path(
    post,
    path = "/api/similar/photo",
    tag = "similar",
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The list as read and its most similar products", body = PhotoSimilarAnswer),
        (status = 400, description = "No image, a damaged one, one with no text, or a limit out of range", body = ErrorAnswer),
        (status = 413, description = "An image over 10 MB or 50 megapixels", body = ErrorAnswer),
        (status = 415, description = "Not a JPEG, PNG or WebP image, or not a multipart form", body = ErrorAnswer),
        (status = 429, description = "Too many photos from this address; try again later", body = ErrorAnswer),
        (status = 503, description = "Every OCR job is taken (see Retry-After)", body = ErrorAnswer),
    )
)]
pub async fn similar_to_photo(
    req: HttpRequest,
    payload: actix_multipart::Multipart,
    state: web::Data<AppState>,
) -> HttpResponse {
    use crate::web::photo::{read_photo, read_upload, PhotoFailure};
    let upload = match read_upload(&req, payload).await {
        Ok(upload) => upload,
        Err(e) => return PhotoFailure::Photo(e).api_response(),
    };
    let limit = match parse_limit(upload.limit.as_deref().map(str::trim)) {
        Ok(limit) => limit,
        Err(e) => return e.error_response(),
    };
    let read = match read_photo(&req, &state, upload.image).await {
        Ok(read) => read,
        Err(failure) => return failure.api_response(),
    };
    let index = state.catalog.snapshot();
    let answered = on_list_jobs(&state, move || {
        let pasted =
            PastedText::parse(&read.list).map_err(|e| ApiError::bad_request(e.message()))?;
        let (understood, found) = index.similar_to_label(&pasted, limit, &read.above);
        json_body(&PhotoSimilarAnswer {
            text: &read.list,
            ingredients: understood
                .iter()
                .map(|u| ReadIngredient {
                    label: &u.label_name,
                    ingredient_id: u.known.map(|i| i.id),
                })
                .collect(),
            similar: found.iter().map(SimilarJson::new).collect(),
        })
    })
    .await;
    answered.unwrap_or_else(|e| e.error_response())
}

/// A method the endpoint does not take: 405, with `Allow` naming the one it does.
fn method_not_allowed(allow: &'static str) -> HttpResponse {
    let message = format!("this endpoint takes {allow} requests only");
    let message_ko = format!("이 주소는 {allow} 요청만 받습니다.");
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, allow))
        .json(ErrorAnswer {
            error: ErrorDetail {
                status: 405,
                message: &message,
                message_ko: &message_ko,
            },
        })
}

pub async fn only_get() -> HttpResponse {
    method_not_allowed("GET")
}

pub async fn only_post() -> HttpResponse {
    method_not_allowed("POST")
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
