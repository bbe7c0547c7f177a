//! Deleting a post: a confirmation page first (with the password field for an author), then
//! the POST that deletes.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::edit::PasswordPage;
use super::{check_post_password, find_post, see_other, Guess, PasswordForm, PostId};
use crate::board::{actions, Actor};
use crate::web::blocking::with_storage;
use crate::web::errors::{render_with, PageError};
use crate::web::middleware::visitor::{client_address, CheckedForm};
use crate::web::PageContext;
use crate::web::PathId;

pub async fn delete_confirm(
    PageContext(state, visitor, admin, lang): PageContext,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    let post = find_post(&state, id).await?;
    render_with(
        StatusCode::OK,
        &PasswordPage::new(&post, "delete", None, admin, &visitor, lang),
    )
}

pub async fn delete_post(
    req: HttpRequest,
    form: CheckedForm<PasswordForm>,
    PageContext(state, visitor, admin, lang): PageContext,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    if !admin.signed_in {
        match check_post_password(&state, client_address(&req), id, form.0.password).await? {
            Guess::Right => {}
            Guess::Refused(status, message) => {
                let post = find_post(&state, id).await?;
                return render_with(
                    status,
                    &PasswordPage::new(&post, "delete", Some(message), admin, &visitor, lang),
                );
            }
        }
    }
    // The password was checked above; the admin needs none.
    with_storage(&state, move |conn| {
        actions::delete_post(conn, id, Actor::Admin)
    })
    .await?;
    log::info!(
        "post {id} deleted by {}",
        if admin.signed_in {
            "the admin"
        } else {
            "its author"
        }
    );
    Ok(see_other("/board?done=deleted".to_string()))
}
