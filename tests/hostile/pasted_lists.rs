//! Attack 2: one pasted list stalling an instance. The nearest-name guess of unknown names ran
//! on the worker threads with no bound on the names, no work budget and no rate limit: a
//! 20,000-character list of made-up names took seconds of CPU, and two at once held up
//! `/healthz` for seconds.

use std::time::{Duration, Instant};

use seongbun::security::SafeguardSettings;
use serde_json::json;

use crate::cases::attack::{real_catalog_app, worst_list, HEAVY};
use crate::helpers::{spawn_app_guarded, urlencode};

#[tokio::test]
async fn the_worst_list_is_answered_within_its_budget() {
    let app = real_catalog_app(SafeguardSettings::default()).await;
    let _heavy = HEAVY.lock().await;
    let started = Instant::now();
    let (status, body) = app
        .post_json("/api/similar", &json!({ "ingredients": worst_list(1) }))
        .await;
    let took = started.elapsed();
    assert!([200, 400, 413].contains(&status), "{status}: {body}");
    assert!(
        took < Duration::from_secs(1),
        "the worst list took {took:?} (it took over 3 s of CPU before the budget)"
    );
}

#[tokio::test]
async fn the_site_keeps_answering_while_worst_lists_arrive() {
    let app = real_catalog_app(SafeguardSettings {
        pasted_lists_per_minute: 0,
        ..SafeguardSettings::default()
    })
    .await;
    let _heavy = HEAVY.lock().await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let senders: Vec<_> = (0..4)
        .map(|seed| {
            let (client, address, stop) = (app.client.clone(), app.address.clone(), stop.clone());
            tokio::spawn(async move {
                let list = worst_list(seed);
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = client
                        .post(format!("{address}/api/similar"))
                        .json(&json!({ "ingredients": list }))
                        .send()
                        .await;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut slowest = Duration::ZERO;
    for _ in 0..20 {
        let started = Instant::now();
        assert_eq!(app.get("/healthz").await.status(), 200);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for sender in senders {
        let _ = sender.await;
    }
    assert!(
        slowest < Duration::from_millis(500),
        "/healthz took {slowest:?} under 4 worst lists at a time"
    );
}

#[tokio::test]
async fn pasted_lists_from_one_address_are_rate_limited_with_the_list_kept() {
    let app = spawn_app_guarded(SafeguardSettings {
        pasted_lists_per_minute: 3,
        ..SafeguardSettings::default()
    })
    .await;
    let list = "Water, Glycerin, Niacinamide, Panthenol";
    for _ in 0..3 {
        let (status, _) = app
            .post_json("/api/similar", &json!({ "ingredients": list }))
            .await;
        assert_eq!(status, 200);
    }
    let response = app
        .client
        .post(format!("{}/api/similar", app.address))
        .json(&json!({ "ingredients": list }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().get("retry-after").is_some());
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("try again"),
        "{body}"
    );

    let (status, page) = app
        .post_form("/similar", &[("ingredients", "정제수, 글리세린, 판테놀")])
        .await;
    assert_eq!(status, 429);
    let kept = crate::helpers::texts(&page, "textarea[name=ingredients]").join("");
    assert_eq!(kept, "정제수, 글리세린, 판테놀", "the pasted list is kept");
    assert!(crate::helpers::texts(&page, ".error")
        .join(" ")
        .contains("다시"));
}

#[tokio::test]
async fn searches_from_one_address_are_rate_limited() {
    let app = spawn_app_guarded(SafeguardSettings {
        searches_per_minute: 5,
        ..SafeguardSettings::default()
    })
    .await;
    let mut statuses = Vec::new();
    for n in 0..8 {
        // Different queries: nothing is kept, each is computed.
        let q = urlencode(&format!("크림 {n}"));
        statuses.push(
            app.get(&format!("/api/search?q={q}"))
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429));
    let (status, page) = app.page("/search?q=%EC%84%B8%EB%9F%BC%2099").await;
    assert_eq!(status, 429);
    let value = scraper::Selector::parse("input[name=q]").unwrap();
    let kept: Vec<_> = page
        .select(&value)
        .filter_map(|i| i.value().attr("value"))
        .collect();
    assert!(
        kept.contains(&"세럼 99"),
        "the search words are kept: {kept:?}"
    );
}
