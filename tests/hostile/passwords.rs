//! Attack 3: unlimited admin guessing. A right post password used to clear the address's
//! count of wrong passwords, which the admin sign-in shared; the check and the record were
//! separate steps, so parallel guesses all passed the check; and argon2 checks had no cap.

use std::time::Duration;

use seongbun::security::SafeguardSettings;

use crate::helpers::spawn_app_guarded;

const ADMIN: &str = "관리자-비번-1";

fn limited(wrong_passwords: usize) -> SafeguardSettings {
    SafeguardSettings {
        admin_password: Some(ADMIN.into()),
        posts_per_window: 0,
        wrong_passwords_per_window: wrong_passwords,
        ..SafeguardSettings::default()
    }
}

#[tokio::test]
async fn a_right_post_password_does_not_reset_the_admin_sign_in_count() {
    let app = spawn_app_guarded(limited(3)).await;
    let attacker = app.browser();
    let own = attacker
        .write_post("내 글", "본문", "own-1234", false)
        .await;
    let mut checked = 0;
    for _ in 0..3 {
        for _ in 0..2 {
            let status = attacker.sign_in("guess").await.status;
            assert!([403, 429].contains(&status), "{status}");
            checked += usize::from(status == 403);
        }
        // The attacker's own post's right password.
        let edit = attacker.open_edit(own, "own-1234").await;
        assert_eq!(edit.status, 200, "the author still edits their own post");
    }
    assert_eq!(checked, 3, "admin guesses checked with a limit of 3");
    assert_eq!(
        attacker.sign_in(ADMIN).await.status,
        429,
        "even the right admin password waits once the address used up its guesses"
    );
}

#[tokio::test]
async fn wrong_passwords_count_per_post_and_apart_from_the_admin_sign_in() {
    let app = spawn_app_guarded(limited(2)).await;
    let author = app.browser();
    let first = author.write_post("첫째", "본문", "first-1234", false).await;
    let second = author
        .write_post("둘째", "본문", "second-1234", false)
        .await;
    let guesser = app.browser();
    for _ in 0..2 {
        assert_eq!(guesser.open_edit(first, "nope").await.status, 403);
    }
    assert_eq!(guesser.open_edit(first, "first-1234").await.status, 429);
    assert_eq!(
        guesser.open_edit(second, "second-1234").await.status,
        200,
        "another post's count is its own"
    );
    assert_eq!(
        guesser.sign_in(ADMIN).await.status,
        303,
        "the admin sign-in has its own count"
    );
}

#[tokio::test]
async fn parallel_guesses_are_each_counted() {
    let _heavy = crate::cases::attack::HEAVY.lock().await;
    let app = spawn_app_guarded(SafeguardSettings {
        password_checks_at_once: 64,
        ..limited(3)
    })
    .await;
    let attacker = app.browser();
    let statuses: Vec<u16> = sign_in_burst(&attacker, 12)
        .await
        .into_iter()
        .map(|(status, _, _)| status)
        .collect();
    let checked = statuses.iter().filter(|s| **s == 403).count();
    assert!(
        checked <= 3,
        "{checked} of 12 parallel guesses were checked with a limit of 3: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [403, 429].contains(s)),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn password_checks_past_the_cap_are_told_to_retry() {
    let _heavy = crate::cases::attack::HEAVY.lock().await;
    let app = spawn_app_guarded(SafeguardSettings {
        password_checks_at_once: 1,
        ..limited(0)
    })
    .await;
    let attacker = app.browser();
    // One check at a time, 32 waiting: 48 at once leave some with no place.
    let answers = sign_in_burst(&attacker, 48).await;
    let busy: Vec<_> = answers.iter().filter(|(s, _, _)| *s == 503).collect();
    assert!(
        !busy.is_empty(),
        "48 argon2 checks at once with a cap of 1 and 32 waiting: {:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    for (_, retry, text) in busy {
        assert!(*retry, "a 503 says when to try again");
        assert!(text.contains("잠시 후"), "the page says so in words");
    }
    // Once the burst is over, a check goes through again.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(attacker.sign_in(ADMIN).await.status, 303);
}

/// `n` admin sign-ins with a wrong password at once: each answer's status, whether it says
/// when to retry, and its page.
async fn sign_in_burst(attacker: &crate::browser::Browser, n: usize) -> Vec<(u16, bool, String)> {
    let form = attacker.get("/admin/login").await;
    let fields = crate::browser::form_fields(&form.page, "/admin/login", &[("password", "guess")]);
    let guesses = (0..n).map(|_| {
        let attacker = attacker.clone();
        let fields = fields.clone();
        tokio::spawn(async move {
            let response = attacker
                .client
                .post(format!("{}/admin/login", attacker.address))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(&fields).unwrap())
                .send()
                .await
                .unwrap();
            let retry = response.headers().get("retry-after").is_some();
            let status = response.status().as_u16();
            (status, retry, response.text().await.unwrap())
        })
    });
    futures_join(guesses).await
}

pub async fn futures_join<T: Send + 'static>(
    tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.unwrap());
    }
    out
}
