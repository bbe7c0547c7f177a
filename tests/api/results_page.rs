//! The results on a product page, narrowed by category, ingredients and price and recomputed
//! (still four when the catalog has them); the side-by-side comparison; ingredient pages; and
//! the suggestions behind the search box.

use std::collections::HashSet;

use scraper::{ElementRef, Html, Selector};

use crate::helpers::{spawn_app, spawn_app_importing, texts, urlencode, TestApp, SEPHORA_1472};

fn select<'a>(page: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector).collect()
}

/// Each card's product id, category and price (cents).
struct Card {
    id: i64,
    category: String,
    price_cents: Option<i64>,
}

/// A card's full ingredient list (INCI names), read on the product's list page (a card
/// carries only what it shares; a long list is not on the product page).
async fn full_list(app: &TestApp, id: i64) -> Vec<String> {
    let (status, page) = app.page(&format!("/products/{id}/ingredients")).await;
    assert_eq!(status, 200);
    chip_names(&page, "#ingredients .chip")
}

/// Whether any card of `page` holds `ingredient` in its full list.
async fn any_card_holds(app: &TestApp, page: &Html, ingredient: &str) -> Option<i64> {
    for card in cards(page) {
        if full_list(app, card.id)
            .await
            .iter()
            .any(|i| i == ingredient)
        {
            return Some(card.id);
        }
    }
    None
}

fn cards(page: &Html) -> Vec<Card> {
    let link = Selector::parse("h3 a").unwrap();
    let price = Selector::parse(".price").unwrap();
    select(page, ".card")
        .into_iter()
        .map(|card| Card {
            id: card
                .select(&link)
                .next()
                .and_then(|a| a.value().attr("href"))
                .and_then(|h| h.strip_prefix("/products/"))
                .and_then(|id| id.parse().ok())
                .unwrap(),
            category: card.value().attr("data-category").unwrap().to_string(),
            price_cents: card.select(&price).next().map(|p| {
                let text: String = p.text().collect();
                let digits: String = text.chars().filter(char::is_ascii_digit).collect();
                let cents: i64 = digits.parse().unwrap();
                if text.contains('₩') {
                    cents * 100
                } else {
                    cents
                }
            }),
        })
        .collect()
}

#[tokio::test]
async fn similar_products_are_of_the_same_category_unless_unticked() {
    let app = spawn_app().await;
    let (status, page) = app.page("/products/1").await;
    assert_eq!(status, 200);
    let same = cards(&page);
    assert_eq!(same.len(), 4);
    assert!(same.iter().all(|c| c.category == "moisturizer"));
    let ticked = select(&page, "input[name=same_category][checked]");
    assert_eq!(ticked.len(), 1, "on by default");
    // Unticked: the ranking over the whole catalog, as the API gives it.
    let (_, any) = app.page("/products/1?filtered=1").await;
    let any_ids: Vec<i64> = cards(&any).iter().map(|c| c.id).collect();
    let (_, api) = app.get_json("/api/products/1/similar?limit=4").await;
    let api_ids: Vec<i64> = api["similar"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(any_ids, api_ids);
    assert!(select(&any, "input[name=same_category][checked]").is_empty());
}

#[tokio::test]
async fn leaving_out_an_ingredient_recomputes_four_products_without_it() {
    let app = spawn_app().await;
    let (_, before) = app.page("/products/1?filtered=1&same_category=on").await;
    let common = "Butylene Glycol";
    assert!(
        any_card_holds(&app, &before, common).await.is_some(),
        "the unfiltered results hold {common}"
    );
    // Typed in English or as on a Korean label, the same ingredient is left out.
    for typed in [common, "부틸렌글라이콜"] {
        let path = format!(
            "/products/1?filtered=1&same_category=on&without={}",
            urlencode(typed)
        );
        let (status, page) = app.page(&path).await;
        assert_eq!(status, 200);
        let found = cards(&page);
        assert_eq!(found.len(), 4, "recomputed, not filtered after the fact");
        let holder = any_card_holds(&app, &page, common).await;
        assert_eq!(holder, None, "{typed}: a card holds {common}");
        assert_eq!(
            select(&page, "input[name=without]")[0]
                .value()
                .attr("value"),
            Some(typed),
            "the typed text is kept"
        );
    }
    // A name no product holds is said, and changes nothing.
    let (_, unknown) = app
        .page("/products/1?filtered=1&same_category=on&without=Unobtainium")
        .await;
    assert!(texts(&unknown, "#without-error")[0].contains("Unobtainium"));
    let ids = |page: &Html| cards(page).iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(&unknown), ids(&before));
}

#[tokio::test]
async fn fragrance_free_means_no_card_lists_fragrance() {
    let app = spawn_app().await;
    let mut seen_fragrance = false;
    for id in 1..=70 {
        let (_, page) = app.page(&format!("/products/{id}?filtered=1")).await;
        seen_fragrance |= any_card_holds(&app, &page, "Fragrance").await.is_some();
        let (_, narrowed) = app
            .page(&format!("/products/{id}?filtered=1&no_fragrance=on"))
            .await;
        let holder = any_card_holds(&app, &narrowed, "Fragrance").await;
        assert_eq!(holder, None, "product {id}: a card lists Fragrance");
    }
    assert!(
        seen_fragrance,
        "the demo catalog has fragranced results to leave out"
    );
}

#[tokio::test]
async fn a_price_limit_and_cheaper_than_this_keep_only_products_within() {
    let app = spawn_app().await;
    let (_, page) = app.page("/products/1").await;
    let own: String = texts(&page, ".product .meta")[0].clone();
    assert!(
        own.contains('$') || own.contains('₩'),
        "product 1 has a price: {own}"
    );
    let (_, cheaper) = app.page("/products/1?filtered=1&cheaper=on").await;
    let (_, any) = app.page("/products/1?filtered=1").await;
    let (_, api) = app.get_json("/api/products/1/similar?limit=1").await;
    let own_price = api["product"]["price_cents"].as_i64().unwrap();
    let below = cards(&cheaper);
    assert!(!below.is_empty(), "the catalog has cheaper products");
    for card in below {
        assert!(card.price_cents.unwrap() < own_price, "card {}", card.id);
    }
    let limit_cents = 2500;
    let (_, limited) = app.page("/products/1?filtered=1&max_price=25").await;
    assert!(!cards(&limited).is_empty());
    for card in cards(&limited) {
        assert!(card.price_cents.unwrap() <= limit_cents, "card {}", card.id);
    }
    assert!(cards(&any).len() >= cards(&limited).len());
    // A limit that is no price says so, keeps the text, and narrows nothing.
    let (status, bad) = app.page("/products/1?filtered=1&max_price=cheap").await;
    assert_eq!(status, 400);
    assert!(texts(&bad, "#max-price-error")[0].contains("가격 상한"));
    assert_eq!(
        select(&bad, "input[name=max_price]")[0]
            .value()
            .attr("value"),
        Some("cheap")
    );
    assert_eq!(
        cards(&bad).iter().map(|c| c.id).collect::<Vec<_>>(),
        cards(&any).iter().map(|c| c.id).collect::<Vec<_>>()
    );
}

/// The INCI names of the chips (a Korean page shows the Korean name first).
fn chip_names(page: &Html, selector: &str) -> Vec<String> {
    select(page, selector)
        .into_iter()
        .map(|c| crate::helpers::chip_inci(&c))
        .collect()
}

#[tokio::test]
async fn compare_shows_what_is_in_both_and_in_each_only() {
    let app = spawn_app().await;
    let (_, product) = app.page("/products/1").await;
    let link = select(&product, ".compare-link a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert!(link.starts_with("/compare?a=1&b="), "{link}");
    let (status, page) = app.page(&link).await;
    assert_eq!(status, 200);
    let b: i64 = link.rsplit('=').next().unwrap().parse().unwrap();
    let (_, product_b) = app.page(&format!("/products/{b}")).await;
    let list_a: HashSet<String> = chip_names(&product, "#ingredients .chip")
        .into_iter()
        .collect();
    let list_b: HashSet<String> = chip_names(&product_b, "#ingredients .chip")
        .into_iter()
        .collect();
    let both: HashSet<String> = chip_names(&page, "#in-both .chip").into_iter().collect();
    let only_a: HashSet<String> = chip_names(&page, "#only-a .chip").into_iter().collect();
    let only_b: HashSet<String> = chip_names(&page, "#only-b .chip").into_iter().collect();
    assert_eq!(both, &list_a & &list_b);
    assert_eq!(only_a, &list_a - &list_b);
    assert_eq!(only_b, &list_b - &list_a);
    assert!(!both.is_empty());
    // The score is the one the card showed.
    let card_score = texts(&product, ".card .score-value")[0].clone();
    assert_eq!(texts(&page, ".score-value"), [card_score]);

    for (path, status) in [
        ("/compare?a=1&b=999999", 404),
        ("/compare?a=x&b=2", 404),
        ("/compare?a=1", 400),
        ("/compare", 400),
    ] {
        let (got, page) = app.page(path).await;
        assert_eq!(got, status, "{path}");
        assert_eq!(texts(&page, ".error").len(), 1, "{path}");
    }
}

#[tokio::test]
async fn every_chip_leads_to_its_ingredient_and_its_products_page_by_page() {
    let app = spawn_app().await;
    let (_, product) = app.page("/products/1").await;
    let chips = select(&product, "#ingredients .chip");
    assert!(chips
        .iter()
        .all(|c| c.value().attr("href").unwrap().starts_with("/ingredients/")));
    // Water is in most of the demo catalog: more than one page.
    let water = chips
        .iter()
        .find(|c| crate::helpers::chip_inci(c) == "Water")
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let (status, first) = app.page(&water).await;
    assert_eq!(status, 200);
    assert_eq!(
        texts(&first, "h1")[0],
        "정제수 Water",
        "Korean first on a Korean page"
    );
    let heading = texts(&first, "h2")[0].clone();
    let total: usize = heading
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    assert!(total > 30, "{heading}");
    let on_first = select(&first, ".product-list li").len();
    assert_eq!(on_first, 30);
    let (_, second) = app.page(&format!("{water}?page=2")).await;
    let listed = |page: &Html| -> Vec<String> {
        select(page, ".product-list a")
            .into_iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    let (a, b) = (listed(&first), listed(&second));
    assert!(
        a.iter().all(|href| !b.contains(href)),
        "pages do not repeat"
    );
    // A listed product holds the ingredient.
    let (_, held) = app.page(&b[0]).await;
    let held_names = chip_names(&held, "#ingredients .chip");
    assert!(held_names.contains(&"Water".to_string()), "{held_names:?}");
    // Past the end shows the last page; junk shows the first.
    let (status, junk) = app.page(&format!("{water}?page=abc")).await;
    assert_eq!(status, 200);
    assert_eq!(listed(&junk), a);
    let (_, missing) = app.page("/ingredients/999999").await;
    assert_eq!(texts(&missing, ".error").len(), 1);
    assert_eq!(app.get("/ingredients/999999").await.status().as_u16(), 404);
}

#[tokio::test]
async fn suggestions_offer_products_as_a_person_types() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/suggest?q=ceramid%20cram").await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Ceramide Barrier Cream"), "{names:?}");
    assert!(names.len() <= 8);
    let first = &body["suggestions"][0];
    assert_eq!(
        first["href"].as_str().unwrap(),
        format!("/products/{}", first["id"])
    );
    for nothing_yet in ["", "%20", "!!!", "%FF"] {
        let (status, body) = app.get_json(&format!("/api/suggest?q={nothing_yet}")).await;
        assert_eq!(status, 200, "{nothing_yet}");
        assert_eq!(body["suggestions"], serde_json::json!([]), "{nothing_yet}");
    }
    // The script that shows them is served by the app itself.
    let script = app.get("/static/suggest.js").await;
    assert_eq!(script.status().as_u16(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
}

/// The product with the longest ingredient list, and its length.
fn longest_list(database: &str) -> (i32, usize) {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Longest {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        product_id: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        links: i64,
    }
    let mut conn = crate::helpers::connect(database);
    let longest: Longest = diesel::sql_query(
        "SELECT product_id, COUNT(*) AS links FROM product_ingredients \
         GROUP BY product_id ORDER BY links DESC, product_id LIMIT 1",
    )
    .get_result(&mut conn)
    .expect("a product with a list");
    (longest.product_id, longest.links as usize)
}

/// A kit's list of 100 and more ingredients is one tap away on a page of its own, whole, with
/// the names, links and highlights of the product page; the product page keeps its first
/// lines and stays light.
#[tokio::test]
async fn a_long_list_is_on_a_page_of_its_own_and_the_product_page_stays_light() {
    let app = spawn_app_importing(&[SEPHORA_1472]).await;
    let (id, count) = longest_list(&app.database);
    assert!(count > 100, "the catalog has a kit: {count}");

    let response = app.get(&format!("/products/{id}")).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(
        body.len() < 25_000,
        "the product page is {} bytes",
        body.len()
    );
    let page = Html::parse_document(&body);
    assert_eq!(
        select(&page, "#ingredients .chip").len(),
        12,
        "its first lines"
    );
    let link = format!("/products/{id}/ingredients");
    let to_list = select(&page, &format!("#ingredients a[href=\"{link}\"]"));
    assert_eq!(to_list.len(), 1, "one link to the whole list");
    assert!(to_list[0]
        .text()
        .collect::<String>()
        .contains(&count.to_string()));

    let (status, list) = app.page(&link).await;
    assert_eq!(status, 200);
    let chips = select(&list, "#ingredients .chip");
    assert_eq!(chips.len(), count, "the whole list");
    assert!(chips.iter().all(|c| c
        .value()
        .attr("href")
        .is_some_and(|h| h.starts_with("/ingredients/"))));
    assert!(
        !select(&list, "#ingredients .chip.shared").is_empty(),
        "what it shares with its similar products is highlighted"
    );
    assert_eq!(
        select(&list, &format!("a[href=\"/products/{id}\"]")).len(),
        1,
        "and a way back"
    );
    // The first lines are the list's own first lines.
    let first: Vec<String> = chip_names(&page, "#ingredients .chip");
    assert_eq!(first, full_list(&app, id as i64).await[..12]);
    // Highlighted as on the product page: shared with the same 4 similar products.
    let highlighted = |page: &Html| -> Vec<bool> {
        select(page, "#ingredients .chip")
            .iter()
            .take(12)
            .map(|c| c.value().classes().any(|class| class == "shared"))
            .collect()
    };
    assert_eq!(highlighted(&list), highlighted(&page));

    for missing in ["/products/999999/ingredients", "/products/abc/ingredients"] {
        assert_eq!(app.get(missing).await.status(), 404, "{missing}");
    }
}
