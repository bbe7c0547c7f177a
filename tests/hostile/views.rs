//! Attack 6: reads turned into locked writes. A visitor without a cookie got a new id on each
//! request and each view was a write under the global write lock, kept for ever; and on
//! PostgreSQL nothing bounded how long a request waits behind a slow writer.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::helpers::{connect, spawn_app, spawn_app_importing, texts};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn view_rows(database: &str) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM post_views")
        .get_result::<Count>(&mut connect(database))
        .unwrap()
        .n
}

#[tokio::test]
async fn a_request_without_a_visitor_cookie_writes_no_view() {
    let app = spawn_app().await;
    let author = app.browser();
    let id = author.write_post("조회", "본문", "1234", false).await;
    let before = view_rows(&app.database);
    for _ in 0..30 {
        // A crawler or a curl loop: no cookie kept between requests.
        assert_eq!(app.get(&format!("/board/{id}")).await.status(), 200);
    }
    assert_eq!(
        view_rows(&app.database),
        before,
        "cookie-less reads wrote views"
    );
    let reader = app.browser();
    reader.get("/board").await;
    let seen = reader.get(&format!("/board/{id}")).await;
    assert_eq!(
        texts(&seen.page, ".post-meta .views"),
        ["1"],
        "a visitor holding a cookie is counted"
    );
}

#[tokio::test]
async fn views_older_than_the_counting_window_are_pruned() {
    let app = spawn_app().await;
    let author = app.browser();
    let id = author
        .write_post("오래된 조회", "본문", "1234", false)
        .await;
    {
        let mut conn = connect(&app.database);
        for n in 0..50 {
            diesel::sql_query(format!(
                "INSERT INTO post_views (post_id, viewer, seen_at_ms) VALUES ({id}, 'old-{n}', 1000)"
            ))
            .execute(&mut conn)
            .unwrap();
        }
    }
    let reader = app.browser();
    reader.get("/board").await;
    reader.get(&format!("/board/{id}")).await;
    assert_eq!(view_rows(&app.database), 1, "only the fresh view is kept");
}

/// On PostgreSQL a request waits at most `DATABASE_LOCK_TIMEOUT_MS` behind a writer holding
/// the write lock (a long import), then answers 503 with the form kept.
#[tokio::test]
async fn a_post_behind_a_long_writer_answers_503_with_the_form_kept() {
    if crate::BACKEND != crate::helpers::Backend::Postgres {
        eprintln!("PostgreSQL only: SQLite's busy timeout answers this already");
        return;
    }
    let app = spawn_app_importing(&[]).await;
    let visitor = app.browser();
    let form = visitor.get("/board/new").await;
    let mut writer = connect(&app.database);
    use diesel::connection::SimpleConnection;
    // What a long import holds: the write lock, in an open transaction.
    writer
        .batch_execute("BEGIN; SELECT pg_advisory_xact_lock(7349002)")
        .unwrap();
    let started = std::time::Instant::now();
    let sent = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        visitor.submit(
            &form.page,
            "/board/new",
            &[
                ("category", "question"),
                ("title", "잠긴 동안"),
                ("body", "지워지면 안 됨"),
                ("author", "a"),
                ("password", "pass-1234"),
            ],
        ),
    )
    .await;
    let waited = started.elapsed();
    writer.batch_execute("ROLLBACK").unwrap();
    let sent = sent.expect("the post is answered while the writer holds the lock");
    assert_eq!(sent.status, 503);
    assert!(
        waited < std::time::Duration::from_secs(8),
        "waited {waited:?} behind the writer"
    );
    assert_eq!(
        crate::browser::field_value(&sent.page, "body"),
        "지워지면 안 됨"
    );
}
