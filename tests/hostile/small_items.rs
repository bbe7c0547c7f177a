//! Attack 8, the smaller items: a page number that overflows the offset, a made-up admin
//! cookie that cost a database query on every page, admin sessions that outlived a changed
//! `ADMIN_PASSWORD`, and canonical links that trusted `X-Forwarded-Host`.

use std::net::TcpListener;

use seongbun::security::SafeguardSettings;

use crate::browser::Browser;
use crate::cases::attack::metric;
use crate::helpers::{spawn_app, spawn_app_guarded, texts};

#[tokio::test]
async fn a_page_number_past_any_offset_is_a_clear_answer() {
    let app = spawn_app().await;
    let author = app.browser();
    author
        .write_post("하나뿐인 글", "본문", "1234", false)
        .await;
    for page in [
        "461168601842738792",
        "9223372036854775807",
        "99999999999999999999",
    ] {
        let (status, html) = app.page(&format!("/board?page={page}")).await;
        assert!(status < 500, "page={page}: {status}");
        if status == 200 {
            assert_eq!(
                texts(&html, "table.posts td.title"),
                ["하나뿐인 글"],
                "page={page} shows the last page"
            );
        }
    }
}

#[tokio::test]
async fn a_made_up_admin_cookie_costs_no_database_call() {
    let app = spawn_app().await;
    let page = "/products/1";
    assert_eq!(app.get(page).await.status(), 200, "the page is kept");
    // The board reads the database: the metric counts it.
    assert_eq!(app.get("/board").await.status(), 200);
    let before = metric(&app, "seongbun_db_calls_total").await;
    for n in 0..20 {
        let forged = format!("{n:064x}");
        let response = app
            .client
            .get(format!("{}{page}", app.address))
            .header(
                "cookie",
                format!("sb_admin={forged}; sb_visitor={}", "a".repeat(64)),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let after = metric(&app, "seongbun_db_calls_total").await;
    assert!(before > 0.0, "the metric counts database calls");
    assert_eq!(after, before, "made-up admin cookies reached the database");
}

#[tokio::test]
async fn admin_sessions_end_when_the_admin_password_changes() {
    let app = spawn_app_guarded(SafeguardSettings {
        admin_password: Some("old-password-1".into()),
        ..SafeguardSettings::default()
    })
    .await;
    let admin = app.browser();
    assert_eq!(admin.sign_in("old-password-1").await.status, 303);
    assert_eq!(admin.get("/admin/products/new").await.status, 200);

    // The next deploy: an instance on the same database with a new password.
    let url = app.database.clone();
    let state = tokio::task::spawn_blocking(move || {
        seongbun::startup::prepare(&url)
            .and_then(|s| {
                s.with_safeguards(SafeguardSettings {
                    admin_password: Some("new-password-2".into()),
                    ..SafeguardSettings::default()
                })
            })
            .unwrap()
    })
    .await
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(seongbun::startup::start(listener, state).unwrap());
    let moved = Browser {
        client: admin.client.clone(),
        address,
    };
    let refused = moved.get("/admin/products/new").await;
    assert_eq!(refused.status, 403, "the old session still works");
}

#[tokio::test]
async fn canonical_links_never_take_x_forwarded_host() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/", app.address))
        .header("x-forwarded-host", "evil.example")
        .header("forwarded", "host=evil.example;proto=https")
        .send()
        .await
        .unwrap();
    let html = scraper::Html::parse_document(&response.text().await.unwrap());
    let canonical = scraper::Selector::parse("link[rel=canonical]").unwrap();
    let href = html
        .select(&canonical)
        .next()
        .and_then(|l| l.value().attr("href"))
        .unwrap()
        .to_string();
    assert_eq!(href, format!("{}/", app.address), "{href}");
}
