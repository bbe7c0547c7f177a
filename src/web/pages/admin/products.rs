//! The admin's catalog edits. Each change is written, then the running index is refreshed in
//! the same blocking call, so the product is searchable and in similarity results at once.

use crate::web::pages::frame::{framed_pages, Choice, PageFrame};
use crate::web::pages::head::Head;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::board::store as board_store;
use crate::catalog::category::{category_label, CATEGORIES};
use crate::catalog::product_form::{ProductDraft, ProductForm, ADMIN_SOURCE};
use crate::catalog::store::{self, EditError};
use crate::form::FieldErrors;
use crate::i18n::{Lang, Message};
use crate::live_catalog::LiveCatalog;
use crate::web::blocking::{storage_failure, with_connection, with_storage};
use crate::web::errors::{render_with, PageError};
use crate::web::middleware::visitor::{Admin, CheckedForm, Visitor};
use crate::web::see_other;
use crate::web::PageContext;
use crate::web::PathId;

#[derive(Template)]
#[template(path = "admin/product_form.html")]
struct ProductFormPage {
    frame: PageFrame,
    /// `None` when adding.
    editing: Option<i32>,
    form: ProductForm,
    errors: FieldErrors,
    categories: Vec<Choice>,
    csrf: String,
}
framed_pages!(ProductFormPage);

impl ProductFormPage {
    fn new(
        editing: Option<i32>,
        form: ProductForm,
        errors: FieldErrors,
        visitor: &Visitor,
        lang: Lang,
    ) -> Self {
        let categories = CATEGORIES
            .iter()
            .map(|slug| Choice {
                slug,
                label: lang.pick(category_label(slug)),
                selected: *slug == form.category,
            })
            .collect();
        ProductFormPage {
            frame: PageFrame::new(lang, Head::new(lang.texts().describe_admin).noindex()),
            editing,
            form,
            errors,
            categories,
            csrf: visitor.csrf_token().to_string(),
        }
    }
}

/// A product, as an admin page's `{id}` names it (`PathId<ProductRow>`).
pub struct ProductRow;

impl crate::web::RowKind for ProductRow {
    fn not_found() -> PageError {
        edit_failure(EditError::NotFound)
    }
}

fn edit_failure(error: EditError) -> PageError {
    match error {
        EditError::NotFound => PageError::not_found(Message::new(
            "그런 제품이 없습니다.",
            "There is no such product.",
        )),
        EditError::Storage(e) => storage_failure(e),
        EditError::Exists(id) => PageError::bad_request(Message::new(
            format!("이미 있는 제품입니다 (/products/{id})."),
            format!("The product exists already (/products/{id})."),
        )),
    }
}

/// Saves with `write`, then refreshes the running index from the database.
async fn write_and_refresh<T: Send + 'static>(
    state: &AppState,
    write: impl FnOnce(&mut crate::db::Conn) -> Result<T, EditError> + Send + 'static,
) -> Result<Result<T, EditError>, PageError> {
    let catalog: Arc<LiveCatalog> = state.catalog.clone();
    with_connection(state, move |conn| {
        let written = write(conn)?;
        // The change is saved; if this refresh fails, the background refresher catches up.
        if let Err(e) = catalog.refresh_if_changed(conn) {
            log::warn!("could not refresh the catalog after an edit: {e}");
        }
        Ok(written)
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct NewProductParams {
    #[serde(default)]
    post: String,
}

pub async fn new_product_form(
    req: HttpRequest,
    PageContext(state, visitor, _, lang): PageContext,
    _admin: Admin,
) -> Result<HttpResponse, PageError> {
    let post = crate::web::lenient_query::<NewProductParams>(&req)
        .post
        .parse::<i32>()
        .ok();
    let mut form = ProductForm::default();
    if let Some(post_id) = post {
        let found = with_storage(&state, move |conn| board_store::find_post(conn, post_id)).await?;
        if let Some(post) = found {
            form.name = post.product_name;
            form.post = post.id.to_string();
        }
    }
    render_with(
        StatusCode::OK,
        &ProductFormPage::new(None, form, FieldErrors::default(), &visitor, lang),
    )
}

pub async fn add_product(
    form: CheckedForm<ProductForm>,
    PageContext(state, visitor, _, lang): PageContext,
    _admin: Admin,
) -> Result<HttpResponse, PageError> {
    let form = form.0;
    let draft = match ProductDraft::parse(&form) {
        Ok(draft) => draft,
        Err(errors) => return form_again(None, form, errors, &visitor, lang),
    };
    let product = draft.into_product(None, String::new(), ADMIN_SOURCE.to_string());
    let post = form.post.parse::<i32>().ok();
    let index = state.catalog.snapshot();
    let added = write_and_refresh(&state, move |conn| {
        let id = store::add_product(conn, &product, index.resolver())?;
        if let Some(post) = post {
            board_store::link_added_product(conn, post, id)?;
        }
        Ok(id)
    })
    .await?;
    match added {
        Ok(id) => {
            log::info!("the admin added product {id}");
            Ok(see_other(match post {
                Some(post) => format!("/board/{post}"),
                None => format!("/products/{id}"),
            }))
        }
        Err(EditError::Exists(id)) => form_again(None, form, exists_errors(id), &visitor, lang),
        Err(other) => Err(edit_failure(other)),
    }
}

/// The form again, with the input kept and the messages beside their fields.
fn form_again(
    editing: Option<i32>,
    form: ProductForm,
    errors: FieldErrors,
    visitor: &Visitor,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    render_with(
        StatusCode::BAD_REQUEST,
        &ProductFormPage::new(editing, form, errors, visitor, lang),
    )
}

/// Another product already has this brand and name.
fn exists_errors(id: i32) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(
        "name",
        Message::new(
            format!("이 브랜드에 같은 이름의 제품이 이미 있습니다 (/products/{id})."),
            format!("This brand already has a product with this name (/products/{id})."),
        ),
    );
    errors
}

pub async fn edit_product_form(
    PageContext(state, visitor, _, lang): PageContext,
    _admin: Admin,
    PathId(id, _): PathId<ProductRow>,
) -> Result<HttpResponse, PageError> {
    let stored = with_storage(&state, move |conn| store::stored_product(conn, id))
        .await?
        .ok_or_else(|| edit_failure(EditError::NotFound))?;
    let form = ProductForm {
        brand: stored.brand,
        name: stored.name,
        category: stored.category,
        ingredients: stored.ingredients_raw,
        aliases: stored.aliases.join("\n"),
        post: String::new(),
    };
    render_with(
        StatusCode::OK,
        &ProductFormPage::new(Some(id), form, FieldErrors::default(), &visitor, lang),
    )
}

pub async fn save_product(
    form: CheckedForm<ProductForm>,
    PageContext(state, visitor, _, lang): PageContext,
    _admin: Admin,
    PathId(id, _): PathId<ProductRow>,
) -> Result<HttpResponse, PageError> {
    let form = form.0;
    let draft = match ProductDraft::parse(&form) {
        Ok(draft) => draft,
        Err(errors) => return form_again(Some(id), form, errors, &visitor, lang),
    };
    let index = state.catalog.snapshot();
    let saved = write_and_refresh(&state, move |conn| {
        // Price and source are not on the form: keep the stored ones.
        let stored = store::stored_product(conn, id)?.ok_or(EditError::NotFound)?;
        let product = draft.into_product(stored.price_cents, stored.currency, stored.source);
        store::update_product(conn, id, &product, index.resolver())
    })
    .await?;
    match saved {
        Ok(()) => Ok(see_other(format!("/products/{id}"))),
        Err(EditError::Exists(other)) => {
            form_again(Some(id), form, exists_errors(other), &visitor, lang)
        }
        Err(other) => Err(edit_failure(other)),
    }
}

#[derive(Template)]
#[template(path = "admin/product_delete.html")]
struct DeleteProductPage {
    frame: PageFrame,
    id: i32,
    brand: String,
    name: String,
    csrf: String,
}
framed_pages!(DeleteProductPage);

pub async fn delete_product_confirm(
    PageContext(state, visitor, _, lang): PageContext,
    _admin: Admin,
    PathId(id, _): PathId<ProductRow>,
) -> Result<HttpResponse, PageError> {
    let index = state.catalog.snapshot();
    let product = index
        .product(id)
        .ok_or_else(|| edit_failure(EditError::NotFound))?;
    render_with(
        StatusCode::OK,
        &DeleteProductPage {
            frame: PageFrame::new(lang, Head::new(lang.texts().describe_admin).noindex()),
            id,
            brand: product.brand.clone(),
            name: product.name.clone(),
            csrf: visitor.csrf_token().to_string(),
        },
    )
}

pub async fn delete_product(
    _form: CheckedForm<NewProductParams>,
    state: web::Data<AppState>,
    _admin: Admin,
    PathId(id, _): PathId<ProductRow>,
) -> Result<HttpResponse, PageError> {
    write_and_refresh(&state, move |conn| store::delete_product(conn, id))
        .await?
        .map_err(edit_failure)?;
    log::info!("the admin deleted product {id}");
    Ok(see_other("/".to_string()))
}
