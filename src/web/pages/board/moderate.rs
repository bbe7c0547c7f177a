//! The admin's decisions on a post: status, pin, answer.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::post::PostPage;
use super::views::PostView;
use super::{see_other, PostId};
use crate::board::fields::Answer;
use crate::board::store;
use crate::board::{actions, BoardError, PostStatus};
use crate::form::FieldErrors;
use crate::web::blocking::with_storage;
use crate::web::errors::{render_with, PageError};
use crate::web::middleware::visitor::{Admin, CheckedForm};
use crate::web::PageContext;
use crate::web::PathId;

#[derive(Debug, Default, Deserialize)]
pub struct ModerationForm {
    #[serde(default)]
    status: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pinned: Option<String>,
    #[serde(default)]
    answer: String,
}

pub async fn moderate_post(
    form: CheckedForm<ModerationForm>,
    PageContext(state, visitor, _, lang): PageContext,
    _admin: Admin,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    let form = form.0;
    let mut errors = FieldErrors::default();
    let status = errors.take("status", PostStatus::parse(&form.status));
    let answer = errors.take("answer", Answer::parse(&form.answer));
    let pinned = form.pinned.is_some();
    let mut shown_status = StatusCode::BAD_REQUEST;
    if let (Some(status), Some(answer)) = (status, answer) {
        let saved = with_storage(&state, move |conn| {
            actions::moderate_post(conn, id, status, pinned, answer.as_str())
        })
        .await;
        match saved {
            Ok(()) => return Ok(see_other(format!("/board/{id}"))),
            // The database cannot take it now: the answer stays in its box for another try.
            Err(error) => match error.unavailable_message() {
                Some(message) => {
                    errors.add("answer", message.clone());
                    shown_status = StatusCode::SERVICE_UNAVAILABLE;
                }
                None => return Err(error),
            },
        }
    }
    // Show the post again with the admin's input kept and the messages beside it.
    let mut post = with_storage(&state, move |conn| {
        store::find_post(conn, id)?.ok_or(BoardError::NotFound)
    })
    .await?;
    post.answer = form.answer;
    post.is_pinned = pinned;
    let mut page = PostPage::new(
        PostView::new(post, &state.catalog.snapshot(), lang),
        false,
        true,
        visitor.csrf_token(),
        lang,
    );
    page.moderation_errors = errors;
    render_with(shown_status, &page)
}
