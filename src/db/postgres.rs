//! Opening PostgreSQL: a pool of the size set (`DATABASE_POOL_SIZE`), migrations run by the
//! first instance to start, and a short wait for a connection, so that while the server is
//! down a write is told "try again shortly" in seconds rather than hanging.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::CustomizeConnection;

use super::{
    establish, run_migrations, Conn, ConnectionManager, DbError, DbPool, PoolSettings,
    SessionLimits,
};

/// Connections one instance keeps unless set: reads are served from memory, so the pool
/// carries writes and the catalog's rebuilds; a few instances stay well under PostgreSQL's
/// default of 100 connections.
pub const DEFAULT_POOL_SIZE: u32 = 10;

/// The channel a catalog change is announced on (`NOTIFY seongbun_catalog`), so that every
/// instance rebuilds its index at once rather than at its next version check.
pub const NOTIFY_CHANNEL: &str = "seongbun_catalog";

/// How long a request waits for a pooled connection before it is told to try again.
const CONNECTION_WAIT: Duration = Duration::from_secs(3);

/// Sets a serving session's limits on each new connection.
#[derive(Debug)]
struct Limited(SessionLimits);

impl CustomizeConnection<Conn, diesel::r2d2::Error> for Limited {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&self.0.sql())
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

pub(super) fn open(url: &str, settings: PoolSettings) -> Result<DbPool, DbError> {
    // One direct attempt first, so that a wrong address or password is reported at once and
    // in PostgreSQL's words, not as the pool's time-out.
    run_migrations(&mut establish(url)?)?;
    pool(url, settings)
}

/// The pool alone, without a connection made: for an instance starting from its catalog
/// snapshot while the server is down. Its first requests find the server when it is back.
pub(super) fn pool(url: &str, settings: PoolSettings) -> Result<DbPool, DbError> {
    let mut builder = r2d2::Pool::builder();
    if let Some(limits) = settings.session_limits {
        builder = builder.connection_customizer(Box::new(Limited(limits)));
    }
    builder
        .max_size(settings.postgres_pool_size.max(1))
        // Keep none open ahead of need: a pool that must fill itself first would wait out a
        // down server at start-up and again after every restart of it.
        .min_idle(Some(0))
        .connection_timeout(CONNECTION_WAIT)
        .build(ConnectionManager::new(url))
        .map_err(|source| DbError::Open {
            path: without_password(url),
            source,
        })
}

/// `url` with any password replaced by `***`, for messages and logs.
pub(crate) fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            without_password("postgres://app:s3cret@db:5432/seongbun"),
            "postgres://app:***@db:5432/seongbun"
        );
        assert_eq!(
            without_password("postgres://app@db/seongbun"),
            "postgres://app@db/seongbun"
        );
        assert_eq!(without_password("seongbun.db"), "seongbun.db");
    }
}
