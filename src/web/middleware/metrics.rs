//! Prometheus metrics at `/metrics` (actix-web-prom and the prometheus crate): requests and
//! their latency by route pattern (`/products/{id}`, so a million products are one series),
//! and, read at each scrape, the pool's connections in use, the catalog's version, size and
//! rebuilds, and the database calls made for requests. An operator should keep the path to
//! the private network (docs/deploy.md).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Gauge, IntCounter, IntGauge, Opts, Registry};

use crate::app_state::AppState;
use crate::db::DbPool;
use crate::live_catalog::LiveCatalog;

/// The middleware that counts every request and answers `/metrics`.
pub fn metrics(state: &AppState) -> Result<PrometheusMetrics, String> {
    let registry = Registry::new();
    registry
        .register(Box::new(StateCollector::new(
            state.pool.clone(),
            Arc::downgrade(&state.catalog),
            state.db_calls.clone(),
        )?))
        .map_err(|e| e.to_string())?;
    PrometheusMetricsBuilder::new("seongbun")
        .registry(registry)
        .endpoint("/metrics")
        // Paths no route matched (probes, typos) are one series, not one each.
        .mask_unmatched_patterns("UNMATCHED")
        .build()
        .map_err(|e| e.to_string())
}

/// Values read from the running instance when Prometheus asks.
struct StateCollector {
    pool: DbPool,
    catalog: Weak<LiveCatalog>,
    connections_in_use: IntGauge,
    connections_idle: IntGauge,
    catalog_version: IntGauge,
    catalog_products: IntGauge,
    rebuilds: IntCounter,
    last_rebuild_seconds: Gauge,
    calls: Arc<AtomicU64>,
    db_calls: IntCounter,
}

impl StateCollector {
    fn new(
        pool: DbPool,
        catalog: Weak<LiveCatalog>,
        calls: Arc<AtomicU64>,
    ) -> Result<Self, String> {
        let opts = |name: &str, help: &str| Opts::new(name, help).namespace("seongbun");
        let gauge = |name: &str, help: &str| {
            IntGauge::with_opts(opts(name, help)).map_err(|e| e.to_string())
        };
        Ok(StateCollector {
            pool,
            catalog,
            connections_in_use: gauge(
                "db_connections_in_use",
                "Pooled database connections lent out now",
            )?,
            connections_idle: gauge(
                "db_connections_idle",
                "Pooled database connections open and waiting",
            )?,
            catalog_version: gauge(
                "catalog_version",
                "The catalog version this instance's index was built from",
            )?,
            catalog_products: gauge("catalog_products", "Products in this instance's index")?,
            rebuilds: IntCounter::with_opts(opts(
                "catalog_rebuilds_total",
                "Times the index was rebuilt after a catalog change",
            ))
            .map_err(|e| e.to_string())?,
            last_rebuild_seconds: Gauge::with_opts(opts(
                "catalog_last_rebuild_seconds",
                "How long the last rebuild of the index took",
            ))
            .map_err(|e| e.to_string())?,
            calls,
            db_calls: IntCounter::with_opts(opts(
                "db_calls_total",
                "Database calls made for requests (a kept page needs none)",
            ))
            .map_err(|e| e.to_string())?,
        })
    }
}

impl Collector for StateCollector {
    fn desc(&self) -> Vec<&Desc> {
        [
            self.connections_in_use.desc(),
            self.connections_idle.desc(),
            self.catalog_version.desc(),
            self.catalog_products.desc(),
            self.rebuilds.desc(),
            self.last_rebuild_seconds.desc(),
            self.db_calls.desc(),
        ]
        .concat()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let pool = self.pool.state();
        let idle = i64::from(pool.idle_connections);
        self.connections_idle.set(idle);
        self.connections_in_use
            .set(i64::from(pool.connections) - idle);
        self.db_calls.reset();
        self.db_calls.inc_by(self.calls.load(Ordering::Relaxed));
        if let Some(catalog) = self.catalog.upgrade() {
            let index = catalog.snapshot();
            self.catalog_version.set(i64::from(index.version()));
            self.catalog_products
                .set(i64::try_from(index.product_count()).unwrap_or(i64::MAX));
            let stats = catalog.rebuild_stats();
            self.rebuilds.reset();
            self.rebuilds.inc_by(stats.rebuilds);
            self.last_rebuild_seconds
                .set(stats.last_rebuild.as_secs_f64());
        }
        [
            self.connections_in_use.collect(),
            self.connections_idle.collect(),
            self.catalog_version.collect(),
            self.catalog_products.collect(),
            self.rebuilds.collect(),
            self.last_rebuild_seconds.collect(),
            self.db_calls.collect(),
        ]
        .concat()
    }
}
