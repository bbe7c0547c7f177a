//! Crashes and stops of the real binary: `kill -9` in the middle of a write storm loses no
//! acknowledged post and leaves a whole database; SIGTERM drains first (serving on, readyz
//! 503, every connection closed after its answer), then lets requests in flight finish,
//! refuses new connections and leaves the WAL checkpointed; Ctrl-C does not drain. On either
//! engine.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use crate::helpers::{test_database, Backend};
use crate::suite::process::{integrity_check, stored_posts, ServerProcess};
use crate::suite::storm::write_storm;
use crate::BACKEND;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kill_9_in_a_write_storm_loses_no_acknowledged_post() {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir, "crash.db");
    let server = ServerProcess::start(&database, &[]).await;

    let stop = Arc::new(AtomicBool::new(false));
    let storm = tokio::spawn(write_storm(
        server.address.clone(),
        16,
        "crash",
        stop.clone(),
    ));
    // Kill once the storm is well under way (and has had acknowledgements).
    tokio::time::sleep(Duration::from_millis(2500)).await;
    server.kill_hard();
    let outcome = storm.await.unwrap();
    assert!(
        outcome.acknowledged.len() >= 10,
        "the storm was under way when the server died: {} posts acknowledged",
        outcome.acknowledged.len()
    );
    assert!(outcome.refused.is_empty(), "refused: {:?}", outcome.refused);

    // The file as the crash left it (with its WAL) is whole, and so after a restart.
    assert_eq!(integrity_check(&database), "ok");
    let restarted = ServerProcess::start(&database, &[]).await;
    assert_eq!(integrity_check(&database), "ok");
    let stored: HashMap<i32, String> = stored_posts(&database).into_iter().collect();
    for (id, title) in &outcome.acknowledged {
        assert_eq!(
            stored.get(id),
            Some(title),
            "acknowledged post {id} ({title}) is stored"
        );
    }
    let titles: Vec<&String> = stored.values().collect();
    for (_, title) in &outcome.acknowledged {
        assert_eq!(
            titles.iter().filter(|t| **t == title).count(),
            1,
            "{title} is stored exactly once"
        );
    }
    // And the restarted site serves them.
    let (id, title) = outcome.acknowledged.last().unwrap();
    let post = restarted.browser().get(&format!("/board/{id}")).await;
    assert_eq!(post.status, 200);
    assert!(crate::helpers::texts(&post.page, "h1").contains(title));
}

/// Sends a request's head and the first part of its body; the rest is sent later.
fn start_request(address: &str, body: &str, sent_first: usize) -> TcpStream {
    let host = address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("the server accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /similar HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..sent_first]
    )
    .unwrap();
    stream.flush().unwrap();
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_refuses_new_ones_and_checkpoints_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir, "term.db");
    // No drain: the stop itself, at once (the drain before it has a test of its own).
    let mut server = ServerProcess::start(&database, &[("DRAIN_SECONDS", "0")]).await;
    let browser = server.browser();
    let id = browser
        .write_post("종료 전에 쓴 글", "before the stop", "pw-1234", false)
        .await;
    // SQLite's write-ahead log is the app's to empty; PostgreSQL's is the server's own.
    let sqlite = BACKEND == Backend::Sqlite;
    let wal = dir.path().join("term.db-wal");
    assert!(
        !sqlite || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0,
        "the post is in the write-ahead log before the stop"
    );

    // A request whose body is still arriving when the signal comes.
    let body = format!(
        "ingredients={}",
        crate::helpers::urlencode("Water, Glycerin, Niacinamide, Butylene Glycol, Panthenol")
    );
    let mut in_flight = start_request(&server.address, &body, 10);
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let host = server.address.trim_start_matches("http://").to_string();
    assert!(
        TcpStream::connect(&host).is_err(),
        "a new connection is refused once the server is stopping"
    );
    in_flight.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the request in flight is answered: {}",
        answer.lines().next().unwrap_or("")
    );
    assert!(answer.contains("</html>"), "with its whole page");

    let status = server.wait_exit(Duration::from_secs(30)).await;
    assert!(status.success(), "a graceful stop exits 0: {status}");
    if sqlite {
        assert!(
            server.log().contains("checkpointed"),
            "the log says the WAL was checkpointed:\n{}",
            server.log()
        );
        assert_eq!(
            std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0),
            0,
            "nothing is left in the write-ahead log"
        );
    }
    // The database file alone holds the post.
    assert_eq!(integrity_check(&database), "ok");
    assert!(stored_posts(&database)
        .iter()
        .any(|(stored, title)| *stored == id && title == "종료 전에 쓴 글"));
}

/// One request on a fresh connection, read until the server closes it (a read timeout fails
/// the test instead of hanging when the connection is kept open).
fn get_on_new_connection(address: &str, path: &str, wait: Duration) -> std::io::Result<String> {
    let host = address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(wait))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_serving_new_connections_with_readyz_503_before_it_stops() {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir, "drain.db");
    let mut server = ServerProcess::start(&database, &[("DRAIN_SECONDS", "3")]).await;
    let ready = get_on_new_connection(&server.address, "/readyz", Duration::from_secs(1));
    // Before the signal a connection is kept open for the next request: the read times out.
    assert!(ready.is_err(), "kept alive before the drain: {ready:?}");

    server.terminate();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let address = server.address.clone();
    let (ready, page) = tokio::task::spawn_blocking(move || {
        (
            get_on_new_connection(&address, "/readyz", Duration::from_secs(5)),
            get_on_new_connection(&address, "/products/1", Duration::from_secs(5)),
        )
    })
    .await
    .unwrap();
    let ready = ready.expect("a new connection is served while draining, and closed");
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    assert!(ready.contains("\"draining\":true"), "{ready}");
    let page = page.expect("pages are served while draining");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.to_ascii_lowercase().contains("connection: close"),
        "{page}"
    );
    assert!(page.contains("</html>"), "the whole page");

    let status = server.wait_exit(Duration::from_secs(30)).await;
    assert!(status.success(), "a drained stop exits 0: {status}");
    assert!(
        server.log().contains("draining for 3 s"),
        "{}",
        server.log()
    );
    let host = server.address.trim_start_matches("http://").to_string();
    assert!(TcpStream::connect(&host).is_err(), "nothing listens after");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_without_draining() {
    let dir = tempfile::tempdir().unwrap();
    let database = test_database(&dir, "interrupt.db");
    let mut server = ServerProcess::start(&database, &[("DRAIN_SECONDS", "60")]).await;
    server.signal("INT");
    let status = server.wait_exit(Duration::from_secs(20)).await;
    assert!(status.success(), "{status}");
    assert!(!server.log().contains("draining"), "{}", server.log());
}
