//! A disk that refuses writes: the real binary on its own small tmpfs, made read-only or filled
//! up. Writes get the "temporarily unavailable" page (503) with the typed text kept, reads go
//! on, nothing panics, and the log says what happened. (Mounting needs root, which tests and
//! CI here have; as root, file permissions alone would not stop a write.)

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::browser::{field_value, form_fields};
use crate::helpers::texts;
use crate::suite::process::{stored_posts, ServerProcess};

/// A tmpfs of `megabytes`, mounted on a temp folder for the test and unmounted after it.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        mount(&[
            "-t",
            "tmpfs",
            "-o",
            &format!("size={megabytes}m"),
            "tmpfs",
            &dir.path().to_string_lossy(),
        ]);
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn make_read_only(&self) {
        mount(&["-o", "remount,ro", &self.path().to_string_lossy()]);
    }

    /// Fills what is left of the disk; returns the filler to remove.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        // The last partial blocks too.
        while file.write_all(&block[..512]).is_ok() {}
        filler
    }
}

fn mount(args: &[&str]) {
    let status = Command::new("mount")
        .args(args)
        .status()
        .expect("mount runs");
    assert!(status.success(), "mount {args:?} (tests run as root)");
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

const UNAVAILABLE: &str = "지금은 저장할 수 없습니다";
const ADMIN_PASSWORD: &str = "storage-faults-admin-password";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_disk_serves_reads_and_refuses_writes_with_the_input_kept() {
    if crate::helpers::sqlite_only(
        "a SQLite file on a read-only or full disk (PostgreSQL going away is in `instances`)",
    ) {
        return;
    }
    let disk = SmallDisk::mount(64);
    let database = disk.path().join("ro.db");
    let mut server = ServerProcess::start(&database, &[("ADMIN_PASSWORD", ADMIN_PASSWORD)]).await;
    let id = server
        .browser()
        .write_post("읽기 전용 전에 쓴 글", "before", "ro-1234", false)
        .await;
    // Signed in while the disk takes writes: the session is a row of the database, so it
    // outlives the restart below (cookies are the host's, whatever the port).
    let mut admin = server.browser();
    assert_eq!(admin.sign_in(ADMIN_PASSWORD).await.status, 303);
    assert!(server.stop().await.success());
    disk.make_read_only();

    let mut server = ServerProcess::start(&database, &[("ADMIN_PASSWORD", ADMIN_PASSWORD)]).await;
    let browser = server.browser();
    assert_eq!(browser.get("/").await.status, 200);
    let list = browser.get("/board").await;
    assert_eq!(list.status, 200);
    assert!(texts(&list.page, "td, a")
        .iter()
        .any(|t| t.contains("읽기 전용 전에 쓴 글")));
    let post = browser.get(&format!("/board/{id}")).await;
    assert_eq!(
        post.status, 200,
        "a post is shown though its view cannot be counted"
    );
    let search = browser.get("/search?q=cream").await;
    assert!(search.status < 500);

    let refused = browser
        .try_post(
            "못 쓰는 글",
            "이 글은 저장되지 않습니다",
            "disk-1234",
            false,
        )
        .await;
    assert_eq!(refused.status, 503);
    assert!(texts(&refused.page, "body")[0].contains(UNAVAILABLE));
    assert_eq!(
        field_value(&refused.page, "title"),
        "못 쓰는 글",
        "the input is kept"
    );
    assert_eq!(
        field_value(&refused.page, "body"),
        "이 글은 저장되지 않습니다"
    );

    let delete_form = browser.get(&format!("/board/{id}/delete")).await;
    let deleted = browser
        .submit(
            &delete_form.page,
            &format!("/board/{id}/delete"),
            &[("password", "ro-1234")],
        )
        .await;
    assert_eq!(deleted.status, 503, "a delete is refused, not failed");
    // Signing in is a write (the session is stored for every instance): refused, and said.
    let newcomer = server.browser();
    let sign_in = newcomer.sign_in(ADMIN_PASSWORD).await;
    assert_eq!(sign_in.status, 503);
    assert!(texts(&sign_in.page, "body")[0].contains(UNAVAILABLE));
    // The admin signed in before answers: refused, the answer kept.
    admin.address = server.address.clone();
    let post = admin.get(&format!("/board/{id}")).await;
    let answer = "확인했습니다. 곧 추가하겠습니다.";
    let moderated = admin
        .submit(
            &post.page,
            &format!("/board/{id}/moderate"),
            &[("status", "done"), ("answer", answer)],
        )
        .await;
    assert_eq!(moderated.status, 503);
    assert_eq!(
        field_value(&moderated.page, "answer"),
        answer,
        "the answer is kept"
    );
    assert!(texts(&moderated.page, "#answer-error")[0].contains(UNAVAILABLE));

    let log = server.log();
    assert!(log.contains("read-only"), "the log says why:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
    let list = browser.get("/board").await;
    let titles = texts(&list.page, "td a").join(" | ");
    assert!(
        titles.contains("읽기 전용 전에 쓴 글"),
        "nothing was deleted: {titles}"
    );
    assert!(
        !titles.contains("못 쓰는 글"),
        "nothing was added: {titles}"
    );

    // A read-only database has nothing to checkpoint: the stop is clean and says so.
    assert!(server.stop().await.success());
    let log = server.log();
    assert!(log.contains("checkpointed into the database"), "{log}");
    assert!(!log.contains("could not be checkpointed"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_keeps_reads_and_recovers_when_space_returns() {
    if crate::helpers::sqlite_only(
        "a SQLite file on a read-only or full disk (PostgreSQL going away is in `instances`)",
    ) {
        return;
    }
    let disk = SmallDisk::mount(16);
    let database = disk.path().join("full.db");
    let server = ServerProcess::start(&database, &[]).await;
    let browser = server.browser();
    let first = browser
        .write_post("디스크가 차기 전", "before", "full-1234", false)
        .await;
    let filler = disk.fill();

    // Large posts until the disk refuses one (the WAL's free space may take the first few).
    let body = "가득 찬 디스크 · full disk. ".repeat(900);
    let mut acknowledged = Vec::new();
    let mut refusal = None;
    for n in 0..200 {
        let sent = browser
            .try_post(&format!("큰 글 {n}"), &body, "disk-1234", false)
            .await;
        match sent.status {
            303 => acknowledged.push(format!("큰 글 {n}")),
            503 => {
                refusal = Some(sent);
                break;
            }
            other => panic!("a write on a full disk answered {other}"),
        }
    }
    let refused = refusal.expect("a write is refused once the disk is full");
    assert!(texts(&refused.page, "body")[0].contains(UNAVAILABLE));
    assert_eq!(
        field_value(&refused.page, "body"),
        body,
        "the input is kept"
    );

    // Reads go on.
    assert_eq!(browser.get("/").await.status, 200);
    assert_eq!(browser.get("/board").await.status, 200);
    assert_eq!(browser.get(&format!("/board/{first}")).await.status, 200);

    // Space again: the same form goes through.
    std::fs::remove_file(filler).unwrap();
    let form = browser.get("/board/new").await;
    let fields = form_fields(
        &form.page,
        "/board/new",
        &[
            ("category", "question"),
            ("title", "공간이 생긴 뒤"),
            ("body", "after"),
            ("author", "디스크"),
            ("password", "full-1234"),
        ],
    );
    assert_eq!(
        browser
            .post_fields("/board/new", &fields, None)
            .await
            .status,
        303
    );

    let log = server.log();
    assert!(
        log.contains("full"),
        "the log says the disk is full:\n{log}"
    );
    assert!(!log.contains("panicked"), "{log}");
    let stored: Vec<String> = stored_posts(&database)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    for title in &acknowledged {
        assert!(stored.contains(title), "acknowledged {title} is stored");
    }
    assert!(!stored
        .iter()
        .any(|t| t.starts_with("큰 글") && !acknowledged.contains(t)));
    assert!(stored.contains(&"공간이 생긴 뒤".to_string()));
}
