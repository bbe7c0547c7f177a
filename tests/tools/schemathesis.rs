//! Schemathesis fuzzes the JSON API against its own OpenAPI document: no 5xx, every response
//! matches the documented schema and status, invalid input is refused, undocumented methods
//! get a 405. Every check runs but one, named in `SKIPPED_CHECKS` with the reason.

use std::path::Path;
use std::process::Command;

use crate::helpers::{spawn_app_with, KCIA_DICTIONARY, KCIA_VARIANTS, OLIVE_YOUNG, SEPHORA_1472};

/// Where .ci/run installs Schemathesis (pinned in tools/schemathesis/requirements.txt).
const SCHEMATHESIS: &str = "target/tools-venv/bin/schemathesis";

/// `positive_data_acceptance` expects every request the schema allows to succeed. A search
/// of punctuation only or a pasted text with no ingredient in it is valid by any schema of
/// "a string", yet means nothing: the API answers with the documented 400 and a message.
/// JSON Schema cannot say "holds a word" or "holds an ingredient name".
const SKIPPED_CHECKS: &str = "positive_data_acceptance";

#[tokio::test]
async fn the_api_holds_to_its_openapi_document_under_schemathesis() {
    let _one_at_a_time = crate::ONE_TOOL_AT_A_TIME.lock().await;
    if crate::helpers::missing_extra(
        Path::new(SCHEMATHESIS).exists(),
        "Schemathesis",
        "python3 -m venv target/tools-venv && \
         target/tools-venv/bin/pip install -r tools/schemathesis/requirements.txt",
    ) {
        return;
    }
    // Without the per-address allowances of searches and lists: thousands of requests from
    // one address would be mostly 429 (documented, and tested in tests/api/openapi.rs), and
    // the operations themselves would go untried.
    let app = spawn_app_with(
        &[SEPHORA_1472, OLIVE_YOUNG, KCIA_DICTIONARY, KCIA_VARIANTS],
        seongbun::security::SafeguardSettings {
            searches_per_minute: 0,
            pasted_lists_per_minute: 0,
            ..seongbun::security::SafeguardSettings::default()
        },
    )
    .await;
    let schema = format!("{}/api/openapi.json", app.address);
    let report = tempfile::tempdir().unwrap();
    let output = tokio::task::spawn_blocking({
        let report = report.path().to_path_buf();
        move || {
            Command::new(SCHEMATHESIS)
                .args([
                    "run",
                    &schema,
                    "--checks",
                    "all",
                    "--exclude-checks",
                    SKIPPED_CHECKS,
                ])
                .args(["--max-examples", "200", "--workers", "2", "--no-color"])
                .arg("--report-dir")
                .arg(&report)
                .env("SCHEMATHESIS_TELEMETRY", "false")
                .output()
                .expect("schemathesis runs")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "Schemathesis found failures:\n{stdout}\n{stderr}"
    );
    // Every operation of the document was reached, not skipped.
    assert!(stdout.contains("Selected: 7/7"), "{stdout}");
    assert!(stdout.contains("Tested: 7"), "{stdout}");
    // The server is fine afterwards.
    let (status, _) = app.get_json("/api/search?q=cream").await;
    assert_eq!(status, 200);
}
