//! Attack 4: jamming the OCR queue. A queue place was taken before the turn was awaited and
//! given back only when a turn was dropped: a client that reset its connection while queued
//! kept its place counted for ever, and one that reset while Tesseract ran freed the place
//! while Tesseract still ran, so more processes ran than jobs were allowed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use seongbun::security::SafeguardSettings;

use crate::cases::attack::{multipart_image, send_and_reset};
use crate::helpers::{spawn_app_tuned, TestApp};

/// A stand-in for Tesseract that takes a second, marks itself running in `dir` meanwhile,
/// and reads a list the demo catalog knows.
fn slow_ocr(dir: &Path) -> PathBuf {
    let script = dir.join("slow-tesseract");
    let running = dir.join("running");
    std::fs::create_dir_all(&running).unwrap();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ntouch {r}/$$\nsleep 1\ncat >/dev/null\n\
             echo 'Ingredients: Water, Glycerin, Niacinamide, Butylene Glycol, Panthenol, Allantoin'\n\
             rm -f {r}/$$\n",
            r = running.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn blank_png() -> Vec<u8> {
    let image = image::GrayImage::from_pixel(240, 160, image::Luma([255]));
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

async fn upload(app: &TestApp, body: &[u8], boundary: &str) -> u16 {
    app.client
        .post(format!("{}/api/similar/photo", app.address))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn resets_while_queued_or_running_neither_jam_the_queue_nor_run_extra_tesseracts() {
    let dir = tempfile::tempdir().unwrap();
    let program = slow_ocr(dir.path());
    let app = spawn_app_tuned(
        &[],
        SafeguardSettings {
            photos_per_window: 0,
            ..SafeguardSettings::default()
        },
        move |state| state.with_ocr_jobs(1, 1).with_ocr_program(&program),
    )
    .await;
    // How many stand-ins run at once, sampled while the test goes on.
    let most = Arc::new(AtomicUsize::new(0));
    let watching = {
        let (most, running) = (most.clone(), dir.path().join("running"));
        tokio::spawn(async move {
            loop {
                let now = std::fs::read_dir(&running).map_or(0, |d| d.count());
                most.fetch_max(now, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let (boundary, body) = multipart_image(&blank_png());
    let head = format!(
        "POST /api/similar/photo HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    for _ in 0..3 {
        // One gone while Tesseract reads it, one gone while waiting for its turn.
        let running = send_and_reset(
            &app.address,
            &head,
            &body,
            body.len(),
            Duration::from_millis(400),
        );
        let queued = async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            send_and_reset(
                &app.address,
                &head,
                &body,
                body.len(),
                Duration::from_millis(100),
            )
            .await
        };
        tokio::join!(running, queued);
    }
    let mut statuses = Vec::new();
    for _ in 0..2 {
        statuses.push(upload(&app, &body, &boundary).await);
    }
    watching.abort();
    assert_eq!(
        statuses,
        [200, 200],
        "photos are read again after the resets"
    );
    assert_eq!(
        most.load(Ordering::Relaxed),
        1,
        "Tesseract processes at once with one job allowed"
    );
}
