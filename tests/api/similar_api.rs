//! `GET /api/products/{id}/similar` and `POST /api/similar`.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn similar_products_come_with_scores_and_shared_ingredients() {
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    let (status, body) = app.get_json(&format!("/api/products/{id}/similar")).await;
    assert_eq!(status, 200);
    assert_eq!(body["product"]["id"], id);
    assert_eq!(body["product"]["brand"], "Quiet Cica");
    let similar = body["similar"].as_array().unwrap();
    assert_eq!(similar.len(), 4);
    assert!(similar.iter().all(|s| s["id"] != id), "never itself");
    for s in similar {
        let score = s["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        let shared = s["shared_ingredients"].as_array().unwrap();
        assert!(!shared.is_empty());
    }
    // The Korean-labelled cica cream is the closest formula, across languages.
    assert_eq!(similar[0]["name"], "병풀 진정 크림");
    assert!(similar[0]["shared_ingredients"]
        .as_array()
        .unwrap()
        .contains(&json!("Madecassoside")));
}

#[tokio::test]
async fn the_limit_is_honoured_and_checked() {
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    let (_, body) = app
        .get_json(&format!("/api/products/{id}/similar?limit=7"))
        .await;
    assert_eq!(body["similar"].as_array().unwrap().len(), 7);
    for bad in ["0", "51", "abc", "-3"] {
        let (status, body) = app
            .get_json(&format!("/api/products/{id}/similar?limit={bad}"))
            .await;
        assert_eq!(status, 400, "limit={bad}");
        assert!(body["error"]["message"].as_str().unwrap().contains("limit"));
    }
    let (status, _) = app.get_json("/api/products/999999/similar").await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json("/api/products/abc/similar").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_pasted_list_finds_its_product_first() {
    let app = spawn_app().await;
    let pasted = "INGREDIENTS: WATER/AQUA/EAU, CAFFEINE, GLYCERIN, BUTYLENE GLYCOL, NIACINAMIDE, SODIUM HYALURONATE*. *Certified organic ingredient.";
    let (status, body) = app
        .post_json(
            "/api/similar",
            &json!({ "ingredients": pasted, "limit": 3 }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["similar"].as_array().unwrap().len(), 3);
    assert_eq!(body["similar"][0]["name"], "Caffeine Eye Gel");
    assert_eq!(body["ingredients"][0], "Water");
}

#[tokio::test]
async fn bad_paste_requests_are_json_errors() {
    let app = spawn_app().await;
    let (status, body) = app
        .post_json("/api/similar", &json!({ "ingredients": "" }))
        .await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"].is_string());
    let (status, _) = app
        .post_json("/api/similar", &json!({ "nothing": 1 }))
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .post_json(
            "/api/similar",
            &json!({ "ingredients": "Water", "limit": 0 }),
        )
        .await;
    assert_eq!(status, 400);
    let response = app
        .post_raw("/api/similar", "application/json", "{not json".to_string())
        .await;
    assert_eq!(response.status().as_u16(), 400);
    let not_json = app
        .post_raw("/api/similar", "text/plain", "Water, Glycerin".to_string())
        .await;
    assert_eq!(not_json.status().as_u16(), 415);
    let body: serde_json::Value = not_json.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("application/json"));
    let big = json!({ "ingredients": "Water, ".repeat(50_000) });
    let (status, _) = app.post_json("/api/similar", &big).await;
    assert_eq!(status, 413);
}
