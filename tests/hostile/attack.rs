//! What several attacks share: the worst pasted list, a lock that keeps the heaviest tests
//! from timing each other, and a connection that is reset halfway.

use std::time::Duration;

use tokio::io::AsyncWriteExt;

/// Tests that load the server hard take this, so that tests bounding a request's time do
/// not measure another test's load instead.
pub static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The worst list a visitor can paste: 2,000 made-up 8-syllable Korean names, 20,000
/// characters (the longest accepted). No catalog holds them, so each is a candidate for the
/// nearest-name guess.
pub fn worst_list(seed: u64) -> String {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    let names: Vec<String> = (0..2_000)
        .map(|_| {
            (0..8)
                .map(|_| char::from_u32(0xAC00 + next() % 11_172).unwrap())
                .collect()
        })
        .collect();
    names.join(", ")
}

/// Sends `head` and the first `send` bytes of `body` on a new connection, waits `wait`, and
/// resets the connection (RST, no goodbye), as a client that vanished would.
pub async fn send_and_reset(address: &str, head: &str, body: &[u8], send: usize, wait: Duration) {
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
        .write_all(&body[..send.min(body.len())])
        .await
        .unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(wait).await;
    // Deprecated because a lingering close blocks the thread; a zero linger never waits: it
    // resets the connection at once, which is the point here.
    #[allow(deprecated)]
    stream.set_linger(Some(Duration::ZERO)).unwrap();
    drop(stream);
}

/// A multipart body with `image` as its one field, and its boundary.
pub fn multipart_image(image: &[u8]) -> (String, Vec<u8>) {
    let boundary = "hostile-boundary-7349".to_string();
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"label.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(image);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// The app on the real catalogs (Sephora's 1,472, Olive Young's, the KCIA dictionary): the
/// known names an unknown one is compared with are the real ones, thousands of them.
pub async fn real_catalog_app(
    settings: seongbun::security::SafeguardSettings,
) -> crate::helpers::TestApp {
    use crate::helpers::{KCIA_DICTIONARY, KCIA_VARIANTS, OLIVE_YOUNG, SEPHORA_1472};
    crate::helpers::spawn_app_with(
        &[SEPHORA_1472, OLIVE_YOUNG, KCIA_DICTIONARY, KCIA_VARIANTS],
        settings,
    )
    .await
}

/// The metric `name`'s value in a `/metrics` scrape (0 when absent).
pub async fn metric(app: &crate::helpers::TestApp, name: &str) -> f64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            (key == name).then(|| value.parse().ok()).flatten()
        })
        .unwrap_or(0.0)
}
