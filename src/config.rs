//! The command line and settings: flags, or the environment variables named beside them.

use clap::{Parser, Subcommand};

use crate::security::{PasswordCost, SafeguardSettings};

#[derive(Debug, Parser)]
#[command(
    name = "seongbun",
    version,
    about = "성분 — find the cosmetics whose ingredient lists are most alike"
)]
pub struct Cli {
    /// The database: a SQLite file (created if missing; also `sqlite://PATH`), or a PostgreSQL
    /// server as `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (for several instances).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "seongbun.db",
        global = true
    )]
    pub database_url: String,

    /// Connections each process keeps at most to PostgreSQL (SQLite ignores it).
    #[arg(long, env = "DATABASE_POOL_SIZE", default_value_t = crate::db::DEFAULT_POOL_SIZE,
          value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub database_pool_size: u32,

    /// PostgreSQL: how long a request waits for a lock (the write lock a long import holds)
    /// before it is told to try again (503, the form kept). Imports and migrations are exempt.
    #[arg(long, env = "DATABASE_LOCK_TIMEOUT_MS", default_value_t = crate::db::SessionLimits::DEFAULT.lock_timeout_ms, global = true)]
    pub database_lock_timeout_ms: u32,

    /// PostgreSQL: the longest one statement of a request may run.
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT_MS", default_value_t = crate::db::SessionLimits::DEFAULT.statement_timeout_ms, global = true)]
    pub database_statement_timeout_ms: u32,

    /// PostgreSQL: how long a connection may sit idle inside a transaction before the server
    /// ends it (and the locks it holds).
    #[arg(long, env = "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", default_value_t = crate::db::SessionLimits::DEFAULT.idle_in_transaction_timeout_ms, global = true)]
    pub database_idle_in_transaction_timeout_ms: u32,

    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    pub fn pool_settings(&self) -> crate::db::PoolSettings {
        crate::db::PoolSettings {
            postgres_pool_size: self.database_pool_size,
            session_limits: Some(crate::db::SessionLimits {
                lock_timeout_ms: self.database_lock_timeout_ms,
                statement_timeout_ms: self.database_statement_timeout_ms,
                idle_in_transaction_timeout_ms: self.database_idle_in_transaction_timeout_ms,
            }),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site (the default).
    Serve(ServeArgs),
    /// Import product catalogs and ingredient references (format recognised by header).
    Import {
        /// Files: Sephora cosmetics.csv or product_info.csv, Olive Young, our generic CSV,
        /// the KCIA dictionary CSV, KCIA spelling variants JSON, or CosIng functions CSV.
        #[arg(required = true)]
        paths: Vec<String>,
    },
    /// Bring the database's tables up to this version (`serve` and the other commands do it
    /// too; this does only that, e.g. before starting several instances).
    Migrate,
    /// Write a consistent copy of the database to a new file, while the site keeps serving.
    Backup {
        /// The new file (an existing one is never overwritten).
        path: String,
    },
    /// Write a large realistic catalog in the generic import format to standard output, for
    /// benchmarks: real list shapes from the public datasets, recombined (see BENCHMARKS.md).
    GenCatalog {
        /// How many products.
        #[arg(long)]
        products: usize,
        /// The same seed gives the same catalog.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The folder of the public datasets the shapes are learned from.
        #[arg(long, default_value = "../shared/data")]
        data_dir: String,
    },
    /// Replace all data of the database with a backup's, in one transaction (a running server
    /// keeps serving and shows the restored data from then on).
    Restore {
        /// A file written by `seongbun backup`.
        path: String,
    },
}

#[derive(Clone, clap::Args)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// The admin password; without it admin sign-in is disabled. Only its argon2id hash is kept.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Mark cookies Secure (set when the site is served over HTTPS).
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// Behind a proxy (nginx, a load balancer): the header it sets to the client's address, as
    /// `X-Real-IP`, so that rate limits count people, not the proxy. Needs `TRUSTED_PROXIES`.
    #[arg(long, env = "REAL_IP_HEADER")]
    pub real_ip_header: Option<String>,

    /// The proxies whose `REAL_IP_HEADER` is believed, comma-separated addresses or ranges
    /// (`10.0.0.5,10.1.0.0/16`); from any other peer the header is ignored.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,

    /// Board posts one address may create per 10 minutes (0: no limit).
    #[arg(long, env = "POST_LIMIT", default_value_t = 10)]
    pub post_limit: usize,

    /// Password guesses one address may make at each target (the admin sign-in, each post)
    /// per 10 minutes (0: no limit).
    #[arg(long, env = "PASSWORD_ATTEMPT_LIMIT", default_value_t = 10)]
    pub password_attempt_limit: usize,

    /// Label photos read per address per 10 minutes (0: no limit).
    #[arg(long, env = "PHOTO_LIMIT", default_value_t = 30)]
    pub photo_limit: usize,

    /// Pasted ingredient lists ranked per address per minute, in each instance (0: no limit).
    #[arg(long, env = "PASTED_LIST_LIMIT", default_value_t = 30)]
    pub pasted_list_limit: usize,

    /// Searches computed per address per minute, in each instance; answers already kept are
    /// not counted (0: no limit).
    #[arg(long, env = "SEARCH_LIMIT", default_value_t = 300)]
    pub search_limit: usize,

    /// Password checks (argon2) run at once; 32 times as many may wait, the rest are told to
    /// retry (default: one per core).
    #[arg(long, env = "PASSWORD_CHECKS_AT_ONCE", default_value_t = crate::job_queue::cores())]
    pub password_checks_at_once: usize,

    /// Memory (KiB) each post password's argon2id hash fills: 1024 (about 2 ms a hash) takes
    /// over 500 posts a second on 2 cores; 19456 is OWASP's advice for passwords that guard
    /// more (about 35 ms: some 30 posts a second). Higher means slower guessing of a stolen
    /// database's post passwords. The admin password always uses 19456.
    #[arg(long, env = "POST_PASSWORD_MEMORY_KIB", default_value_t = PasswordCost::POSTS.memory_kib,
          value_parser = clap::value_parser!(u32).range(PasswordCost::MIN_MEMORY_KIB as i64..))]
    pub post_password_memory_kib: u32,

    /// Memory (MiB) for finished product pages and search answers, kept per catalog version so
    /// popular pages are not ranked and rendered again (0: off).
    #[arg(long, env = "ANSWER_CACHE_MIB", default_value_t = crate::app_state::DEFAULT_ANSWER_CACHE_MIB)]
    pub answer_cache_mib: u64,

    /// The site's address as visitors see it (https://seongbun.example), used in canonical
    /// links, share cards and the sitemap; unset, each request's own host is used.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds a SIGTERM'd instance keeps serving (with `/readyz` 503 and `Connection: close`)
    /// before it stops accepting: long enough for a health-checking balancer to take it out and
    /// for nginx to pass its failure window (0: stop at once). SIGINT (Ctrl-C) never drains.
    #[arg(long, env = "DRAIN_SECONDS", default_value_t = 10)]
    pub drain_seconds: u64,

    /// The file each newly indexed catalog is also written to, so that an instance (re)started
    /// while PostgreSQL is down serves reads from it; `off` for none. Default on PostgreSQL:
    /// one file per database in ~/.cache/seongbun; on SQLite none (the database is the local
    /// file).
    #[arg(long, env = "CATALOG_SNAPSHOT")]
    pub catalog_snapshot: Option<String>,
}

impl ServeArgs {
    /// Where the catalog snapshot of `database_url` is kept, if anywhere.
    pub fn catalog_snapshot_path(&self, database_url: &str) -> Option<std::path::PathBuf> {
        match self.catalog_snapshot.as_deref() {
            Some("off" | "") => None,
            Some(path) => Some(path.into()),
            None if crate::db::Engine::of_url(database_url) == crate::db::Engine::Postgres => {
                crate::live_catalog::snapshot::default_path(database_url)
            }
            None => None,
        }
    }
}

/// Never prints the admin password.
impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field("bind", &self.bind)
            .field("admin_password", &self.admin_password.as_ref().map(|_| "…"))
            .field("secure_cookies", &self.secure_cookies)
            .field("real_ip_header", &self.real_ip_header)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("post_limit", &self.post_limit)
            .field("password_attempt_limit", &self.password_attempt_limit)
            .field("photo_limit", &self.photo_limit)
            .field("pasted_list_limit", &self.pasted_list_limit)
            .field("search_limit", &self.search_limit)
            .field("password_checks_at_once", &self.password_checks_at_once)
            .field("post_password_memory_kib", &self.post_password_memory_kib)
            .field("answer_cache_mib", &self.answer_cache_mib)
            .field("public_url", &self.public_url)
            .field("drain_seconds", &self.drain_seconds)
            .field("catalog_snapshot", &self.catalog_snapshot)
            .finish()
    }
}

/// `seongbun` with no command serves, with the same flags' defaults and environment.
#[derive(Parser)]
struct ServeOnly {
    #[command(flatten)]
    args: ServeArgs,
}

impl ServeArgs {
    /// The settings from the environment and defaults alone (no command given).
    pub fn from_env() -> Self {
        ServeOnly::parse_from(["seongbun"]).args
    }

    pub fn safeguards(&self) -> SafeguardSettings {
        SafeguardSettings {
            admin_password: self.admin_password.clone(),
            secure_cookies: self.secure_cookies,
            real_ip_header: self.real_ip_header.clone(),
            trusted_proxies: self.trusted_proxies.clone(),
            posts_per_window: self.post_limit,
            wrong_passwords_per_window: self.password_attempt_limit,
            photos_per_window: self.photo_limit,
            pasted_lists_per_minute: self.pasted_list_limit,
            searches_per_minute: self.search_limit,
            password_checks_at_once: self.password_checks_at_once,
            post_password_cost: PasswordCost {
                memory_kib: self.post_password_memory_kib,
            },
        }
    }
}
