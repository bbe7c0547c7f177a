//! Load and concurrency: 64 clients creating, editing and deleting posts while others read; an
//! import while the site serves. CI runs them for a few seconds (`SEONGBUN_LOAD_SECS`, default
//! 5); the README gives the command for the 30-second run.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use seongbun::security::SafeguardSettings;

use crate::browser::{errors_on, form_fields, post_id_of, Browser};
use crate::helpers::{spawn_app, spawn_app_guarded, spawn_app_tuned, texts, SEPHORA_1472};
use crate::suite::process::stored_posts;

const WRITERS: usize = 64;
const READERS: usize = 8;

fn load_duration() -> Duration {
    let seconds = std::env::var("SEONGBUN_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    Duration::from_secs(seconds)
}

/// What one writer did: each post it created, with its title as last acknowledged (`None`
/// once deleted), and anything the server answered that it should not have.
#[derive(Default)]
struct WriterLog {
    expected: HashMap<i32, Option<String>>,
    writes: usize,
    failures: Vec<String>,
}

/// What a client keeps of an answer (pages are not `Send`, so none is held across an await).
struct Answer {
    status: u16,
    location: Option<String>,
    errors: String,
}

async fn send(browser: &Browser, action: &str, fields: &[(String, String)]) -> Answer {
    let visit = browser.post_fields(action, fields, None).await;
    Answer {
        status: visit.status,
        location: visit.location,
        errors: errors_on(&visit.page).join(" | "),
    }
}

/// The fields of the form for `action` on the page at `path`, with `changes`.
async fn form_at(
    browser: &Browser,
    path: &str,
    action: &str,
    changes: &[(&str, &str)],
) -> (u16, Vec<(String, String)>) {
    let page = browser.get(path).await;
    let fields = if page.status == 200 {
        form_fields(&page.page, action, changes)
    } else {
        Vec::new()
    };
    (page.status, fields)
}

fn unexpected(what: &str, answer: &Answer) -> String {
    format!("{what}: {} {}", answer.status, answer.errors)
}

async fn writer(address: String, number: usize, until: Instant) -> WriterLog {
    let browser = Browser::at(&address);
    let mut log = WriterLog::default();
    let password = format!("load-pw-{number}");
    let (_, mut fields) = form_at(
        &browser,
        "/board/new",
        "/board/new",
        &[
            ("category", "request"),
            ("body", "부하 시험 · load test"),
            ("author", "load"),
            ("password", &password),
            ("title", ""),
        ],
    )
    .await;
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let title = format!("load w{number} #{n}");
        fields.last_mut().unwrap().1 = title.clone();
        let created = send(&browser, "/board/new", &fields).await;
        if created.status != 303 {
            log.failures.push(unexpected("create", &created));
            continue;
        }
        let id = post_id_of(created.location.as_deref().unwrap());
        log.writes += 1;
        log.expected.insert(id, Some(title.clone()));
        match n % 3 {
            1 => {
                let verify = format!("/board/{id}/edit/verify");
                let (_, asked) = form_at(
                    &browser,
                    &format!("/board/{id}/edit"),
                    &verify,
                    &[("password", &password)],
                )
                .await;
                let edit = format!("/board/{id}/edit");
                let edited_title = format!("{title} (수정)");
                let (status, edit_fields) = {
                    let form = browser.post_fields(&verify, &asked, None).await;
                    let fields = (form.status == 200)
                        .then(|| form_fields(&form.page, &edit, &[("title", &edited_title)]));
                    (form.status, fields)
                };
                let Some(edit_fields) = edit_fields else {
                    log.failures.push(format!("edit password: {status}"));
                    continue;
                };
                let saved = send(&browser, &edit, &edit_fields).await;
                if saved.status == 303 {
                    log.writes += 1;
                    log.expected.insert(id, Some(edited_title));
                } else {
                    log.failures.push(unexpected("edit", &saved));
                }
            }
            2 => {
                let delete = format!("/board/{id}/delete");
                let (_, asked) =
                    form_at(&browser, &delete, &delete, &[("password", &password)]).await;
                let deleted = send(&browser, &delete, &asked).await;
                if deleted.status == 303 {
                    log.writes += 1;
                    log.expected.insert(id, None);
                } else {
                    log.failures.push(unexpected("delete", &deleted));
                }
            }
            _ => {}
        }
    }
    log
}

#[derive(Default)]
struct ReadLog {
    latencies: Vec<Duration>,
    failures: Vec<String>,
}

async fn reader(address: String, number: usize, until: Instant) -> ReadLog {
    let client = reqwest::Client::new();
    let mut log = ReadLog::default();
    let mut n = number;
    while Instant::now() < until {
        n += 1;
        let path = match n % 6 {
            0 => "/".to_string(),
            1 => "/board".to_string(),
            2 => "/board?q=load&field=title".to_string(),
            3 => "/api/search?q=hydra%20cream".to_string(),
            4 => format!("/products/{}", 1 + n % 70),
            _ => format!("/board/{}", 1 + n % 50),
        };
        let started = Instant::now();
        let response = client.get(format!("{address}{path}")).send().await;
        log.latencies.push(started.elapsed());
        match response {
            // A post may have been deleted meanwhile; everything else must be there.
            Ok(r)
                if r.status().is_success()
                    || (path.starts_with("/board/") && r.status() == 404) => {}
            Ok(r) => log.failures.push(format!("GET {path}: {}", r.status())),
            Err(e) => log.failures.push(format!("GET {path}: {e}")),
        }
    }
    log
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_clients_writing_while_others_read_lose_nothing_and_meet_no_error() {
    let app = spawn_app_guarded(SafeguardSettings {
        posts_per_window: 0,
        wrong_passwords_per_window: 0,
        ..SafeguardSettings::default()
    })
    .await;
    let duration = load_duration();
    let until = Instant::now() + duration;
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| tokio::spawn(writer(app.address.clone(), w, until)))
        .collect();
    let readers: Vec<_> = (0..READERS)
        .map(|r| tokio::spawn(reader(app.address.clone(), r, until)))
        .collect();

    let mut expected = HashMap::new();
    let mut failures = Vec::new();
    let mut writes = 0;
    for task in writers {
        let log = task.await.unwrap();
        expected.extend(log.expected);
        failures.extend(log.failures);
        writes += log.writes;
    }
    let mut latencies = Vec::new();
    for task in readers {
        let log = task.await.unwrap();
        latencies.extend(log.latencies);
        failures.extend(log.failures);
    }
    latencies.sort();
    eprintln!(
        "load for {duration:?}: {writes} acknowledged writes by {WRITERS} clients; {} reads by {READERS}: p50 {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().unwrap(),
    );
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
    assert!(
        writes >= WRITERS,
        "every client got writes through: {writes}"
    );
    assert!(
        latencies.len() as u64 >= 10 * duration.as_secs(),
        "reads stayed served during the writes: {}",
        latencies.len()
    );

    // Every acknowledged write is in the database, exactly once; nothing else is.
    let stored = stored_posts(&app.database);
    let stored_by_id: HashMap<i32, String> = stored.iter().cloned().collect();
    for (id, title) in &expected {
        assert_eq!(stored_by_id.get(id), title.as_ref(), "post {id}");
    }
    let live = expected.values().filter(|t| t.is_some()).count();
    assert_eq!(stored.len(), live, "no post beyond the acknowledged ones");
    let mut titles: Vec<&String> = stored.iter().map(|(_, t)| t).collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), stored.len(), "each post is stored once");
}

/// The product count the home page shows ("제품 N개").
fn product_count(page: &scraper::Html) -> usize {
    let hint = texts(page, ".hint").join(" ");
    hint.split("제품 ")
        .nth(1)
        .and_then(|rest| rest.split('개').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("the home page shows a product count: {hint}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_import_while_serving_shows_the_old_or_the_new_catalog_and_never_stalls() {
    let app = spawn_app().await;
    let browser = app.browser();
    let demo_count = product_count(&browser.get("/").await.page);
    let url = app.database.clone();
    let import = tokio::task::spawn_blocking(move || {
        seongbun::startup::import(&url, &[SEPHORA_1472.to_string()])
    });

    let mut seen = Vec::new();
    let mut slowest = Duration::ZERO;
    let started = Instant::now();
    let mut imported = false;
    loop {
        let asked = Instant::now();
        let home = browser.get("/").await;
        let search = app.get("/api/search?q=cream").await.status().as_u16();
        slowest = slowest.max(asked.elapsed());
        assert_eq!(home.status, 200);
        assert_eq!(search, 200);
        let count = product_count(&home.page);
        if seen.last() != Some(&count) {
            seen.push(count);
        }
        if import.is_finished() && !imported {
            import.await.unwrap().expect("the import succeeds");
            imported = true;
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import ends"
        );
    }
    // The running server swaps the new index in within its check interval.
    let swapped = Instant::now();
    while product_count(&browser.get("/").await.page) == demo_count {
        assert!(
            swapped.elapsed() < Duration::from_secs(10),
            "the new catalog is served"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let final_count = product_count(&browser.get("/").await.page);
    seen.push(final_count);
    seen.dedup();
    eprintln!("counts seen during the import: {seen:?}; slowest home + search: {slowest:?}");
    assert!(imported);
    assert!(
        final_count > 1_000,
        "the Sephora catalog replaced the demo one"
    );
    assert!(
        seen.iter().all(|c| *c == demo_count || *c == final_count),
        "only the old or the new catalog is ever served: {seen:?}"
    );
    assert!(
        slowest < Duration::from_secs(2),
        "the site answered throughout the import: slowest {slowest:?}"
    );
}

/// Requests per second `address` answers with 200 to `connections` clients, each on its own
/// kept-alive connection, asking for `paths` in turn for `duration`, with a browser's
/// `Accept-Encoding`.
async fn answered_per_second(address: &str, paths: &[String], duration: Duration) -> f64 {
    const CONNECTIONS: usize = 16;
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|n| {
            let urls: Vec<String> = paths.iter().map(|p| format!("{address}{p}")).collect();
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .build()
                    .unwrap();
                let mut answered = 0usize;
                let mut at = n;
                while started.elapsed() < duration {
                    let response = client
                        .get(&urls[at % urls.len()])
                        .header("accept-encoding", "gzip, deflate, br, zstd")
                        .send()
                        .await
                        .expect("answered");
                    assert_eq!(response.status(), 200);
                    response.bytes().await.expect("the whole body");
                    answered += 1;
                    at += CONNECTIONS;
                }
                answered
            })
        })
        .collect();
    let mut answered = 0;
    for task in tasks {
        answered += task.await.unwrap();
    }
    answered as f64 / started.elapsed().as_secs_f64()
}

/// Issue 26's guard in CI: a product page computed for each request (no kept answers) is
/// served at no less than a twentieth of the rate of actix-web's "Hello, World!", both measured
/// by the same client in the same run. Far below the benchmark's target (scripts/bench-http
/// measures 0.14x with wrk), it catches a regression of the size once seen (0.005x: every page
/// compressed as a slow stream), not a few per cent: the speed itself is BENCHMARKS.md's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_computed_product_page_is_served_at_over_a_twentieth_of_hello_worlds_rate() {
    let app = spawn_app_tuned(&[SEPHORA_1472], SafeguardSettings::default(), |state| {
        state.with_answer_cache_mib(0)
    })
    .await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hello = format!("http://{}", listener.local_addr().unwrap());
    let server = actix_web::HttpServer::new(|| {
        actix_web::App::new().route("/", actix_web::web::get().to(|| async { "Hello, World!" }))
    })
    .workers(2)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    let pages: Vec<String> = (1..=400).map(|id| format!("/products/{id}")).collect();
    // Each once first, as the benchmark does: the first request of a page is not the subject.
    answered_per_second(&app.address, &pages, Duration::from_millis(300)).await;
    let measure = Duration::from_secs(2);
    let hello_rate = answered_per_second(&hello, &["/".to_string()], measure).await;
    let page_rate = answered_per_second(&app.address, &pages, measure).await;
    let ratio = page_rate / hello_rate;
    eprintln!("computed product page {page_rate:.0}/s, hello {hello_rate:.0}/s: {ratio:.3}x");
    assert!(
        ratio >= 0.05,
        "a computed product page at {page_rate:.0}/s is {ratio:.3}x hello's {hello_rate:.0}/s"
    );
}
