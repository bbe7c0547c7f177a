//! Alternatives people can use: one formula one slot ("also sold as", "same formula"), and
//! other brands one click away on the product page, on the real Sephora catalog.

use scraper::{Html, Selector};

use seongbun::similarity::narrowing::brand_key;

use crate::helpers::{results_among, spawn_app_importing, texts, urlencode, TestApp, SEPHORA_1472};

/// The cards' (product id, brand).
fn cards(page: &Html) -> Vec<(i64, String)> {
    let card = Selector::parse(".card").unwrap();
    let link = Selector::parse("h3 a").unwrap();
    let brand = Selector::parse(".card-brand").unwrap();
    page.select(&card)
        .map(|c| {
            let href = c.select(&link).next().and_then(|a| a.value().attr("href"));
            let href = href.expect("a card links to its product");
            let id = href.strip_prefix("/products/").unwrap().parse().unwrap();
            let brand: String = c.select(&brand).next().unwrap().text().collect();
            (id, brand)
        })
        .collect()
}

fn link_to(page: &Html, selector: &str) -> Option<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_string)
}

async fn id_of(app: &TestApp, brand: &str, name: &str) -> i64 {
    app.product_id(brand, name).await
}

#[tokio::test]
async fn the_wetforce_lotion_and_its_mini_are_one_result_with_also_sold_as() {
    let app = spawn_app_importing(&[SEPHORA_1472]).await;
    let lotion = id_of(
        &app,
        "SHISEIDO",
        "Ultimate Sun Protection Lotion WetForce SPF 50+",
    )
    .await;
    let mini = id_of(
        &app,
        "SHISEIDO",
        "Ultimate Sun Protection Lotion WetForce SPF 50+ Mini",
    )
    .await;
    // Each is the other's "same formula", and never one of its similar products.
    for (id, twin) in [(lotion, mini), (mini, lotion)] {
        let (_, body) = app.get_json(&format!("/api/products/{id}/similar")).await;
        let twins = body["product"]["same_formula"].as_array().unwrap();
        assert_eq!(twins.len(), 1, "{body}");
        assert_eq!(twins[0]["id"], twin);
        let similar = body["similar"].as_array().unwrap();
        assert_eq!(similar.len(), 4);
        assert!(similar.iter().all(|s| s["id"] != twin && s["id"] != id));
        let (_, page) = app.page(&format!("/products/{id}")).await;
        assert_eq!(
            link_to(&page, ".same-formula a"),
            Some(format!("/products/{twin}"))
        );
    }
    // The WetForce cream's results hold the pair in one slot, the other "also sold as".
    let cream = id_of(
        &app,
        "SHISEIDO",
        "Ultimate Sun Protection Cream Broad Spectrum SPF 50+ Wetforce For Face",
    )
    .await;
    let (_, body) = app
        .get_json(&format!("/api/products/{cream}/similar"))
        .await;
    let pair = results_among(&body, &[lotion, mini]);
    assert_eq!(pair.len(), 1, "{body}");
    let shown = pair[0]["id"].as_i64().unwrap();
    let other = if shown == lotion { mini } else { lotion };
    assert_eq!(pair[0]["same_formula"][0]["id"], other);
    let (_, page) = app.page(&format!("/products/{cream}?filtered=1")).await;
    let shown_cards = cards(&page);
    assert_eq!(shown_cards.len(), 4);
    assert_eq!(
        shown_cards
            .iter()
            .filter(|(id, _)| *id == lotion || *id == mini)
            .count(),
        1
    );
    assert_eq!(
        link_to(&page, ".also-sold-as a"),
        Some(format!("/products/{other}"))
    );
}

#[tokio::test]
async fn other_brands_are_one_click_away_and_said_when_all_4_are_the_product_s_brand() {
    let app = spawn_app_importing(&[SEPHORA_1472]).await;
    // A product whose most similar (all categories) are all its own brand: the page says so.
    let (_, found) = app.get_json("/api/search?q=LANEIGE").await;
    let mut all_own = None;
    for m in found["matches"].as_array().unwrap() {
        let id = m["id"].as_i64().unwrap();
        let (_, body) = app.get_json(&format!("/api/products/{id}/similar")).await;
        let own = brand_key(body["product"]["brand"].as_str().unwrap());
        let similar = body["similar"].as_array().unwrap();
        if similar.len() == 4
            && similar
                .iter()
                .all(|s| brand_key(s["brand"].as_str().unwrap()) == own)
        {
            all_own = Some((id, body["product"]["brand"].as_str().unwrap().to_string()));
            break;
        }
    }
    let (id, brand) = all_own.expect("a LANEIGE product whose 4 are all LANEIGE");
    let (status, page) = app
        .page_in(&format!("/products/{id}?filtered=1"), "en")
        .await;
    assert_eq!(status, 200);
    assert!(cards(&page)
        .iter()
        .all(|(_, b)| brand_key(b) == brand_key(&brand)));
    let notice = texts(&page, ".brand-switch").join(" ");
    assert!(
        notice.contains(&format!("All 4 are {brand} products")),
        "{notice}"
    );
    // One click: a plain link, no script, every other condition kept.
    let href = link_to(&page, ".brand-switch a").unwrap();
    assert!(href.contains("other_brands=on"), "{href}");
    let (status, other) = app.page_in(&href, "en").await;
    assert_eq!(status, 200);
    let other_cards = cards(&other);
    assert_eq!(other_cards.len(), 4);
    assert!(
        other_cards
            .iter()
            .all(|(_, b)| brand_key(b) != brand_key(&brand)),
        "{other_cards:?}"
    );
    // The form shows the choice, and the way back keeps it one click.
    let checked = Selector::parse("input[name=other_brands][checked]").unwrap();
    assert_eq!(other.select(&checked).count(), 1);
    let back = link_to(&other, ".brand-switch a").unwrap();
    assert!(!back.contains("other_brands"), "{back}");
    assert!(texts(&other, ".brand-switch")
        .join(" ")
        .contains(&format!("Include {brand}")));
    // In Korean too, with the same link.
    let (_, korean) = app
        .page_in(&format!("/products/{id}?filtered=1"), "ko")
        .await;
    let notice = texts(&korean, ".brand-switch").join(" ");
    assert!(
        notice.contains(&format!("모두 {brand} 제품입니다")),
        "{notice}"
    );
    assert_eq!(link_to(&korean, ".brand-switch a"), Some(href));
}

#[tokio::test]
async fn the_other_brands_form_option_narrows_alongside_the_others() {
    let app = spawn_app_importing(&[SEPHORA_1472]).await;
    let id = id_of(&app, "LANEIGE", "Water Sleeping Mask").await;
    let query = format!(
        "/products/{id}?filtered=1&same_category=on&other_brands=on&without={}",
        urlencode("Fragrance")
    );
    let (status, page) = app.page(&query).await;
    assert_eq!(status, 200);
    let shown = cards(&page);
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|(_, b)| brand_key(b) != "laneige"),
        "{shown:?}"
    );
    let without = Selector::parse("input[name=without]").unwrap();
    assert_eq!(
        page.select(&without).next().unwrap().value().attr("value"),
        Some("Fragrance")
    );
}
