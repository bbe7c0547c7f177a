use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::errors::{render_with, PageError};
use super::narrowing::{NarrowingForm, NarrowingView};
use super::views::{shared_ids, IngredientChip, ProductView, SimilarCard};
use super::visitor::AdminStatus;
use crate::i18n::{Lang, Message, Texts};
use crate::startup::AppState;

/// How many similar products a product page shows.
pub const SIMILAR_ON_PAGE: usize = 4;

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    t: &'static Texts,
    product: ProductView,
    ingredients: Vec<IngredientChip>,
    similar: Vec<SimilarCard>,
    is_admin: bool,
    filters: NarrowingView,
    without_note: Option<Message>,
    price_error: Option<Message>,
    /// Each card links to a side-by-side comparison with this product.
    compare_with: Option<i32>,
}

/// A product id that names no product.
pub fn no_such_product(raw: &str) -> PageError {
    PageError::not_found(Message::new(
        format!("상품 '{raw}'을(를) 찾을 수 없습니다."),
        format!("No product '{raw}'."),
    ))
}

pub async fn product_page(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    admin: AdminStatus,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let id = super::parse_product_id(&path).ok_or_else(|| no_such_product(&path))?;
    let index = state.catalog.snapshot();
    let product = index.product(id).ok_or_else(|| no_such_product(&path))?;
    // An unreadable query string narrows nothing: the page is still worth showing.
    let form = web::Query::<NarrowingForm>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let asked = form.read(&index, product);
    let similar: Vec<SimilarCard> = index
        .similar_products_narrowed(id, SIMILAR_ON_PAGE, &asked.narrowing)
        .unwrap_or_default()
        .iter()
        .map(|found| SimilarCard::new(&index, found))
        .collect();
    let shared_with_any = shared_ids(&similar);
    let ingredients = index
        .ingredients_of(id)
        .into_iter()
        .map(|i| IngredientChip::new(&index, i, shared_with_any.contains(&i.id)))
        .collect();
    let status = if asked.price_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_with(
        status,
        &ProductPage {
            t: lang.texts(),
            product: ProductView::new(product),
            ingredients,
            similar,
            is_admin: admin.signed_in,
            filters: asked.view,
            without_note: asked.without_note,
            price_error: asked.price_error,
            compare_with: Some(id),
        },
    )
}
