//! `spawn_app()`: the real server on a free port, with its own database: a SQLite file in a
//! temp folder, or a new PostgreSQL database, as the test binary's `BACKEND` says (the same
//! tests run as `api` on SQLite and as `postgres` on PostgreSQL).

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};

use scraper::{Html, Selector};
use seongbun::security::SafeguardSettings;

/// The shared datasets (read-only, beside the repository; never copied into it).
pub const SEPHORA_1472: &str = "../shared/data/sephora_cosmetics_1472.csv";
pub const SEPHORA_PRODUCT_INFO: &str = "../shared/data/sephora_product_info.csv";
pub const OLIVE_YOUNG: &str = "../shared/data/oliveyoung_kr_skincare_1252.csv";
pub const KCIA_DICTIONARY: &str = "../shared/data/kcia_ingredient_dict_ko_en.csv";
pub const KCIA_VARIANTS: &str = "../shared/data/kcia_ko_name_variants.json";

/// The engine a test binary runs the suite on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The database's `DATABASE_URL`: a file path, or a `postgres://` URL.
    pub database: String,
    pub dir: tempfile::TempDir,
}

/// A new, empty database for one test: a file `name` in `dir`, or a new PostgreSQL database
/// on the server `SEONGBUN_TEST_POSTGRES_URL` names (`scripts/postgres-for-tests` starts one).
/// Without that server the PostgreSQL run says it is skipped and ends, except in CI, where it
/// fails.
pub fn test_database(dir: &tempfile::TempDir, name: &str) -> String {
    match crate::BACKEND {
        Backend::Sqlite => dir.path().join(name).to_string_lossy().into_owned(),
        Backend::Postgres => new_postgres_database(),
    }
}

/// The INCI name an ingredient chip shows: its `.inci` part on a Korean page (정제수 Water),
/// else its text, without the label screen readers hear.
pub fn chip_inci(chip: &scraper::ElementRef) -> String {
    let inci = Selector::parse(".inci").unwrap();
    if let Some(part) = chip.select(&inci).next() {
        return part.text().collect::<String>().trim().to_string();
    }
    let hidden = Selector::parse(".visually-hidden").unwrap();
    let said: String = chip.select(&hidden).flat_map(|h| h.text()).collect();
    let text: String = chip.text().collect();
    text.strip_suffix(&said).unwrap_or(&text).trim().to_string()
}

/// Whether a test must stop for want of an extra this machine lacks (Chromium, Tesseract,
/// Lighthouse, Schemathesis: what `scripts/test` installs). Outside CI the test says what it
/// skipped and why, and passes, so plain `cargo test` works on any machine; in CI a missing
/// extra is a failure.
pub fn missing_extra(present: bool, what: &str, install: &str) -> bool {
    if present {
        return false;
    }
    if in_ci() {
        panic!("{what} is missing (CI must have it): {install}");
    }
    // Written past the test harness's capture, which would hide it on a passing test.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\nskipped, {what} is missing: {install} (scripts/test installs it)"
    );
    true
}

/// CI runs everything: there a missing server or tool fails the run instead of skipping.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| ci == "true")
}

/// Whether the label-photo tests must stop: they need Tesseract with its Korean and English
/// models, and the fonts the test photos are drawn in.
pub fn missing_ocr() -> bool {
    let languages = std::process::Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    let present = languages.lines().any(|l| l.trim() == "kor")
        && languages.lines().any(|l| l.trim() == "eng")
        && [
            "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf",
        ]
        .iter()
        .all(|font| std::path::Path::new(font).exists());
    missing_extra(
        present,
        "Tesseract (with kor and eng) or the Nanum, DejaVu, Liberation and Un fonts",
        "apt-get install tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng fonts-nanum \
         fonts-dejavu-core fonts-liberation fonts-unfonts-core",
    )
}

/// The test PostgreSQL server's URL; without one, the run is skipped (outside CI) or fails.
pub fn postgres_server() -> String {
    let Ok(server) = std::env::var("SEONGBUN_TEST_POSTGRES_URL") else {
        if in_ci() {
            panic!("CI runs the suite on PostgreSQL: SEONGBUN_TEST_POSTGRES_URL must be set");
        }
        // Written past the test harness's capture, which the exit would drop.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\nPostgreSQL tests skipped: SEONGBUN_TEST_POSTGRES_URL is not set \
             (eval \"$(scripts/postgres-for-tests)\" starts a server)"
        );
        std::process::exit(0);
    };
    server
}

fn new_postgres_database() -> String {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    static MADE: AtomicUsize = AtomicUsize::new(0);
    let server = postgres_server();
    let name = format!(
        "seongbun_test_{}_{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = diesel::pg::PgConnection::establish(&server)
        .unwrap_or_else(|e| panic!("the test PostgreSQL server answers at {server}: {e}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("a new test database");
    let (base, _) = server.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}

/// A test's PostgreSQL database dropped with it: a hundred and fifty of them, each with a
/// catalog, were more than a gigabyte of the CI machine's shared disk. `FORCE` ends the
/// connections the test's server still holds; that server is dropped with the test.
fn drop_postgres_database(url: &str) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let (Ok(server), Some((_, name))) = (
        std::env::var("SEONGBUN_TEST_POSTGRES_URL"),
        url.rsplit_once('/'),
    ) else {
        return;
    };
    if !name.starts_with("seongbun_test_") {
        return;
    }
    if let Ok(mut admin) = diesel::pg::PgConnection::establish(&server) {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.database.starts_with("postgres") {
            drop_postgres_database(&self.database);
        }
    }
}

/// For a test of SQLite's own machinery (its pragmas, query plans, files and disks): true on
/// the PostgreSQL run, after saying what the test is about and why it does not apply there.
pub fn sqlite_only(what: &str) -> bool {
    let skip = crate::BACKEND == Backend::Postgres;
    if skip {
        eprintln!("not on PostgreSQL: {what}");
    }
    skip
}

/// A connection to a test database, for reading what the app stored.
pub fn connect(url: &str) -> seongbun::db::Conn {
    seongbun::db::establish(url).expect("the database opens")
}

/// The app on its embedded default: an empty database, so the demo catalog is loaded.
pub async fn spawn_app() -> TestApp {
    spawn_app_importing(&[]).await
}

/// The app after `seongbun import FILES` into a fresh database.
pub async fn spawn_app_importing(files: &[&str]) -> TestApp {
    spawn_app_with(files, SafeguardSettings::default()).await
}

/// The demo catalog, with these safeguards (an admin password, rate limits).
pub async fn spawn_app_guarded(settings: SafeguardSettings) -> TestApp {
    spawn_app_with(&[], settings).await
}

pub async fn spawn_app_with(files: &[&str], settings: SafeguardSettings) -> TestApp {
    spawn_app_tuned(files, settings, |state| state).await
}

/// `spawn_app_with`, the state changed by `tune` before it serves (a short OCR queue, say).
pub async fn spawn_app_tuned(
    files: &[&str],
    settings: SafeguardSettings,
    tune: impl FnOnce(seongbun::app_state::AppState) -> seongbun::app_state::AppState + Send + 'static,
) -> TestApp {
    let dir = tempfile::tempdir().expect("a temp dir");
    let database = test_database(&dir, "seongbun-test.db");
    let url = database.clone();
    let paths: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    let state = tokio::task::spawn_blocking(move || {
        if !paths.is_empty() {
            seongbun::startup::import(&url, &paths).expect("the import succeeds");
        }
        seongbun::startup::prepare(&url)
            .and_then(|state| state.with_safeguards(settings))
            .map(tune)
            .expect("the app starts")
    })
    .await
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let server = seongbun::startup::start(listener, state).expect("the server starts");
    tokio::spawn(server);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        database,
        dir,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("the request is answered")
    }

    /// GETs `path` as a browser that takes `accept_encoding` ("identity" for none).
    pub async fn get_encoded(&self, path: &str, accept_encoding: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .header("accept-encoding", accept_encoding)
            .send()
            .await
            .expect("the request is answered")
    }

    /// GETs a page and parses it; returns the status too.
    pub async fn page(&self, path: &str) -> (u16, Html) {
        read_page(self.get(path).await).await
    }

    /// GETs a page as a browser asking for `accept_language`.
    pub async fn page_in(&self, path: &str, accept_language: &str) -> (u16, Html) {
        let response = self
            .client
            .get(format!("{}{}", self.address, path))
            .header("accept-language", accept_language)
            .send()
            .await
            .expect("the request is answered");
        read_page(response).await
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(format!("{}{}", self.address, path))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// POSTs a body as it is, with the content type given.
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: String,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}{}", self.address, path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("the request is answered")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, Html) {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let response = self
            .client
            .post(format!("{}{}", self.address, path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            Html::parse_document(&response.text().await.unwrap()),
        )
    }

    /// The id of the product with this brand and name, found through the search API.
    pub async fn product_id(&self, brand: &str, name: &str) -> i64 {
        let (_, found) = self
            .get_json(&format!(
                "/api/search?q={}",
                urlencode(&format!("{brand} {name}"))
            ))
            .await;
        found["matches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["brand"] == brand && m["name"] == name)
            .unwrap_or_else(|| panic!("{brand} {name} is in the catalog"))["id"]
            .as_i64()
            .unwrap()
    }
}

async fn read_page(response: reqwest::Response) -> (u16, Html) {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    (status, Html::parse_document(&body))
}

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).unwrap()[1..].to_string()
}

/// The texts of the elements matching a CSS selector, whitespace squashed.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).expect("a valid selector");
    html.select(&selector)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The items of an API answer's `similar` that are one of `ids`.
pub fn results_among<'a>(body: &'a serde_json::Value, ids: &[i64]) -> Vec<&'a serde_json::Value> {
    body["similar"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"].as_i64().is_some_and(|id| ids.contains(&id)))
        .collect()
}
