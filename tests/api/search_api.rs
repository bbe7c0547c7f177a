//! `GET /api/search`.

use crate::helpers::{spawn_app, urlencode};

#[tokio::test]
async fn search_returns_matches_best_first_with_brand_and_name_unchanged() {
    let app = spawn_app().await;
    let (status, body) = app
        .get_json(&format!(
            "/api/search?q={}",
            urlencode("cream barrier ceramide haneul")
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["query"], "cream barrier ceramide haneul");
    let matches = body["matches"].as_array().unwrap();
    assert_eq!(matches[0]["brand"], "Haneul Lab");
    assert_eq!(matches[0]["name"], "Ceramide Barrier Cream");
    assert_eq!(matches[0]["category"], "moisturizer");
    let scores: Vec<f64> = matches
        .iter()
        .map(|m| m["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[tokio::test]
async fn korean_names_and_aliases_are_searchable_without_spaces() {
    let app = spawn_app().await;
    let (_, body) = app
        .get_json(&format!(
            "/api/search?q={}",
            urlencode("하늘랩세라마이드베리어크림")
        ))
        .await;
    assert_eq!(body["matches"][0]["name"], "Ceramide Barrier Cream");
    let (_, body) = app
        .get_json(&format!(
            "/api/search?q={}",
            urlencode("달빛정원 병풀 진정")
        ))
        .await;
    assert_eq!(body["matches"][0]["name"], "병풀 진정 크림");
}

#[tokio::test]
async fn a_bad_query_is_a_json_error_with_a_4xx_status() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/search?q=").await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Please type"));
    let (status, _) = app
        .get_json(&format!("/api/search?q={}", "x".repeat(5000)))
        .await;
    assert_eq!(status, 400);
    let (status, _) = app.get_json("/api/nothing-here").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn scores_are_written_with_at_most_three_decimals() {
    let app = crate::helpers::spawn_app().await;
    let id = app.product_id("Haneul Lab", "Ceramide Barrier Cream").await;
    for path in [
        "/api/search?q=cica%20cream".to_string(),
        format!("/api/products/{id}/similar?limit=10"),
    ] {
        let text = app.get(&path).await.text().await.unwrap();
        let scores: Vec<&str> = text
            .split("\"score\":")
            .skip(1)
            .map(|rest| rest.split([',', '}']).next().unwrap())
            .collect();
        assert!(!scores.is_empty(), "{path}: {text}");
        for score in scores {
            let decimals = score.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 3, "{path}: {score}");
        }
    }
}
