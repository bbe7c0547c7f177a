//! The board's pages: the list, a post, writing, editing, deleting, and the admin's
//! moderation. Each handler parses the form, calls `board::actions` inside `web::block`, and
//! renders or redirects.

mod delete;
mod edit;
mod form_page;
mod list;
mod moderate;
mod post;
mod views;
mod write;

use crate::web::see_other;

use actix_web::web;
use serde::Deserialize;

use crate::board::BoardError;
use crate::i18n::Message;
use crate::security::{ClientKey, GuessTarget};
use crate::web::blocking::storage_failure;
use crate::web::errors::{Failure, PageError};
use crate::web::safeguards::guess_password;
pub use crate::web::safeguards::Guess;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/board", web::get().to(list::board_page))
        .route("/board/new", web::get().to(write::new_post_form))
        .route("/board/new", web::post().to(write::create_post))
        .route("/board/{id}", web::get().to(post::post_page))
        .route("/board/{id}/unlock", web::post().to(post::unlock_post))
        .route("/board/{id}/edit", web::get().to(edit::edit_start))
        .route("/board/{id}/edit/verify", web::post().to(edit::edit_verify))
        .route("/board/{id}/edit", web::post().to(edit::save_edit))
        .route("/board/{id}/delete", web::get().to(delete::delete_confirm))
        .route("/board/{id}/delete", web::post().to(delete::delete_post))
        .route(
            "/board/{id}/moderate",
            web::post().to(moderate::moderate_post),
        );
}

/// A form with only a password (unlocking, checking before an edit, deleting).
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub password: String,
}

/// Post `id` as stored, or the "no such post" page.
async fn find_post(
    state: &crate::app_state::AppState,
    id: i32,
) -> Result<crate::board::store::Post, PageError> {
    crate::web::blocking::with_storage(state, move |conn| {
        crate::board::store::find_post(conn, id)?.ok_or(BoardError::NotFound)
    })
    .await
}

/// A post, as a path's `{id}` names it (`PathId<PostRow>`).
pub struct PostRow;

impl crate::web::RowKind for PostRow {
    fn not_found() -> PageError {
        no_such_post()
    }
}

/// The post a board page's path names.
pub type PostId = crate::web::PathId<PostRow>;

fn no_such_post() -> PageError {
    PageError::not_found(Message::new(
        "그런 글이 없습니다. 삭제되었을 수 있습니다.",
        "There is no such post; it may have been deleted.",
    ))
}

pub fn wrong_password() -> Message {
    Message::new("비밀번호가 맞지 않습니다.", "The password is wrong.")
}

impl From<BoardError> for PageError {
    fn from(error: BoardError) -> Self {
        match error {
            BoardError::NotFound => no_such_post(),
            BoardError::WrongPassword => PageError(Failure::Forbidden(wrong_password())),
            BoardError::Hashing(detail) => PageError::internal(detail),
            BoardError::Storage(e) => storage_failure(e),
        }
    }
}

/// Checks `password` for post `id` as a guess from `client` at that post (see
/// `safeguards::guess_password`: capped, counted first, per post).
pub async fn check_post_password(
    state: &crate::app_state::AppState,
    client: ClientKey,
    id: i32,
    password: String,
) -> Result<Guess, PageError> {
    let post = find_post(state, id).await?;
    guess_password(state, client, GuessTarget::Post(id), move || {
        crate::board::actions::may_change(&post, crate::board::Actor::Author(&password)).is_ok()
    })
    .await
}
