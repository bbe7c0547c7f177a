//! The OpenAPI document at /api/openapi.json: it lists every JSON endpoint, every status it
//! documents is one a real request gets (with a body of the documented shape), methods it
//! does not list get a 405, and the readable page at /api is made from it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use seongbun::security::SafeguardSettings;

use crate::helpers::{spawn_app, spawn_app_tuned, texts, Backend, TestApp};

/// The photos an address may send in the test of every status.
const PHOTO_LIMIT: usize = 8;

/// A request that should get `status` from the operation `method path`.
struct Case {
    method: &'static str,
    path: &'static str,
    status: u16,
    send: Request,
}

enum Request {
    Get(String),
    Json(Value),
    Raw(&'static str, String),
    /// The database is taken away first (PostgreSQL: dropped with its connections).
    WithoutDatabase(String),
    /// A multipart upload of these bytes as `image`.
    Photo(Vec<u8>),
    /// Two label photos at once, to an app that reads one at a time with no queue: the
    /// answer looked at is the refused one.
    PhotosAtOnce,
    /// Uploads until the address's photo limit refuses one.
    PhotosPastTheLimit,
    /// Sends the same request until the address's limit refuses one.
    UntilRefused(Box<Request>),
    /// The request, to the same app with its list jobs switched off (all taken).
    WithoutListJobs(Value),
}

async fn cases(app: &TestApp) -> Vec<Case> {
    let id = app.product_id("Haneul Lab", "Ceramide Barrier Cream").await;
    let get = |p: &str| Request::Get(p.to_string());
    let similar = "/api/products/{id}/similar";
    let huge = format!("{{\"ingredients\": \"{}\"}}", "a".repeat(300 * 1024));
    vec![
        case("get", "/api/search", 200, get("/api/search?q=ceramide")),
        case("get", "/api/search", 400, get("/api/search?q=")),
        case("get", "/api/suggest", 200, get("/api/suggest?q=cera")),
        case(
            "get",
            "/api/search",
            429,
            // A new query each time: a kept answer is not counted.
            Request::UntilRefused(Box::new(get("/api/search?q=barrier+{n}"))),
        ),
        case(
            "get",
            "/api/suggest",
            429,
            Request::UntilRefused(Box::new(get("/api/suggest?q=barr+{n}"))),
        ),
        case(
            "get",
            similar,
            200,
            get(&format!(
                "/api/products/{id}/similar?limit=2&other_brands=1"
            )),
        ),
        case(
            "get",
            similar,
            400,
            get(&format!("/api/products/{id}/similar?limit=51")),
        ),
        case("get", similar, 404, get("/api/products/99999999/similar")),
        case(
            "post",
            "/api/similar",
            200,
            Request::Json(json!({"ingredients": "Water, Glycerin, Ceramide NP", "limit": 3})),
        ),
        case(
            "post",
            "/api/similar",
            400,
            Request::Json(json!({"ingredients": "", "limit": 3})),
        ),
        case(
            "post",
            "/api/similar",
            413,
            Request::Raw("application/json", huge),
        ),
        case(
            "post",
            "/api/similar",
            415,
            Request::Raw("text/plain", "Water, Glycerin".into()),
        ),
        case(
            "post",
            "/api/similar",
            503,
            Request::WithoutListJobs(json!({"ingredients": "Water, Glycerin"})),
        ),
        case(
            "post",
            "/api/similar",
            429,
            Request::UntilRefused(Box::new(Request::Json(
                json!({"ingredients": "Water, Glycerin"}),
            ))),
        ),
        case("get", "/healthz", 200, get("/healthz")),
        case("get", "/readyz", 200, get("/readyz")),
        case("post", "/api/similar/photo", 200, Request::Photo(label())),
        case(
            "post",
            "/api/similar/photo",
            400,
            Request::Photo(Vec::new()),
        ),
        case(
            "post",
            "/api/similar/photo",
            413,
            Request::Photo(vec![0xFF; 11 << 20]),
        ),
        case(
            "post",
            "/api/similar/photo",
            415,
            Request::Photo(b"GIF89a".to_vec()),
        ),
        case("post", "/api/similar/photo", 503, Request::PhotosAtOnce),
        case(
            "post",
            "/api/similar/photo",
            429,
            Request::PhotosPastTheLimit,
        ),
        case(
            "get",
            "/readyz",
            503,
            Request::WithoutDatabase("/readyz".into()),
        ),
    ]
}

/// The allowances of the documented-status test's app.
fn limits() -> SafeguardSettings {
    SafeguardSettings {
        photos_per_window: PHOTO_LIMIT,
        searches_per_minute: 12,
        pasted_lists_per_minute: 6,
        ..SafeguardSettings::default()
    }
}

/// A plain request (a GET, a JSON body) to `path`.
async fn send(app: &TestApp, path: &str, request: &Request) -> reqwest::Response {
    match request {
        Request::Get(target) => app.get(target).await,
        Request::Json(body) => app
            .client
            .post(format!("{}{path}", app.address))
            .json(body)
            .send()
            .await
            .unwrap(),
        _ => unreachable!("only plain requests are repeated"),
    }
}

/// A clear English label of a demo product.
fn label() -> Vec<u8> {
    use crate::label_render::{label_photo, PhotoStyle, DEJAVU_SANS};
    let style = PhotoStyle::clear(DEJAVU_SANS);
    label_photo(
        "Ingredients:",
        "Water, Glycerin, Butylene Glycol, Ceramide NP, Cholesterol, Squalane, Panthenol",
        &style,
    )
}

async fn send_photo(app: &TestApp, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::bytes(bytes).file_name("label.jpg"),
    );
    app.client
        .post(format!("{}/api/similar/photo", app.address))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn case(method: &'static str, path: &'static str, status: u16, send: Request) -> Case {
    Case {
        method,
        path,
        status,
        send,
    }
}

/// The schema a `$ref` names, from the document's components.
fn component<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let name = reference.rsplit('/').next().unwrap();
    &doc["components"]["schemas"][name]
}

/// Whether `body` has every property the schema requires, looking one level into objects
/// and arrays of referenced schemas.
fn shape_misses(doc: &Value, schema: &Value, body: &Value, at: &str) -> Vec<String> {
    let schema = match schema["$ref"].as_str() {
        Some(reference) => component(doc, reference),
        None => schema,
    };
    let mut misses = Vec::new();
    for required in schema["required"].as_array().into_iter().flatten() {
        let key = required.as_str().unwrap();
        if body.get(key).is_none() {
            misses.push(format!("{at}.{key}"));
        }
    }
    for (key, property) in schema["properties"].as_object().into_iter().flatten() {
        let (Some(value), true) = (body.get(key), !property.is_null()) else {
            continue;
        };
        if property["$ref"].is_string() {
            misses.extend(shape_misses(doc, property, value, &format!("{at}.{key}")));
        } else if let (Some(items), Some(first)) = (property.get("items"), value.get(0)) {
            if items["$ref"].is_string() {
                misses.extend(shape_misses(doc, items, first, &format!("{at}.{key}[0]")));
            }
        }
    }
    misses
}

/// Takes the app's database away: on PostgreSQL the database is dropped with its
/// connections, so the pool can reach nothing. SQLite has no server to take away.
fn drop_database(app: &TestApp) -> bool {
    if crate::BACKEND != Backend::Postgres {
        eprintln!("not on SQLite: a database that stops answering (readyz 503) needs a server");
        return false;
    }
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let (_, name) = app.database.rsplit_once('/').unwrap();
    let mut admin = diesel::pg::PgConnection::establish(&crate::helpers::postgres_server())
        .expect("the test server answers");
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .expect("the app's database is dropped");
    true
}

#[tokio::test]
async fn every_documented_status_is_one_a_real_request_gets_with_the_documented_body() {
    // Photos are read one at a time with no queue, and 8 an address may send; searches and
    // lists have small allowances, so that their 429 comes soon.
    let app = spawn_app_tuned(&[], limits(), |state| state.with_ocr_jobs(1, 0)).await;
    let (status, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for status in operation["responses"].as_object().unwrap().keys() {
                documented.insert((method.clone(), path.clone(), status.parse::<u16>().unwrap()));
            }
        }
    }
    let cases = cases(&app).await;
    let tried: BTreeSet<_> = cases
        .iter()
        .map(|c| (c.method.to_string(), c.path.to_string(), c.status))
        .collect();
    assert_eq!(
        documented, tried,
        "each documented status has a request here, and no other"
    );

    // The database goes last: nothing answers after it.
    for case in &cases {
        // A label read needs Tesseract: without it (outside CI) the two cases that read one
        // say they skipped.
        if matches!(
            (case.status, &case.send),
            (200, Request::Photo(_)) | (503, Request::PhotosAtOnce)
        ) && crate::helpers::missing_ocr()
        {
            continue;
        }
        let response = match &case.send {
            Request::UntilRefused(request) => {
                let numbered = |n: usize| match request.as_ref() {
                    Request::Get(target) => Request::Get(target.replace("{n}", &n.to_string())),
                    Request::Json(body) => Request::Json(body.clone()),
                    _ => unreachable!("only plain requests are repeated"),
                };
                let mut last = send(&app, case.path, &numbered(0)).await;
                for n in 1..40 {
                    if last.status().as_u16() == 429 {
                        break;
                    }
                    last = send(&app, case.path, &numbered(n)).await;
                }
                assert!(last.headers().contains_key("retry-after"));
                last
            }
            Request::WithoutListJobs(body) => {
                let closed =
                    spawn_app_tuned(&[], limits(), |state| state.with_list_jobs(0, 0)).await;
                let refused = send(&closed, case.path, &Request::Json(body.clone())).await;
                assert!(refused.headers().contains_key("retry-after"));
                refused
            }
            plain @ (Request::Get(_) | Request::Json(_)) => send(&app, case.path, plain).await,
            Request::Raw(content_type, body) => {
                app.post_raw(case.path, content_type, body.clone()).await
            }
            Request::Photo(bytes) => send_photo(&app, bytes.clone()).await,
            Request::PhotosAtOnce => {
                let (a, b) = tokio::join!(send_photo(&app, label()), send_photo(&app, label()));
                let statuses = [a.status().as_u16(), b.status().as_u16()];
                assert!(statuses.contains(&200), "one is read: {statuses:?}");
                let refused = if a.status().as_u16() == 503 { a } else { b };
                assert_eq!(refused.headers()["retry-after"], "10");
                refused
            }
            Request::PhotosPastTheLimit => {
                let mut last = send_photo(&app, b"GIF89a".to_vec()).await;
                for _ in 0..PHOTO_LIMIT {
                    if last.status().as_u16() == 429 {
                        break;
                    }
                    last = send_photo(&app, b"GIF89a".to_vec()).await;
                }
                last
            }
            Request::WithoutDatabase(path) => {
                if !drop_database(&app) {
                    continue;
                }
                app.get(path).await
            }
        };
        let at = format!("{} {} → {}", case.method, case.path, case.status);
        assert_eq!(response.status().as_u16(), case.status, "{at}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{at}"
        );
        let body: Value = response.json().await.unwrap();
        let documented = &doc["paths"][case.path][case.method]["responses"]
            [case.status.to_string()]["content"]["application/json"]["schema"];
        assert!(documented.is_object(), "{at}: a documented body");
        let misses = shape_misses(&doc, documented, &body, "body");
        assert!(misses.is_empty(), "{at}: {misses:?} in {body}");
        if case.status >= 400 && case.path.starts_with("/api") {
            assert_eq!(body["error"]["status"], case.status, "{at}");
            assert!(!body["error"]["message_ko"].as_str().unwrap().is_empty());
        }
    }
}

#[tokio::test]
async fn a_method_an_endpoint_does_not_take_is_a_405_naming_the_one_it_does() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        ("DELETE", "/api/search?q=a", "GET"),
        ("PUT", "/api/products/1/similar", "GET"),
        ("GET", "/api/similar", "POST"),
        ("POST", "/healthz", "GET"),
    ] {
        let response = app
            .client
            .request(method.parse().unwrap(), format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["status"], 405);
    }
    // Paths the API does not have are still a 404.
    let (status, body) = app.get_json("/api/nothing").await;
    assert_eq!((status, &body["error"]["status"]), (404, &json!(404)));
}

#[tokio::test]
async fn the_api_page_reads_the_document_out_and_every_page_links_to_it() {
    let app = spawn_app().await;
    let (status, page) = app.page_in("/api", "en").await;
    assert_eq!(status, 200);
    let endpoints = texts(&page, ".endpoint h2");
    for expected in [
        "GET /api/search",
        "GET /api/suggest",
        "GET /api/products/{id}/similar",
        "POST /api/similar",
        "POST /api/similar/photo",
        "GET /healthz",
        "GET /readyz",
    ] {
        assert!(
            endpoints.iter().any(|e| e == expected),
            "{expected} in {endpoints:?}"
        );
    }
    let all = texts(&page, ".endpoint").join("\n");
    for detail in [
        "other_brands",
        "PasteRequest",
        "415",
        "ErrorAnswer",
        "required",
    ] {
        assert!(all.contains(detail), "{detail}");
    }
    let (_, home) = app.page("/").await;
    let footer_links: Vec<String> = texts(&home, ".site-footer a");
    assert!(footer_links.iter().any(|t| t == "API"), "{footer_links:?}");
}
