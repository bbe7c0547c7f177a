//! The database: SQLite (a file; the embedded default) or PostgreSQL (a server several
//! instances share), chosen by `DATABASE_URL`. Queries are written once against `Conn`, a
//! diesel `MultiConnection` over both; what must differ between the engines sits here, one
//! function per concern: how a pool is opened (`sqlite`, `postgres`), how a transaction that
//! writes or reads a consistent snapshot begins (`write_transaction`, `read_transaction`), and
//! the migrations of each engine. `backup` holds the online copy, the restore and the
//! checkpoint at shutdown.

pub mod backup;
mod postgres;
pub(crate) use postgres::without_password;
mod sqlite;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use backup::{backup_into, checkpoint, restore_from, BackupError};
pub use postgres::{DEFAULT_POOL_SIZE, NOTIFY_CHANNEL};
pub use sqlite::prepare_for_bulk_write;

/// A connection to either engine. Every query of the catalog and the board takes this.
#[derive(diesel::MultiConnection)]
pub enum Conn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<ConnectionManager>;
pub type DbConnection = r2d2::PooledConnection<ConnectionManager>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which engine a `DATABASE_URL` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; anything else is a SQLite file (a
    /// path, or `sqlite://path`).
    pub fn of_url(url: &str) -> Engine {
        let lower = url.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }
}

/// The SQLite path a `sqlite://` URL names (a bare path is its own path).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").unwrap_or(url)
}

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

/// Pool settings that apply to both engines.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Connections one process keeps at most (PostgreSQL; `DATABASE_POOL_SIZE`). SQLite keeps
    /// its own fixed size: it has one writer at a time whatever the pool.
    pub postgres_pool_size: u32,
    /// What a serving pool's PostgreSQL sessions may wait and hold (`None`: no bound, for the
    /// commands that import, migrate, back up and restore).
    pub session_limits: Option<SessionLimits>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            postgres_pool_size: DEFAULT_POOL_SIZE,
            session_limits: Some(SessionLimits::DEFAULT),
        }
    }
}

impl PoolSettings {
    /// For a command that runs and ends (import, backup, restore): no session limits, as a
    /// million products' import holds the write lock and runs statements for minutes.
    pub fn for_command() -> Self {
        PoolSettings {
            session_limits: None,
            ..PoolSettings::default()
        }
    }
}

/// PostgreSQL's bounds on a serving session, so that one slow writer (a long import holding
/// the write lock) cannot park every instance's pool: a request waits `lock_timeout_ms` for a
/// lock and is then told to try again (503, its form kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub lock_timeout_ms: u32,
    pub statement_timeout_ms: u32,
    pub idle_in_transaction_timeout_ms: u32,
}

impl SessionLimits {
    pub const DEFAULT: SessionLimits = SessionLimits {
        lock_timeout_ms: 3_000,
        // A catalog rebuild reads 20,000 products' links a statement: well under this at 1M.
        statement_timeout_ms: 30_000,
        idle_in_transaction_timeout_ms: 60_000,
    };

    /// The `SET` statements a new session runs.
    pub fn sql(&self) -> String {
        format!(
            "SET lock_timeout = {}; SET statement_timeout = {}; \
             SET idle_in_transaction_session_timeout = {};",
            self.lock_timeout_ms, self.statement_timeout_ms, self.idle_in_transaction_timeout_ms
        )
    }
}

/// Opens the database `url` names, runs its pending migrations, and returns a pool.
pub fn open(url: &str) -> Result<DbPool, DbError> {
    open_with(url, PoolSettings::default())
}

pub fn open_with(url: &str, settings: PoolSettings) -> Result<DbPool, DbError> {
    match Engine::of_url(url) {
        Engine::Sqlite => sqlite::open(sqlite_path(url)),
        Engine::Postgres => postgres::open(url, settings),
    }
}

/// A PostgreSQL pool that connects only when asked for a connection (no migrations): for an
/// instance that starts from its catalog snapshot while the server is away.
pub fn open_unconnected(url: &str, settings: PoolSettings) -> Result<DbPool, DbError> {
    postgres::pool(url, settings)
}

/// `seongbun migrate`: runs the pending migrations and says which ran.
pub fn migrate(url: &str) -> Result<Vec<String>, DbError> {
    run_migrations(&mut establish(url)?)
}

/// One connection, outside a pool, to the database `url` names; a failure names the database
/// as `url` does, without its password.
pub fn establish(url: &str) -> Result<Conn, DbError> {
    connect(url).map_err(|e| DbError::Unopenable {
        path: postgres::without_password(url),
        reason: e.to_string(),
    })
}

/// A connection of the engine `url` names. Chosen by the URL, not as the derived `establish`
/// does by trying each engine in turn: a PostgreSQL URL whose server is down must fail as
/// PostgreSQL, not be opened as a file.
fn connect(url: &str) -> diesel::ConnectionResult<Conn> {
    match Engine::of_url(url) {
        Engine::Sqlite => SqliteConnection::establish(sqlite_path(url)).map(Conn::Sqlite),
        Engine::Postgres => PgConnection::establish(url).map(Conn::Postgres),
    }
}

/// Runs the engine's pending migrations; the versions that ran.
pub(crate) fn run_migrations(conn: &mut Conn) -> Result<Vec<String>, DbError> {
    let migrate = |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migrate(e.to_string());
    let versions = |ran: Vec<diesel::migration::MigrationVersion<'_>>| {
        ran.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    let ran = match conn {
        Conn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(versions)
            .map_err(migrate)?,
        Conn::Postgres(c) => {
            // Instances starting together would run the same migration at once: the first
            // takes this lock (a session lock, until unlocked), the others wait and then find
            // nothing pending.
            c.batch_execute("SELECT pg_advisory_lock(7349001)")?;
            let ran = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(versions)
                .map_err(migrate);
            c.batch_execute("SELECT pg_advisory_unlock(7349001)")?;
            ran?
        }
    };
    Ok(ran)
}

/// Makes a pooled connection of the engine `url` names (`connect`).
#[derive(Debug)]
pub struct ConnectionManager {
    url: String,
}

impl ConnectionManager {
    fn new(url: &str) -> Self {
        ConnectionManager {
            url: url.to_string(),
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        connect(&self.url).map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// Whether the database answers (the readiness check).
pub fn ping(conn: &mut Conn) -> diesel::QueryResult<()> {
    conn.batch_execute("SELECT 1")
}

/// How a transaction begins on each engine.
struct Beginning {
    sqlite: &'static str,
    postgres: &'static str,
}

/// SQLite's `BEGIN IMMEDIATE` takes the write lock at once; on PostgreSQL a transaction-scoped
/// advisory lock does the same, released at commit or rollback.
const WRITE: Beginning = Beginning {
    sqlite: "BEGIN IMMEDIATE",
    postgres: "BEGIN; SELECT pg_advisory_xact_lock(7349002)",
};

/// SQLite's transactions read one snapshot; PostgreSQL's default (read committed) takes a new
/// one for each statement, so it asks for repeatable read.
const READ: Beginning = Beginning {
    sqlite: "BEGIN",
    postgres: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
};

/// Runs `work` in a transaction that writes, one such transaction at a time across every
/// process using the database: the writes here read a value and write what follows from it
/// (the catalog version, a product's links, a post's view, a rate limit's count), and one
/// writer at a time keeps that simple and right.
pub fn write_transaction<T, E>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction(conn, &WRITE, work)
}

/// Runs `work` in a transaction that reads one consistent snapshot of the database (several
/// queries that must see the same catalog).
pub fn read_transaction<T, E>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction(conn, &READ, work)
}

fn transaction<T, E>(
    conn: &mut Conn,
    beginning: &Beginning,
    work: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if in_transaction(conn) {
        // Within another transaction (a post stored with its rate limit counted): its lock
        // and snapshot hold already; a savepoint undoes this part alone.
        return conn.transaction(work);
    }
    match conn {
        Conn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, beginning.sqlite)?,
        Conn::Postgres(c) => AnsiTransactionManager::begin_transaction_sql(c, beginning.postgres)?,
    }
    finish_transaction(conn, work)
}

fn in_transaction(conn: &mut Conn) -> bool {
    match <Conn as Connection>::TransactionManager::transaction_manager_status_mut(conn) {
        diesel::connection::TransactionManagerStatus::Valid(status) => {
            status.transaction_depth().is_some()
        }
        diesel::connection::TransactionManagerStatus::InError => false,
    }
}

/// Commits after `work` succeeded, rolls back after it failed (as diesel's `transaction`).
fn finish_transaction<T, E>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match work(conn) {
        Ok(value) => {
            if let Err(e) = <Conn as Connection>::TransactionManager::commit_transaction(conn) {
                // A failed commit may leave the transaction open: close it before reporting.
                let _ = <Conn as Connection>::TransactionManager::rollback_transaction(conn);
                return Err(e.into());
            }
            Ok(value)
        }
        Err(e) => {
            <Conn as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Words of either engine for "cannot take writes now, try again": SQLite's locked, read-only
/// or full database, PostgreSQL's lost connection or a server shutting down.
pub(crate) fn is_temporary(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    if matches!(
        error,
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _)
    ) {
        return true;
    }
    let text = error.to_string().to_lowercase();
    [
        "locked",
        "busy",
        "readonly",
        "read-only",
        "disk",
        "full",
        "unable to open",
        "server closed the connection",
        // PostgreSQL's session limits (`SessionLimits`): waited too long behind a writer.
        "lock timeout",
        "statement timeout",
        "terminating connection",
        "connection refused",
        "no connection to the server",
        "the database system is",
        "could not connect",
    ]
    .iter()
    .any(|word| text.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_chooses_the_engine() {
        assert_eq!(Engine::of_url("seongbun.db"), Engine::Sqlite);
        assert_eq!(Engine::of_url("/tmp/postgres.db"), Engine::Sqlite);
        assert_eq!(Engine::of_url("sqlite:///tmp/a.db"), Engine::Sqlite);
        assert_eq!(sqlite_path("sqlite:///tmp/a.db"), "/tmp/a.db");
        assert_eq!(Engine::of_url("postgres://u@h/db"), Engine::Postgres);
        assert_eq!(Engine::of_url("PostgreSQL://u@h:5433/db"), Engine::Postgres);
    }
}
