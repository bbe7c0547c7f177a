//! Pages that travel well: a description on every page, one canonical address, a title card
//! when a link is shared, the icon, robots.txt and the sitemaps; and the assets served by
//! content-hashed names, compressed once, cached for a year.

use std::io::Read;

use scraper::{Html, Selector};

use crate::helpers::{spawn_app, texts, TestApp};

fn attr(page: &Html, selector: &str, attribute: &str) -> Option<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .next()
        .and_then(|e| e.value().attr(attribute))
        .map(str::to_string)
}

fn meta(page: &Html, key: &str) -> Option<String> {
    attr(
        page,
        &format!("meta[name=\"{key}\"], meta[property=\"{key}\"]"),
        "content",
    )
}

async fn haneul_cream(app: &TestApp) -> i64 {
    app.product_id("Haneul Lab", "Ceramide Barrier Cream").await
}

#[tokio::test]
async fn a_shared_product_link_shows_a_title_card_with_its_brand_name_and_ingredients() {
    let app = spawn_app().await;
    let id = haneul_cream(&app).await;
    // Narrowed, the page's one address is still the plain product page.
    let (status, page) = app
        .page_in(&format!("/products/{id}?filtered=1&no_fragrance=on"), "en")
        .await;
    assert_eq!(status, 200);
    let url = format!("{}/products/{id}", app.address);
    assert_eq!(
        attr(&page, "link[rel=canonical]", "href"),
        Some(url.clone())
    );
    assert_eq!(meta(&page, "og:url"), Some(url));
    assert_eq!(
        meta(&page, "og:title").as_deref(),
        Some("Haneul Lab Ceramide Barrier Cream")
    );
    let description = meta(&page, "description").unwrap();
    for part in [
        "Haneul Lab Ceramide Barrier Cream",
        "Water, Glycerin, Butylene Glycol",
    ] {
        assert!(description.contains(part), "{description}");
    }
    assert_eq!(meta(&page, "og:description"), Some(description.clone()));
    assert_eq!(
        meta(&page, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    assert_eq!(meta(&page, "og:locale").as_deref(), Some("en_US"));
    let image = meta(&page, "og:image").unwrap();
    // X falls back to og:title, og:description and og:image: they are not said twice.
    for repeated in ["twitter:title", "twitter:description", "twitter:image"] {
        assert_eq!(meta(&page, repeated), None, "{repeated}");
    }
    let path = image
        .strip_prefix(&app.address)
        .expect("an absolute address");
    let picture = app.get(path).await;
    assert_eq!(picture.status().as_u16(), 200);
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert!(picture.bytes().await.unwrap().starts_with(b"\x89PNG"));

    // In Korean the leading ingredients are the Korean standard names.
    let (_, korean) = app.page_in(&format!("/products/{id}"), "ko").await;
    let description = meta(&korean, "description").unwrap();
    assert!(description.contains("정제수, 글리세린"), "{description}");
    assert_eq!(meta(&korean, "og:locale").as_deref(), Some("ko_KR"));
}

#[tokio::test]
async fn compare_and_ingredient_pages_have_title_cards_too() {
    let app = spawn_app().await;
    let a = haneul_cream(&app).await;
    let b = app
        .product_id("Haneul Lab", "Low pH Gentle Gel Cleanser")
        .await;
    let (status, page) = app.page_in(&format!("/compare?b={b}&a={a}"), "en").await;
    assert_eq!(status, 200);
    assert_eq!(
        attr(&page, "link[rel=canonical]", "href"),
        Some(format!("{}/compare?a={a}&b={b}", app.address))
    );
    let title = meta(&page, "og:title").unwrap();
    assert!(title.contains("Ceramide Barrier Cream") && title.contains("Gel Cleanser"));
    assert!(meta(&page, "og:image").is_some());

    let glycerin = attr(&page, "a.chip[href^=\"/ingredients/\"]", "href").unwrap();
    let (status, page) = app.page_in(&glycerin, "en").await;
    assert_eq!(status, 200);
    assert_eq!(
        attr(&page, "link[rel=canonical]", "href"),
        Some(format!("{}{glycerin}", app.address))
    );
    assert!(meta(&page, "og:title").is_some() && meta(&page, "twitter:card").is_some());
}

#[tokio::test]
async fn every_kind_of_page_describes_itself_and_forms_behind_a_password_are_not_indexed() {
    let app = spawn_app().await;
    let id = haneul_cream(&app).await;
    let (_, new_post) = app.page("/board/new").await;
    let mut descriptions = Vec::new();
    for path in [
        "/".to_string(),
        "/search?q=haneul".to_string(),
        "/search?q=zzzzqqqq".to_string(),
        format!("/products/{id}"),
        "/similar".to_string(),
        "/similar?ingredients=Water%2C%20Glycerin%2C%20Ceramide%20NP".to_string(),
        "/board".to_string(),
        "/board/new".to_string(),
        "/admin/login".to_string(),
        "/no-such-page".to_string(),
    ] {
        let (_, page) = app.page(&path).await;
        let description = meta(&page, "description").unwrap_or_default();
        assert!(description.chars().count() >= 20, "{path}: {description:?}");
        assert!(
            description.chars().count() <= 155,
            "{path}: {description:?}"
        );
        let noindex = meta(&page, "robots").is_some_and(|r| r.contains("noindex"));
        assert_eq!(noindex, path == "/admin/login", "{path}");
        descriptions.push(description);
    }
    descriptions.sort();
    descriptions.dedup();
    assert!(descriptions.len() >= 9, "each kind of page says what it is");
    assert!(meta(&new_post, "robots").is_none());
    // The results of a pasted list can be linked to: the shared address shows them.
    let (_, results) = app
        .page("/similar?ingredients=Water%2C%20Glycerin%2C%20Ceramide%20NP")
        .await;
    assert_eq!(texts(&results, ".card").len(), 4);
}

#[tokio::test]
async fn the_icon_robots_txt_and_the_sitemaps_are_served() {
    let app = spawn_app().await;
    let (_, home) = app.page("/").await;
    let icon = attr(&home, "link[rel=icon]", "href").unwrap();
    assert!(icon.starts_with("/static/favicon.") && icon.ends_with(".svg"));
    let favicon = app.get("/favicon.ico").await;
    assert_eq!(favicon.status().as_u16(), 301);
    assert_eq!(favicon.headers()["location"], icon.as_str());
    let svg = app.get(&icon).await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));

    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("User-agent: *"));
    assert!(robots.contains("Disallow: /admin"));
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", app.address)));

    let index = app.get("/sitemap.xml").await;
    assert!(index.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let index = index.text().await.unwrap();
    let locations = |xml: &str| -> Vec<String> {
        xml.split("<loc>")
            .skip(1)
            .map(|part| part.split("</loc>").next().unwrap().to_string())
            .collect()
    };
    let parts = locations(&index);
    assert_eq!(
        parts,
        [
            format!("{}/sitemaps/pages.xml", app.address),
            format!("{}/sitemaps/products-1.xml", app.address)
        ]
    );
    let products = app
        .get("/sitemaps/products-1.xml")
        .await
        .text()
        .await
        .unwrap();
    let listed = locations(&products);
    let demo_products = include_str!("../../src/catalog/demo_catalog.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert_eq!(listed.len(), demo_products, "every product once");
    let cream = format!("{}/products/{}", app.address, haneul_cream(&app).await);
    assert!(listed.contains(&cream));
    assert_eq!(
        app.get("/sitemaps/products-2.xml").await.status().as_u16(),
        404
    );
    assert_eq!(
        app.get("/sitemaps/products-0.xml").await.status().as_u16(),
        404
    );
    let pages = app.get("/sitemaps/pages.xml").await.text().await.unwrap();
    assert!(locations(&pages).contains(&format!("{}/board", app.address)));
}

#[tokio::test]
async fn assets_have_hashed_names_cached_for_a_year_and_compressed_once() {
    let app = spawn_app().await;
    let (_, home) = app.page("/").await;
    let css = attr(&home, "link[rel=stylesheet]", "href").unwrap();
    let js = attr(&home, "script[src]", "src").unwrap();
    assert!(
        css.starts_with("/static/style.") && css.ends_with(".css") && css != "/static/style.css"
    );
    assert!(js.starts_with("/static/suggest.") && js.ends_with(".js"));

    let plain = app.get_encoded("/static/style.css", "identity").await;
    assert_eq!(
        plain.headers()["cache-control"],
        "public, max-age=3600",
        "the old name still works"
    );
    let plain = plain.bytes().await.unwrap();
    assert!(std::str::from_utf8(&plain).unwrap().contains(".chip"));

    let br = app.get_encoded(&css, "gzip, deflate, br").await;
    assert_eq!(br.status().as_u16(), 200);
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "Accept-Encoding");
    let etag = br.headers()["etag"].to_str().unwrap().to_string();
    let packed = br.bytes().await.unwrap();
    assert!(
        packed.len() * 3 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut &packed[..], &mut unpacked).unwrap();
    assert_eq!(unpacked, plain);

    let gz = app.get_encoded(&js, "gzip").await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&gz.bytes().await.unwrap()[..])
        .read_to_string(&mut unpacked)
        .unwrap();
    assert!(unpacked.contains("combobox"));

    let again = app
        .client
        .get(format!("{}{css}", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    // A page cached before a deploy asks for an older hash: it still gets the file, briefly.
    let older = app
        .get_encoded("/static/style.0000000000.css", "identity")
        .await;
    assert_eq!(older.status().as_u16(), 200);
    assert_eq!(older.headers()["cache-control"], "public, max-age=3600");
}

/// A page made per request is compressed once, in the fastest coding the browser takes
/// (`web::middleware::compress_once`), and reads back as the plain page.
#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let app = spawn_app().await;
    let plain = app.get_encoded("/board", "identity").await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap().to_vec();
    assert!(String::from_utf8_lossy(&plain).contains("<html"));
    // The board lists posts as they are now: the same page each time, so each coding must
    // read back to it.
    for (accepted, coding) in [
        ("gzip, deflate, br, zstd", "zstd"),
        ("gzip, deflate, br", "br"),
        ("br", "br"),
        ("gzip", "gzip"),
    ] {
        let page = app.get_encoded("/board", accepted).await;
        assert_eq!(page.status().as_u16(), 200);
        assert_eq!(page.headers()["content-encoding"], coding, "{accepted}");
        assert!(page
            .headers()
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("Accept-Encoding")));
        let packed = page.bytes().await.unwrap();
        assert!(
            packed.len() < plain.len(),
            "{coding}: {} of {} bytes",
            packed.len(),
            plain.len()
        );
        let html = match coding {
            "zstd" => zstd::decode_all(&packed[..]).unwrap(),
            "br" => {
                let mut html = Vec::new();
                brotli::BrotliDecompress(&mut &packed[..], &mut html).unwrap();
                html
            }
            _ => {
                let mut html = Vec::new();
                flate2::read::GzDecoder::new(&packed[..])
                    .read_to_end(&mut html)
                    .unwrap();
                html
            }
        };
        assert_eq!(html, plain, "{coding} reads back to the page");
    }
}

/// A kept answer exists in zstd and gzip: a browser that takes only brotli gets it plain, from
/// what is kept, not compressed again on every request.
#[tokio::test]
async fn a_kept_page_goes_plain_to_a_browser_without_gzip() {
    let app = spawn_app().await;
    let (_, found) = app.get_json("/api/search?q=ceramide").await;
    let id = found["matches"][0]["id"].as_i64().unwrap();
    let path = format!("/products/{id}");
    let made = app.get_encoded(&path, "gzip, br").await;
    assert_eq!(made.headers()["content-encoding"], "gzip");
    let kept = app.get_encoded(&path, "br").await;
    assert_eq!(kept.status().as_u16(), 200);
    assert!(kept.headers().get("content-encoding").is_none());
    assert!(kept.text().await.unwrap().contains("<html"));
}
