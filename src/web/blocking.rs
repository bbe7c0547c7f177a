//! Running database work off the async workers (`web::block`), and what a storage failure
//! tells the visitor: "busy, try again" for a locked, read-only or full database (503), a
//! generic message otherwise; the detail goes to the log.

use crate::db::Conn;
use crate::i18n::Message;
use actix_web::web;
use diesel::result::Error as DieselError;

use super::errors::{Failure, PageError};
use crate::app_state::AppState;

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
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| unavailable(format!("no database connection: {e}")))?;
        Ok(work(&mut conn))
    })
    .await
    .map_err(PageError::internal)?
}

/// `with_connection` for work whose only errors are the database's, told to the visitor as
/// `storage_failure` tells them.
pub async fn with_storage<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut Conn) -> Result<T, DieselError> + Send + 'static,
) -> Result<T, PageError> {
    with_connection(state, work).await?.map_err(storage_failure)
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
