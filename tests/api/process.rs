//! The real `seongbun` binary as its own process, for what an in-process server cannot show:
//! `kill -9`, SIGTERM, a restart on the same file, a read-only or full disk. Its log goes to a
//! file beside the database so a test can read what it said.

use std::ffi::OsStr;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::browser::Browser;

pub struct ServerProcess {
    child: Child,
    pub address: String,
    log: PathBuf,
    /// The log lives apart from the database: its disk may be made read-only or full.
    _log_dir: tempfile::TempDir,
}

/// How long a start may take (migrations, the demo catalog, indexing) on a busy CI machine.
const START_TIMEOUT: Duration = Duration::from_secs(90);

impl ServerProcess {
    /// Starts `seongbun serve` on `database` and a free port, with no rate limits (tests send
    /// many requests from one address), and waits until it answers.
    pub async fn start(database: impl AsRef<OsStr>, env: &[(&str, &str)]) -> ServerProcess {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        ServerProcess::start_at(database, env, port).await
    }

    /// `start` on a given port: an instance started again where a load balancer expects it.
    pub async fn start_at(
        database: impl AsRef<OsStr>,
        env: &[(&str, &str)],
        port: u16,
    ) -> ServerProcess {
        let log_dir = tempfile::tempdir().expect("a temp dir for the log");
        let log = log_dir.path().join("server.log");
        let log_file = std::fs::File::create(&log).expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_seongbun"))
            .env("DATABASE_URL", database.as_ref())
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("POST_LIMIT", "0")
            .env("PASSWORD_ATTEMPT_LIMIT", "0")
            .env("RUST_LOG", "info")
            // On PostgreSQL a snapshot file is kept by default in /var/tmp: here, beside the log.
            .env("CATALOG_SNAPSHOT", log_dir.path().join("catalog.snapshot"))
            // A stop without the 10 s drain a load balancer needs; the tests of the drain set it.
            .env("DRAIN_SECONDS", "0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("the binary starts");
        let mut server = ServerProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
            log,
            _log_dir: log_dir,
        };
        server.wait_until_answering().await;
        server
    }

    async fn wait_until_answering(&mut self) {
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited ({status}) at start:\n{}", self.log());
            }
            if client.get(&self.address).send().await.is_ok() {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "the server did not answer within {START_TIMEOUT:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn browser(&self) -> Browser {
        Browser::at(&self.address)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill_hard(mut self) {
        self.child.kill().expect("SIGKILL is delivered");
        self.child.wait().expect("the killed server is reaped");
    }

    /// Sends SIGTERM (a graceful stop).
    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// Sends a signal by name (`TERM`, `INT`).
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args(["-s", name, &self.pid().to_string()])
            .status()
            .expect("the kill command runs");
        assert!(sent.success(), "SIG{name} is delivered");
    }

    /// Waits for the process to exit by itself, at most `limit`.
    pub async fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the process can be polled") {
                return status;
            }
            assert!(
                started.elapsed() < limit,
                "the server did not stop within {limit:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then the exit status (the log stays readable).
    pub async fn stop(&mut self) -> ExitStatus {
        self.terminate();
        self.wait_exit(Duration::from_secs(30)).await
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs a `seongbun` command (backup, restore, import) to its end; returns its exit status and
/// what it printed.
pub fn run_command(database: impl AsRef<OsStr>, args: &[&str]) -> (ExitStatus, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_seongbun"))
        .env("DATABASE_URL", database.as_ref())
        .env("RUST_LOG", "warn")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status, text)
}

/// `PRAGMA integrity_check` of a database file, opened directly. PostgreSQL keeps its own
/// files whole (its write-ahead log is replayed at its start, and the app is what a test
/// kills): there, "ok" means the database answers with its posts readable.
pub fn integrity_check(database: impl AsRef<OsStr>) -> String {
    let database = database.as_ref().to_string_lossy().into_owned();
    if seongbun::db::Engine::of_url(&database) == seongbun::db::Engine::Postgres {
        stored_posts(&database);
        return "ok".into();
    }
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        integrity_check: String,
    }
    let mut conn =
        diesel::sqlite::SqliteConnection::establish(&database).expect("the database opens");
    diesel::sql_query("PRAGMA integrity_check")
        .load::<Check>(&mut conn)
        .expect("the check runs")
        .into_iter()
        .map(|c| c.integrity_check)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every post's (id, title), read from the database directly (a file path or a URL).
pub fn stored_posts(database: impl AsRef<OsStr>) -> Vec<(i32, String)> {
    use diesel::prelude::*;
    use seongbun::schema::posts;
    let mut conn = crate::helpers::connect(&database.as_ref().to_string_lossy());
    posts::table
        .select((posts::id, posts::title))
        .order(posts::id)
        .load(&mut conn)
        .expect("the posts are read")
}
