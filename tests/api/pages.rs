//! The pages a person uses: home, search, product, paste, and every bad input.

use crate::helpers::{spawn_app, texts, urlencode};

#[tokio::test]
async fn the_home_page_is_one_search_box_and_says_the_catalog_is_demo_data() {
    let app = spawn_app().await;
    let (status, page) = app.page("/").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&page, "form.search input[name=q]").len(), 1);
    assert_eq!(texts(&page, "h1"), ["화장품 성분 검색"]);
    assert!(texts(&page, ".notice")[0].contains("데모"));
}

#[tokio::test]
async fn a_clear_match_with_a_typo_goes_straight_to_the_product_page() {
    let app = spawn_app().await;
    let response = app
        .get("/search?q=haneul%20lab%20ceramide%20barier%20cream%20mini")
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let (status, page) = app.page(&location).await;
    assert_eq!(status, 200);
    assert_eq!(
        texts(&page, "article.product h1"),
        ["Ceramide Barrier Cream Mini"]
    );
}

#[tokio::test]
async fn the_product_page_shows_four_similar_products_with_scores_and_shared_ingredients_highlighted(
) {
    let app = spawn_app().await;
    let id = app.product_id("Haneul Lab", "Ceramide Barrier Cream").await;
    let (status, page) = app.page(&format!("/products/{id}")).await;
    assert_eq!(status, 200);
    let cards = texts(&page, ".similar article.card h3");
    assert_eq!(cards.len(), 4);
    // Its mini has the identical formula: named at the top as "same formula", never a card.
    assert!(
        cards.iter().all(|c| c != "Ceramide Barrier Cream Mini"),
        "{cards:?}"
    );
    assert_eq!(
        texts(&page, ".same-formula a"),
        ["Ceramide Barrier Cream Mini"]
    );
    // The Korean-labelled lotion with the same kind of formula is first: across languages.
    assert_eq!(cards[0], "세라마이드 장벽 로션");
    // Shared ingredients are marked in the product's own list and in each card's list.
    let shared_in_product = texts(&page, "#ingredients .chip.shared");
    assert!(shared_in_product.iter().any(|c| c.contains("Ceramide NP")));
    // A card carries what it shares, not its whole list: that is one click away, beside the
    // product's own on the compare page.
    assert!(texts(&page, ".similar .card .full-list").is_empty());
    let link = scraper::Selector::parse(".similar .card .compare-link a").unwrap();
    let compare = page
        .select(&link)
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap();
    assert!(
        compare.starts_with(&format!("/compare?a={id}&b=")),
        "{compare}"
    );
    // A card names the 3 most telling shared ingredients, the rest one tap away.
    let first_card_shared = texts(
        &page,
        ".similar article.card:first-child .shared-list .chip",
    );
    assert_eq!(first_card_shared.len(), 3);
    // The rest are counted, and listed on the compare page ("in both") the count links to.
    let shared_title = texts(&page, ".similar article.card:first-child .shared-title");
    let shared: usize = shared_title[0]
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    assert!(shared > 3, "{shared_title:?}");
    let more =
        scraper::Selector::parse(".similar article.card:first-child .more-shared a").unwrap();
    let more = page.select(&more).next().expect("a link to the rest");
    assert!(more
        .text()
        .collect::<String>()
        .starts_with(&format!("외 {}개", shared - 3)));
    let rest = more.value().attr("href").unwrap();
    assert!(rest.starts_with(&format!("/compare?a={id}&b=")), "{rest}");
    let (status, compared) = app.page(rest).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&compared, "#in-both .chip").len(), shared);
    // The rarest shared ingredients come first, not water.
    assert!(
        !first_card_shared[0].contains("Water"),
        "{first_card_shared:?}"
    );
}

#[tokio::test]
async fn several_plausible_products_are_offered_as_a_list() {
    let app = spawn_app().await;
    let (status, page) = app.page("/search?q=cica").await;
    assert_eq!(status, 200);
    let candidates = texts(&page, "ol.candidates li a");
    // Six Quiet Cica products, and the Korean cica cream through its English alias.
    assert!(candidates.len() >= 7, "{candidates:?}");
    assert!(
        candidates[..6].iter().all(|c| c.contains("Cica")),
        "{candidates:?}"
    );
    assert!(
        candidates.iter().any(|c| c.contains("병풀 진정 크림")),
        "{candidates:?}"
    );
}

#[tokio::test]
async fn nothing_found_says_so_and_keeps_the_query_in_the_box() {
    let app = spawn_app().await;
    let (status, page) = app
        .page(&format!("/search?q={}", urlencode("qxzv wplk")))
        .await;
    assert_eq!(status, 200);
    assert!(texts(&page, ".nothing h2")[0].contains("찾지 못했습니다"));
    let selector = scraper::Selector::parse("input[name=q]").unwrap();
    assert_eq!(
        page.select(&selector).next().unwrap().value().attr("value"),
        Some("qxzv wplk")
    );
}

#[tokio::test]
async fn empty_and_overlong_queries_get_a_clear_message_not_an_error() {
    let app = spawn_app().await;
    let (status, page) = app.page("/search?q=").await;
    assert_eq!(status, 400);
    assert!(texts(&page, ".error")[0].contains("검색어를 입력해 주세요"));
    let long = "a".repeat(5000);
    let (status, page) = app.page(&format!("/search?q={long}")).await;
    assert_eq!(status, 400);
    assert!(texts(&page, ".error")[0].contains("너무 깁니다"));
    let (status, _) = app.page("/search?q=%FF%FE%ZZ").await;
    assert!(
        status == 400 || status == 200,
        "broken percent-encoding is answered, got {status}"
    );
}

#[tokio::test]
async fn unknown_and_non_numeric_product_ids_get_a_not_found_page() {
    let app = spawn_app().await;
    for path in [
        "/products/999999",
        "/products/abc",
        "/products/-1",
        "/products/1.5",
        "/no/such/page",
    ] {
        let (status, page) = app.page(path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!texts(&page, ".error").is_empty(), "{path} shows a message");
    }
}

#[tokio::test]
async fn a_pasted_korean_label_finds_products_and_shows_what_was_read() {
    let app = spawn_app().await;
    let label = "전성분: 정제수, 병풀추출물, 글리세린, 부틸렌글라이콜, 나이아신아마이드, 마데카소사이드, 아시아티코사이드, 판테놀";
    let (status, page) = app.post_form("/similar", &[("ingredients", label)]).await;
    assert_eq!(status, 200);
    let read = texts(&page, ".understood .chip");
    assert_eq!(read.len(), 8);
    // Korean first on a Korean page, the INCI name beside it.
    assert!(
        read[1].starts_with("병풀추출물 Centella Asiatica Extract"),
        "{read:?}"
    );
    let cards = texts(&page, ".similar article.card h3");
    assert_eq!(cards.len(), 4);
    // Western (English-labelled) cica products are found from a Korean label.
    assert!(cards.iter().any(|c| c.starts_with("Cica")), "{cards:?}");
}

#[tokio::test]
async fn an_empty_paste_keeps_the_form_and_says_what_to_do() {
    let app = spawn_app().await;
    let (status, page) = app.post_form("/similar", &[("ingredients", "   ")]).await;
    assert_eq!(status, 400);
    assert!(texts(&page, ".error")[0].contains("붙여 넣어 주세요"));
    let (status, page) = app
        .post_form("/similar", &[("ingredients", "No Info")])
        .await;
    assert_eq!(status, 400);
    assert_eq!(texts(&page, "textarea#ingredients"), ["No Info"]);
}

#[tokio::test]
async fn a_form_over_the_size_limit_gets_413() {
    let app = spawn_app().await;
    let huge = "Water, ".repeat(60_000);
    let response = app
        .post_raw(
            "/similar",
            "application/x-www-form-urlencoded",
            format!("ingredients={huge}"),
        )
        .await;
    assert_eq!(response.status().as_u16(), 413);
    let page = scraper::Html::parse_document(&response.text().await.unwrap());
    assert!(texts(&page, ".error")[0].contains("너무 큽니다"));
}

#[tokio::test]
async fn html_in_a_query_is_shown_as_text() {
    let app = spawn_app().await;
    let response = app
        .get(&format!(
            "/search?q={}",
            urlencode("<script>alert(1)</script>")
        ))
        .await;
    let body = response.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)</script>"));
    let page = scraper::Html::parse_document(&body);
    let scripts = scraper::Selector::parse("script").unwrap();
    let sources: Vec<Option<&str>> = page
        .select(&scripts)
        .map(|s| s.value().attr("src"))
        .collect();
    assert_eq!(
        sources.len(),
        1,
        "only the site's own script; none was injected"
    );
    assert!(
        sources[0].is_some_and(|src| src.starts_with("/static/suggest.") && src.ends_with(".js")),
        "{sources:?}"
    );
    let input = scraper::Selector::parse("input[name=q]").unwrap();
    let kept = page.select(&input).next().unwrap().value().attr("value");
    assert_eq!(
        kept,
        Some("<script>alert(1)</script>"),
        "the query is kept, as text"
    );
}

#[tokio::test]
async fn the_stylesheet_is_served_by_the_app() {
    let app = spawn_app().await;
    let response = app.get("/static/style.css").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(response.text().await.unwrap().contains(".chip"));
    assert_eq!(app.get("/static/nothing.js").await.status().as_u16(), 404);
}

/// Product pages and search answers are kept coded (`web::answer_cache`): a browser that
/// accepts gzip but not zstd (Safari's list) gets the same page gzipped, one that takes zstd
/// gets it so, one that takes neither gets it plain, and all are told the answer varies by
/// encoding.
#[tokio::test]
async fn a_browser_accepting_gzip_gets_the_same_page_compressed() {
    use std::io::Read;
    let app = spawn_app().await;
    let (_, found) = app.get_json("/api/search?q=ceramide").await;
    let id = found["matches"][0]["id"].as_i64().unwrap();
    for path in [
        format!("/products/{id}"),
        "/api/search?q=ceramide".to_string(),
    ] {
        let plain = app.get(&path).await;
        assert_eq!(plain.headers().get("content-encoding"), None);
        let plain = plain.bytes().await.unwrap();
        for _ in 0..2 {
            let gzipped = app.get_encoded(&path, "gzip, deflate, br").await;
            assert_eq!(gzipped.status(), 200);
            assert_eq!(gzipped.headers()["content-encoding"], "gzip", "{path}");
            let vary: Vec<&str> = gzipped
                .headers()
                .get_all("vary")
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            assert!(
                vary.iter().any(|v| v.contains("Accept-Encoding")),
                "{vary:?}"
            );
            let bytes = gzipped.bytes().await.unwrap();
            assert!(bytes.len() < plain.len(), "{path}: compressed");
            let mut unzipped = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut unzipped)
                .unwrap();
            assert_eq!(unzipped, plain.to_vec(), "{path}: the same answer");
        }
        let zstd = app.get_encoded(&path, "gzip, deflate, br, zstd").await;
        assert_eq!(zstd.headers()["content-encoding"], "zstd", "{path}");
        let bytes = zstd.bytes().await.unwrap();
        assert!(bytes.len() < plain.len(), "{path}: compressed");
        let unpacked = zstd::decode_all(&bytes[..]).unwrap();
        assert_eq!(unpacked, plain.to_vec(), "{path}: the same answer");
    }
}
