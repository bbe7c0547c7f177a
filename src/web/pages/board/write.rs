use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::form_page::PostFormPage;
use super::see_other;
use crate::board::actions;
use crate::board::product_link::choose_product;
use crate::board::{PostCategory, PostDraft, PostForm};
use crate::i18n::Message;
use crate::security::RateKey;
use crate::web::blocking::with_storage;
use crate::web::errors::PageError;
use crate::web::middleware::visitor::{client_address, CheckedForm};
use crate::web::safeguards::{wait_message, POSTS};
use crate::web::PageContext;

/// What a link to the form may fill in: from "nothing found" (a product request for the query)
/// or from a product page (a correction of that product).
#[derive(Debug, Default, Deserialize)]
pub struct NewPostParams {
    #[serde(default)]
    category: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    product_id: String,
}

pub async fn new_post_form(
    req: HttpRequest,
    PageContext(state, visitor, admin, lang): PageContext,
) -> Result<HttpResponse, PageError> {
    let params = crate::web::lenient_query::<NewPostParams>(&req);
    let product: String = params.product.chars().take(200).collect();
    let title = match (params.category.as_str(), product.trim()) {
        ("request", name) if !name.is_empty() => {
            format!(
                "{}: {name}",
                lang.pick(PostCategory::ProductRequest.label())
            )
        }
        _ => String::new(),
    };
    let form = PostForm {
        category: params.category,
        title,
        product,
        product_id: params.product_id,
        ..PostForm::default()
    };
    let index = state.catalog.snapshot();
    // Only a product id from a product page's link is taken as chosen; nothing is looked up yet.
    let choice = choose_product(&index, &form.product_id, "");
    PostFormPage::new(form, admin.signed_in, visitor.csrf_token(), lang)
        .with_product(&index, &choice)
        .render(StatusCode::OK)
}

pub async fn create_post(
    req: HttpRequest,
    form: CheckedForm<PostForm>,
    PageContext(state, visitor, admin, lang): PageContext,
) -> Result<HttpResponse, PageError> {
    let form = form.0;
    let address = client_address(&req);
    let index = state.catalog.snapshot();
    let page =
        |form: PostForm| PostFormPage::new(form, admin.signed_in, visitor.csrf_token(), lang);
    let choice = choose_product(&index, &form.product_id, &form.product);
    let draft = match PostDraft::parse(&form, admin.signed_in, !admin.signed_in) {
        Ok(draft) => draft,
        Err(errors) => {
            return PostFormPage {
                errors,
                ..page(form).with_product(&index, &choice)
            }
            .render(StatusCode::BAD_REQUEST);
        }
    };
    let Some((product_id, product_name)) = choice.stored() else {
        return PostFormPage {
            message: Some(ask_product()),
            ..page(form).with_product(&index, &choice)
        }
        .render(StatusCode::OK);
    };
    let content = draft.content(product_id, &product_name);
    let cost = state.safeguards.post_password_cost;
    let password_hash = web::block(move || actions::hash_draft_password(&draft, cost))
        .await
        .map_err(PageError::internal)??;
    let limit = (!admin.signed_in).then(|| (state.safeguards.posting, RateKey::client(address)));
    let created = with_storage(&state, move |conn| {
        actions::create_post(conn, &content, password_hash.as_deref(), limit)
    })
    .await;
    let id = match created {
        Ok(Ok(id)) => id,
        Ok(Err(wait)) => {
            return PostFormPage {
                message: Some(wait_message(wait, POSTS)),
                ..page(form).with_product(&index, &choice)
            }
            .render(StatusCode::TOO_MANY_REQUESTS);
        }
        Err(error) => {
            return page(form)
                .with_product(&index, &choice)
                .after_failed_save(error)
        }
    };
    Ok(see_other(format!("/board/{id}")))
}

pub fn ask_product() -> Message {
    Message::new(
        "입력한 이름과 비슷한 제품이 카탈로그에 있습니다. 어느 제품인지 고른 뒤 다시 보내 주세요.",
        "The catalog has products like the name you typed; choose one (or 'not listed') and send again.",
    )
}
