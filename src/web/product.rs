use actix_web::{web, HttpResponse};
use askama::Template;

use super::errors::{render, PageError};
use super::views::{shared_ids, IngredientChip, ProductView, SimilarCard};
use super::visitor::AdminStatus;
use crate::startup::AppState;

/// How many similar products a product page shows.
pub const SIMILAR_ON_PAGE: usize = 4;

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    product: ProductView,
    ingredients: Vec<IngredientChip>,
    similar: Vec<SimilarCard>,
    is_admin: bool,
}

pub async fn product_page(
    path: web::Path<String>,
    state: web::Data<AppState>,
    admin: AdminStatus,
) -> Result<HttpResponse, PageError> {
    let not_found = || {
        PageError::not_found(format!(
            "상품 '{}'을(를) 찾을 수 없습니다. · No product '{}'.",
            path, path
        ))
    };
    let id = super::parse_product_id(&path).ok_or_else(not_found)?;
    let index = state.catalog.snapshot();
    let product = index.product(id).ok_or_else(not_found)?;
    let similar: Vec<SimilarCard> = index
        .similar_products(id, SIMILAR_ON_PAGE)
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
    render(&ProductPage {
        product: ProductView::new(product),
        ingredients,
        similar,
        is_admin: admin.signed_in,
    })
}
