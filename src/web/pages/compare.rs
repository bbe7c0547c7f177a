//! `/compare?a=ID&b=ID`: two products side by side, the ingredients in both and in each only.

use crate::web::pages::frame::{framed_pages, PageFrame};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::i18n::{fill, Lang, Message};
use crate::web::errors::{render, PageError};
use crate::web::pages::head::{Head, Origin};
use crate::web::pages::product::no_such_product;
use crate::web::views::{percent, IngredientChip, ProductView};

#[derive(Debug, Default, Deserialize)]
pub struct CompareParams {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage<'a> {
    frame: PageFrame,
    a: ProductView<'a>,
    b: ProductView<'a>,
    percent: u32,
    both: Vec<IngredientChip<'a>>,
    only_a: Vec<IngredientChip<'a>>,
    only_b: Vec<IngredientChip<'a>>,
}
framed_pages!(ComparePage<'a>);

pub async fn compare_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let params = crate::web::lenient_query::<CompareParams>(&req);
    if params.a.trim().is_empty() || params.b.trim().is_empty() {
        return Err(PageError(crate::web::errors::Failure::BadRequest(Message::new(
            "비교할 두 제품을 골라 주세요 (제품 페이지의 '성분 나란히 비교' 링크).",
            "Choose two products to compare (the 'Compare side by side' link on a product page).",
        ))));
    }
    let index = state.catalog.snapshot();
    let product = |raw: &str| {
        crate::web::parse_row_id(raw)
            .and_then(|id| index.product(id))
            .ok_or_else(|| no_such_product(raw))
    };
    let (a, b) = (product(&params.a)?, product(&params.b)?);
    let compared = index.compare(a.id, b.id);
    let chips = |ids: &[i32], shared: bool| -> Vec<IngredientChip> {
        ids.iter()
            .filter_map(|id| index.ingredient(*id))
            .map(|i| IngredientChip::new(i, shared))
            .collect()
    };
    let t = lang.texts();
    let title = format!("{} {} ↔ {} {}", a.brand, a.name, b.brand, b.name);
    let origin = Origin::of(&req);
    let page = ComparePage {
        frame: PageFrame::new(
            lang,
            Head::new(fill(t.describe_compare, &title))
                .canonical(&origin, &format!("/compare?a={}&b={}", a.id, b.id))
                .card(&origin, title, lang),
        ),
        a: ProductView::new(a),
        b: ProductView::new(b),
        percent: percent(compared.score),
        both: chips(&compared.both, true),
        only_a: chips(&compared.only_a, false),
        only_b: chips(&compared.only_b, false),
    };
    render(&page)
}
