//! A write storm: browsers posting to the board as fast as the server takes it, each post with
//! a title of its own, until told to stop or the server stops answering. What comes back is
//! what the server acknowledged (a 303 to the new post), the only writes a client may count on.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::browser::{form_fields, post_id_of, Browser};

#[derive(Debug, Default)]
pub struct StormOutcome {
    /// (id, title) of every post the server acknowledged.
    pub acknowledged: Vec<(i32, String)>,
    /// Statuses other than 303 (none is expected while the server runs).
    pub refused: Vec<u16>,
}

/// `writers` browsers posting until `stop` is set or a request finds no server.
pub async fn write_storm(
    address: String,
    writers: usize,
    tag: &str,
    stop: Arc<AtomicBool>,
) -> StormOutcome {
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let (address, tag, stop) = (address.to_string(), tag.to_string(), stop.clone());
            tokio::spawn(
                async move { one_writer(&address, &format!("{tag} w{writer}"), &stop).await },
            )
        })
        .collect();
    let mut outcome = StormOutcome::default();
    for task in tasks {
        let part = task.await.expect("a writer does not panic");
        outcome.acknowledged.extend(part.acknowledged);
        outcome.refused.extend(part.refused);
    }
    outcome
}

async fn one_writer(address: &str, tag: &str, stop: &AtomicBool) -> StormOutcome {
    let browser = Browser::at(address);
    // A page is not `Send`: it is read in the statement that fetches it.
    let mut fields = form_fields(
        &browser.get("/board/new").await.page,
        "/board/new",
        &[
            ("category", "question"),
            ("body", "폭풍 속의 글 · a post in a write storm"),
            ("author", "storm"),
            ("password", "storm-password"),
            // Last, so that each post changes the last field.
            ("title", ""),
        ],
    );
    let mut outcome = StormOutcome::default();
    for n in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let title = format!("{tag} #{n}");
        fields.last_mut().unwrap().1 = title.clone();
        let sent = browser
            .client
            .post(format!("{address}/board/new"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(&fields).unwrap())
            .send()
            .await;
        let Ok(response) = sent else {
            break; // the server is gone
        };
        match response.status().as_u16() {
            303 => {
                let location = response.headers()["location"].to_str().unwrap().to_string();
                outcome.acknowledged.push((post_id_of(&location), title));
            }
            other => outcome.refused.push(other),
        }
    }
    outcome
}
