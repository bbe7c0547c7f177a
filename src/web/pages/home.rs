use actix_web::{web, HttpResponse};
use askama::Template;

use crate::app_state::AppState;
use crate::catalog::demo::DEMO_SOURCE;
use crate::i18n::{Lang, Texts};
use crate::web::errors::{render, PageError};
use crate::web::pages::head::{Head, Origin};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: &'static Texts,
    head: Head,
    query: String,
    product_count: usize,
    is_demo: bool,
}

pub async fn home_page(
    state: web::Data<AppState>,
    lang: Lang,
    origin: Origin,
) -> Result<HttpResponse, PageError> {
    let index = state.catalog.snapshot();
    let t = lang.texts();
    render(&HomePage {
        t,
        head: Head::new(t.describe_site).canonical(&origin, "/").card(
            &origin,
            format!("{} seongbun", t.site_name),
            lang,
        ),
        query: String::new(),
        product_count: index.product_count(),
        is_demo: index.has_products_from(DEMO_SOURCE),
    })
}
