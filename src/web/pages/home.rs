use crate::web::pages::frame::{framed_pages, PageFrame};
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::app_state::AppState;
use crate::catalog::demo::DEMO_SOURCE;
use crate::i18n::Lang;
use crate::web::errors::{render, PageError};
use crate::web::pages::head::{Head, Origin};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: PageFrame,
    query: String,
    product_count: usize,
    is_demo: bool,
}
framed_pages!(HomePage);

pub async fn home_page(
    state: web::Data<AppState>,
    lang: Lang,
    origin: Origin,
) -> Result<HttpResponse, PageError> {
    let index = state.catalog.snapshot();
    let t = lang.texts();
    render(&HomePage {
        frame: PageFrame::new(
            lang,
            Head::new(t.describe_site).canonical(&origin, "/").card(
                &origin,
                format!("{} seongbun", t.site_name),
                lang,
            ),
        ),
        query: String::new(),
        product_count: index.product_count(),
        is_demo: index.has_products_from(DEMO_SOURCE),
    })
}
