//! What can be done to a post, and by whom: plain functions over a connection, called by the
//! handlers inside `web::block` and by tests directly.

use std::time::Duration;

use crate::db::Conn;
use crate::security::{RateKey, RateLimit};

use super::draft::PostDraft;
use super::fields::PostStatus;
use super::store::{self, Moderation, Post, PostContent};
use crate::security::{hash_password, password_matches, PasswordCost};

#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("no such post")]
    NotFound,
    #[error("wrong password")]
    WrongPassword,
    #[error("{0}")]
    Hashing(String),
    #[error("board storage: {0}")]
    Storage(#[from] diesel::result::Error),
}

/// Who asks to change a post.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Admin,
    /// Someone who typed this password.
    Author(&'a str),
}

/// The argon2id hash of a new post's password (none for the admin's posts). Hashing is the
/// slow part of posting, so it runs before a connection is taken: holding one of the pool's few
/// connections meanwhile would make every other request wait.
pub fn hash_draft_password(
    draft: &PostDraft,
    cost: PasswordCost,
) -> Result<Option<String>, BoardError> {
    draft
        .password
        .as_ref()
        .map(|password| hash_password(password.as_str(), cost).map_err(BoardError::Hashing))
        .transpose()
}

/// Stores a new post with its password hash (`hash_draft_password`). Returns its id, or how
/// long the client must wait when `limit` (its posting limit and key) is used up. The
/// limit is counted and the post stored in one write transaction, so that it holds in total
/// however many instances take posts from that address at once.
pub fn create_post(
    conn: &mut Conn,
    content: &PostContent,
    password_hash: Option<&str>,
    limit: Option<(RateLimit, RateKey)>,
) -> Result<Result<i32, Duration>, BoardError> {
    crate::db::write_transaction(conn, |conn| {
        if let Some((limit, who)) = limit {
            if let Err(wait) = limit.check(conn, &who)? {
                return Ok(Err(wait));
            }
            limit.record(conn, &who)?;
        }
        Ok(Ok(store::insert_post(conn, content, password_hash)?))
    })
}

/// Whether `actor` may change `post`: the admin always, an author with its password. A post the
/// admin wrote (no password) only the admin may change. Takes no connection (argon2 is slow).
pub fn may_change(post: &Post, actor: Actor) -> Result<(), BoardError> {
    match actor {
        Actor::Admin => Ok(()),
        Actor::Author(password) => match &post.password_hash {
            Some(hash) if password_matches(password, hash) => Ok(()),
            _ => Err(BoardError::WrongPassword),
        },
    }
}

/// The post, when `actor` may change it (see `may_change`).
pub fn authorize(conn: &mut Conn, id: i32, actor: Actor) -> Result<Post, BoardError> {
    let post = store::find_post(conn, id)?.ok_or(BoardError::NotFound)?;
    may_change(&post, actor)?;
    Ok(post)
}

pub fn edit_post(conn: &mut Conn, id: i32, content: &PostContent) -> Result<(), BoardError> {
    match store::update_post(conn, id, content)? {
        0 => Err(BoardError::NotFound),
        _ => Ok(()),
    }
}

pub fn delete_post(conn: &mut Conn, id: i32, actor: Actor) -> Result<Post, BoardError> {
    let post = authorize(conn, id, actor)?;
    match store::delete_post(conn, id)? {
        0 => Err(BoardError::NotFound),
        _ => Ok(post),
    }
}

pub fn moderate_post(
    conn: &mut Conn,
    id: i32,
    status: PostStatus,
    is_pinned: bool,
    answer: &str,
) -> Result<(), BoardError> {
    let moderation = Moderation {
        status: status.slug().to_string(),
        is_pinned,
        answer: answer.to_string(),
    };
    match store::moderate_post(conn, id, &moderation)? {
        0 => Err(BoardError::NotFound),
        _ => Ok(()),
    }
}

/// A secret post is shown to the admin, or to whoever typed its password.
pub fn can_read(post: &Post, is_admin: bool, unlocked: bool) -> bool {
    !post.is_secret || is_admin || unlocked
}
