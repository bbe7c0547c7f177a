//! Every URL parameter, path segment and form field with hostile input: empty, 100 KB,
//! control characters, invalid UTF-8 and broken percent-encoding, SQL fragments, and over 200
//! XSS payloads. Each answer is a 4xx page or escaped text: never a 5xx, never markup that would
//! run, never a row changed that should not change.

use std::sync::{Arc, Mutex};

use seongbun::security::SafeguardSettings;

use crate::browser::{form_fields, Browser};
use crate::helpers::{spawn_app_guarded, urlencode, TestApp};
use crate::suite::hostile_input::{
    all_text_payloads, edge_cases, injected_markup, sql_fragments, xss_payloads, BROKEN_ENCODINGS,
};

const ADMIN_PASSWORD: &str = "hostile-input-admin-password";

/// Failures found so far, shared by the tasks that send requests side by side.
type Findings = Arc<Mutex<Vec<String>>>;

/// Reads an answer; notes a 5xx, a dropped connection, or markup that would run.
async fn judge(
    what: String,
    sent: reqwest::Result<reqwest::Response>,
    findings: &Findings,
) -> Option<(u16, Option<String>)> {
    let response = match sent {
        Ok(response) => response,
        Err(e) => {
            let shown: String = what.chars().take(160).collect();
            findings
                .lock()
                .unwrap()
                .push(format!("no answer ({e:?}): {shown}"));
            return None;
        }
    };
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let html = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/html"));
    let body = response.text().await.unwrap_or_default();
    let mut problems = Vec::new();
    if status >= 500 {
        problems.push(format!("status {status}"));
    }
    if html {
        problems.extend(injected_markup(&body));
    }
    if body.contains("panicked") || body.contains("backtrace") {
        problems.push("a stack trace".to_string());
    }
    if !problems.is_empty() {
        let shown: String = what.chars().take(160).collect();
        findings
            .lock()
            .unwrap()
            .push(format!("{}: {shown}", problems.join(", ")));
    }
    Some((status, location))
}

/// GET addresses, `{}` standing for the hostile value.
const GET_TARGETS: &[&str] = &[
    "/search?q={}",
    "/board?q={}&field=title",
    "/board?q=a&field={}",
    "/board?page={}",
    "/board?done={}",
    "/board/new?category={}",
    "/board/new?category=request&product={}",
    "/board/new?product_id={}",
    "/products/{}",
    "/board/{}",
    "/board/{}/edit",
    "/board/{}/delete",
    "/admin/login?next={}",
    "/admin/products/new?post={}",
    "/admin/products/{}/edit",
    "/api/search?q={}",
    "/api/products/{}/similar",
    "/api/products/1/similar?limit={}",
    "/static/{}",
    "/similar?ingredients={}",
    "/products/1?filtered=1&without={}",
    "/products/1?filtered=1&max_price={}",
    "/products/1?same_category={}&cheaper={}",
    "/compare?a={}&b=2",
    "/compare?a=1&b={}",
    "/ingredients/{}",
    "/ingredients/1?page={}",
    "/api/suggest?q={}",
    "/lang/{}",
];

/// The longest address the HTTP client builds; longer ones go over a plain socket.
const LONGEST_CLIENT_URI: usize = 60_000;

/// GETs `path` over a plain socket and returns the status. (Addresses this long are refused by
/// the HTTP layer itself, before the app, with a bare 400.)
async fn raw_get(address: &str, path: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    // The server may answer and close before the whole head is sent.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

async fn sweep_gets(app: &TestApp, findings: Findings) {
    let mut values: Vec<String> = all_text_payloads().iter().map(|p| urlencode(p)).collect();
    values.extend(BROKEN_ENCODINGS.iter().map(|s| s.to_string()));
    let tasks: Vec<_> = GET_TARGETS
        .iter()
        .map(|target| {
            let (client, address, values, findings) = (
                app.client.clone(),
                app.address.clone(),
                values.clone(),
                findings.clone(),
            );
            tokio::spawn(async move {
                for value in &values {
                    let path = target.replace("{}", value);
                    if path.len() > LONGEST_CLIENT_URI {
                        let status = raw_get(&address, &path).await;
                        if !(400..500).contains(&status) {
                            findings.lock().unwrap().push(format!(
                                "status {status} for a {} KB address",
                                path.len() / 1024
                            ));
                        }
                        continue;
                    }
                    let sent = client.get(format!("{address}{path}")).send().await;
                    judge(format!("GET {path}"), sent, &findings).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

/// POSTs `fields` (with this browser's CSRF token) and judges the answer.
async fn post(
    browser: &Browser,
    action: &str,
    fields: &[(String, String)],
    findings: &Findings,
) -> Option<(u16, Option<String>)> {
    let sent = browser
        .client
        .post(format!("{}{action}", browser.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).unwrap())
        .send()
        .await;
    let shown: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", v.chars().take(40).collect::<String>()))
        .collect();
    judge(format!("POST {action} {}", shown.join("&")), sent, findings).await
}

fn with_csrf(browser_csrf: &str, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all = vec![("csrf".to_string(), browser_csrf.to_string())];
    all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    all
}

/// Each of `names` set to `value`.
fn every_field<'a>(names: &[&'a str], value: &'a str) -> Vec<(&'a str, &'a str)> {
    names.iter().map(|name| (*name, value)).collect()
}

async fn csrf_of(browser: &Browser) -> String {
    let form = browser.get("/board/new").await;
    form_fields(&form.page, "/board/new", &[])
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .expect("the form carries a CSRF token")
        .1
}

/// Every post's and product's stored values but view counts, to see that nothing changed.
fn stored_rows(app: &TestApp) -> Vec<String> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    let mut conn = crate::helpers::connect(&app.database);
    diesel::sql_query(
        "SELECT 'post ' || id || ':' || category || title || body || author || \
         coalesce(password_hash, '') || is_secret || is_pinned || status || answer || \
         coalesce(CAST(product_id AS TEXT), '') || product_name || updated_at AS row FROM posts \
         UNION ALL SELECT 'product ' || id || ':' || brand || name || category || \
         ingredients_raw || aliases || updated_at FROM products \
         UNION ALL SELECT 'version ' || version FROM catalog_state ORDER BY 1",
    )
    .load::<Row>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|r| r.row)
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_values_in_every_parameter_and_field_get_a_4xx_or_escaped_text_and_change_nothing()
{
    let app = spawn_app_guarded(SafeguardSettings {
        admin_password: Some(ADMIN_PASSWORD.to_string()),
        posts_per_window: 0,
        wrong_passwords_per_window: 0,
        ..SafeguardSettings::default()
    })
    .await;
    let findings: Findings = Arc::new(Mutex::new(Vec::new()));
    let author = app.browser();
    let victim = author
        .write_post(
            "지켜야 할 글",
            "이 글은 바뀌면 안 됩니다",
            "victim-pw-1",
            false,
        )
        .await;
    let admin = app.browser();
    assert_eq!(admin.sign_in(ADMIN_PASSWORD).await.status, 303);
    let before = stored_rows(&app);

    sweep_gets(&app, findings.clone()).await;

    // Fields of forms that must change nothing: wrong passwords, no grant, invalid moderation
    // and product forms. Passwords are never shown, so they get a shorter list (argon2 is slow).
    let mut password_values = edge_cases();
    password_values.extend(sql_fragments());
    password_values.extend(xss_payloads().into_iter().take(20));
    let visitor = app.browser();
    let csrf = csrf_of(&visitor).await;
    let admin_csrf = csrf_of(&admin).await;
    let everything = all_text_payloads();
    let mut refused_forms = Vec::new();
    for value in &password_values {
        for action in ["unlock", "edit/verify", "delete"] {
            refused_forms.push((
                false,
                format!("/board/{victim}/{action}"),
                with_csrf(&csrf, &[("password", value)]),
            ));
        }
        refused_forms.push((
            false,
            "/admin/login".to_string(),
            with_csrf(&csrf, &[("password", value), ("next", value)]),
        ));
    }
    for value in &everything {
        let all_fields = every_field(
            &[
                "category",
                "title",
                "body",
                "author",
                "password",
                "product",
                "product_id",
                "secret",
                "grant",
            ],
            value,
        );
        refused_forms.extend([
            (
                false,
                format!("/board/{victim}/edit"),
                with_csrf(&csrf, &all_fields),
            ),
            (
                false,
                "/board/new".to_string(),
                with_csrf(&csrf, &all_fields),
            ),
            (
                false,
                "/similar".to_string(),
                with_csrf(&csrf, &[("ingredients", value)]),
            ),
            (
                true,
                format!("/board/{victim}/moderate"),
                with_csrf(
                    &admin_csrf,
                    &[("status", value), ("answer", value), ("pinned", value)],
                ),
            ),
        ]);
        let product_fields = every_field(
            &[
                "brand",
                "name",
                "category",
                "ingredients",
                "price",
                "currency",
                "aliases",
                "post",
            ],
            value,
        );
        refused_forms.extend([
            (
                true,
                "/admin/products/new".to_string(),
                with_csrf(&admin_csrf, &product_fields),
            ),
            (
                true,
                "/admin/products/1/edit".to_string(),
                with_csrf(&admin_csrf, &product_fields),
            ),
            // Without the token: refused before anything is read.
            (
                false,
                "/board/new".to_string(),
                vec![("csrf".to_string(), value.clone())],
            ),
        ]);
    }
    let chunks: Vec<Vec<_>> = refused_forms
        .chunks(refused_forms.len() / 6 + 1)
        .map(|c| c.to_vec())
        .collect();
    let tasks: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let (visitor, admin, findings) = (visitor.clone(), admin.clone(), findings.clone());
            tokio::spawn(async move {
                for (as_admin, action, fields) in chunk {
                    let browser = if as_admin { &admin } else { &visitor };
                    if let Some((status, _)) = post(browser, &action, &fields, &findings).await {
                        if status < 400 && !action.starts_with("/similar") {
                            findings
                                .lock()
                                .unwrap()
                                .push(format!("POST {action} was accepted ({status})"));
                        }
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let after = stored_rows(&app);
    assert_eq!(before, after, "no stored row changed");
    let findings = findings.lock().unwrap();
    assert!(
        findings.is_empty(),
        "{} findings, first: {:#?}",
        findings.len(),
        &findings[..findings.len().min(15)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hostile_text_that_is_stored_is_shown_as_text_everywhere() {
    let app = spawn_app_guarded(SafeguardSettings {
        admin_password: Some(ADMIN_PASSWORD.to_string()),
        posts_per_window: 0,
        ..SafeguardSettings::default()
    })
    .await;
    let findings: Findings = Arc::new(Mutex::new(Vec::new()));
    let admin = app.browser();
    assert_eq!(admin.sign_in(ADMIN_PASSWORD).await.status, 303);
    let admin_csrf = csrf_of(&admin).await;
    let mut payloads = xss_payloads();
    payloads.extend(sql_fragments());
    let chunks: Vec<Vec<String>> = payloads
        .chunks(payloads.len() / 4 + 1)
        .map(|c| c.to_vec())
        .collect();
    let tasks: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let (address, findings) = (app.address.clone(), findings.clone());
            let admin = admin.clone();
            let admin_csrf = admin_csrf.clone();
            tokio::spawn(async move {
                let author = Browser::at(&address);
                let csrf = csrf_of(&author).await;
                for payload in chunk {
                    // Stored by an author: a post whose every text field is the payload.
                    let fields = with_csrf(
                        &csrf,
                        &[
                            ("category", "question"),
                            ("title", &payload),
                            ("body", &format!("{payload}\n{payload}")),
                            ("author", &payload.chars().take(40).collect::<String>()),
                            ("password", "stored-pw-1"),
                            ("product_id", "none"),
                            ("product", &payload.chars().take(100).collect::<String>()),
                        ],
                    );
                    let Some((status, location)) =
                        post(&author, "/board/new", &fields, &findings).await
                    else {
                        continue;
                    };
                    let Some(latest) = location.filter(|_| status == 303) else {
                        findings
                            .lock()
                            .unwrap()
                            .push(format!("a post of {payload:?} was refused ({status})"));
                        continue;
                    };
                    let latest = crate::browser::post_id_of(&latest);
                    // Answered by the admin with the payload.
                    let list = author
                        .client
                        .get(format!(
                            "{address}/board?q={}&field=title",
                            urlencode(&payload)
                        ))
                        .send()
                        .await;
                    judge(format!("board search for {payload}"), list, &findings).await;
                    let answer =
                        with_csrf(&admin_csrf, &[("status", "done"), ("answer", &payload)]);
                    post(
                        &admin,
                        &format!("/board/{latest}/moderate"),
                        &answer,
                        &findings,
                    )
                    .await;
                    for path in [format!("/board/{latest}"), "/board".to_string()] {
                        let page = author.client.get(format!("{address}{path}")).send().await;
                        judge(format!("GET {path} holding {payload}"), page, &findings).await;
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    // A product with hostile names, added by the admin, on its page, in search and in results.
    let fields = with_csrf(
        &admin_csrf,
        &[
            ("brand", "<img src=x onerror=alert(1)>"),
            ("name", "\"><script>alert(1)</script>"),
            ("category", "moisturizer"),
            (
                "ingredients",
                "Water, <svg onload=alert(1)>, Glycerin, Niacinamide",
            ),
            ("aliases", "<b onmouseover=alert(1)>별명</b>"),
        ],
    );
    let added = post(&admin, "/admin/products/new", &fields, &findings).await;
    assert!(
        added.is_some_and(|(status, _)| status == 303),
        "the admin adds the product"
    );
    for path in [
        "/search?q=script%20alert",
        "/search?q=img%20onerror",
        "/api/search?q=script",
    ] {
        let page = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await;
        judge(format!("GET {path}"), page, &findings).await;
    }
    let findings = findings.lock().unwrap();
    assert!(
        findings.is_empty(),
        "{} findings, first: {:#?}",
        findings.len(),
        &findings[..findings.len().min(15)]
    );
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_and_broken_bodies_a_4xx() {
    let app = spawn_app_guarded(SafeguardSettings {
        posts_per_window: 0,
        ..SafeguardSettings::default()
    })
    .await;
    let visitor = app.browser();
    let csrf = csrf_of(&visitor).await;
    let findings: Findings = Arc::new(Mutex::new(Vec::new()));
    let huge = "가".repeat(seongbun::web::FORM_LIMIT_BYTES);
    for action in ["/board/new", "/similar", "/admin/login"] {
        let fields = with_csrf(
            &csrf,
            &[
                ("title", &huge),
                ("ingredients", &huge),
                ("password", &huge),
            ],
        );
        let answer = post(&visitor, action, &fields, &findings).await;
        assert_eq!(answer.map(|a| a.0), Some(413), "{action}");
    }
    let (status, _) = app
        .post_json("/api/similar", &serde_json::json!({ "ingredients": huge }))
        .await;
    assert_eq!(status, 413);
    // Bytes that are not UTF-8, in a form and in JSON.
    for (path, content_type) in [
        ("/board/new", "application/x-www-form-urlencoded"),
        ("/similar", "application/x-www-form-urlencoded"),
        ("/api/similar", "application/json"),
    ] {
        let sent = visitor
            .client
            .post(format!("{}{path}", app.address))
            .header("content-type", content_type)
            .body(vec![
                b'c', b's', b'r', b'f', b'=', 0xff, 0xfe, b'&', b'{', 0xc0, 0x80,
            ])
            .send()
            .await;
        let answer = judge(format!("POST {path} with bad bytes"), sent, &findings).await;
        assert!(
            answer.is_some_and(|(status, _)| (400..500).contains(&status)),
            "{path}"
        );
    }
    let findings = findings.lock().unwrap();
    assert!(findings.is_empty(), "{findings:#?}");
}
