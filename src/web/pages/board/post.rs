use crate::web::pages::frame::{framed_pages, Choice, PageFrame};
use crate::web::pages::head::Head;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::views::PostView;
use super::{check_post_password, Guess, PasswordForm, PostId};
use crate::app_state::AppState;
use crate::board::actions::can_read;
use crate::board::store::{self, Post};
use crate::board::{BoardError, PostStatus};
use crate::form::FieldErrors;
use crate::i18n::{Lang, Message};
use crate::web::blocking::with_storage;
use crate::web::errors::{render_with, PageError};
use crate::web::middleware::visitor::{client_address, CheckedForm, Visitor};
use crate::web::PageContext;
use crate::web::PathId;

#[derive(Template)]
#[template(path = "board/post.html")]
pub struct PostPage {
    pub frame: PageFrame,
    pub post: PostView,
    /// A secret post not yet unlocked: only its title shows, with the password form.
    pub locked: bool,
    pub password_error: Option<Message>,
    pub is_admin: bool,
    pub csrf: String,
    pub statuses: Vec<Choice>,
    /// The admin's moderation form, as typed when it was refused.
    pub moderation_errors: FieldErrors,
}
framed_pages!(PostPage);

impl PostPage {
    pub fn new(post: PostView, locked: bool, is_admin: bool, csrf: &str, lang: Lang) -> Self {
        let statuses = PostStatus::ALL
            .into_iter()
            .map(|s| Choice {
                slug: s.slug(),
                label: lang.pick(s.label()),
                selected: s.slug() == post.status.slug,
            })
            .collect();
        let t = lang.texts();
        let about = match &post.product {
            Some(product) => format!(" ({} {})", product.brand, product.name),
            None if !post.product_name.is_empty() => format!(" ({})", post.product_name),
            None => String::new(),
        };
        PostPage {
            frame: PageFrame::new(
                lang,
                Head::new(format!(
                    "{} · {}{about}. {}",
                    post.category, post.title, t.describe_board
                )),
            ),
            post,
            locked,
            password_error: None,
            is_admin,
            csrf: csrf.to_string(),
            statuses,
            moderation_errors: FieldErrors::default(),
        }
    }
}

/// Reads post `id` and whether it may be shown; a shown post counts a returning visitor's view
/// once a day (`store::record_view`).
async fn read_post(
    state: &AppState,
    id: i32,
    visitor: &Visitor,
    is_admin: bool,
    unlocked: bool,
) -> Result<(Post, bool), PageError> {
    let viewer = visitor.viewer_key();
    let returning = visitor.is_returning();
    with_storage(state, move |conn| {
        let mut post = store::find_post(conn, id)?.ok_or(BoardError::NotFound)?;
        let readable = can_read(&post, is_admin, unlocked);
        // Only a visitor who sent its cookie back is counted: a crawler or a script that
        // keeps no cookie would be a new visitor, and a write, on every request.
        if readable && returning {
            match store::record_view(conn, id, &viewer) {
                Ok(true) => post.view_count += 1,
                Ok(false) => {}
                // A view that cannot be counted (a read-only or full disk) still shows the post.
                Err(e) => log::warn!("the view of post {id} was not counted: {e}"),
            }
        }
        Ok::<_, BoardError>((post, readable))
    })
    .await
}

pub async fn post_page(
    PageContext(state, visitor, admin, lang): PageContext,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    let (post, readable) = read_post(&state, id, &visitor, admin.signed_in, false).await?;
    let page = PostPage::new(
        PostView::new(post, &state.catalog.snapshot(), lang),
        !readable,
        admin.signed_in,
        visitor.csrf_token(),
        lang,
    );
    render_with(StatusCode::OK, &page)
}

/// A secret post's password typed: the post is shown (this response only).
pub async fn unlock_post(
    req: HttpRequest,
    form: CheckedForm<PasswordForm>,
    PageContext(state, visitor, admin, lang): PageContext,
    PathId(id, _): PostId,
) -> Result<HttpResponse, PageError> {
    let address = client_address(&req);
    let refusal = match check_post_password(&state, address, id, form.0.password).await? {
        Guess::Right => None,
        Guess::Refused(status, message) => Some((status, message)),
    };
    let unlocked = refusal.is_none();
    let (post, readable) = read_post(&state, id, &visitor, admin.signed_in, unlocked).await?;
    let (status, password_error) = refusal.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    let page = PostPage {
        password_error,
        ..PostPage::new(
            PostView::new(post, &state.catalog.snapshot(), lang),
            !readable,
            admin.signed_in,
            visitor.csrf_token(),
            lang,
        )
    };
    render_with(status, &page)
}
