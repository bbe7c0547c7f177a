//! Wiring: open the database, seed the demo catalog, build the indexes, serve; or import.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Condition, Logger};
use actix_web::{web, App, HttpServer};

use crate::app_state::AppState;
use crate::catalog::{demo, import, synthetic};
use crate::config::ServeArgs;
use crate::db::{self, DbPool};
use crate::live_catalog::{CatalogIndex, LiveCatalog};

/// Opens the database (migrating it), loads the demo catalog into an empty one, and indexes
/// the catalog. Admin sign-in is off until `with_safeguards` sets a password.
pub fn prepare(database_url: &str) -> Result<AppState, String> {
    prepare_with(database_url, db::PoolSettings::default())
}

pub fn prepare_with(database_url: &str, settings: db::PoolSettings) -> Result<AppState, String> {
    let pool = db::open_with(database_url, settings).map_err(|e| e.to_string())?;
    index_catalog(pool)
}

/// `prepare_with` for `serve`: the catalog also kept in the snapshot file, and started from
/// that file when PostgreSQL cannot be reached (reads served, writes refused until it is back).
fn prepare_serving(
    database_url: &str,
    settings: db::PoolSettings,
    snapshot: Option<std::path::PathBuf>,
) -> Result<AppState, String> {
    use crate::live_catalog::snapshot::{self, SnapshotWriter};
    let started = std::time::Instant::now();
    let (state, from_database) = match (db::open_with(database_url, settings), snapshot.as_ref()) {
        (Ok(pool), _) => (index_catalog(pool)?, true),
        (Err(unreachable @ db::DbError::Unopenable { .. }), Some(path))
            if db::Engine::of_url(database_url) == db::Engine::Postgres =>
        {
            log::warn!(
                "{unreachable}: starting from the catalog snapshot {}; reads are served, \
                 writes wait for the database",
                path.display()
            );
            let index = snapshot::read(path).map_err(|why| {
                format!(
                    "{unreachable}, and the catalog snapshot {} cannot be used: {why}",
                    path.display()
                )
            })?;
            log::info!(
                "read {} products (version {}) from the snapshot in {:.2?}",
                index.product_count(),
                index.version(),
                started.elapsed()
            );
            let pool = db::open_unconnected(database_url, settings).map_err(|e| e.to_string())?;
            (AppState::new(pool, LiveCatalog::new(index))?, false)
        }
        (Err(e), _) => return Err(e.to_string()),
    };
    state.catalog.set_first_build_time(started.elapsed());
    if let Some(path) = snapshot {
        let writer = SnapshotWriter::start(path).map_err(|e| e.to_string())?;
        // A catalog read from the file is the file's already: only its changes are written.
        state.catalog.keep_snapshots(writer, from_database);
    }
    Ok(state)
}

/// Seeds an empty catalog with the demo one and indexes the catalog of `pool`'s database.
fn index_catalog(pool: DbPool) -> Result<AppState, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    if let Some(report) = demo::seed_if_empty(&mut conn).map_err(|e| e.to_string())? {
        log::info!("empty catalog: loaded the built-in demo catalog\n{report}");
    }
    let mut second = pool.get().map_err(|e| e.to_string())?;
    let index = CatalogIndex::load_side_by_side(&mut conn, &mut second)
        .map_err(|e| format!("cannot read the catalog: {e}"))?;
    log::info!("indexed {} products", index.product_count());
    drop((conn, second));
    AppState::new(pool, LiveCatalog::new(index))
}

/// Starts the server on `listener`; the returned future runs it.
pub fn start(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    crate::live_catalog::watch::spawn(state.pool.clone(), Arc::downgrade(&state.catalog))?;
    let metrics = crate::web::metrics(&state).map_err(std::io::Error::other)?;
    crate::web::prepare_assets();
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(crate::web::localized_errors))
            .wrap(from_fn(crate::web::visitor_cookie))
            .wrap(crate::web::security_headers())
            // Pages made per request are compressed once, in one buffer, as they are sent; a
            // kept answer and the static files carry their coding already and are left alone.
            .wrap(from_fn(crate::web::compress_once))
            // A kept answer is sent from here, before routing and the middleware above it.
            .wrap(from_fn(crate::web::serve_kept))
            // One line a request at `info`; above it (`RUST_LOG=warn`) the lines are not made.
            .wrap(Condition::new(
                log::log_enabled!(log::Level::Info),
                Logger::new(r#"%a "%r" %s %b %Dms"#),
            ))
            // Added last, so outermost: the latency measured is the whole request's, and
            // `/metrics` is answered before any page's middleware.
            .wrap(metrics.clone())
            // Outside the metrics too: `/metrics` answers close their connection while draining.
            .wrap(from_fn(crate::web::close_when_draining))
            .app_data(data.clone())
            .configure(crate::web::routes)
    })
    // A stop waits this long for the requests in flight, then drops what is left.
    .shutdown_timeout(15)
    // `serve` handles SIGTERM itself, draining first (`stopping`).
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(server)
}

/// `seongbun serve`.
///
/// `catalog_built` is called once the catalog's index is built, before the first request: the
/// binary tunes its allocator for start-up and then for serving (main.rs).
pub fn serve(
    database_url: &str,
    pool_settings: db::PoolSettings,
    args: &ServeArgs,
    catalog_built: impl FnOnce(),
) -> Result<(), String> {
    let state = prepare_serving(
        database_url,
        pool_settings,
        args.catalog_snapshot_path(database_url),
    )?
    .with_safeguards(args.safeguards())?
    .with_answer_cache_mib(args.answer_cache_mib)
    .with_public_url(args.public_url.as_deref())?;
    catalog_built();
    if !state.safeguards.admin_enabled() {
        log::info!("admin sign-in is disabled: set ADMIN_PASSWORD to enable it");
    }
    let bind = args.bind.as_str();
    let listener = TcpListener::bind(bind).map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    log::info!("serving on http://{bind}");
    let pool = state.pool.clone();
    let draining = state.draining.clone();
    let drain = std::time::Duration::from_secs(args.drain_seconds);
    // SIGTERM drains, then stops accepting connections, lets the requests in flight finish,
    // and returns here; Ctrl-C skips the drain.
    actix_web::rt::System::new()
        .block_on(async move {
            let server = start(listener, state)?;
            actix_web::rt::spawn(crate::stopping::stop_on_signal(
                server.handle(),
                draining,
                drain,
            ));
            server.await
        })
        .map_err(|e| e.to_string())?;
    checkpoint_at_shutdown(&pool, db::Engine::of_url(database_url));
    Ok(())
}

/// Leaves a SQLite file whole on its own (the WAL emptied into it) when the server stops.
fn checkpoint_at_shutdown(pool: &DbPool, engine: db::Engine) {
    if engine == db::Engine::Postgres {
        log::info!("stopped");
        return;
    }
    let outcome = pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|mut conn| db::checkpoint(&mut conn).map_err(|e| e.to_string()));
    match outcome {
        Ok(()) => log::info!("stopped; the write-ahead log is checkpointed into the database"),
        Err(e) => log::warn!("stopped; the write-ahead log could not be checkpointed: {e}"),
    }
}

/// `seongbun migrate`.
pub fn migrate(database_url: &str) -> Result<(), String> {
    let ran = db::migrate(database_url).map_err(|e| e.to_string())?;
    if ran.is_empty() {
        println!("the database is up to date");
    } else {
        println!("ran {} migration(s): {}", ran.len(), ran.join(", "));
    }
    Ok(())
}

/// `seongbun backup PATH`.
pub fn backup(database_url: &str, target: &str) -> Result<(), String> {
    let mut conn = command_connection(database_url)?;
    db::backup_into(&mut conn, std::path::Path::new(target)).map_err(|e| e.to_string())?;
    println!("backed up {database_url} to {target}");
    Ok(())
}

/// `seongbun restore PATH`.
pub fn restore(database_url: &str, source: &str) -> Result<(), String> {
    let mut conn = command_connection(database_url)?;
    db::restore_from(&mut conn, std::path::Path::new(source)).map_err(|e| e.to_string())?;
    println!("restored {database_url} from {source}");
    Ok(())
}

/// `seongbun import PATH...`: imports each file in turn and prints its summary; stops at the
/// first file that fails (earlier files stay imported).
pub fn import(database_url: &str, paths: &[String]) -> Result<(), String> {
    let mut conn = command_connection(database_url)?;
    db::prepare_for_bulk_write(&mut conn).map_err(|e| e.to_string())?;
    for path in paths {
        let report = import::import_file(&mut conn, path).map_err(|e| e.to_string())?;
        print!("{report}");
    }
    Ok(())
}

/// `seongbun gen-catalog --products N --seed S`: a generated catalog on standard output.
pub fn gen_catalog(products: usize, seed: u64, data_dir: &str) -> Result<(), String> {
    let shape = synthetic::CatalogShape::learn(std::path::Path::new(data_dir))?;
    let catalog = synthetic::generate(&shape, products, seed);
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    synthetic::write_csv(&catalog, out).map_err(|e| format!("cannot write the catalog: {e}"))
}

/// One connection to the (migrated) database, for a command that runs and ends (without the
/// serving sessions' limits: an import holds the write lock for minutes).
fn command_connection(database_url: &str) -> Result<db::DbConnection, String> {
    let pool =
        db::open_with(database_url, db::PoolSettings::for_command()).map_err(|e| e.to_string())?;
    pool.get().map_err(|e| e.to_string())
}
