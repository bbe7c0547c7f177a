//! Slowing down one address: at most `max` events (posts, wrong passwords) in a sliding
//! window. The events are rows in the database, so the limit holds in total across every
//! instance serving the site (10 posts per 10 minutes means 10, however many instances).

use std::net::IpAddr;
use std::time::Duration;

use diesel::prelude::*;

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

    /// `Ok(Err(wait))` when `address` has used up its events: how long until one frees up.
    /// Counting and then acting is exact across instances when both are in one
    /// `db::write_transaction`, as posting is.
    pub fn check(&self, conn: &mut Conn, address: IpAddr) -> QueryResult<Result<(), Duration>> {
        if self.max == 0 {
            return Ok(Ok(()));
        }
        let now = unix_ms();
        let window = millis(self.window);
        let recent: Vec<i64> = rate_events::table
            .filter(rate_events::kind.eq(self.kind))
            .filter(rate_events::address.eq(address.to_string()))
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

    /// Counts one event for `address`; events that left the window are dropped on the way.
    pub fn record(&self, conn: &mut Conn, address: IpAddr) -> QueryResult<()> {
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
                rate_events::address.eq(address.to_string()),
                rate_events::at_ms.eq(now),
            ))
            .execute(conn)
            .map(|_| ())
    }

    /// Forgets `address`'s events (a right password after wrong ones).
    pub fn clear(&self, conn: &mut Conn, address: IpAddr) -> QueryResult<()> {
        diesel::delete(
            rate_events::table
                .filter(rate_events::kind.eq(self.kind))
                .filter(rate_events::address.eq(address.to_string())),
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

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

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
        limit.record(conn, HOME).unwrap();
        assert!(limit.check(conn, HOME).unwrap().is_ok());
        limit.record(conn, HOME).unwrap();
        let wait = limit.check(conn, HOME).unwrap().unwrap_err();
        assert!(wait > Duration::from_secs(590), "{wait:?}");
        assert!(
            limit.check(conn, OTHER).unwrap().is_ok(),
            "other addresses are not affected"
        );
        let guesses = RateLimit::new("wrong_password", 2, Duration::from_secs(600));
        assert!(
            guesses.check(conn, HOME).unwrap().is_ok(),
            "kinds do not mix"
        );
    }

    #[test]
    fn events_age_out_of_the_window() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let limit = RateLimit::new("post", 1, Duration::ZERO);
        limit.record(conn, HOME).unwrap();
        assert!(limit.check(conn, HOME).unwrap().is_ok());
    }

    #[test]
    fn clearing_an_address_restores_its_allowance() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let limit = RateLimit::new("wrong_password", 1, Duration::from_secs(60));
        limit.record(conn, HOME).unwrap();
        assert!(limit.check(conn, HOME).unwrap().is_err());
        limit.clear(conn, HOME).unwrap();
        assert!(limit.check(conn, HOME).unwrap().is_ok());
    }

    #[test]
    fn zero_means_no_limit() {
        let (_dir, pool) = database();
        let conn = &mut pool.get().unwrap();
        let limit = RateLimit::new("post", 0, Duration::from_secs(60));
        for _ in 0..100 {
            limit.record(conn, HOME).unwrap();
        }
        assert!(limit.check(conn, HOME).unwrap().is_ok());
    }

    #[test]
    fn waits_are_told_in_seconds_or_minutes() {
        assert_eq!(describe_wait(Duration::from_millis(1500)).0, "2초");
        assert_eq!(describe_wait(Duration::from_secs(61)).1, "2 min");
    }
}
