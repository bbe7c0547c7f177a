//! Editing a post: the admin goes straight to the form; an author types the post's password
//! first and gets a grant (a token in the form, valid for an hour) to save with.

use crate::web::pages::frame::{framed_pages, PageFrame};
use crate::web::pages::head::Head;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::form_page::PostFormPage;
use super::write::ask_product;
use super::{check_post_password, find_post, see_other, Guess, PasswordForm, PostId};
use crate::app_state::AppState;
use crate::board::product_link::{choose_product, NOT_LISTED};
use crate::board::store::Post;
use crate::board::{actions, PostDraft, PostForm};
use crate::i18n::{Lang, Message};
use crate::web::blocking::with_storage;
use crate::web::errors::{render_with, PageError};
use crate::web::middleware::visitor::{client_address, AdminStatus, CheckedForm, Visitor};
use crate::web::PageContext;
use crate::web::PathId;

/// The page asking for a post's password before an action (edit, delete).
#[derive(Template)]
#[template(path = "board/password.html")]
pub struct PasswordPage {
    pub frame: PageFrame,
    pub post_id: i32,
    pub title: String,
    /// `edit` or `delete`.
    pub action: &'static str,
    pub error: Option<Message>,
    pub is_admin: bool,
    pub csrf: String,
}
framed_pages!(PasswordPage);

impl PasswordPage {
    pub fn new(
        post: &Post,
        action: &'static str,
        error: Option<Message>,
        admin: AdminStatus,
        visitor: &Visitor,
        lang: Lang,
    ) -> Self {
        PasswordPage {
            frame: PageFrame::new(
                lang,
                Head::new(format!("{} · {}", post.title, lang.texts().describe_board)).noindex(),
            ),
            post_id: post.id,
            title: post.title.clone(),
            action,
            error,
            is_admin: admin.signed_in,
            csrf: visitor.csrf_token().to_string(),
        }
    }
}

/// The form filled with the post as stored.
fn filled_form(post: &Post) -> PostForm {
    PostForm {
        category: post.category.clone(),
        title: post.title.clone(),
        body: post.body.clone(),
        author: post.author.clone(),
        secret: post.is_secret.then(|| "on".to_string()),
        // An unlisted product stays unlisted: the author already said it is not in the catalog.
        product_id: match post.product_id {
            Some(id) => id.to_string(),
            None if !post.product_name.is_empty() => NOT_LISTED.to_string(),
            None => String::new(),
        },
        product: post.product_name.clone(),
        ..PostForm::default()
    }
}

fn edit_page(
    state: &AppState,
    post: &Post,
    admin: AdminStatus,
    visitor: &Visitor,
    grant: String,
    lang: Lang,
) -> PostFormPage {
    let index = state.catalog.snapshot();
    let form = filled_form(post);
    let choice = choose_product(&index, &form.product_id, &form.product);
    PostFormPage::new(form, admin.signed_in, visitor.csrf_token(), lang)
        .with_product(&index, &choice)
        .editing(post.id, grant)
}

pub async fn edit_start(
    PageContext(state, visitor, admin, lang): PageContext,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    let post = find_post(&state, id).await?;
    if admin.signed_in {
        return edit_page(&state, &post, admin, &visitor, String::new(), lang)
            .render(StatusCode::OK);
    }
    render_with(
        StatusCode::OK,
        &PasswordPage::new(&post, "edit", None, admin, &visitor, lang),
    )
}

pub async fn edit_verify(
    req: HttpRequest,
    form: CheckedForm<PasswordForm>,
    PageContext(state, visitor, admin, lang): PageContext,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    match check_post_password(&state, client_address(&req), id, form.0.password).await? {
        Guess::Right => {
            let post = find_post(&state, id).await?;
            let grants = state.safeguards.edit_grants;
            let grant = with_storage(&state, move |conn| grants.issue(conn, Some(id))).await?;
            edit_page(&state, &post, admin, &visitor, grant, lang).render(StatusCode::OK)
        }
        Guess::Refused(status, message) => {
            let post = find_post(&state, id).await?;
            render_with(
                status,
                &PasswordPage::new(&post, "edit", Some(message), admin, &visitor, lang),
            )
        }
    }
}

/// The edit form's fields, and the grant it carries.
#[derive(Debug, Default, serde::Deserialize)]
pub struct EditForm {
    #[serde(default)]
    grant: String,
    #[serde(flatten)]
    post: PostForm,
}

pub async fn save_edit(
    form: CheckedForm<EditForm>,
    PageContext(state, visitor, admin, lang): PageContext,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    let EditForm { grant, post: form } = form.0;
    let index = state.catalog.snapshot();
    let choice = choose_product(&index, &form.product_id, &form.product);
    let page = |form: PostForm| {
        PostFormPage::new(form, admin.signed_in, visitor.csrf_token(), lang)
            .with_product(&index, &choice)
            .editing(id, grant.clone())
    };
    let granted = if admin.signed_in {
        true
    } else {
        let (grants, token) = (state.safeguards.edit_grants, grant.clone());
        match with_storage(&state, move |conn| grants.get(conn, &token)).await {
            Ok(value) => value == Some(Some(id)),
            // The database cannot answer now: the edit stays in its form, to send again.
            Err(error) => return page(form).after_failed_save(error),
        }
    };
    if !granted {
        return Err(PageError(crate::web::errors::Failure::Forbidden(
            Message::new(
                "수정 권한이 만료되었습니다. 비밀번호를 다시 입력해 주세요.",
                "Your right to edit has expired; please enter the password again.",
            ),
        )));
    }
    let draft = match PostDraft::parse(&form, admin.signed_in, false) {
        Ok(draft) => draft,
        Err(errors) => {
            return PostFormPage {
                errors,
                ..page(form)
            }
            .render(StatusCode::BAD_REQUEST)
        }
    };
    let Some((product_id, product_name)) = choice.stored() else {
        return PostFormPage {
            message: Some(ask_product()),
            ..page(form)
        }
        .render(StatusCode::OK);
    };
    let content = draft.content(product_id, &product_name);
    let saved = with_storage(&state, move |conn| actions::edit_post(conn, id, &content)).await;
    if let Err(error) = saved {
        // The grant stays, so the same form can be sent again once saving works.
        return page(form).after_failed_save(error);
    }
    // Saved: a failure to revoke only leaves the grant to expire.
    let grants = state.safeguards.edit_grants;
    if let Err(error) = with_storage(&state, move |conn| grants.revoke(conn, &grant)).await {
        log::warn!("an edit grant stays until it expires: {error}");
    }
    Ok(see_other(format!("/board/{id}")))
}
