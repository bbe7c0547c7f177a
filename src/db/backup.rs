//! Copies of the database: an online backup (`VACUUM INTO`, a consistent snapshot taken while
//! the site keeps serving), a restore that replaces every table's rows from a backup in one
//! write transaction (running servers see the old data or the restored data, never a mix), and
//! the WAL checkpoint at shutdown. These are SQLite's: on PostgreSQL, copies are the server's
//! business (`pg_dump`, which takes a consistent snapshot while the site serves, and
//! `pg_restore`), and the commands say so rather than make a copy of their own.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;

use super::Conn;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists: choose a new file name, so that no file is overwritten")]
    TargetExists(String),
    #[error("{0} is not there")]
    Missing(String),
    #[error("{path} is not a seongbun backup: {reason}")]
    NotABackup { path: String, reason: String },
    #[error(
        "on PostgreSQL, seongbun does not copy the database itself: use the server's own tools, \
         `pg_dump --format=custom --file=FILE DATABASE_URL` for a consistent copy taken while the \
         site serves, and `pg_restore --clean --single-transaction --dbname=DATABASE_URL FILE` \
         to restore it (docs/deploy.md)"
    )]
    UsePgDump,
    #[error(transparent)]
    Storage(#[from] diesel::result::Error),
}

/// The SQLite connection behind `conn`, or the advice to use PostgreSQL's own tools.
fn sqlite(conn: &mut Conn) -> Result<&mut SqliteConnection, BackupError> {
    match conn {
        Conn::Sqlite(c) => Ok(c),
        Conn::Postgres(_) => Err(BackupError::UsePgDump),
    }
}

/// Writes a consistent copy of the whole database to `target`, a new file. Readers and writers
/// go on meanwhile: the copy is the database as of one moment (a read transaction).
pub fn backup_into(conn: &mut Conn, target: &Path) -> Result<(), BackupError> {
    let conn = sqlite(conn)?;
    if target.exists() {
        return Err(BackupError::TargetExists(target.display().to_string()));
    }
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target.to_string_lossy())
        .execute(conn)?;
    Ok(())
}

/// Tables emptied by a restore but not filled from the backup.
const NOT_RESTORED: [&str; 2] = ["auth_tokens", "rate_events"];

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct NextVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    next: i64,
}

#[derive(QueryableByName)]
struct CheckResult {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// The tables whose rows a restore replaces, in the order they were created (parents before
/// children). Diesel's own migration record stays as it is: both sides are migrated.
fn data_tables(conn: &mut SqliteConnection, schema: &str) -> QueryResult<Vec<String>> {
    let sql = format!(
        "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY rootpage"
    );
    Ok(diesel::sql_query(sql)
        .load::<TableName>(conn)?
        .into_iter()
        .map(|t| t.name)
        .collect())
}

fn column_list(conn: &mut SqliteConnection, schema: &str, table: &str) -> QueryResult<String> {
    let sql = format!("SELECT name FROM pragma_table_info('{table}', '{schema}')");
    Ok(diesel::sql_query(sql)
        .load::<TableName>(conn)?
        .into_iter()
        .map(|c| format!("\"{}\"", c.name))
        .collect::<Vec<_>>()
        .join(", "))
}

/// Replaces all data of the database behind `conn` with that of the backup at `source`, after
/// checking the backup is whole (`integrity_check`) and has the same tables and columns. One
/// write transaction: a running server keeps serving and picks the restored catalog up (its
/// version is moved past both).
pub fn restore_from(conn: &mut Conn, source: &Path) -> Result<(), BackupError> {
    let conn = sqlite(conn)?;
    if !source.is_file() {
        return Err(BackupError::Missing(source.display().to_string()));
    }
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: source.display().to_string(),
        reason,
    };
    diesel::sql_query("ATTACH DATABASE ? AS restored")
        .bind::<Text, _>(source.to_string_lossy())
        .execute(conn)
        .map_err(|e| not_a_backup(e.to_string()))?;
    let outcome = check_backup(conn)
        .map_err(not_a_backup)
        .and_then(|tables| copy_tables(conn, &tables).map_err(BackupError::from));
    conn.batch_execute("DETACH DATABASE restored")?;
    outcome
}

/// The tables to copy, when the attached backup is whole and shaped like this database.
fn check_backup(conn: &mut SqliteConnection) -> Result<Vec<String>, String> {
    let checks = diesel::sql_query("PRAGMA restored.integrity_check")
        .load::<CheckResult>(conn)
        .map_err(|e| e.to_string())?;
    if checks.first().map(|c| c.integrity_check.as_str()) != Some("ok") {
        let problems: Vec<String> = checks.into_iter().map(|c| c.integrity_check).collect();
        return Err(format!("damaged: {}", problems.join("; ")));
    }
    let tables = data_tables(conn, "main").map_err(|e| e.to_string())?;
    // As sets: a copy made by VACUUM INTO numbers its tables' pages anew.
    let sorted = |mut names: Vec<String>| {
        names.sort();
        names
    };
    if sorted(data_tables(conn, "restored").map_err(|e| e.to_string())?) != sorted(tables.clone()) {
        return Err("its tables differ from this database's".into());
    }
    for table in &tables {
        let ours = column_list(conn, "main", table).map_err(|e| e.to_string())?;
        let theirs = column_list(conn, "restored", table).map_err(|e| e.to_string())?;
        if ours != theirs {
            return Err(format!(
                "the columns of {table} differ from this database's"
            ));
        }
    }
    Ok(tables)
}

fn copy_tables(conn: &mut SqliteConnection, tables: &[String]) -> QueryResult<()> {
    conn.immediate_transaction(|conn| {
        // Checked at commit, once every table holds the backup's rows.
        conn.batch_execute("PRAGMA defer_foreign_keys = ON")?;
        let next_version = diesel::sql_query(
            "SELECT max(version) + 1 AS next FROM (SELECT version FROM main.catalog_state \
             UNION ALL SELECT version FROM restored.catalog_state)",
        )
        .get_result::<NextVersion>(conn)?
        .next;
        for table in tables.iter().rev() {
            conn.batch_execute(&format!("DELETE FROM main.\"{table}\""))?;
        }
        // Sessions, edit grants and rate-limit counts are not brought back: a restore signs
        // everyone out rather than revive sessions that were signed out since the copy.
        for table in tables.iter().filter(|t| !NOT_RESTORED.contains(&t.as_str())) {
            let columns = column_list(conn, "main", table)?;
            conn.batch_execute(&format!(
                "INSERT INTO main.\"{table}\" ({columns}) SELECT {columns} FROM restored.\"{table}\""
            ))?;
        }
        conn.batch_execute(
            "DELETE FROM main.sqlite_sequence;
             INSERT INTO main.sqlite_sequence SELECT * FROM restored.sqlite_sequence;",
        )?;
        // Running servers rebuild their index when the version moves.
        diesel::sql_query("UPDATE main.catalog_state SET version = ?")
            .bind::<diesel::sql_types::BigInt, _>(next_version)
            .execute(conn)?;
        Ok(())
    })
}

/// Moves everything in the write-ahead log into the database file and empties the log, so the
/// file alone is the whole database (at shutdown, before a copy by hand). A database opened
/// read-only has written nothing, so there is nothing to move.
pub fn checkpoint(conn: &mut Conn) -> QueryResult<()> {
    let Conn::Sqlite(conn) = conn else {
        return Ok(()); // PostgreSQL's own checkpoints keep its files whole
    };
    match conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)") {
        Err(e) if super::sqlite::cannot_write(&e) => Ok(()),
        other => other,
    }
}
