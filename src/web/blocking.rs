//! Running database work off the async workers (`web::block`), and what a storage failure
//! tells the visitor: "busy, try again" for a locked, read-only or full database (503), a
//! generic message otherwise; the detail goes to the log.

use crate::db::Conn;
use crate::i18n::Message;
use actix_web::web;
use diesel::result::Error as DieselError;

use crate::app_state::AppState;
use crate::web::errors::{Failure, PageError};

/// Runs `work` with a pooled connection on the blocking thread pool. The outer error is the
/// pool or thread failing; the inner result is the work's own.
pub async fn with_connection<T, E>(
    state: &AppState,
    work: impl FnOnce(&mut Conn) -> Result<T, E> + Send + 'static,
) -> Result<Result<T, E>, PageError>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let pool = state.pool.clone();
    state
        .db_calls
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| unavailable(format!("no database connection: {e}")))?;
        Ok(work(&mut conn))
    })
    .await
    .map_err(PageError::internal)?
}

/// `with_connection` for work whose errors are told to the visitor as they are (a database
/// error as `storage_failure` tells it, a board error as the board's page does): one
/// `PageError` whichever failed, the pool, the thread or the work.
pub async fn with_storage<T, E>(
    state: &AppState,
    work: impl FnOnce(&mut Conn) -> Result<T, E> + Send + 'static,
) -> Result<T, PageError>
where
    T: Send + 'static,
    E: Into<PageError> + Send + 'static,
{
    with_connection(state, work).await?.map_err(Into::into)
}

impl From<DieselError> for PageError {
    fn from(error: DieselError) -> Self {
        storage_failure(error)
    }
}

/// Runs CPU-heavy `work` (a pasted list guessed and ranked) on the blocking pool in a turn of
/// `jobs` (`block_in_turn`). Past the queue's room: `Busy` (told as a 503 by the caller).
pub async fn on_job_queue<T: Send + 'static>(
    jobs: &std::sync::Arc<crate::job_queue::JobQueue>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<Result<T, crate::job_queue::Busy>, PageError> {
    match jobs.turn().await {
        Ok(turn) => block_in_turn(turn, work).await.map(Ok),
        Err(busy) => Ok(Err(busy)),
    }
}

/// Runs `work` on the blocking pool holding `turn` until the work has ended: the turn goes
/// with the work, so a client that goes away frees nothing while the work (an argon2 check,
/// a Tesseract process) still runs.
pub async fn block_in_turn<T: Send + 'static>(
    turn: crate::job_queue::JobTurn,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PageError> {
    web::block(move || {
        let _turn = turn;
        work()
    })
    .await
    .map_err(PageError::internal)
}

/// "Busy, try again shortly": every job of a kind is taken and its queue is full.
pub fn busy_message() -> Message {
    Message::new(
        "지금은 요청이 많아 처리할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        "Too many requests are being handled right now; please try again shortly.",
    )
}

/// A storage error as the visitor meets it.
pub fn storage_failure(error: DieselError) -> PageError {
    if crate::db::is_temporary(&error) {
        unavailable(format!("storage: {error}"))
    } else {
        PageError::internal(format!("storage: {error}"))
    }
}

fn unavailable(detail: String) -> PageError {
    log::error!("{detail}");
    PageError(Failure::Unavailable(Message::new(
        "지금은 저장할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        "Saving is not possible right now; please try again shortly.",
    )))
}
