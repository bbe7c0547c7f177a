//! The admin: signing in and out, moderating posts, and editing the catalog.

use seongbun::security::SafeguardSettings;

use crate::browser::{errors_on, field_error, field_value, Browser};
use crate::helpers::{spawn_app, spawn_app_guarded, texts, TestApp};

const ADMIN_PASSWORD: &str = "관리자-비밀번호-2026";

async fn app_with_admin() -> TestApp {
    spawn_app_guarded(SafeguardSettings {
        admin_password: Some(ADMIN_PASSWORD.to_string()),
        ..SafeguardSettings::default()
    })
    .await
}

async fn signed_in_admin(app: &TestApp) -> Browser {
    let admin = app.browser();
    let signed = admin.sign_in(ADMIN_PASSWORD).await;
    assert_eq!(signed.status, 303, "{:?}", errors_on(&signed.page));
    admin
}

#[tokio::test]
async fn without_admin_password_sign_in_is_disabled_and_says_how_to_enable_it() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let page = visitor.get("/admin/login").await;
    assert!(texts(&page.page, ".notice")[0].contains("ADMIN_PASSWORD"));
    assert!(texts(&page.page, "input[type=password]").is_empty());
}

#[tokio::test]
async fn the_admin_signs_in_with_the_password_and_out_again() {
    let app = app_with_admin().await;
    let admin = app.browser();
    let wrong = admin.sign_in("not it").await;
    assert_eq!(wrong.status, 403);
    assert!(field_error(&wrong.page, "password")
        .unwrap()
        .contains("맞지 않습니다"));

    let signed = admin.sign_in(ADMIN_PASSWORD).await;
    assert_eq!(signed.location.as_deref(), Some("/board"));
    let board = admin.get("/board").await;
    assert!(texts(&board.page, ".admin-link")[0].contains("로그아웃"));

    let id = app
        .browser()
        .write_post("질문", "본문", "1234", false)
        .await;
    let post = admin.get(&format!("/board/{id}")).await;
    assert_eq!(
        texts(&post.page, "#moderation-heading").len(),
        1,
        "the admin sees moderation"
    );

    let logout = admin.get("/admin/logout").await;
    let out = admin.submit(&logout.page, "/admin/logout", &[]).await;
    assert_eq!(out.status, 303);
    let post = admin.get(&format!("/board/{id}")).await;
    assert!(
        texts(&post.page, "#moderation-heading").is_empty(),
        "signed out"
    );
}

#[tokio::test]
async fn a_signed_out_session_cookie_is_worthless() {
    let app = app_with_admin().await;
    let admin = signed_in_admin(&app).await;
    let id = app
        .browser()
        .write_post("질문", "본문", "1234", false)
        .await;
    let post = admin.get(&format!("/board/{id}")).await;
    let logout = admin.get("/admin/logout").await;
    admin.submit(&logout.page, "/admin/logout", &[]).await;
    // The old moderation form, sent after signing out, is refused.
    let late = admin
        .submit(
            &post.page,
            &format!("/board/{id}/moderate"),
            &[("status", "done")],
        )
        .await;
    assert_eq!(late.status, 403);
}

#[tokio::test]
async fn the_admin_answers_sets_status_and_pins_a_post() {
    let app = app_with_admin().await;
    let visitor = app.browser();
    let older = visitor
        .write_post("오래된 공지 후보", "본문", "1234", false)
        .await;
    visitor.write_post("새 글", "본문", "1234", false).await;
    let admin = signed_in_admin(&app).await;
    let post = admin.get(&format!("/board/{older}")).await;
    let action = format!("/board/{older}/moderate");
    let saved = admin
        .submit(
            &post.page,
            &action,
            &[
                ("status", "done"),
                ("pinned", "on"),
                (
                    "answer",
                    "추가했습니다.\n확인해 보세요: https://example.com",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);

    let seen = visitor.get(&format!("/board/{older}")).await;
    assert!(texts(&seen.page, ".answer .post-body")[0].contains("추가했습니다."));
    assert!(texts(&seen.page, ".post-meta .status")[0].contains("완료"));
    let list = visitor.get("/board").await;
    let first_row = &texts(&list.page, "tbody tr")[0];
    assert!(
        first_row.contains("공지") && first_row.contains("오래된 공지 후보"),
        "pinned on top: {first_row}"
    );
    assert!(first_row.contains("답변"), "marked answered: {first_row}");
    assert_eq!(
        texts(&list.page, "td.title").len(),
        2,
        "a pinned post is not listed twice"
    );

    let bad = admin
        .submit(
            &post.page,
            &action,
            &[("status", "archived"), ("answer", "남아 있어야 함")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(field_error(&bad.page, "status").is_some());
    assert_eq!(field_value(&bad.page, "answer"), "남아 있어야 함");
}

#[tokio::test]
async fn a_visitor_cannot_moderate() {
    let app = app_with_admin().await;
    let visitor = app.browser();
    let id = visitor.write_post("질문", "본문", "1234", false).await;
    let admin = signed_in_admin(&app).await;
    let admin_view = admin.get(&format!("/board/{id}")).await;
    // A visitor replaying the admin's form with their own token is still not the admin.
    let mut fields = crate::browser::form_fields(
        &admin_view.page,
        &format!("/board/{id}/moderate"),
        &[("status", "declined")],
    );
    let own = visitor.get("/board/new").await;
    let token = field_value(&own.page, "csrf");
    fields.retain(|(n, _)| n != "csrf");
    fields.push(("csrf".into(), token));
    let refused = visitor
        .post_fields(&format!("/board/{id}/moderate"), &fields, None)
        .await;
    assert_eq!(refused.status, 403);
    let post = visitor.get(&format!("/board/{id}")).await;
    assert!(texts(&post.page, ".post-meta .status")[0].contains("접수"));
}

#[tokio::test]
async fn the_admin_edits_and_deletes_any_post_and_reads_secret_ones() {
    let app = app_with_admin().await;
    let visitor = app.browser();
    let id = visitor
        .write_post("비밀 요청", "관리자만 볼 내용", "1234", true)
        .await;
    let admin = signed_in_admin(&app).await;
    let post = admin.get(&format!("/board/{id}")).await;
    assert_eq!(texts(&post.page, ".post-body"), ["관리자만 볼 내용"]);

    let form = admin.get(&format!("/board/{id}/edit")).await;
    assert_eq!(
        field_value(&form.page, "title"),
        "비밀 요청",
        "no password asked"
    );
    let saved = admin
        .submit(
            &form.page,
            &format!("/board/{id}/edit"),
            &[("title", "관리자가 고친 제목")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let shown = admin.get(&format!("/board/{id}")).await;
    assert_eq!(
        texts(&shown.page, "article.post h1"),
        ["🔒 관리자가 고친 제목"]
    );

    let confirm = admin.get(&format!("/board/{id}/delete")).await;
    assert!(texts(&confirm.page, "input[type=password]").is_empty());
    let deleted = admin
        .submit(&confirm.page, &format!("/board/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(visitor.get(&format!("/board/{id}")).await.status, 404);
}

#[tokio::test]
async fn a_requested_product_added_by_the_admin_is_searchable_and_compared_at_once() {
    let app = app_with_admin().await;
    let visitor = app.browser();
    let form = visitor
        .get("/board/new?category=request&product=Moonrise%20Barrier%20Balm")
        .await;
    let sent = visitor
        .submit(
            &form.page,
            "/board/new",
            &[
                ("body", "올리브영에 있어요"),
                ("author", "a"),
                ("password", "1234"),
            ],
        )
        .await;
    assert_eq!(
        sent.status, 200,
        "the form asks whether one of the similar names is meant"
    );
    let sent = visitor
        .submit(&sent.page, "/board/new", &[("product_id", "none")])
        .await;
    let post_id = crate::browser::post_id_of(sent.location.as_deref().unwrap());

    let admin = signed_in_admin(&app).await;
    let post = admin.get(&format!("/board/{post_id}")).await;
    let add = scraper::Selector::parse(".moderation a.button").unwrap();
    let href = post
        .page
        .select(&add)
        .next()
        .expect("an add-product link")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let product_form = admin.get(&href).await;
    assert_eq!(
        field_value(&product_form.page, "name"),
        "Moonrise Barrier Balm"
    );

    let refused = admin
        .submit(&product_form.page, "/admin/products/new", &[("brand", "")])
        .await;
    assert_eq!(refused.status, 400);
    assert!(field_error(&refused.page, "brand").is_some());
    assert!(field_error(&refused.page, "ingredients").is_some());

    let added = admin
        .submit(
            &refused.page,
            "/admin/products/new",
            &[
                ("brand", "Moonrise"),
                ("category", "moisturizer"),
                ("aliases", "문라이즈 배리어 밤"),
                (
                    "ingredients",
                    "정제수, 글리세린, 부틸렌글라이콜, 세라마이드엔피, 판테놀, 스쿠알란, 카보머",
                ),
            ],
        )
        .await;
    assert_eq!(
        added.location.as_deref(),
        Some(format!("/board/{post_id}").as_str())
    );

    let (_, found) = app.get_json("/api/search?q=moonrise%20barier%20balm").await;
    let top = &found["matches"][0];
    assert_eq!(
        top["name"], "Moonrise Barrier Balm",
        "found at once, typo and all: {found}"
    );
    let id = top["id"].as_i64().unwrap();
    let (_, korean) = app
        .get_json("/api/search?q=%EB%AC%B8%EB%9D%BC%EC%9D%B4%EC%A6%88")
        .await;
    assert_eq!(
        korean["matches"][0]["id"].as_i64(),
        Some(id),
        "found by its Korean name"
    );
    let (status, similar) = app.get_json(&format!("/api/products/{id}/similar")).await;
    assert_eq!(status, 200);
    assert_eq!(similar["similar"].as_array().unwrap().len(), 4, "{similar}");

    let done = visitor.get(&format!("/board/{post_id}")).await;
    assert!(texts(&done.page, ".added")[0].contains("Moonrise Barrier Balm"));
    assert!(texts(&done.page, ".post-meta .status")[0].contains("완료"));
}

#[tokio::test]
async fn the_admin_edits_and_deletes_catalog_products() {
    let app = app_with_admin().await;
    let admin = signed_in_admin(&app).await;
    let (_, found) = app.get_json("/api/search?q=ceramide").await;
    let id = found["matches"][0]["id"].as_i64().unwrap();
    let page = admin.get(&format!("/products/{id}")).await;
    assert!(texts(&page.page, ".product-actions")[0].contains("제품 수정"));
    assert!(texts(
        &app.browser().get(&format!("/products/{id}")).await.page,
        ".product-actions"
    )[0]
    .contains("정정 요청"));

    let form = admin.get(&format!("/admin/products/{id}/edit")).await;
    let saved = admin
        .submit(
            &form.page,
            &format!("/admin/products/{id}/edit"),
            &[
                ("name", "Renamed Cream"),
                ("ingredients", "Water, Glycerin, Niacinamide"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let (_, product) = app.get_json("/api/search?q=renamed%20cream").await;
    assert_eq!(product["matches"][0]["id"].as_i64(), Some(id));
    let shown = admin.get(&format!("/products/{id}")).await;
    assert_eq!(texts(&shown.page, "#ingredients li").len(), 3);

    let confirm = admin.get(&format!("/admin/products/{id}/delete")).await;
    let deleted = admin
        .submit(&confirm.page, &format!("/admin/products/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(
        app.get(&format!("/products/{id}")).await.status().as_u16(),
        404
    );
    let (_, similar) = app.get_json(&format!("/api/products/{id}/similar")).await;
    assert!(similar["error"].is_object());

    let visitor = app.browser();
    assert_eq!(
        visitor.get("/admin/products/new").await.status,
        403,
        "only the admin"
    );
}

/// Product pages and search answers are kept per catalog version (`web::answer_cache`): a kept
/// page must never outlive an edit of the catalog, and the admin's page (with its edit links)
/// must never be served to a visitor, nor a visitor's to the admin.
#[tokio::test]
async fn kept_pages_never_outlive_an_edit_nor_cross_between_visitor_and_admin() {
    let app = app_with_admin().await;
    let admin = signed_in_admin(&app).await;
    let (_, found) = app.get_json("/api/search?q=ceramide").await;
    let id = found["matches"][0]["id"].as_i64().unwrap();
    let path = format!("/products/{id}");
    let visitor = app.browser();

    let first = app.get(&path).await.text().await.unwrap();
    let again = app.get(&path).await.text().await.unwrap();
    assert_eq!(first, again, "the same page, kept or made");
    let seen = visitor.get(&path).await;
    assert!(!texts(&seen.page, ".product-actions")[0].contains("제품 수정"));
    let by_admin = admin.get(&path).await;
    assert!(texts(&by_admin.page, ".product-actions")[0].contains("제품 수정"));
    let after_admin = visitor.get(&path).await;
    assert!(!texts(&after_admin.page, ".product-actions")[0].contains("제품 수정"));
    let name_before = texts(&seen.page, "h1")[0].clone();
    let (_, searched_before) = app.get_json("/api/search?q=renamed%20ointment").await;
    assert_ne!(searched_before["matches"][0]["id"].as_i64(), Some(id));

    let form = admin.get(&format!("/admin/products/{id}/edit")).await;
    let saved = admin
        .submit(
            &form.page,
            &format!("/admin/products/{id}/edit"),
            &[
                ("name", "Renamed Ointment"),
                ("ingredients", "Niacinamide, Water, Squalane, Glycerin"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);

    let seen = visitor.get(&path).await;
    assert_eq!(
        texts(&seen.page, "h1"),
        vec!["Renamed Ointment".to_string()]
    );
    // The edited list is read back in label order (its rows now sit at the table's end).
    let chips = scraper::Selector::parse("#ingredients li .chip").unwrap();
    let listed: Vec<String> = seen
        .page
        .select(&chips)
        .map(|chip| crate::helpers::chip_inci(&chip))
        .collect();
    assert_eq!(listed, ["Niacinamide", "Water", "Squalane", "Glycerin"]);
    assert_ne!(name_before, "Renamed Ointment");
    let (_, searched) = app.get_json("/api/search?q=renamed%20ointment").await;
    assert_eq!(
        searched["matches"][0]["id"].as_i64(),
        Some(id),
        "{searched}"
    );
}

#[tokio::test]
async fn guessing_the_admin_password_is_slowed_down() {
    let app = spawn_app_guarded(SafeguardSettings {
        admin_password: Some(ADMIN_PASSWORD.to_string()),
        wrong_passwords_per_window: 3,
        ..SafeguardSettings::default()
    })
    .await;
    let guesser = app.browser();
    for guess in ["a", "b", "c"] {
        assert_eq!(guesser.sign_in(guess).await.status, 403);
    }
    let blocked = guesser.sign_in(ADMIN_PASSWORD).await;
    assert_eq!(
        blocked.status, 429,
        "the right password waits too once guessing is caught"
    );
    assert!(field_error(&blocked.page, "password")
        .unwrap()
        .contains("다시 시도"));
}
