//! No input to any form or API parameter gives a 5xx or takes over a second: a property over
//! generated values (any Unicode, long runs, numbers past every integer type, separators)
//! sent where a visitor can put text.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use seongbun::security::SafeguardSettings;

use crate::cases::attack::real_catalog_app;
use crate::helpers::{urlencode, TestApp};

/// Values an attacker would try: anything, long repeats, huge numbers, list-like text.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,300}",
        "[0-9]{1,40}",
        "-?[0-9]{15,25}",
        ("[가-힣]{6,10}", 1usize..2_000).prop_map(|(word, n)| vec![word; n].join(", ")),
        ("\\PC{1,4}", 1usize..5_000).prop_map(|(piece, n)| piece.repeat(n)),
    ]
}

/// Where a visitor puts text: (method, path with `{}` for the value, form field or JSON key).
const PLACES: &[(&str, &str)] = &[
    ("GET", "/search?q={}"),
    ("GET", "/api/search?q={}"),
    ("GET", "/api/suggest?q={}"),
    ("GET", "/board?q={}"),
    ("GET", "/board?field=body&q=a&page={}"),
    ("GET", "/products/{}"),
    ("GET", "/products/1?category={}&max_price={}"),
    ("GET", "/api/products/{}/similar"),
    ("GET", "/api/products/1/similar?limit={}&other_brands={}"),
    ("GET", "/compare?a={}&b=1"),
    ("GET", "/ingredients/{}"),
    ("GET", "/similar?ingredients={}"),
    ("POST-FORM", "/similar"),
    ("POST-JSON", "/api/similar"),
    // Through the real forms, CSRF token and all: every field of a new post, and a sign-in.
    ("POST-BOARD", "/board/new"),
    ("POST-LOGIN", "/admin/login"),
];

/// The status, or what went wrong in sending.
async fn send(app: &TestApp, method: &str, place: &str, value: &str) -> Result<u16, String> {
    if method == "POST-BOARD" || method == "POST-LOGIN" {
        let browser = app.browser();
        let form = browser.get(place).await;
        let changes: &[(&str, &str)] = if method == "POST-BOARD" {
            &[
                ("category", "request"),
                ("title", value),
                ("body", value),
                ("author", value),
                ("password", value),
                ("product", value),
            ]
        } else {
            &[("password", value)]
        };
        return Ok(browser.submit(&form.page, place, changes).await.status);
    }
    // An address is at most a few kilobytes in any browser; a body takes the rest.
    let value = if method == "GET" {
        value.chars().take(2_000).collect()
    } else {
        value.to_string()
    };
    let encoded = urlencode(&value);
    let request = match method {
        "GET" => app
            .client
            .get(format!("{}{}", app.address, place.replace("{}", &encoded))),
        "POST-FORM" => app
            .client
            .post(format!("{}{place}", app.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("ingredients={encoded}")),
        _ => app
            .client
            .post(format!("{}{place}", app.address))
            .json(&serde_json::json!({ "ingredients": value })),
    };
    request
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string().chars().take(200).collect())
}

#[test]
fn no_input_anywhere_gives_a_5xx_or_takes_over_a_second() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let _heavy = runtime.block_on(crate::cases::attack::HEAVY.lock());
    let app = runtime.block_on(real_catalog_app(SafeguardSettings {
        admin_password: Some("관리자-비번-1".into()),
        posts_per_window: 0,
        wrong_passwords_per_window: 0,
        searches_per_minute: 0,
        pasted_lists_per_minute: 0,
        ..SafeguardSettings::default()
    }));
    let config = ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(value in hostile_value(), place in 0..PLACES.len())| {
        let (method, path) = PLACES[place];
        let started = Instant::now();
        let status = runtime.block_on(send(&app, method, path, &value));
        let took = started.elapsed();
        prop_assert!(status.is_ok(), "{method} {path}: {status:?}");
        let status = status.unwrap_or_default();
        prop_assert!(status < 500, "{method} {path} with {:?}…: {status}", value.chars().take(60).collect::<String>());
        prop_assert!(
            took < Duration::from_secs(1),
            "{method} {path} with {:?}… took {took:?}",
            value.chars().take(60).collect::<String>()
        );
    });
}
