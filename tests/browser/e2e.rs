//! End to end in a real browser (headless Chromium): what a person does on the site, through
//! the real server and its pages, scripts and forms.

use fantoccini::key::Key;

use crate::chromium::{BrowserSetup, Chromium, PHONE};
use crate::helpers::{spawn_app, spawn_app_guarded};
use seongbun::security::SafeguardSettings;

fn key(k: Key) -> String {
    char::from(k).to_string()
}

#[tokio::test]
async fn a_typo_in_the_search_box_still_reaches_the_product_and_its_four_alike() {
    let app = spawn_app().await;
    let browser = Chromium::open(&app.address, BrowserSetup::default()).await;
    browser.goto("/").await;
    assert_eq!(browser.page_lang().await, "ko");
    // Suggestions while typing, chosen with the keyboard.
    browser.type_into("#q", "ceramid barier crem").await;
    let first = browser.find("#q-suggestions [role=option]").await;
    assert!(first.text().await.unwrap().contains("Ceramide"));
    let input = browser.find("#q").await;
    assert_eq!(
        input.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    input.send_keys(&key(Key::Down)).await.unwrap();
    assert_eq!(
        input
            .attr("aria-activedescendant")
            .await
            .unwrap()
            .as_deref(),
        Some("q-suggestions-0")
    );
    input.send_keys(&key(Key::Enter)).await.unwrap();
    let path = browser
        .wait_for_path(|p| p.starts_with("/products/"), "a product page")
        .await;
    assert_eq!(browser.find_all(".card").await.len(), 4, "{path}");
    assert!(browser.text("h1").await.contains("Ceramide"));
    // The plain form too: a typo, Enter, and the product or the candidates to choose from.
    browser.goto("/").await;
    // Enter with no suggestion chosen sends the form as typed.
    browser
        .type_into(
            "#q",
            &format!("haneul lab ceramid barier cream{}", key(Key::Enter)),
        )
        .await;
    browser
        .wait_for_path(|p| !p.is_empty() && p != "/", "the search")
        .await;
    if browser.path().await.starts_with("/search") {
        browser.click(".candidates a").await;
    }
    browser
        .wait_for_path(|p| p.starts_with("/products/"), "a product page")
        .await;
    assert_eq!(browser.find_all(".card .score-bar").await.len(), 4);
    assert!(!browser.find_all(".card .chip.shared").await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn a_pasted_korean_label_finds_products_and_the_results_narrow_and_compare() {
    let app = spawn_app().await;
    let browser = Chromium::open(&app.address, BrowserSetup::default()).await;
    browser.goto("/similar").await;
    browser
        .type_into(
            "#ingredients",
            "정제수, 글리세린, 부틸렌글라이콜, 세라마이드엔피, 판테놀, 스쿠알란",
        )
        .await;
    browser.click(".paste button").await;
    browser.find(".understood").await;
    assert_eq!(browser.find_all(".card").await.len(), 4);
    let read = browser.texts(".understood .chip").await;
    assert!(read.iter().any(|c| c.contains("Water")), "{read:?}");
    // Open the first card's product, leave out an ingredient with the form, compare.
    browser.click(".card h3 a").await;
    browser
        .wait_for_path(|p| p.starts_with("/products/"), "a product page")
        .await;
    // Every category, without butylene glycol (typed as on a Korean label).
    browser.click("input[name=same_category]").await;
    browser.type_into("#without", "부틸렌글라이콜").await;
    browser.click(".filters button").await;
    browser
        .wait_for_path(|p| p.contains("without="), "the narrowed results")
        .await;
    assert_eq!(browser.find_all(".card").await.len(), 4);
    // A card carries what it shares; its full list is on the compare page its link opens,
    // checked below ("only in" the card's product).
    let shared = browser
        .client
        .execute(
            "return [...document.querySelectorAll('.card .chip')].map(c => (c.querySelector('.inci') || c).firstChild.textContent.trim());",
            Vec::new(),
        )
        .await
        .unwrap();
    assert!(
        !shared
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "Butylene Glycol"),
        "no result shares butylene glycol: {shared}"
    );
    browser.click(".compare-link a").await;
    browser
        .wait_for_path(|p| p.starts_with("/compare"), "the comparison")
        .await;
    assert!(!browser.find_all("#in-both .chip").await.is_empty());
    // The card's whole list, beside the product's: what both hold and what only it holds.
    let card_list = browser
        .client
        .execute(
            "return [...document.querySelectorAll('#in-both .chip, #only-b .chip')].map(c => (c.querySelector('.inci') || c).firstChild.textContent.trim());",
            Vec::new(),
        )
        .await
        .unwrap();
    assert!(
        !card_list
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == "Butylene Glycol"),
        "the first result holds no butylene glycol: {card_list}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_post_is_written_edited_and_deleted_with_its_password() {
    let app = spawn_app().await;
    let browser = Chromium::open(&app.address, BrowserSetup::default()).await;
    browser.goto("/board").await;
    browser.click("a.button[href='/board/new']").await;
    browser.find("#title").await;
    // A mistake first: the message is shown beside the field and the typing is kept.
    browser.type_into("#body", "수분크림을 찾고 있어요.").await;
    browser.click(".board-form button[type=submit]").await;
    browser.find("#title-error").await;
    assert_eq!(
        browser
            .find("#body")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("수분크림을 찾고 있어요.")
    );
    browser
        .find("#category")
        .await
        .select_by_value("question")
        .await
        .unwrap();
    browser.type_into("#title", "브라우저에서 쓴 글").await;
    browser.type_into("#author", "크롬").await;
    browser.type_into("#password", "p4ssword").await;
    browser.click(".board-form button[type=submit]").await;
    let post = browser
        .wait_for_path(
            |p| p.starts_with("/board/") && p != "/board/new",
            "the post",
        )
        .await;
    assert_eq!(browser.text("h1").await, "브라우저에서 쓴 글");
    // Edit: the password, then the form.
    browser.click(&format!("a[href='{post}/edit']")).await;
    browser.type_into("#password", "p4ssword").await;
    browser.click(".password-check button[type=submit]").await;
    browser.find("#title").await;
    browser.type_into("#title", "고친 제목").await;
    browser.click(".board-form button[type=submit]").await;
    browser.wait_for_path(|p| p == post, "the post again").await;
    assert_eq!(browser.text("h1").await, "고친 제목");
    // Delete: a wrong password is refused, the right one deletes.
    browser.click(&format!("a[href='{post}/delete']")).await;
    browser.type_into("#password", "wrong-one").await;
    browser.click(".password-check button[type=submit]").await;
    browser.find("#password-error").await;
    browser.type_into("#password", "p4ssword").await;
    browser.click(".password-check button[type=submit]").await;
    browser
        .wait_for_path(|p| p.starts_with("/board?"), "the board")
        .await;
    assert!(browser.text(".notice").await.contains("삭제"));
    browser.goto(&post).await;
    assert!(browser.text(".error").await.contains("없습니다"));
    browser.close().await;
}

#[tokio::test]
async fn the_admin_signs_in_and_answers_a_post() {
    let app = spawn_app_guarded(SafeguardSettings {
        admin_password: Some("admin-e2e-password".to_string()),
        ..SafeguardSettings::default()
    })
    .await;
    let visitor = crate::browser::Browser::at(&app.address);
    let id = visitor
        .write_post(
            "답변이 필요한 글",
            "이 크림에 향료가 있나요?",
            "pw1234",
            false,
        )
        .await;
    let browser = Chromium::open(&app.address, BrowserSetup::default()).await;
    browser.goto("/admin/login").await;
    browser.type_into("#password", "admin-e2e-password").await;
    browser.click(".admin-login button").await;
    browser
        .wait_for_path(|p| p.starts_with("/board"), "the board")
        .await;
    browser.goto(&format!("/board/{id}")).await;
    browser
        .find("#status")
        .await
        .select_by_value("done")
        .await
        .unwrap();
    browser
        .type_into("#answer", "향료는 들어 있지 않습니다.")
        .await;
    browser.click(".moderation button").await;
    browser.find(".answer").await;
    assert!(browser
        .text(".answer .post-body")
        .await
        .contains("향료는 들어 있지 않습니다."));
    assert!(browser.text(".post-meta .status").await.contains("완료"));
    browser.close().await;
}

#[tokio::test]
async fn the_language_switch_turns_the_site_english_and_it_stays() {
    let app = spawn_app().await;
    let browser = Chromium::open(&app.address, BrowserSetup::default()).await;
    browser.goto("/board").await;
    assert_eq!(browser.page_lang().await, "ko");
    assert_eq!(browser.text("h1").await, "요청 게시판");
    browser.click(".lang-switch").await;
    browser
        .wait_for_path(|p| p == "/board", "the same page")
        .await;
    assert_eq!(browser.page_lang().await, "en");
    assert_eq!(browser.text("h1").await, "Request board");
    browser.goto("/").await;
    assert_eq!(browser.text("h1").await, "Cosmetic ingredient search");
    browser.click(".lang-switch").await;
    browser.wait_for_path(|p| p == "/", "home").await;
    assert_eq!(browser.page_lang().await, "ko");
    browser.close().await;
}

#[tokio::test]
async fn with_javascript_off_on_a_phone_search_results_and_forms_still_work() {
    let app = spawn_app().await;
    let browser = Chromium::open(
        &app.address,
        BrowserSetup {
            window: PHONE,
            javascript: false,
        },
    )
    .await;
    browser.goto("/").await;
    browser.type_into("#q", "세라마이드 크림").await;
    browser.click(".search button").await;
    browser.wait_for_path(|p| p != "/", "the search").await;
    if browser.path().await.starts_with("/search") {
        browser.click(".candidates a").await;
    }
    browser
        .wait_for_path(|p| p.starts_with("/products/"), "a product page")
        .await;
    assert_eq!(browser.find_all(".card").await.len(), 4);
    assert!(
        browser.find_all("#q-suggestions").await.is_empty(),
        "no script ran"
    );
    // Nothing is wider than the phone.
    let overflow = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            Vec::new(),
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "the page scrolls sideways by {overflow}px"
    );
    browser.close().await;
}

/// Screenshots for the README: the home, results, product, board and post pages at phone and
/// desktop widths, into `docs/screenshots/`. Run by hand (see the README):
/// `cargo test --test browser -- --ignored e2e::screenshots`.
#[tokio::test]
#[ignore = "writes docs/screenshots; run by hand"]
async fn screenshots() {
    let app = spawn_app().await;
    let visitor = crate::browser::Browser::at(&app.address);
    let post = visitor
        .write_post(
            "제품 추가 요청: 달빛정원 병풀 진정 토너",
            "올리브영에서 파는 토너인데 성분 비교가 궁금해요.",
            "pw1234",
            false,
        )
        .await;
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    let pages = [
        ("home", "/".to_string()),
        ("results", "/search?q=cream".to_string()),
        ("product", "/products/1".to_string()),
        ("board", "/board".to_string()),
        ("post", format!("/board/{post}")),
    ];
    for (width_name, window) in [("phone", PHONE), ("desktop", crate::chromium::DESKTOP)] {
        let browser = Chromium::open(&app.address, BrowserSetup::sized(window)).await;
        for (name, path) in &pages {
            browser.goto(path).await;
            let png = browser.screenshot(window.0).await;
            std::fs::write(folder.join(format!("{name}-{width_name}.png")), png).unwrap();
        }
        browser.close().await;
    }
}

#[tokio::test]
async fn a_label_photo_is_uploaded_and_its_product_page_reached() {
    if crate::helpers::missing_ocr() {
        return;
    }
    use crate::label_render::{label_photo, PhotoStyle};
    let app = spawn_app().await;
    let list = include_str!("../../src/catalog/demo_catalog.csv")
        .lines()
        .find(|line| line.starts_with("Quiet Cica,Cica Recovery Cream,"))
        .and_then(|line| line.split('"').nth(1))
        .expect("the demo catalog's Cica Recovery Cream")
        .to_string();
    let photo = label_photo("Ingredients:", &list, &PhotoStyle::varied(2, false));
    let file = tempfile::Builder::new().suffix(".jpg").tempfile().unwrap();
    std::fs::write(file.path(), photo).unwrap();
    let browser = Chromium::open(&app.address, BrowserSetup::default()).await;
    browser.goto("/similar").await;
    browser
        .find("#label-photo")
        .await
        .send_keys(&file.path().to_string_lossy())
        .await
        .unwrap();
    browser.click(".photo-form button").await;
    browser.find(".understood").await;
    let kept = browser
        .client
        .execute(
            "return document.querySelector('#ingredients').value;",
            Vec::new(),
        )
        .await
        .unwrap();
    assert!(kept.as_str().unwrap().contains("Centella"), "{kept}");
    browser.click(".card h3 a").await;
    let path = browser
        .wait_for_path(|p| p.starts_with("/products/"), "a product page")
        .await;
    let (_, found) = app.get_json("/api/search?q=Cica%20Recovery%20Cream").await;
    let id = found["matches"][0]["id"].as_i64().unwrap();
    assert_eq!(path, format!("/products/{id}"));
    browser.close().await;
}
