//! Attack 5: `REAL_IP_HEADER` believed from anyone. A client reaching an instance directly
//! sent a fresh `X-Real-IP` each time and escaped every limit (or named the admin's address to
//! lock it out); each IPv6 address counted alone, so one /64 gave endless addresses.

use seongbun::security::SafeguardSettings;

use crate::helpers::{spawn_app_guarded, TestApp};

async fn post_as(app: &TestApp, claimed: &str, n: usize) -> u16 {
    app.browser()
        .post_claiming(claimed, &format!("주소 {n}"))
        .await
}

fn one_post_per_window(trusted: &[&str]) -> SafeguardSettings {
    SafeguardSettings {
        posts_per_window: 1,
        real_ip_header: Some("X-Real-IP".into()),
        trusted_proxies: trusted.iter().map(|p| p.to_string()).collect(),
        ..SafeguardSettings::default()
    }
}

#[tokio::test]
async fn the_real_ip_header_is_ignored_from_a_peer_that_is_not_a_trusted_proxy() {
    let app = spawn_app_guarded(one_post_per_window(&["10.20.30.0/24"])).await;
    assert_eq!(post_as(&app, "198.51.100.1", 1).await, 303);
    assert_eq!(
        post_as(&app, "198.51.100.2", 2).await,
        429,
        "a header from an untrusted peer does not make a new visitor"
    );
}

#[tokio::test]
async fn a_trusted_proxy_still_names_the_visitor() {
    let app = spawn_app_guarded(one_post_per_window(&["127.0.0.0/8", "::1"])).await;
    assert_eq!(post_as(&app, "198.51.100.1", 1).await, 303);
    assert_eq!(post_as(&app, "198.51.100.1", 2).await, 429);
    assert_eq!(post_as(&app, "198.51.100.2", 3).await, 303);
}

#[tokio::test]
async fn ipv6_visitors_are_counted_by_their_64_bit_prefix() {
    let app = spawn_app_guarded(one_post_per_window(&["127.0.0.1"])).await;
    assert_eq!(post_as(&app, "2001:db8:1:2::1", 1).await, 303);
    assert_eq!(
        post_as(&app, "2001:db8:1:2:ffff:ffff:ffff:fffe", 2).await,
        429,
        "the same /64 is the same visitor"
    );
    assert_eq!(
        post_as(&app, "2001:db8:1:3::1", 3).await,
        303,
        "another /64"
    );
}

#[tokio::test]
async fn a_real_ip_header_without_trusted_proxies_is_refused_at_start() {
    let state = tokio::task::spawn_blocking(|| {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("proxy.db").to_string_lossy().into_owned();
        let prepared = seongbun::startup::prepare(&url).unwrap();
        prepared
            .with_safeguards(one_post_per_window(&[]))
            .map(|_| ())
    })
    .await
    .unwrap();
    let error = state.expect_err("REAL_IP_HEADER alone is refused");
    assert!(error.contains("TRUSTED_PROXIES"), "{error}");
    let bad = tokio::task::spawn_blocking(|| {
        seongbun::security::Safeguards::new(one_post_per_window(&["not-an-address/99"])).map(|_| ())
    })
    .await
    .unwrap();
    assert!(bad.unwrap_err().contains("not-an-address/99"));
}
