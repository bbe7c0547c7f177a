//! The safeguards as a handler meets them: rate limits and expiring tokens live in the
//! database (shared by every instance), so each is one small blocking call on the pool.

use std::net::IpAddr;

use super::blocking::{storage_failure, with_connection};
use super::errors::PageError;
use crate::app_state::AppState;
use crate::i18n::Message;
use crate::security::rate_limit::describe_wait;
use crate::security::{ExpiringTokens, RateLimit};

/// What an address has done too often, in Korean and English ("글이", "posts").
pub type Doing = (&'static str, &'static str);

pub const WRONG_PASSWORDS: Doing = ("틀린 비밀번호가", "wrong passwords");
pub const POSTS: Doing = ("글이", "posts");

/// The message for an address that must wait `wait` before more of `what`.
pub fn wait_message(wait: std::time::Duration, what: Doing) -> Message {
    let (ko_wait, en_wait) = describe_wait(wait);
    let (ko, en) = what;
    Message::new(
        format!("{ko} 너무 많아 잠시 막혔습니다. {ko_wait} 뒤에 다시 시도해 주세요."),
        format!("Too many {en}; please try again in {en_wait}."),
    )
}

/// The message for an address that must wait, or `None` when it may go on.
pub async fn rate_limited(
    state: &AppState,
    limit: RateLimit,
    address: IpAddr,
    what: Doing,
) -> Result<Option<Message>, PageError> {
    let checked = with_connection(state, move |conn| limit.check(conn, address))
        .await?
        .map_err(storage_failure)?;
    Ok(checked.err().map(|wait| wait_message(wait, what)))
}

/// Counts one event (`clear: false`) or forgets the address's events (`clear: true`).
pub async fn count_event(
    state: &AppState,
    limit: RateLimit,
    address: IpAddr,
    clear: bool,
) -> Result<(), PageError> {
    with_connection(state, move |conn| {
        if clear {
            limit.clear(conn, address)
        } else {
            limit.record(conn, address)
        }
    })
    .await?
    .map_err(storage_failure)
}

pub async fn issue_token(
    state: &AppState,
    tokens: ExpiringTokens,
    post_id: Option<i32>,
) -> Result<String, PageError> {
    with_connection(state, move |conn| tokens.issue(conn, post_id))
        .await?
        .map_err(storage_failure)
}

/// What `token` stands for (`Some(None)`: an admin session); `None` when nothing.
pub async fn token_value(
    state: &AppState,
    tokens: ExpiringTokens,
    token: String,
) -> Result<Option<Option<i32>>, PageError> {
    with_connection(state, move |conn| tokens.get(conn, &token))
        .await?
        .map_err(storage_failure)
}

pub async fn revoke_token(
    state: &AppState,
    tokens: ExpiringTokens,
    token: String,
) -> Result<(), PageError> {
    with_connection(state, move |conn| tokens.revoke(conn, &token))
        .await?
        .map_err(storage_failure)
}
