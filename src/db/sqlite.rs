//! Opening SQLite: the same pragmas on every connection, and a database that cannot take
//! writes (a read-only disk or file) still served for reading.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::CustomizeConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::MigrationHarness;

use super::{run_migrations, Conn, ConnectionManager, DbError, DbPool, SQLITE_MIGRATIONS};

/// How long a writer waits for another writer before SQLite reports "database is locked".
const BUSY_TIMEOUT_MS: u32 = 10_000;

/// Whether the database takes writes (it decides the pragmas each connection gets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    ReadWrite,
    /// Opened read-only because the file or its disk cannot be written: pages read it, every
    /// write fails with SQLite's "readonly", which visitors see as "temporarily unavailable".
    ReadOnly,
}

#[derive(Debug)]
struct SqlitePragmas(Access);

impl SqlitePragmas {
    fn sql(&self) -> String {
        match self.0 {
            Access::ReadWrite => format!(
                "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;"
            ),
            // The journal mode is the file's own; setting it would be a write.
            Access::ReadOnly => format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"),
        }
    }
}

impl CustomizeConnection<Conn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut Conn) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&self.sql())
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Gives a connection about to write a large import a page cache of 1 GiB (the default is
/// 2 MiB): a million products' rows and indexes then stay in memory until the commit, instead
/// of being spilled to the write-ahead log and read back again and again. PostgreSQL's
/// buffers are the server's setting (docs/deploy.md): nothing to do there.
pub fn prepare_for_bulk_write(conn: &mut Conn) -> diesel::QueryResult<()> {
    match conn {
        Conn::Sqlite(c) => {
            c.batch_execute("PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY;")
        }
        Conn::Postgres(_) => Ok(()),
    }
}

/// Opens (creating if needed) the database at `path`, runs pending migrations, and returns a
/// pool whose connections all use WAL, a busy timeout and foreign keys. A database that exists
/// but cannot be written is opened read-only instead (see `Access::ReadOnly`).
pub(super) fn open(path: &str) -> Result<DbPool, DbError> {
    // One direct attempt first: a file that cannot be opened is reported at once, not after the
    // pool has retried for its whole timeout.
    let mut probe = SqliteConnection::establish(path).map_err(|e| DbError::Unopenable {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    let writable = probe
        .batch_execute(&SqlitePragmas(Access::ReadWrite).sql())
        // A real write, rolled back: opening and even BEGIN IMMEDIATE succeed on a read-only
        // disk, since SQLite falls back to reading.
        .and_then(|()| {
            probe.batch_execute(
                "BEGIN IMMEDIATE;
                 CREATE TABLE main.seongbun_write_probe (x);
                 ROLLBACK;",
            )
        });
    drop(probe);
    // Only a refused write changes the way in; any other failure (a writer holding the lock
    // past the timeout, say) is met again, and reported, by the read-write pool.
    if let Some(refusal) = writable.err().filter(cannot_write) {
        return open_read_only(path, &refusal);
    }
    let pool = pool(path, Access::ReadWrite)?;
    let mut conn = pool.get()?;
    run_migrations(&mut conn)?;
    drop(conn);
    Ok(pool)
}

fn open_read_only(path: &str, refusal: &diesel::result::Error) -> Result<DbPool, DbError> {
    log::warn!(
        "the database {path} cannot be written ({refusal}): serving it read-only; \
         every change is refused as temporarily unavailable"
    );
    let url = read_only_url(path).map_err(|reason| DbError::Unopenable {
        path: path.to_string(),
        reason,
    })?;
    let pending = SqliteConnection::establish(&url)
        .map_err(|e| DbError::Unopenable {
            path: path.to_string(),
            reason: e.to_string(),
        })?
        .has_pending_migration(SQLITE_MIGRATIONS)
        .map_err(|e| DbError::Migrate(e.to_string()))?;
    if pending {
        return Err(DbError::Migrate(
            "the database is read-only and older than this version of seongbun".into(),
        ));
    }
    pool(&url, Access::ReadOnly)
}

fn pool(url: &str, access: Access) -> Result<DbPool, DbError> {
    r2d2::Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(15))
        .connection_customizer(Box::new(SqlitePragmas(access)))
        .build(ConnectionManager::new(url))
        .map_err(|source| DbError::Open {
            path: url.to_string(),
            source,
        })
}

/// SQLite's words for a file or disk that refuses writes (a WAL database on a read-only disk
/// cannot even open its shared-memory file).
pub(crate) fn cannot_write(error: &diesel::result::Error) -> bool {
    let text = error.to_string().to_lowercase();
    text.contains("readonly") || text.contains("read-only") || text.contains("unable to open")
}

/// A URI that opens `path` read-only. When SQLite cannot make the WAL's shared-memory file
/// (a read-only disk), the file is opened as immutable, which is only safe when no WAL holds
/// changes that are not yet in the file.
fn read_only_url(path: &str) -> Result<String, String> {
    let file = format!("file:{}", uri_path(path));
    let plain = format!("{file}?mode=ro");
    let readable = |url: &str| {
        SqliteConnection::establish(url)
            .and_then(|mut c| {
                c.batch_execute("SELECT count(*) FROM sqlite_master;")
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
            })
            .map_err(|e| e.to_string())
    };
    match readable(&plain) {
        Ok(()) => Ok(plain),
        Err(reason) => {
            let wal_len = std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len());
            if wal_len > 0 {
                return Err(format!(
                    "{reason}; it is read-only and its write-ahead log holds changes that only \
                     a writable open can apply"
                ));
            }
            let immutable = format!("{file}?mode=ro&immutable=1");
            readable(&immutable).map(|()| immutable)
        }
    }
}

/// `path` with the characters a SQLite URI gives a meaning to percent-encoded.
fn uri_path(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '%' | '?' | '#' => format!("%{:02X}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_sqlite_would_read_as_parameters() {
        assert_eq!(uri_path("/tmp/a?b#c%d.db"), "/tmp/a%3Fb%23c%25d.db");
        assert_eq!(uri_path("/tmp/성분.db"), "/tmp/성분.db");
    }
}
