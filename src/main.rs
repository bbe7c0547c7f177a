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
/// The two options' defaults: arenas committed eagerly where the system overcommits, and freed
/// memory returned after 10 ms.
const ARENA_EAGER_COMMIT_DEFAULT: i32 = 2;
const PURGE_DELAY_DEFAULT: i32 = 10;

/// While the index is built, memory it frees goes back to the system at once, and arenas are
/// committed as they are used: with mimalloc's defaults the peak at a million products was 3 %
/// above glibc's (1,522 against 1,474 MB), with these 5 % below it (1,397 MB).
fn allocator_for_start_up() {
    set_allocator_option(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    set_allocator_option(MI_OPTION_PURGE_DELAY, 0);
}

/// Once serving, freed memory waits its default 10 ms before it is returned: a board post's
/// password hash takes 1 MiB and frees it, and returning it at once made every post fault it
/// in again (1,100 posts/s against 1,800 with the delay).
fn allocator_for_serving() {
    set_allocator_option(MI_OPTION_ARENA_EAGER_COMMIT, ARENA_EAGER_COMMIT_DEFAULT);
    set_allocator_option(MI_OPTION_PURGE_DELAY, PURGE_DELAY_DEFAULT);
}

#[allow(unsafe_code)]
fn set_allocator_option(option: i32, value: i32) {
    // SAFETY: `mi_option_set` stores a number in mimalloc's option table, which mimalloc reads
    // on use; both options are below `_mi_option_last` of the vendored mimalloc.
    unsafe { libmimalloc_sys::mi_option_set(option, value.into()) }
}

fn main() -> std::process::ExitCode {
    allocator_for_start_up();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let pool = cli.pool_settings();
    let outcome = match cli.command.unwrap_or(Command::Serve(ServeArgs::from_env())) {
        Command::Serve(args) => {
            seongbun::startup::serve(&cli.database_url, pool, &args, allocator_for_serving)
        }
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
