//! Keeping a running instance's catalog current when it changes elsewhere: an import from the
//! command line (on this machine or another), an admin's edit on another instance, a restore.
//! On PostgreSQL the change is announced (`NOTIFY`, sent with the version's bump) and heard
//! here within a tick; on both engines the version is also checked every
//! `VERSION_CHECK_INTERVAL`, the fallback for an announcement missed while the listening
//! connection was being replaced. Nothing is rebuilt when the version did not move, and the
//! old index serves until the new one is ready (`LiveCatalog::refresh_if_changed`).
//!
//! A change reaches every instance at once, so each waits a random while first, up to twice
//! its last rebuild's time (`stagger`): at a million products the instances do not all spend
//! their cores (and the database its reads) on the same rebuild in the same seconds, while a
//! small catalog's change, rebuilt in milliseconds, still shows everywhere within a second.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;

use crate::db::{Conn, DbConnection, DbPool, NOTIFY_CHANNEL};
use crate::live_catalog::LiveCatalog;

/// How often a listening instance looks for announcements (reading what the server already
/// sent: no query, no round trip).
const LISTEN_TICK: Duration = Duration::from_millis(100);
/// How often the catalog version is read whatever was heard.
const VERSION_CHECK_INTERVAL: Duration = Duration::from_secs(1);
/// The longest an instance waits before rebuilding, whatever its rebuilds take.
const MOST_STAGGER: Duration = Duration::from_secs(30);

/// Starts the watcher thread; it ends when the catalog is dropped.
pub fn spawn(pool: DbPool, catalog: Weak<LiveCatalog>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("catalog-watch".into())
        .spawn(move || watch(&pool, &catalog))
        .map(|_| ())
}

fn watch(pool: &DbPool, catalog: &Weak<LiveCatalog>) {
    let mut listener: Option<DbConnection> = None;
    let mut last_check = Instant::now();
    loop {
        std::thread::sleep(LISTEN_TICK);
        let Some(catalog) = catalog.upgrade() else {
            return;
        };
        let heard = heard_announcement(pool, &mut listener);
        if heard || last_check.elapsed() >= VERSION_CHECK_INTERVAL {
            last_check = Instant::now();
            check(pool, &catalog);
            // A connection whose server went away may only say so when asked something.
            if listener
                .as_mut()
                .is_some_and(|conn| crate::db::ping(conn).is_err())
            {
                listener = None;
            }
        }
    }
}

/// Whether a change was announced since the last tick. Keeps one pooled PostgreSQL connection
/// listening (replaced when it breaks, as when the server restarts); SQLite hears nothing.
fn heard_announcement(pool: &DbPool, listener: &mut Option<DbConnection>) -> bool {
    if listener.is_none() {
        *listener = listening_connection(pool);
    }
    let Some(conn) = listener.as_mut() else {
        return false;
    };
    let Conn::Postgres(pg) = &mut **conn else {
        return false;
    };
    let mut heard = false;
    let mut lost = None;
    for notification in pg.notifications_iter() {
        match notification {
            Ok(_) => heard = true,
            Err(e) => {
                lost = Some(e);
                break;
            }
        }
    }
    if let Some(e) = lost {
        log::warn!("lost the catalog announcements ({e}); listening again");
        *listener = None;
        // What was missed meanwhile is found by the version check.
        return true;
    }
    heard
}

fn listening_connection(pool: &DbPool) -> Option<DbConnection> {
    let mut conn = pool.get().ok()?;
    match &mut *conn {
        Conn::Postgres(pg) => match pg.batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}")) {
            Ok(()) => Some(conn),
            Err(e) => {
                log::warn!("cannot listen for catalog announcements: {e}");
                None
            }
        },
        Conn::Sqlite(_) => None,
    }
}

/// How long to wait before a rebuild: random, up to twice the last rebuild's time.
pub fn stagger(last_rebuild: Duration) -> Duration {
    let bound = (last_rebuild * 2).min(MOST_STAGGER);
    let mut coin = [0u8; 8];
    if getrandom::fill(&mut coin).is_err() {
        return Duration::ZERO;
    }
    bound.mul_f64(u64::from_le_bytes(coin) as f64 / u64::MAX as f64)
}

fn check(pool: &DbPool, catalog: &Arc<LiveCatalog>) {
    let behind = pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|mut conn| catalog.is_behind(&mut conn).map_err(|e| e.to_string()));
    let outcome = behind.and_then(|behind| {
        if !behind {
            return Ok(false);
        }
        let wait = stagger(catalog.rebuild_stats().last_rebuild);
        if wait >= Duration::from_millis(100) {
            log::info!("the catalog changed: rebuilding in {wait:.1?} (staggered)");
        }
        std::thread::sleep(wait);
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        catalog
            .refresh_if_changed(&mut conn)
            .map_err(|e| e.to_string())
    });
    if let Err(e) = outcome {
        log::warn!("could not check the catalog for changes: {e}");
    }
}
