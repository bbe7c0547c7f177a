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

/// The options start-up changes, with the values they had: mimalloc's defaults, or what an
/// operator set (`MIMALLOC_ARENA_EAGER_COMMIT`, `MIMALLOC_PURGE_DELAY`), read rather than
/// written down here so that serving gets them back as they were.
type AllocatorOptions = [(i32, std::ffi::c_long); 2];

/// While the index is built, memory it frees goes back to the system at once, and arenas are
/// committed as they are used: with mimalloc's defaults the peak at a million products was 3 %
/// above glibc's (1,522 against 1,474 MB), with these 5 % below it (1,397 MB).
fn allocator_for_start_up() -> AllocatorOptions {
    [MI_OPTION_ARENA_EAGER_COMMIT, MI_OPTION_PURGE_DELAY].map(|option| {
        let was = allocator_option(option, None);
        allocator_option(option, Some(0));
        (option, was)
    })
}

/// Once serving, the options are as they were: freed memory waits before it is returned (1 s by
/// default in this mimalloc: its header says 10 ms, its options.c 1,000, which is what is read).
/// A board post's password hash takes 1 MiB and frees it, and returning it at once made every
/// post fault it in again (1,100 posts/s against 1,800 with a delay).
fn allocator_for_serving(options: AllocatorOptions) {
    for (option, value) in options {
        allocator_option(option, Some(value));
    }
}

/// Option `option`'s value, after setting it to `set` if given.
#[allow(unsafe_code)]
fn allocator_option(option: i32, set: Option<std::ffi::c_long>) -> std::ffi::c_long {
    // SAFETY: `mi_option_set` and `mi_option_get` store and read a number in mimalloc's option
    // table (the first read takes the environment's value), which mimalloc reads on use; both
    // options are below `_mi_option_last` of the vendored mimalloc.
    unsafe {
        if let Some(value) = set {
            libmimalloc_sys::mi_option_set(option, value);
        }
        libmimalloc_sys::mi_option_get(option)
    }
}

fn main() -> std::process::ExitCode {
    let serving_options = allocator_for_start_up();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let pool = cli.pool_settings();
    let outcome = match cli.command.unwrap_or(Command::Serve(ServeArgs::from_env())) {
        Command::Serve(args) => seongbun::startup::serve(&cli.database_url, pool, &args, || {
            allocator_for_serving(serving_options)
        }),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The option numbers are places in the vendored `mimalloc.h`: read at them, mimalloc's
    /// documented defaults come back (an upgrade that moved them would fail here), and serving
    /// gets back what start-up found.
    #[test]
    fn start_up_changes_the_two_options_and_serving_puts_them_back() {
        let found = allocator_for_start_up();
        assert_eq!(
            found,
            [
                (MI_OPTION_ARENA_EAGER_COMMIT, 2),
                (MI_OPTION_PURGE_DELAY, 1_000)
            ]
        );
        assert_eq!(allocator_option(MI_OPTION_PURGE_DELAY, None), 0);
        assert_eq!(allocator_option(MI_OPTION_ARENA_EAGER_COMMIT, None), 0);
        allocator_for_serving(found);
        assert_eq!(allocator_option(MI_OPTION_PURGE_DELAY, None), 1_000);
        assert_eq!(allocator_option(MI_OPTION_ARENA_EAGER_COMMIT, None), 2);
    }
}
