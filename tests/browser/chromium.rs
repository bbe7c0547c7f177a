//! A real browser for end-to-end tests: Debian's headless Chromium driven over ChromeDriver
//! (packages `chromium` and `chromium-driver`, installed by `.ci/run`).
//!
//! Each test starts its own ChromeDriver on a free port; the session is closed (the browser
//! quits) at the test's end, and when the test ends, passed or failed, any browser still
//! running and the driver are stopped.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A phone and a desktop, as wide as the design must work.
pub const PHONE: (u32, u32) = (360, 780);
pub const DESKTOP: (u32, u32) = (1280, 900);

pub struct Chromium {
    pub client: Client,
    pub site: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// Options for one browser.
#[derive(Clone, Copy)]
pub struct BrowserSetup {
    pub window: (u32, u32),
    pub javascript: bool,
}

impl BrowserSetup {
    /// A window of this size, with JavaScript on.
    pub fn sized(window: (u32, u32)) -> Self {
        BrowserSetup {
            window,
            javascript: true,
        }
    }
}

impl Default for BrowserSetup {
    fn default() -> Self {
        BrowserSetup {
            window: DESKTOP,
            javascript: true,
        }
    }
}

impl Chromium {
    /// A new headless browser (its own profile) for the site at `site`.
    pub async fn open(site: &str, setup: BrowserSetup) -> Chromium {
        let present = [CHROMEDRIVER, CHROMIUM]
            .iter()
            .all(|program| std::path::Path::new(program).exists());
        if crate::helpers::missing_extra(
            present,
            "Chromium or ChromeDriver (every test of this binary needs them)",
            "apt-get install -y chromium chromium-driver",
        ) {
            // Every test here needs the browser: the whole binary stops, as passed.
            std::process::exit(0);
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().unwrap();
        let (width, height) = setup.window;
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--hide-scrollbars".to_string(),
            "--lang=ko-KR".to_string(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if !setup.javascript {
            args.push("--blink-settings=scriptEnabled=false".to_string());
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_string(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": args,
                "prefs": { "intl.accept_languages": "ko-KR,ko" },
            }),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let attempt = ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&webdriver)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(e) if started.elapsed() > Duration::from_secs(30) => {
                    panic!("no browser session from chromedriver in 30 s: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Chromium {
            client,
            site: site.to_string(),
            driver,
            _profile: profile,
        }
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.site, path))
            .await
            .expect("the page loads");
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self.find_all(css).await {
            texts.push(element.text().await.unwrap());
        }
        texts
    }

    /// Types into a field as a person would, key by key.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Waits until the path is `expected` (a page loaded after a click or a submit).
    pub async fn wait_for_path(&self, matches: impl Fn(&str) -> bool, what: &str) -> String {
        let started = Instant::now();
        loop {
            let path = self.path().await;
            if matches(&path) {
                return path;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "still at {path}, waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The `lang` of the page shown.
    pub async fn page_lang(&self) -> String {
        self.find("html")
            .await
            .attr("lang")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// A PNG of the whole page at the window's width: the window is made as tall as the
    /// page first (a WebDriver screenshot holds only what the window shows).
    pub async fn screenshot(&self, width: u32) -> Vec<u8> {
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight;", Vec::new())
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900)
            .clamp(400, 2200) as u32;
        self.client.set_window_size(width, height).await.unwrap();
        self.client.screenshot().await.unwrap()
    }

    pub async fn close(self) {
        let Chromium { client, .. } = &self;
        let _ = client.clone().close().await;
    }
}

impl Drop for Chromium {
    /// A test that failed mid-way never closed its session: the browser the driver started is
    /// stopped here (by its process id; signalling the driver's process group instead brought
    /// down this sandbox's whole VM), then the driver.
    fn drop(&mut self) {
        for browser in children_of(self.driver.id()) {
            let _ = Command::new("kill")
                .args(["-KILL", &browser.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The ids of the processes whose parent is `parent`, read from `/proc`.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // `pid (name) state ppid ...`: the name may hold spaces, so read after ')'.
                    let after_name = stat.rsplit_once(')')?.1;
                    after_name.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}
