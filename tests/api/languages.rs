//! Korean by default, English from `Accept-Language` or the switch (remembered in a cookie),
//! and every text of a page in the language it speaks.

use scraper::{Html, Selector};

use crate::browser::{errors_on, Browser};
use crate::helpers::{spawn_app, texts};

/// Hangul syllables in the page's own texts (the header's logo and language switch, which
/// name the other language on purpose, and product data are left out).
fn korean_in_page_texts(page: &Html) -> Vec<String> {
    let own = Selector::parse(
        "main h1, main h2, main label, main button, main legend, main th, main .error, \
         main .field-error, main .notice, main .hint, main .lead, nav a, footer",
    )
    .unwrap();
    page.select(&own)
        .map(|e| e.text().collect::<String>())
        .filter(|text| text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)))
        .collect()
}

fn html_lang(page: &Html) -> String {
    let html = Selector::parse("html").unwrap();
    page.select(&html)
        .next()
        .and_then(|e| e.value().attr("lang"))
        .unwrap_or("")
        .to_string()
}

const PAGES: [&str; 10] = [
    "/",
    "/search?q=zzzzqqq",
    "/products/1",
    "/compare?a=1&b=2",
    "/ingredients/1",
    "/similar",
    "/board",
    "/board/new",
    "/admin/login",
    "/no-such-page",
];

#[tokio::test]
async fn pages_are_korean_by_default() {
    let app = spawn_app().await;
    for path in PAGES {
        let (_, page) = app.page(path).await;
        assert_eq!(html_lang(&page), "ko", "{path}");
    }
    let (_, home) = app.page("/").await;
    assert_eq!(texts(&home, "h1"), ["화장품 성분 검색"]);
    assert_eq!(texts(&home, ".lang-switch"), ["English"]);
}

#[tokio::test]
async fn a_browser_asking_for_english_gets_every_page_in_english() {
    let app = spawn_app().await;
    for path in PAGES {
        let (_, page) = app.page_in(path, "en-US,en;q=0.9").await;
        assert_eq!(html_lang(&page), "en", "{path}");
        assert_eq!(
            korean_in_page_texts(&page),
            Vec::<String>::new(),
            "{path} speaks only English"
        );
    }
    let (status, missing) = app.page_in("/no-such-page", "en").await;
    assert_eq!(status, 404);
    assert_eq!(texts(&missing, "h1"), ["Not found"]);
    // Korean preferred over English stays Korean.
    let (_, korean) = app.page_in("/", "ko-KR,ko;q=0.9,en;q=0.8").await;
    assert_eq!(html_lang(&korean), "ko");
}

#[tokio::test]
async fn the_switch_remembers_the_choice_and_returns_to_the_page() {
    let app = spawn_app().await;
    let browser = Browser::at(&app.address);
    let switched = browser
        .client
        .get(format!("{}/lang/en", app.address))
        .header("referer", format!("{}/board?page=1", app.address))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status().as_u16(), 303);
    assert_eq!(switched.headers()["location"], "/board?page=1");
    let cookie = switched.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("sb_lang=en"), "{cookie}");
    assert!(cookie.contains("Max-Age"), "remembered: {cookie}");
    // The cookie wins over the browser's Korean.
    let board = browser
        .client
        .get(format!("{}/board", app.address))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    let board = Html::parse_document(&board.text().await.unwrap());
    assert_eq!(html_lang(&board), "en");
    assert_eq!(texts(&board, "h1"), ["Request board"]);
    // And back; a link from another site returns home.
    let back = browser
        .client
        .get(format!("{}/lang/ko", app.address))
        .header("referer", "https://elsewhere.example/board")
        .send()
        .await
        .unwrap();
    assert_eq!(back.headers()["location"], "/");
    let home = browser.get("/").await;
    assert_eq!(html_lang(&home.page), "ko");
    // An unknown language changes nothing.
    let unknown = browser.get("/lang/fr").await;
    assert_eq!(unknown.status, 303);
    assert_eq!(html_lang(&browser.get("/").await.page), "ko");
}

#[tokio::test]
async fn validation_messages_speak_the_page_language() {
    let app = spawn_app().await;
    let browser = Browser::at(&app.address);
    browser.get("/lang/en").await;
    let form = browser.get("/board/new").await;
    let sent = browser
        .submit(&form.page, "/board/new", &[("title", "  "), ("body", "hi")])
        .await;
    assert_eq!(sent.status, 400);
    let errors = errors_on(&sent.page);
    assert!(
        errors.iter().any(|e| e.contains("Please enter the title")),
        "{errors:?}"
    );
    assert_eq!(korean_in_page_texts(&sent.page), Vec::<String>::new());
    let search = browser.get("/search?q=%20").await;
    assert_eq!(
        texts(&search.page, ".error"),
        ["Please type a product or brand name."]
    );
}

#[tokio::test]
async fn korean_ingredient_names_come_first_on_korean_pages_and_are_absent_on_english_ones() {
    let app = spawn_app().await;
    let (_, korean) = app.page("/products/1").await;
    let chips = texts(&korean, "#ingredients .chip");
    assert!(
        chips.iter().any(|c| c.starts_with("정제수 Water")),
        "{chips:?}"
    );
    assert!(
        chips.iter().any(|c| c.starts_with("글리세린 Glycerin")),
        "{chips:?}"
    );
    let (_, english) = app.page_in("/products/1", "en").await;
    let chips = texts(&english, "#ingredients .chip");
    assert!(chips.iter().any(|c| c.starts_with("Water")), "{chips:?}");
    assert!(chips.iter().all(|c| !c.contains("정제수")), "{chips:?}");
}
