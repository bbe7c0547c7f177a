//! The command line and settings: flags, or the environment variables named beside them.

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "seongbun",
    version,
    about = "성분 — find the cosmetics whose ingredient lists are most alike"
)]
pub struct Cli {
    /// The SQLite database file (created if missing).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "seongbun.db",
        global = true
    )]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Option<Command>,
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
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The address and port to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind: String,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            bind: std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_string()),
        }
    }
}
