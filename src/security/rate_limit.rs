//! Slowing down one client: at most `max` events (posts, password guesses, photos) in a
//! sliding window, counted under a `RateKey` (the client, and for guesses what it guessed at).
//! The events are rows in the database, so the limit holds in total across every instance
//! serving the site (10 posts per 10 minutes means 10, however many instances).

use std::time::Duration;

use diesel::prelude::*;

use super::client::RateKey;
use super::tokens::{millis, unix_ms};
use crate::db::Conn;
use crate::schema::rate_events;

#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    /// The events' kind in the database (`post`, `wrong_password`).
    kind: &'static str,
    /// Events allowed per window; 0 means no limit.
    max: usize,
    window: Duration,
}

impl RateLimit {
    pub const fn new(kind: &'static str, max: usize, window: Duration) -> Self {
        RateLimit { kind, max, window }
    }

    /// `Ok(Err(wait))` when `who` has used up its events: how long until one frees up.
    /// Counting and then acting is exact across instances when both are in one
    /// `db::write_transaction`, as posting and `take` are.
    pub fn check(&self, conn: &mut Conn, who: &RateKey) -> QueryResult<Result<(), Duration>> {
        if self.max == 0 {
            return Ok(Ok(()));
        }
        let now = unix_ms();
        let window = millis(self.window);
        let recent: Vec<i64> = rate_events::table
            .filter(rate_events::kind.eq(self.kind))
            .filter(rate_events::address.eq(who.as_str()))
            .filter(rate_events::at_ms.gt(now.saturating_sub(window)))
            .select(rate_events::at_ms)
            .order(rate_events::at_ms.desc())
            .limit(i64::try_from(self.max).unwrap_or(i64::MAX))
            .load(conn)?;
        Ok(match recent.last() {
            // The oldest of the last `max` events frees a place when it leaves the window.
            Some(oldest) if recent.len() >= self.max => Err(Duration::from_millis(
                u64::try_from(oldest.saturating_add(window).saturating_sub(now)).unwrap_or(0),
            )),
            _ => Ok(()),
        })
    }

    /// Counts one event for `who`, unless it used up its events already (then: how long until
    /// one frees up). The look and the count are one write transaction, so N requests at once
    /// count N, whichever instance takes them: a password guess is counted this way before
    /// it is checked.
    pub fn take(&self, conn: &mut Conn, who: &RateKey) -> QueryResult<Result<(), Duration>> {
        if self.max == 0 {
            return Ok(Ok(()));
        }
        crate::db::write_transaction(conn, |conn| {
            let verdict = self.check(conn, who)?;
            if verdict.is_ok() {
                self.record(conn, who)?;
            }
            Ok(verdict)
        })
    }

    /// Counts one event for `who`; events that left the window are dropped on the way.
    pub fn record(&self, conn: &mut Conn, who: &RateKey) -> QueryResult<()> {
        if self.max == 0 {
            return Ok(());
        }
        let now = unix_ms();
        diesel::delete(
            rate_events::table
                .filter(rate_events::kind.eq(self.kind))
                .filter(rate_events::at_ms.le(now.saturating_sub(millis(self.window)))),
        )
        .execute(conn)?;
        diesel::insert_into(rate_events::table)
            .values((
                rate_events::kind.eq(self.kind),
                rate_events::address.eq(who.as_str()),
                rate_events::at_ms.eq(now),
            ))
            .execute(conn)
            .map(|_| ())
    }

    /// Forgets `who`'s events (a right password ends the count of guesses at its target, and
    /// only that one).
    pub fn clear(&self, conn: &mut Conn, who: &RateKey) -> QueryResult<()> {
        diesel::delete(
            rate_events::table
                .filter(rate_events::kind.eq(self.kind))
                .filter(rate_events::address.eq(who.as_str())),
        )
        .execute(conn)
        .map(|_| ())
    }
}

/// "N초" / "N분" for a wait, rounded up, in Korean and English.
pub fn describe_wait(wait: Duration) -> (String, String) {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if seconds < 60 {
        (format!("{seconds}초"), format!("{seconds} s"))
    } else {
        let minutes = seconds.div_ceil(60);
        (format!("{minutes}분"), format!("{minutes} min"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::security::client::{ClientKey, GuessTarget};
    use std::net::IpAddr;

    fn key(address: [u8; 4]) -> RateKey {
        RateKey::client(ClientKey::of(IpAddr::from(address)))
    }

    fn home() -> RateKey {
        key([127, 0, 0, 1])
    }

    fn database() -> (tempfile::TempDir, crate::db::DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(dir.path().join("limits.db").to_str().unwrap()).unwrap();
        (dir, pool)
    }

    #[test]
    fn an_address_is_stopped_after_its_allowance() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let limit = RateLimit::new("post", 2, Duration::from_secs(600));
        limit.record(conn, &home()).unwrap();
        assert!(limit.check(conn, &home()).unwrap().is_ok());
        limit.record(conn, &home()).unwrap();
        let wait = limit.check(conn, &home()).unwrap().unwrap_err();
        assert!(wait > Duration::from_secs(590), "{wait:?}");
        assert!(
            limit.check(conn, &key([10, 0, 0, 2])).unwrap().is_ok(),
            "other addresses are not affected"
        );
        let guesses = RateLimit::new("wrong_password", 2, Duration::from_secs(600));
        assert!(
            guesses.check(conn, &home()).unwrap().is_ok(),
            "kinds do not mix"
        );
    }

    #[test]
    fn events_age_out_of_the_window() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let limit = RateLimit::new("post", 1, Duration::ZERO);
        limit.record(conn, &home()).unwrap();
        assert!(limit.check(conn, &home()).unwrap().is_ok());
    }

    #[test]
    fn clearing_an_address_restores_its_allowance() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let limit = RateLimit::new("wrong_password", 1, Duration::from_secs(60));
        limit.record(conn, &home()).unwrap();
        assert!(limit.check(conn, &home()).unwrap().is_err());
        limit.clear(conn, &home()).unwrap();
        assert!(limit.check(conn, &home()).unwrap().is_ok());
    }

    #[test]
    fn zero_means_no_limit() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let limit = RateLimit::new("post", 0, Duration::from_secs(60));
        for _ in 0..100 {
            limit.record(conn, &home()).unwrap();
        }
        assert!(limit.check(conn, &home()).unwrap().is_ok());
    }

    #[test]
    fn takes_at_once_count_each_one() {
        let (_dir, pool) = database();
        let limit = RateLimit::new("wrong_password", 3, Duration::from_secs(600));
        let who = RateKey::guessing(
            ClientKey::of(IpAddr::from([203, 0, 113, 7])),
            GuessTarget::AdminSignIn,
        );
        let taken: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let (pool, who) = (pool.clone(), who.clone());
                    scope.spawn(move || {
                        let conn = &mut pool.get().unwrap();
                        limit.take(conn, &who).unwrap().is_ok()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(taken.iter().filter(|t| **t).count(), 3, "{taken:?}");
    }

    #[test]
    fn waits_are_told_in_seconds_or_minutes() {
        assert_eq!(describe_wait(Duration::from_millis(1500)).0, "2초");
        assert_eq!(describe_wait(Duration::from_secs(61)).1, "2 min");
    }
}
