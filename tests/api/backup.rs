//! `seongbun backup FILE` while the site takes writes, and `seongbun restore FILE`: into a new
//! database, and into the one a running server is using.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::helpers::{sqlite_only, test_database, texts, Backend};
use crate::suite::process::{integrity_check, run_command, stored_posts, ServerProcess};
use crate::suite::storm::write_storm;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_a_write_storm_restores_every_post_written_before_it() {
    if sqlite_only("SQLite's online copy (VACUUM INTO); PostgreSQL's is pg_dump's, see below") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("live.db");
    let server = ServerProcess::start(&database, &[]).await;
    let browser = server.browser();
    let mut before = Vec::new();
    for n in 0..5 {
        let title = format!("백업 전 글 {n}");
        before.push((
            browser
                .write_post(&title, "before", "bk-1234", n == 0)
                .await,
            title,
        ));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let storm = tokio::spawn(write_storm(
        server.address.clone(),
        4,
        "backup",
        stop.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let copy = dir.path().join("copy.db");
    let (status, said) = run_command(&database, &["backup", &copy.to_string_lossy()]);
    assert!(status.success(), "the backup succeeds: {said}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let storm = storm.await.unwrap();
    assert!(
        storm.refused.is_empty(),
        "no write refused: {:?}",
        storm.refused
    );

    // An existing file is never overwritten.
    let (status, said) = run_command(&database, &["backup", &copy.to_string_lossy()]);
    assert!(!status.success());
    assert!(said.contains("already exists"), "{said}");

    // The copy is whole and holds every post written before it.
    assert_eq!(integrity_check(&copy), "ok");
    let copied = stored_posts(&copy);
    for post in &before {
        assert!(copied.contains(post), "{post:?} is in the backup");
    }

    // Restored into a new database, the site serves every post.
    let restored_db = dir.path().join("restored.db");
    let (status, said) = run_command(&restored_db, &["restore", &copy.to_string_lossy()]);
    assert!(status.success(), "the restore succeeds: {said}");
    assert_eq!(stored_posts(&restored_db), copied);
    let restored = ServerProcess::start(&restored_db, &[]).await;
    for (id, title) in &copied {
        let page = restored.browser().get(&format!("/board/{id}")).await;
        assert_eq!(page.status, 200);
        assert!(
            texts(&page.page, "h1")
                .iter()
                .any(|h| h.contains(title.as_str())),
            "post {id} is {title}"
        );
    }
    // The secret post is still protected by its password.
    let secret = restored
        .browser()
        .get(&format!("/board/{}", before[0].0))
        .await;
    assert!(texts(&secret.page, "form")
        .iter()
        .any(|t| t.contains("비밀번호")));

    // Restored into the database the first server is still using: it goes on serving, and
    // shows the backup's posts alone from then on.
    let later: Vec<i32> = storm
        .acknowledged
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !copied.iter().any(|(c, _)| c == id))
        .collect();
    assert!(!later.is_empty(), "some posts came after the backup");
    let (status, said) = run_command(&database, &["restore", &copy.to_string_lossy()]);
    assert!(
        status.success(),
        "the restore succeeds under a running server: {said}"
    );
    assert_eq!(stored_posts(&database), copied);
    assert_eq!(integrity_check(&database), "ok");
    assert_eq!(
        browser.get(&format!("/board/{}", later[0])).await.status,
        404,
        "a post written after the backup is gone"
    );
    assert_eq!(
        browser.get(&format!("/board/{}", before[1].0)).await.status,
        200
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_backup_changes_nothing() {
    if sqlite_only("SQLite backup files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("keep.db");
    let server = ServerProcess::start(&database, &[]).await;
    let id = server
        .browser()
        .write_post("지켜야 할 글", "keep", "keep-1234", false)
        .await;
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "이것은 데이터베이스가 아닙니다 · not a database").unwrap();
    let (status, said) = run_command(&database, &["restore", &junk.to_string_lossy()]);
    assert!(!status.success());
    assert!(said.contains("not a seongbun backup"), "{said}");
    let (status, said) = run_command(&database, &["restore", "/nonexistent/backup.db"]);
    assert!(!status.success());
    assert!(said.contains("is not there"), "{said}");
    assert!(stored_posts(&database)
        .iter()
        .any(|(stored, title)| *stored == id && title == "지켜야 할 글"));
}

#[tokio::test]
async fn on_postgresql_backup_and_restore_name_pg_dump_and_change_nothing() {
    if crate::BACKEND != Backend::Postgres {
        return; // SQLite's are above
    }
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir, "unused");
    let server = ServerProcess::start(&database, &[]).await;
    let id = server
        .browser()
        .write_post("지켜야 할 글", "keep", "keep-1234", false)
        .await;
    let copy = dir.path().join("copy.db");
    for command in ["backup", "restore"] {
        let (status, said) = run_command(&database, &[command, &copy.to_string_lossy()]);
        assert!(!status.success(), "{command} is not done half-way: {said}");
        assert!(said.contains("pg_dump"), "{command} names pg_dump: {said}");
    }
    assert!(!copy.exists(), "no copy of seongbun's own was written");
    assert!(stored_posts(&database)
        .iter()
        .any(|(stored, title)| *stored == id && title == "지켜야 할 글"));
}
