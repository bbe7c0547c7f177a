//! The request board through its forms, as a visitor uses it.

use seongbun::security::SafeguardSettings;

use crate::browser::{errors_on, field_error, field_value, form_fields};
use crate::helpers::{spawn_app, spawn_app_guarded, texts};

fn no_limits() -> SafeguardSettings {
    SafeguardSettings {
        posts_per_window: 0,
        wrong_passwords_per_window: 0,
        ..SafeguardSettings::default()
    }
}

#[tokio::test]
async fn a_new_post_is_listed_and_shown_with_its_text() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let id = visitor
        .write_post(
            "수분크림 추가해 주세요",
            "첫 줄\n둘째 줄 https://example.com/p?a=1&b=2 참고",
            "1234",
            false,
        )
        .await;

    let list = visitor.get("/board").await;
    assert_eq!(list.status, 200);
    let row = texts(&list.page, "table.posts tbody tr").join("\n");
    assert!(row.contains(&id.to_string()), "{row}");
    assert!(
        row.contains("질문") && row.contains("수분크림 추가해 주세요") && row.contains("테스터"),
        "{row}"
    );
    assert!(row.contains("접수"), "a new post is received: {row}");

    let post = visitor.get(&format!("/board/{id}")).await;
    assert_eq!(
        texts(&post.page, "article.post h1"),
        ["수분크림 추가해 주세요"]
    );
    let body = texts(&post.page, "article.post .post-body").join("");
    assert!(body.contains("첫 줄") && body.contains("둘째 줄"), "{body}");
    let link = scraper::Selector::parse(".post-body a").unwrap();
    let href: Vec<_> = post
        .page
        .select(&link)
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        href,
        ["https://example.com/p?a=1&b=2"],
        "the address became a link"
    );
}

#[tokio::test]
async fn html_in_a_title_and_body_is_shown_as_text() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let title = "<script>alert('x')</script><b>굵게</b>";
    let id = visitor
        .write_post(title, "<img src=x onerror=alert(1)>", "1234", false)
        .await;
    let post = visitor.get(&format!("/board/{id}")).await;
    assert_eq!(texts(&post.page, "article.post h1"), [title]);
    for selector in ["article script", "article b", "article img"] {
        let found = post
            .page
            .select(&scraper::Selector::parse(selector).unwrap())
            .count();
        assert_eq!(found, 0, "{selector} must not be markup");
    }
    let list = visitor.get("/board").await;
    assert!(texts(&list.page, "td.title")
        .iter()
        .any(|t| t.contains(title)));
    assert_eq!(
        list.page
            .select(&scraper::Selector::parse("tbody script").unwrap())
            .count(),
        0
    );
}

#[tokio::test]
async fn an_invalid_form_comes_back_with_a_message_at_each_field_and_the_input_kept() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let form = visitor.get("/board/new").await;
    let sent = visitor
        .submit(
            &form.page,
            "/board/new",
            &[
                ("title", ""),
                ("body", "내용은 남아 있어야 합니다"),
                ("author", ""),
                ("password", "12"),
            ],
        )
        .await;
    assert_eq!(sent.status, 400);
    assert!(field_error(&sent.page, "category")
        .unwrap()
        .contains("분류"));
    assert!(field_error(&sent.page, "title")
        .unwrap()
        .contains("제목을 입력"));
    assert!(field_error(&sent.page, "author")
        .unwrap()
        .contains("이름을 입력"));
    assert!(field_error(&sent.page, "password")
        .unwrap()
        .contains("4자 이상"));
    assert!(field_error(&sent.page, "body").is_none());
    assert_eq!(field_value(&sent.page, "body"), "내용은 남아 있어야 합니다");

    let long = "가".repeat(201);
    let sent = visitor
        .submit(
            &form.page,
            "/board/new",
            &[
                ("category", "question"),
                ("title", &long),
                ("body", " "),
                ("author", &"x".repeat(51)),
                ("password", &"p".repeat(101)),
            ],
        )
        .await;
    assert_eq!(sent.status, 400);
    assert!(field_error(&sent.page, "title").unwrap().contains("200자"));
    assert!(field_error(&sent.page, "body")
        .unwrap()
        .contains("본문을 입력"));
    assert!(field_error(&sent.page, "author").unwrap().contains("50자"));
    assert!(field_error(&sent.page, "password")
        .unwrap()
        .contains("100자"));
    assert_eq!(field_value(&sent.page, "title"), long);

    let sent = visitor
        .submit(
            &form.page,
            "/board/new",
            &[
                ("category", "notice"),
                ("title", "t"),
                ("body", "b"),
                ("author", "a"),
                ("password", "1234"),
            ],
        )
        .await;
    assert!(field_error(&sent.page, "category")
        .unwrap()
        .contains("관리자만"));
    let list = visitor.get("/board").await;
    assert!(
        texts(&list.page, "tr.empty").len() == 1,
        "nothing was stored"
    );
}

#[tokio::test]
async fn the_list_has_twenty_posts_a_page_with_page_links() {
    let app = spawn_app_guarded(no_limits()).await;
    let visitor = app.browser();
    for n in 1..=23 {
        visitor
            .write_post(&format!("글 {n:02}"), "본문", "1234", false)
            .await;
    }
    let first = visitor.get("/board").await;
    let titles = texts(&first.page, "td.title");
    assert_eq!(titles.len(), 20);
    assert_eq!(titles[0], "글 23", "newest first");
    assert_eq!(texts(&first.page, ".pages [aria-current=page]"), ["1"]);
    assert!(texts(&first.page, ".pages a").iter().any(|t| t == "2"));
    let second = visitor.get("/board?page=2").await;
    assert_eq!(texts(&second.page, "td.title"), ["글 03", "글 02", "글 01"]);
    let beyond = visitor.get("/board?page=99").await;
    assert_eq!(beyond.status, 200);
    assert_eq!(
        texts(&beyond.page, "td.title"),
        ["글 03", "글 02", "글 01"],
        "a page past the end shows the last one"
    );
    assert_eq!(texts(&beyond.page, ".pages [aria-current=page]"), ["2"]);
    let nonsense = visitor.get("/board?page=abc").await;
    assert_eq!(
        texts(&nonsense.page, "td.title").len(),
        20,
        "a bad page number means page 1"
    );
}

#[tokio::test]
async fn the_board_search_finds_by_title_body_or_author() {
    let app = spawn_app().await;
    let visitor = app.browser();
    visitor
        .write_post("선크림 문의", "백탁이 있나요", "1234", false)
        .await;
    visitor
        .write_post("토너 요청", "100% 순한 제품", "1234", false)
        .await;
    let by_title = visitor
        .get("/board?field=title&q=%EC%84%A0%ED%81%AC%EB%A6%BC")
        .await;
    assert_eq!(texts(&by_title.page, "td.title"), ["선크림 문의"]);
    let by_body = visitor.get("/board?field=body&q=100%25").await;
    assert_eq!(
        texts(&by_body.page, "td.title"),
        ["토너 요청"],
        "% is matched literally"
    );
    let by_author = visitor
        .get("/board?field=author&q=%ED%85%8C%EC%8A%A4%ED%84%B0")
        .await;
    assert_eq!(texts(&by_author.page, "td.title").len(), 2);
    let none = visitor.get("/board?q=zzz").await;
    assert!(texts(&none.page, "tr.empty")[0].contains("zzz"));
}

#[tokio::test]
async fn a_view_counts_once_per_visitor() {
    let app = spawn_app().await;
    let author = app.browser();
    let id = author.write_post("조회수", "본문", "1234", false).await;
    let path = format!("/board/{id}");
    author.get(&path).await;
    let again = author.get(&path).await;
    assert_eq!(texts(&again.page, ".post-meta .views"), ["1"]);
    let other = app.browser();
    // A first request carries no cookie yet: only a visitor who sent it back is counted.
    let first = other.get(&path).await;
    assert_eq!(texts(&first.page, ".post-meta .views"), ["1"]);
    let seen = other.get(&path).await;
    assert_eq!(texts(&seen.page, ".post-meta .views"), ["2"]);
    let list = other.get("/board").await;
    assert_eq!(texts(&list.page, "td.views"), ["2"]);
}

#[tokio::test]
async fn an_author_edits_with_the_right_password_and_a_wrong_one_changes_nothing() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let id = visitor
        .write_post("처음 제목", "처음 본문", "right-pw", false)
        .await;
    let ask = visitor.get(&format!("/board/{id}/edit")).await;
    let verify = format!("/board/{id}/edit/verify");
    let wrong = visitor
        .submit(&ask.page, &verify, &[("password", "wrong-pw")])
        .await;
    assert_eq!(wrong.status, 403);
    assert!(errors_on(&wrong.page)
        .join(" ")
        .contains("비밀번호가 맞지 않습니다"));

    let form = visitor
        .submit(&ask.page, &verify, &[("password", "right-pw")])
        .await;
    assert_eq!(form.status, 200);
    assert_eq!(
        field_value(&form.page, "title"),
        "처음 제목",
        "the form is filled in"
    );
    assert_eq!(field_value(&form.page, "body"), "처음 본문");
    let saved = visitor
        .submit(
            &form.page,
            &format!("/board/{id}/edit"),
            &[("title", "고친 제목")],
        )
        .await;
    let post = visitor.follow(&saved).await;
    assert_eq!(texts(&post.page, "article.post h1"), ["고친 제목"]);
    assert!(
        texts(&post.page, ".post-meta")[0].contains("수정"),
        "the edit time shows"
    );

    // The grant was used up: the same form cannot be sent again.
    let replay = visitor
        .submit(&form.page, &format!("/board/{id}/edit"), &[("title", "또")])
        .await;
    assert_eq!(replay.status, 403);
}

#[tokio::test]
async fn an_invalid_edit_keeps_the_input_and_the_right_to_save() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let id = visitor.write_post("제목", "본문", "1234", false).await;
    let form = visitor.open_edit(id, "1234").await;
    let action = format!("/board/{id}/edit");
    let refused = visitor
        .submit(&form.page, &action, &[("title", ""), ("body", "새 본문")])
        .await;
    assert_eq!(refused.status, 400);
    assert!(field_error(&refused.page, "title").is_some());
    assert_eq!(field_value(&refused.page, "body"), "새 본문");
    let saved = visitor
        .submit(&refused.page, &action, &[("title", "새 제목")])
        .await;
    assert_eq!(saved.status, 303);
}

#[tokio::test]
async fn delete_asks_for_confirmation_and_the_right_password() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let id = visitor.write_post("지울 글", "본문", "1234", false).await;
    let confirm = visitor.get(&format!("/board/{id}/delete")).await;
    assert!(texts(&confirm.page, "h1")[0].contains("삭제할까요"));
    let action = format!("/board/{id}/delete");
    let wrong = visitor
        .submit(&confirm.page, &action, &[("password", "4321")])
        .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(
        visitor.get(&format!("/board/{id}")).await.status,
        200,
        "still there"
    );
    let done = visitor
        .submit(&confirm.page, &action, &[("password", "1234")])
        .await;
    assert_eq!(done.location.as_deref(), Some("/board?done=deleted"));
    let list = visitor.follow(&done).await;
    assert!(texts(&list.page, ".notice")[0].contains("삭제"));
    assert_eq!(visitor.get(&format!("/board/{id}")).await.status, 404);
}

#[tokio::test]
async fn a_secret_post_shows_only_to_whoever_types_its_password() {
    let app = spawn_app().await;
    let author = app.browser();
    let id = author
        .write_post("비밀 질문", "남에게 보이면 안 되는 내용", "s3cret", true)
        .await;
    let stranger = app.browser();
    let locked = stranger.get(&format!("/board/{id}")).await;
    assert_eq!(texts(&locked.page, "article.post h1"), ["🔒 비밀 질문"]);
    assert!(texts(&locked.page, ".post-body").is_empty());
    assert!(!locked.page.html().contains("남에게 보이면"));
    assert_eq!(
        texts(&locked.page, ".post-meta .views"),
        ["0"],
        "a locked view does not count"
    );

    let action = format!("/board/{id}/unlock");
    let wrong = stranger
        .submit(&locked.page, &action, &[("password", "guess")])
        .await;
    assert_eq!(wrong.status, 403);
    assert!(!wrong.page.html().contains("남에게 보이면"));
    let open = stranger
        .submit(&locked.page, &action, &[("password", "s3cret")])
        .await;
    assert_eq!(open.status, 200);
    assert_eq!(
        texts(&open.page, ".post-body"),
        ["남에게 보이면 안 되는 내용"]
    );
    // Unlocking is for that response only.
    assert!(texts(
        &stranger.get(&format!("/board/{id}")).await.page,
        ".post-body"
    )
    .is_empty());
}

#[tokio::test]
async fn a_post_without_the_csrf_token_or_from_another_site_changes_nothing() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let form = visitor.get("/board/new").await;
    let mut fields = form_fields(
        &form.page,
        "/board/new",
        &[
            ("category", "question"),
            ("title", "t"),
            ("body", "b"),
            ("author", "a"),
            ("password", "1234"),
        ],
    );
    let good = fields.clone();
    fields.retain(|(name, _)| name != "csrf");
    let no_token = visitor.post_fields("/board/new", &fields, None).await;
    assert_eq!(no_token.status, 403);
    let mut forged = fields.clone();
    forged.push(("csrf".into(), "0".repeat(64)));
    assert_eq!(
        visitor
            .post_fields("/board/new", &forged, None)
            .await
            .status,
        403
    );
    let cross_site = visitor
        .post_fields("/board/new", &good, Some("https://evil.example"))
        .await;
    assert_eq!(cross_site.status, 403);
    // Another browser (its own cookie) cannot use this visitor's token either.
    assert_eq!(
        app.browser()
            .post_fields("/board/new", &good, None)
            .await
            .status,
        403
    );
    let list = visitor.get("/board").await;
    assert_eq!(
        texts(&list.page, "tr.empty").len(),
        1,
        "nothing was created"
    );
    assert_eq!(
        visitor.post_fields("/board/new", &good, None).await.status,
        303
    );
}

#[tokio::test]
async fn repeated_posting_and_wrong_passwords_are_slowed_down() {
    let app = spawn_app_guarded(SafeguardSettings {
        posts_per_window: 2,
        wrong_passwords_per_window: 2,
        ..SafeguardSettings::default()
    })
    .await;
    let visitor = app.browser();
    let id = visitor.write_post("하나", "본문", "1234", false).await;
    visitor.write_post("둘", "본문", "1234", false).await;
    let form = visitor.get("/board/new").await;
    let third = visitor
        .submit(
            &form.page,
            "/board/new",
            &[
                ("category", "question"),
                ("title", "셋"),
                ("body", "지워지면 안 됨"),
                ("author", "a"),
                ("password", "1234"),
            ],
        )
        .await;
    assert_eq!(third.status, 429);
    assert!(errors_on(&third.page).join(" ").contains("다시 시도"));
    assert_eq!(
        field_value(&third.page, "body"),
        "지워지면 안 됨",
        "the input is kept"
    );

    let confirm = visitor.get(&format!("/board/{id}/delete")).await;
    let action = format!("/board/{id}/delete");
    for _ in 0..2 {
        assert_eq!(
            visitor
                .submit(&confirm.page, &action, &[("password", "nope")])
                .await
                .status,
            403
        );
    }
    let blocked = visitor
        .submit(&confirm.page, &action, &[("password", "1234")])
        .await;
    assert_eq!(blocked.status, 429, "even the right password waits now");
    assert_eq!(visitor.get(&format!("/board/{id}")).await.status, 200);
}

#[tokio::test]
async fn nothing_found_offers_a_product_request_with_the_query_filled_in() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let search = visitor.get("/search?q=qqxxzz%20cream").await;
    let link = scraper::Selector::parse("a.request-link").unwrap();
    let href = search
        .page
        .select(&link)
        .next()
        .expect("a request link")
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    assert_eq!(href, "/board/new?category=request&product=qqxxzz+cream");
    let form = visitor.get(&href).await;
    assert_eq!(field_value(&form.page, "product"), "qqxxzz cream");
    assert_eq!(
        field_value(&form.page, "title"),
        "제품 추가 요청: qqxxzz cream"
    );
    let sent = visitor
        .submit(
            &form.page,
            "/board/new",
            &[
                ("body", "추가해 주세요"),
                ("author", "a"),
                ("password", "1234"),
            ],
        )
        .await;
    let post = visitor.follow(&sent).await;
    assert!(texts(&post.page, ".about")[0].contains("qqxxzz cream"));
}

#[tokio::test]
async fn a_post_is_linked_to_the_catalog_product_the_author_chooses() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let (_, found) = app.get_json("/api/search?q=ceramide").await;
    let product = &found["matches"][0];
    let typed = format!(
        "{} {}",
        product["brand"].as_str().unwrap(),
        product["name"].as_str().unwrap()
    );
    let form = visitor.get("/board/new").await;
    let asked = visitor
        .submit(
            &form.page,
            "/board/new",
            &[
                ("category", "correction"),
                ("title", "성분이 달라요"),
                ("body", "확인 부탁"),
                ("author", "a"),
                ("password", "1234"),
                ("product", &typed),
            ],
        )
        .await;
    assert_eq!(asked.status, 200, "the form asks which product");
    let choices: Vec<String> = asked
        .page
        .select(&scraper::Selector::parse(".choices input[name=product_id]").unwrap())
        .map(|i| i.value().attr("value").unwrap().to_string())
        .collect();
    let id = product["id"].as_i64().unwrap().to_string();
    assert!(
        choices.contains(&id) && choices.contains(&"none".to_string()),
        "{choices:?}"
    );
    let sent = visitor
        .submit(&asked.page, "/board/new", &[("product_id", &id)])
        .await;
    let post = visitor.follow(&sent).await;
    let link = scraper::Selector::parse(".about a").unwrap();
    let href = post
        .page
        .select(&link)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(href, format!("/products/{id}"));
}

#[tokio::test]
async fn a_post_password_is_stored_only_as_an_argon2id_hash() {
    let app = spawn_app().await;
    let password = "very-distinct-password-9431";
    let id = app
        .browser()
        .write_post("제목", "본문", password, false)
        .await;
    let pool = seongbun::db::open(&app.database).unwrap();
    let mut conn = pool.get().unwrap();
    let post = seongbun::board::store::find_post(&mut conn, id)
        .unwrap()
        .unwrap();
    let hash = post.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    if crate::BACKEND == crate::helpers::Backend::Postgres {
        return; // the server's files are its own; the stored value above is what counts
    }
    for suffix in ["", "-wal"] {
        let file = format!("{}{suffix}", app.database);
        let bytes = std::fs::read(&file).unwrap_or_default();
        let found = bytes
            .windows(password.len())
            .any(|w| w == password.as_bytes());
        assert!(!found, "the clear password is in {file}");
    }
}

/// Behind a proxy the instances trust (`REAL_IP_HEADER`), limits count the address the proxy
/// names; without that setting, the header is anyone's to send and is not read.
#[tokio::test]
async fn behind_a_trusted_proxy_the_post_limit_counts_the_visitor_not_the_proxy() {
    async fn post_from(app: &crate::helpers::TestApp, address: &str, n: usize) -> u16 {
        app.browser()
            .post_claiming(address, &format!("프록시 뒤 {n}"))
            .await
    }
    let trusting = spawn_app_guarded(SafeguardSettings {
        posts_per_window: 1,
        real_ip_header: Some("X-Real-IP".into()),
        trusted_proxies: vec!["127.0.0.1".into()],
        ..SafeguardSettings::default()
    })
    .await;
    assert_eq!(post_from(&trusting, "203.0.113.7", 1).await, 303);
    assert_eq!(
        post_from(&trusting, "203.0.113.7", 2).await,
        429,
        "the same visitor"
    );
    assert_eq!(
        post_from(&trusting, "203.0.113.8", 3).await,
        303,
        "another visitor"
    );

    let direct = spawn_app_guarded(SafeguardSettings {
        posts_per_window: 1,
        ..SafeguardSettings::default()
    })
    .await;
    assert_eq!(post_from(&direct, "203.0.113.7", 1).await, 303);
    assert_eq!(
        post_from(&direct, "203.0.113.8", 2).await,
        429,
        "a header nobody vouches for changes nothing"
    );
}
