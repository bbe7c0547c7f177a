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

#[tokio::test]
async fn metrics_count_requests_by_route_and_report_the_pool_and_the_catalog() {
    let app = spawn_app().await;
    // The second visit of product 1 is a kept answer, sent before routing: still counted
    // under the route it was made on.
    for id in [1, 2, 3, 1] {
        assert_eq!(app.get(&format!("/products/{id}")).await.status(), 200);
    }
    app.get("/no/such/page").await;
    // A request is counted once its answer has been sent out, which may be just after the
    // client has read it: the scrape is asked again until the four are in, for 5 s at most.
    let pages_line =
        "seongbun_http_requests_total{endpoint=\"/products/{id}\",method=\"GET\",status=\"200\"}";
    let started = std::time::Instant::now();
    let text = loop {
        let response = app.get("/metrics").await;
        assert_eq!(response.status(), 200);
        let text = response.text().await.unwrap();
        let counted = text.lines().any(|l| l == format!("{pages_line} 4"));
        if counted || started.elapsed() > std::time::Duration::from_secs(5) {
            break text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let line = |prefix: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix} in\n{text}"))
            .to_string()
    };
    // One series for every product page, by its route's pattern.
    let pages = line(pages_line);
    assert!(pages.ends_with(" 4"), "{pages}");
    assert!(!text.contains("/products/1\""), "no series per product");
    line("seongbun_http_requests_total{endpoint=\"UNMATCHED\"");
    line("seongbun_http_requests_duration_seconds_bucket{endpoint=\"/products/{id}\"");
    let (_, ready) = app.get_json("/readyz").await;
    assert_eq!(
        line("seongbun_catalog_products "),
        format!("seongbun_catalog_products {}", ready["products"])
    );
    line("seongbun_catalog_version ");
    line("seongbun_db_connections_in_use ");
    // Nothing changed the catalog, so nothing was rebuilt (the watcher reads the version
    // every second and leaves the index alone while it stays).
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.lines()
            .any(|l| l == "seongbun_catalog_rebuilds_total 0"),
        "{text}"
    );
    line("seongbun_catalog_last_rebuild_seconds ");
}
