use clap::Parser;

use seongbun::config::{Cli, Command, ServeArgs};

fn main() -> std::process::ExitCode {
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
