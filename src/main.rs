use clap::Parser;

use seongbun::config::{Cli, Command, ServeArgs};

/// A page made per request allocates some hundreds of small strings and vectors, freed as it is
/// sent: glibc's malloc spent 8 % of a computed page's instructions on them, mimalloc's
/// per-thread free lists less than half of that (BENCHMARKS.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_arena_eager_commit` and `mi_option_purge_delay`: their places in
/// `mi_option_e` of the mimalloc that libmimalloc-sys 0.1.49 vendors (v3, `mimalloc.h`), which
/// Cargo.toml pins exactly; its Rust constants name an older layout.
const MI_OPTION_ARENA_EAGER_COMMIT: i32 = 4;
const MI_OPTION_PURGE_DELAY: i32 = 15;

/// Memory the index build frees goes back to the system at once, and arenas are committed as
/// they are used: with mimalloc's defaults the peak at a million products was 3 % above glibc's
/// (1,522 against 1,474 MB), with these 7 % below it (1,371 MB), at no cost a request (the
/// freed pages are reused, not returned, under load: 2 `madvise` calls in 19,000 requests).
#[allow(unsafe_code)]
fn tune_allocator() {
    // SAFETY: `mi_option_set` stores a number in mimalloc's option table; both indices are
    // below `_mi_option_last` of the vendored mimalloc, and mimalloc reads options on use.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}

fn main() -> std::process::ExitCode {
    tune_allocator();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let pool = cli.pool_settings();
    let outcome = match cli.command.unwrap_or(Command::Serve(ServeArgs::from_env())) {
        Command::Serve(args) => seongbun::startup::serve(&cli.database_url, pool, &args),
        Command::Migrate => seongbun::startup::migrate(&cli.database_url),
        Command::Import { paths } => seongbun::startup::import(&cli.database_url, &paths),
        Command::Backup { path } => seongbun::startup::backup(&cli.database_url, &path),
        Command::GenCatalog {
            products,
            seed,
            data_dir,
        } => seongbun::startup::gen_catalog(products, seed, &data_dir),
        Command::Restore { path } => seongbun::startup::restore(&cli.database_url, &path),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("seongbun: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
