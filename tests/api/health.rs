//! The load balancer's checks: alive without the database, ready with it and the catalog.

use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_says_alive_and_readyz_reports_the_database_and_the_catalog() {
    let app = spawn_app().await;
    let (status, alive) = app.get_json("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(alive["alive"], true);

    let (status, ready) = app.get_json("/readyz").await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["database"], true);
    assert!(ready["products"].as_u64().unwrap() > 0, "{ready}");
    assert!(ready["catalog_version"].as_i64().is_some(), "{ready}");
    let response = app.get("/readyz").await;
    assert_eq!(response.headers()["cache-control"], "no-store");
}
