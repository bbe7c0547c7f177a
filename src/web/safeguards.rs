//! Rate limits as a handler meets them: the check, one small call on the pool (the events are
//! rows every instance counts), and the message telling the visitor how long to wait.

use std::net::IpAddr;

use super::blocking::with_storage;
use super::errors::PageError;
use crate::app_state::AppState;
use crate::i18n::Message;
use crate::security::rate_limit::describe_wait;
use crate::security::RateLimit;

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
    let checked = with_storage(state, move |conn| limit.check(conn, address)).await?;
    Ok(checked.err().map(|wait| wait_message(wait, what)))
}
