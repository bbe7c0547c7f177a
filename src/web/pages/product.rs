use crate::web::pages::frame::{framed_pages, PageFrame};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::answer_cache::Answer;
use crate::catalog::model::ProductSummary;
use crate::i18n::{Lang, Message};
use crate::live_catalog::CatalogIndex;
use crate::similarity::narrowing::same_brand;
use crate::similarity::Narrowing;
use crate::web::errors::{render, PageError};
use crate::web::kept_answers::{answer_key, keep, respond};
use crate::web::middleware::visitor::AdminStatus;
use crate::web::pages::head::{Head, Origin};
use crate::web::pages::narrowing_form::{NarrowingForm, NarrowingView};
use crate::web::views::{shared_ids, IngredientChip, ProductView, SimilarCard};
use crate::web::PageContext;

/// How many similar products a product page shows.
pub const SIMILAR_ON_PAGE: usize = 4;

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage<'a> {
    frame: PageFrame,
    product: ProductView<'a>,
    ingredients: Vec<IngredientChip<'a>>,
    similar: Vec<SimilarCard<'a>>,
    is_admin: bool,
    filters: NarrowingView,
    without_note: Option<Message>,
    price_error: Option<Message>,
    /// Each card links to a side-by-side comparison with this product.
    compare_with: Option<i32>,
    /// How many of `ingredients` are shown before the fold; the rest are one tap away.
    folded_at: usize,
    /// Whether the rest are on the list's own page (a long list) rather than folded here.
    list_on_own_page: bool,
    /// The other products with this product's formula (its Mini, its Refill).
    same_formula: Vec<ProductView<'a>>,
    /// Whether all of a full set of similar products are this product's brand.
    all_same_brand: bool,
}
framed_pages!(ProductPage<'a>);

/// The ingredients a product page shows before folding the rest (a label has 30 to 60).
const INGREDIENTS_BEFORE_FOLD: usize = 12;

/// A list longer than this (a kit's or a set's, 150 to 250 ingredients with both their names)
/// is shown whole on a page of its own, one tap away, rather than folded inside the product
/// page: it made the largest product pages 40 to 70 KB of HTML that every visitor downloaded.
const LONGEST_LIST_ON_PAGE: usize = 60;

#[derive(Template)]
#[template(path = "product_ingredients.html")]
struct IngredientListPage<'a> {
    frame: PageFrame,
    product: ProductView<'a>,
    ingredients: Vec<IngredientChip<'a>>,
}
framed_pages!(IngredientListPage<'a>);

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
    PageContext(state, _, admin, lang): PageContext,
) -> Result<HttpResponse, PageError> {
    let index = state.catalog.snapshot();
    // The admin's page carries edit links: made afresh, never kept.
    let key = (!admin.signed_in).then(|| answer_key(&req, index.version(), lang));
    if let Some(kept) = key.as_ref().and_then(|key| state.answers.get(key)) {
        return Ok(respond(&kept, &req));
    }
    let mut answer = product_answer(&req, &path, &index, admin, lang)?;
    if let Some(key) = key {
        answer = keep(&state, &req, key, answer);
    }
    Ok(respond(&answer, &req))
}

/// The product page: the product, its ingredients, the 4 most similar (narrowed as asked).
fn product_answer(
    req: &HttpRequest,
    path: &str,
    index: &CatalogIndex,
    admin: AdminStatus,
    lang: Lang,
) -> Result<Answer, PageError> {
    let id = crate::web::parse_row_id(path).ok_or_else(|| no_such_product(path))?;
    let product = index.product(id).ok_or_else(|| no_such_product(path))?;
    // An unreadable query string narrows nothing: the page is still worth showing.
    let asked = crate::web::lenient_query::<NarrowingForm>(req).read(index, product);
    let similar = similar_cards(index, id, &asked.narrowing);
    let all_same_brand = similar.len() == SIMILAR_ON_PAGE
        && similar
            .iter()
            .all(|card| same_brand(&card.product.brand, &product.brand));
    let ingredients = own_list(index, id, &similar);
    let list_on_own_page = ingredients.len() > LONGEST_LIST_ON_PAGE;
    // A list a few chips longer than the fold is shown whole: folding 2 saves nothing.
    let folded_at = if ingredients.len() <= INGREDIENTS_BEFORE_FOLD + 3 {
        ingredients.len()
    } else {
        INGREDIENTS_BEFORE_FOLD
    };
    let status = if asked.price_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = ProductPage {
        frame: PageFrame::new(lang, product_head(req, product, &ingredients, lang)),
        product: ProductView::new(product),
        ingredients,
        similar,
        is_admin: admin.signed_in,
        filters: asked.view,
        without_note: asked.without_note,
        price_error: asked.price_error,
        compare_with: Some(id),
        folded_at,
        list_on_own_page,
        same_formula: index
            .same_formula_as(id)
            .into_iter()
            .map(ProductView::new)
            .collect(),
        all_same_brand,
    };
    let body = page.render().map_err(PageError::internal)?;
    Ok(Answer::html(status, body))
}

/// The cards of product `id`'s most similar products under `narrowing`.
fn similar_cards<'a>(
    index: &'a CatalogIndex,
    id: i32,
    narrowing: &Narrowing,
) -> Vec<SimilarCard<'a>> {
    index
        .similar_products_narrowed(id, SIMILAR_ON_PAGE, narrowing)
        .unwrap_or_default()
        .iter()
        .map(SimilarCard::beside_product)
        .collect()
}

/// Product `id`'s list as chips, those shared with any of `similar` highlighted.
fn own_list<'a>(
    index: &'a CatalogIndex,
    id: i32,
    similar: &[SimilarCard],
) -> Vec<IngredientChip<'a>> {
    let shared_with_any = shared_ids(similar);
    index
        .ingredients_of(id)
        .into_iter()
        .map(|i| IngredientChip::new(i, shared_with_any.contains(&i.id)))
        .collect()
}

/// `/products/{id}/ingredients`: a product's whole list, each ingredient as on the product page
/// (its names, its link, shared with one of the 4 similar products or not).
pub async fn ingredient_list_page(
    req: HttpRequest,
    path: web::Path<String>,
    PageContext(state, _, _, lang): PageContext,
) -> Result<HttpResponse, PageError> {
    let index = state.catalog.snapshot();
    let id = crate::web::parse_row_id(&path).ok_or_else(|| no_such_product(&path))?;
    let product = index.product(id).ok_or_else(|| no_such_product(&path))?;
    // The 4 the product page shows by default (or as narrowed here), so that the highlights
    // are the ones the product page gives.
    let asked = crate::web::lenient_query::<NarrowingForm>(&req).read(&index, product);
    let similar = similar_cards(&index, id, &asked.narrowing);
    let ingredients = own_list(&index, id, &similar);
    let t = lang.texts();
    let title = format!("{} {}", product.brand, product.name);
    let head = Head::new(format!(
        "{title} — {}. {}",
        crate::i18n::fill(t.show_all_ingredients, ingredients.len()),
        t.describe_product
    ))
    .canonical(&Origin::of(&req), &format!("/products/{id}/ingredients"));
    render(&IngredientListPage {
        frame: PageFrame::new(lang, head),
        product: ProductView::new(product),
        ingredients,
    })
}

/// How many of a product's first ingredients its description names.
const LEADING_IN_DESCRIPTION: usize = 5;

/// A product page's description (brand, name, leading ingredients), its one address (without
/// the narrowing conditions) and its share card.
fn product_head(
    req: &HttpRequest,
    product: &ProductSummary,
    ingredients: &[IngredientChip],
    lang: Lang,
) -> Head {
    let t = lang.texts();
    let title = format!("{} {}", product.brand, product.name);
    // The product and its leading ingredients first: search engines cut a description short.
    let mut description = title.clone();
    if !ingredients.is_empty() {
        let leading: Vec<&str> = ingredients
            .iter()
            .take(LEADING_IN_DESCRIPTION)
            .map(|chip| match (lang, chip.name_ko) {
                (Lang::Ko, Some(ko)) => ko,
                _ => chip.name,
            })
            .collect();
        description = format!(
            "{description} — {}: {}.",
            t.describe_leading,
            leading.join(", ")
        );
    }
    let description = format!("{description} {}", t.describe_product);
    let origin = Origin::of(req);
    Head::new(description)
        .canonical(&origin, &format!("/products/{}", product.id))
        .card(&origin, title, lang)
}
