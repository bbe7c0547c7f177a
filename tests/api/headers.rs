//! The security headers on every kind of response, and the cookies' flags.

use seongbun::security::SafeguardSettings;

use crate::helpers::{spawn_app, spawn_app_guarded};

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/search?q=cream",
        "/products/1",
        "/similar",
        "/board",
        "/board/new",
        "/admin/login",
        "/static/style.css",
        "/api/search?q=cream",
        "/api/products/999999/similar",
        "/no/such/page",
        "/products/not-a-number",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path} has a CSP"))
            .to_str()
            .unwrap();
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        assert!(
            !csp.contains("unsafe-inline"),
            "{path}: no inline script or style"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        // Left out on purpose (src/web/security_headers.rs): a fresh process on every arrival.
        assert!(
            headers.get("cross-origin-opener-policy").is_none(),
            "{path}"
        );
    }
}

/// A kept answer is sent before routing and the page middleware (`web::kept_answers::serve_kept`),
/// which must add what that middleware adds: the same headers, in any coding, as the answer
/// made afresh, and the same body.
#[tokio::test]
async fn a_kept_answer_has_the_headers_and_body_of_the_answer_made_afresh() {
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    for (path, coding) in [
        (format!("/products/{id}"), None),
        (
            format!("/products/{id}?no_alcohol=on"),
            Some("gzip, deflate, br, zstd"),
        ),
        ("/api/search?q=cica%20cream".to_string(), None),
        ("/api/search?q=barrier".to_string(), Some("gzip")),
    ] {
        let fetch = || async {
            let response = match coding {
                Some(coding) => app.get_encoded(&path, coding).await,
                None => app.get(&path).await,
            };
            let mut headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .filter(|(name, _)| *name != "date")
                .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_string()))
                .collect();
            headers.sort();
            (response.status(), headers, response.bytes().await.unwrap())
        };
        let made = fetch().await;
        let kept = fetch().await;
        assert_eq!(made.0, 200, "{path}");
        assert_eq!(made.1, kept.1, "{path}: the headers");
        assert_eq!(made.2, kept.2, "{path}: the body");
        let vary: Vec<&str> = kept
            .1
            .iter()
            .filter(|(name, _)| name == "vary")
            .map(|(_, value)| value.as_str())
            .collect();
        assert!(vary.contains(&"Accept-Encoding"), "{path}: {vary:?}");
        assert!(
            vary.contains(&"Accept-Language, Cookie"),
            "{path}: {vary:?}"
        );
        // A kept answer is zstd for a browser that takes it, else gzip, else plain.
        let coded = kept
            .1
            .iter()
            .find(|(name, _)| name == "content-encoding")
            .map(|(_, value)| value.as_str());
        let expected = coding.map(|accepted| {
            if accepted.contains("zstd") {
                "zstd"
            } else {
                "gzip"
            }
        });
        assert_eq!(coded, expected, "{path}");
    }
}

#[tokio::test]
async fn pages_hold_no_inline_script_or_style_for_the_policy_to_block() {
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    for path in [
        "/".to_string(),
        format!("/products/{id}"),
        "/board".to_string(),
    ] {
        let body = app.get(&path).await.text().await.unwrap();
        let page = scraper::Html::parse_document(&body);
        let scripts = scraper::Selector::parse("script:not([src]), style, [style]").unwrap();
        assert_eq!(page.select(&scripts).count(), 0, "{path}");
    }
}

/// A page whose answer uses no visitor token (a search, a product, the API, a kept answer)
/// sets no cookie: a client keeping none is not given a fresh random token each request. A
/// form's page gives the token its field holds, the board's list gives one, and a returning
/// browser keeps its own.
#[tokio::test]
async fn only_a_page_that_uses_the_visitor_token_sets_the_visitor_cookie() {
    let app = spawn_app().await;
    let id = app.product_id("Quiet Cica", "Cica Recovery Cream").await;
    for path in [
        "/".to_string(),
        format!("/products/{id}"),
        // Again: the kept answer.
        format!("/products/{id}"),
        "/search?q=barrier".to_string(),
        "/api/search?q=barrier".to_string(),
    ] {
        let cookies = set_cookies(&app.get(&path).await);
        assert!(cookies.is_empty(), "{path}: {cookies:?}");
    }
    // The board's list gives it too: a visitor's first view of a post from there counts.
    assert_eq!(set_cookies(&app.get("/board").await).len(), 1);
    let form = app.get("/board/new").await;
    let cookies = set_cookies(&form);
    let token = cookies[0]
        .strip_prefix("sb_visitor=")
        .and_then(|rest| rest.split(';').next())
        .expect("the visitor cookie")
        .to_string();
    let page = scraper::Html::parse_document(&form.text().await.unwrap());
    let csrf = scraper::Selector::parse("input[name=csrf]").unwrap();
    let field = page.select(&csrf).next().expect("a CSRF field");
    assert_eq!(field.value().attr("value"), Some(token.as_str()));
    let again = app
        .client
        .get(format!("{}/board/new", app.address))
        .header("cookie", format!("sb_visitor={token}"))
        .send()
        .await
        .unwrap();
    assert!(
        set_cookies(&again).is_empty(),
        "a returning browser keeps its token"
    );
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn cookies_are_http_only_and_same_site_and_secure_when_the_setting_says_so() {
    let plain = spawn_app().await;
    // The visitor cookie comes with a page that uses its token (a form), not with every page.
    let cookies = set_cookies(&plain.get("/board/new").await);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    assert!(cookies[0].contains("HttpOnly"), "{cookies:?}");
    assert!(cookies[0].contains("SameSite=Lax"), "{cookies:?}");
    assert!(!cookies[0].contains("Secure"), "plain HTTP: {cookies:?}");

    let https = spawn_app_guarded(SafeguardSettings {
        secure_cookies: true,
        admin_password: Some("a-long-admin-password".to_string()),
        ..SafeguardSettings::default()
    })
    .await;
    let cookies = set_cookies(&https.get("/board/new").await);
    assert!(cookies[0].contains("Secure"), "{cookies:?}");
    assert!(cookies[0].contains("HttpOnly"), "{cookies:?}");

    // The admin session cookie too.
    let browser = https.browser();
    let form = browser.get("/admin/login").await;
    let fields = crate::browser::form_fields(
        &form.page,
        "/admin/login",
        &[("password", "a-long-admin-password")],
    );
    let response = browser
        .client
        .post(format!("{}/admin/login", https.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&fields).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let admin = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("sb_admin="))
        .expect("an admin session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(admin.contains(flag), "{flag} in {admin}");
    }
}
