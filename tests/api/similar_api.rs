//! `GET /api/products/{id}/similar` and `POST /api/similar`.

use serde_json::json;

use seongbun::similarity::narrowing::brand_key;

use crate::helpers::{results_among, spawn_app};

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

/// The brand of a JSON product, compared as the site compares brands (case and spaces aside).
fn brand_of(value: &serde_json::Value) -> String {
    brand_key(value["brand"].as_str().unwrap())
}

#[tokio::test]
async fn one_formula_takes_one_slot_and_names_its_twins() {
    let app = spawn_app().await;
    let cream = app.product_id("Haneul Lab", "Ceramide Barrier Cream").await;
    let mini = app
        .product_id("Haneul Lab", "Ceramide Barrier Cream Mini")
        .await;
    // The product's own twin is its "same formula", never a similar result.
    let (_, body) = app
        .get_json(&format!("/api/products/{cream}/similar?limit=10"))
        .await;
    let twins = body["product"]["same_formula"].as_array().unwrap();
    assert_eq!(twins.len(), 1);
    assert_eq!(twins[0]["id"], mini);
    assert_eq!(twins[0]["name"], "Ceramide Barrier Cream Mini");
    let similar = body["similar"].as_array().unwrap();
    assert_eq!(similar.len(), 10);
    assert!(similar.iter().all(|s| s["id"] != mini && s["id"] != cream));
    // Another product's results hold the pair once: the first by brand and name, the other
    // "also sold as".
    let lotion = app.product_id("달빛정원", "세라마이드 장벽 로션").await;
    let (_, body) = app
        .get_json(&format!("/api/products/{lotion}/similar?limit=10"))
        .await;
    let similar = body["similar"].as_array().unwrap();
    let pair = results_among(&body, &[cream, mini]);
    assert_eq!(pair.len(), 1, "{similar:?}");
    assert_eq!(pair[0]["id"], cream);
    assert_eq!(pair[0]["same_formula"][0]["id"], mini);
    assert_eq!(pair[0]["same_formula"][0]["brand"], "Haneul Lab");
    // Results without twins say so with an empty list.
    assert!(similar
        .iter()
        .filter(|s| s["id"] != cream)
        .all(|s| s["same_formula"] == json!([])));
}

#[tokio::test]
async fn other_brands_never_returns_the_product_s_brand_and_still_gives_4() {
    let app = spawn_app().await;
    let (_, listing) = app.get_json("/api/search?q=Haneul%20Lab").await;
    let ids: Vec<i64> = listing["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 5, "{listing}");
    let mut some_default_held_own_brand = false;
    for id in ids {
        let (status, all) = app.get_json(&format!("/api/products/{id}/similar")).await;
        assert_eq!(status, 200);
        let own = brand_of(&all["product"]);
        some_default_held_own_brand |= all["similar"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| brand_of(s) == own);
        for asked in ["true", "1"] {
            let (status, other) = app
                .get_json(&format!("/api/products/{id}/similar?other_brands={asked}"))
                .await;
            assert_eq!(status, 200);
            let similar = other["similar"].as_array().unwrap();
            // The demo catalog has dozens of other brands' products sharing water and more.
            assert_eq!(similar.len(), 4, "{id}: {other}");
            assert!(similar.iter().all(|s| brand_of(s) != own), "{id}: {other}");
            // Best first, as always.
            let scores: Vec<f64> = similar
                .iter()
                .map(|s| s["score"].as_f64().unwrap())
                .collect();
            assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        }
        let (_, off) = app
            .get_json(&format!("/api/products/{id}/similar?other_brands=false"))
            .await;
        assert_eq!(off["similar"], all["similar"]);
    }
    assert!(
        some_default_held_own_brand,
        "the default ranking does hold the product's own brand somewhere: else other_brands is not tested"
    );
    let cream = app.product_id("Haneul Lab", "Ceramide Barrier Cream").await;
    for bad in ["yes", "TRUE ish", "2"] {
        let (status, body) = app
            .get_json(&format!(
                "/api/products/{cream}/similar?other_brands={}",
                crate::helpers::urlencode(bad)
            ))
            .await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("other_brands"));
    }
}
