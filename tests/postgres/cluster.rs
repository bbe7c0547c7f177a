//! A PostgreSQL server of a test's own (scripts/postgres-for-tests), for a test that stops and
//! starts it: the shared test server must keep running for the others.

use std::path::Path;
use std::process::Command;

pub struct Cluster {
    url: String,
    bin: String,
    data: String,
}

impl Cluster {
    pub fn start() -> Cluster {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/postgres-for-tests");
        let output = Command::new(&script).output().expect("the script runs");
        assert!(
            output.status.success(),
            "a PostgreSQL server starts: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let exports = String::from_utf8_lossy(&output.stdout).into_owned();
        let value = |name: &str| {
            exports
                .lines()
                .find_map(|l| l.strip_prefix(&format!("export {name}=")))
                .unwrap_or_else(|| panic!("{name} in {exports}"))
                .to_string()
        };
        Cluster {
            url: value("SEONGBUN_TEST_POSTGRES_URL"),
            bin: value("SEONGBUN_TEST_PG_BIN"),
            data: value("SEONGBUN_TEST_PG_DATA"),
        }
    }

    /// A new database on this server; its URL.
    pub fn database(&self, name: &str) -> String {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let mut admin = diesel::pg::PgConnection::establish(&self.url).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (base, _) = self.url.rsplit_once('/').unwrap();
        format!("{base}/{name}")
    }

    /// A fast shutdown: connections are ended, as when the server is restarted for an upgrade.
    pub fn stop(&self) {
        self.pg_ctl("-m fast stop");
    }

    pub fn start_again(&self) {
        self.pg_ctl("-w -t 60 start -l /dev/null");
    }

    fn pg_ctl(&self, args: &str) {
        let command = format!("{}/pg_ctl -D {} {args}", self.bin, self.data);
        let status = if is_root() {
            Command::new("su")
                .args(["postgres", "-s", "/bin/bash", "-c", &command])
                .status()
        } else {
            Command::new("bash").args(["-c", &command]).status()
        };
        assert!(status.expect("pg_ctl runs").success(), "{command}");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let command = format!("{}/pg_ctl -D {} -m immediate stop", self.bin, self.data);
        let _ = if is_root() {
            Command::new("su")
                .args(["postgres", "-s", "/bin/bash", "-c", &command])
                .output()
        } else {
            Command::new("bash").args(["-c", &command]).output()
        };
        // Its folder too (scripts/postgres-for-tests makes /tmp/seongbun-pg.*/data): the
        // machines share their disk.
        if let Some(folder) = self.data.strip_suffix("/data") {
            if folder.starts_with("/tmp/seongbun-pg.") {
                let _ = std::fs::remove_dir_all(folder);
            }
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}
