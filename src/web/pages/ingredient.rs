//! `/ingredients/{id}`: an ingredient and the products holding it, a page at a time.

use crate::web::pages::frame::{framed_pages, PageFrame};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::i18n::{fill, Lang, Message};
use crate::web::errors::{render, PageError};
use crate::web::pages::head::{Head, Origin};
use crate::web::views::{IngredientChip, ProductView};

/// Products on one page of an ingredient.
pub const PRODUCTS_PER_PAGE: usize = 30;

#[derive(Debug, Default, Deserialize)]
pub struct PageParam {
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "ingredient.html")]
struct IngredientPage<'a> {
    frame: PageFrame,
    ingredient: IngredientChip<'a>,
    products: Vec<ProductView<'a>>,
    total: usize,
    page: usize,
    last_page: usize,
    /// The list number of the page's first product.
    first_number: usize,
}
framed_pages!(IngredientPage<'a>);

pub async fn ingredient_page(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let index = state.catalog.snapshot();
    let ingredient = path
        .parse::<i32>()
        .ok()
        .and_then(|id| index.ingredient(id))
        .ok_or_else(|| {
            PageError::not_found(Message::new(
                format!("성분 '{path}'을(를) 찾을 수 없습니다."),
                format!("No ingredient '{path}'."),
            ))
        })?;
    let holding = index.products_with(ingredient.id);
    let last_page = holding.len().div_ceil(PRODUCTS_PER_PAGE).max(1);
    // A page past the end shows the last one; anything unreadable, the first.
    let page = crate::web::lenient_query::<PageParam>(&req)
        .page
        .trim()
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, last_page);
    let start = (page - 1) * PRODUCTS_PER_PAGE;
    let products = holding
        .iter()
        .skip(start)
        .take(PRODUCTS_PER_PAGE)
        .filter_map(|id| index.product(*id))
        .map(ProductView::new)
        .collect();
    let chip = IngredientChip::new(ingredient, false);
    let t = lang.texts();
    let title = match &chip.name_ko {
        Some(ko) => format!("{} ({ko})", chip.name),
        None => chip.name.to_string(),
    };
    let mut description = fill(t.describe_ingredient, &title).to_string();
    if let Some(functions) = &chip.functions {
        description = format!("{description} {functions}.");
    }
    let origin = Origin::of(&req);
    let canonical = match page {
        1 => format!("/ingredients/{}", chip.id),
        page => format!("/ingredients/{}?page={page}", chip.id),
    };
    render(&IngredientPage {
        frame: PageFrame::new(
            lang,
            Head::new(description)
                .canonical(&origin, &canonical)
                .card(&origin, title, lang),
        ),
        ingredient: chip,
        products,
        total: holding.len(),
        page,
        last_page,
        first_number: start + 1,
    })
}
