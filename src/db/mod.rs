//! The SQLite database: one pool, the same pragmas on every connection, embedded migrations.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub type DbPool = Pool<ConnectionManager<SqliteConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How long a writer waits for another writer before SQLite reports "database is locked".
const BUSY_TIMEOUT_MS: u32 = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database {path}: {reason}")]
    Unopenable { path: String, reason: String },
    #[error("cannot open the database {path}: {source}")]
    Open { path: String, source: r2d2::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens (creating if needed) the database at `path`, runs pending migrations, and returns a
/// pool whose connections all use WAL, a busy timeout and foreign keys.
pub fn open(path: &str) -> Result<DbPool, DbError> {
    // One direct attempt first: a file that cannot be opened is reported at once, not after the
    // pool has retried for its whole timeout.
    SqliteConnection::establish(path).map_err(|e| DbError::Unopenable {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    let manager = ConnectionManager::<SqliteConnection>::new(path);
    let pool = Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(15))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|source| DbError::Open {
            path: path.to_string(),
            source,
        })?;
    let mut conn = pool.get()?;
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|e| DbError::Migrate(e.to_string()))?;
    Ok(pool)
}
