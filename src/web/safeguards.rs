//! Rate limits and password guesses as a handler meets them: the check, one small call on the
//! pool (the events are rows every instance counts), and the message telling the visitor how
//! long to wait.

use actix_web::http::StatusCode;

use crate::app_state::AppState;
use crate::i18n::Message;
use crate::security::rate_limit::describe_wait;
use crate::security::{ClientKey, GuessTarget, RateKey};
use crate::web::blocking::{block_in_turn, busy_message, with_storage};
use crate::web::errors::PageError;

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

/// A password guess's outcome.
pub enum Guess {
    Right,
    /// Wrong, too many guesses at this target from this client (429), or every password check
    /// taken (503): the status and the message to show.
    Refused(StatusCode, Message),
}

/// Checks a password guess from `client` at `target`, where `is_right` runs argon2:
/// - first a turn among the password checks running at once (`PASSWORD_CHECKS_AT_ONCE`; past
///   them and their queue a 503, and nothing is counted);
/// - then the guess is counted against this client's allowance at this target, in one write
///   transaction with the look at it, before the password is checked: N guesses at once
///   count N, whichever instance takes them;
/// - a right password ends this target's count and no other (an author's own post's password
///   does nothing for the admin sign-in).
pub async fn guess_password(
    state: &AppState,
    client: ClientKey,
    target: GuessTarget,
    is_right: impl FnOnce() -> bool + Send + 'static,
) -> Result<Guess, PageError> {
    let Ok(turn) = state.safeguards.password_checks.turn().await else {
        return Ok(Guess::Refused(
            StatusCode::SERVICE_UNAVAILABLE,
            busy_message(),
        ));
    };
    let limit = state.safeguards.wrong_passwords;
    let who = RateKey::guessing(client, target);
    let counted = {
        let who = who.clone();
        with_storage(state, move |conn| limit.take(conn, &who)).await?
    };
    if let Err(wait) = counted {
        return Ok(Guess::Refused(
            StatusCode::TOO_MANY_REQUESTS,
            wait_message(wait, WRONG_PASSWORDS),
        ));
    }
    let right = block_in_turn(turn, is_right).await?;
    if !right {
        return Ok(Guess::Refused(
            StatusCode::FORBIDDEN,
            crate::web::pages::board::wrong_password(),
        ));
    }
    with_storage(state, move |conn| limit.clear(conn, &who)).await?;
    Ok(Guess::Right)
}
