//! Attack 1: a secret post's body rebuilt one character at a time through the board search.
//! Secret posts are found by their title only, except by the admin.

use seongbun::security::SafeguardSettings;

use crate::helpers::{spawn_app_guarded, texts};

const PHONE: &str = "연락처 010-9876-5432 로 연락 주세요";

fn settings() -> SafeguardSettings {
    SafeguardSettings {
        admin_password: Some("관리자-비번-1".into()),
        posts_per_window: 0,
        wrong_passwords_per_window: 0,
        ..SafeguardSettings::default()
    }
}

/// The ids the list page shows, and the total it states.
async fn found(browser: &crate::browser::Browser, query: &str) -> (Vec<String>, String) {
    let list = browser.get(&format!("/board?{query}")).await;
    assert_eq!(list.status, 200, "{query}");
    (
        texts(&list.page, "table.posts tbody td.num"),
        texts(&list.page, ".board p.meta").join(""),
    )
}

#[tokio::test]
async fn a_secret_posts_body_and_author_are_no_oracle_in_the_board_search() {
    let app = spawn_app_guarded(settings()).await;
    let author = app.browser();
    let secret = author
        .write_post("주문 문의", PHONE, "secret-1234", true)
        .await;
    let open = author
        .write_post("공개 문의", "010-9876 아님, 공개 글", "open-1234", false)
        .await;
    let stranger = app.browser();

    for query in [
        "field=body&q=010-9876",
        "field=body&q=010-98",
        "field=all&q=010-9876-5",
        "field=author&q=%ED%85%8C%EC%8A%A4%ED%84%B0",
    ] {
        let (ids, _) = found(&stranger, query).await;
        assert!(
            !ids.contains(&secret.to_string()),
            "{query} finds the secret post: {ids:?}"
        );
    }
    // A right guess and a wrong one look the same: same rows, same total.
    let right = found(&stranger, "field=body&q=010-9876-5432").await;
    let wrong = found(&stranger, "field=body&q=010-9876-5431").await;
    assert_eq!(right, wrong, "the search is an oracle");
    let (ids, _) = found(&stranger, "field=body&q=010-9876").await;
    assert!(ids.contains(&open.to_string()), "open posts stay findable");

    let (by_title, _) = found(&stranger, "field=title&q=%EC%A3%BC%EB%AC%B8").await;
    assert_eq!(
        by_title,
        [secret.to_string()],
        "a secret post's title is found"
    );

    let admin = app.browser();
    assert_eq!(admin.sign_in("관리자-비번-1").await.status, 303);
    let (ids, _) = found(&admin, "field=body&q=010-9876-5432").await;
    assert!(
        ids.contains(&secret.to_string()),
        "the admin finds secret posts by their text"
    );
}
