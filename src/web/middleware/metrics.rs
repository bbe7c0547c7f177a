//! Prometheus metrics at `/metrics` (the prometheus crate): requests and their latency by
//! route pattern (`/products/{id}`, so a million products are one series), and, read at each
//! scrape, the pool's connections in use, the catalog's version, size and rebuilds, and the
//! database calls made for requests. An operator should keep the path to the private network
//! (docs/deploy.md).
//!
//! The middleware is ours rather than actix-web-prom's: that one built a map of the route's
//! parameters, formatted the pattern anew and wrapped every body to count it when dropped, on
//! every request: 15 % of the instructions a kept page cost (BENCHMARKS.md, "Kept pages before
//! the middleware"). This one reads the pattern actix kept from routing and counts the request
//! when its answer is ready (every answer here is one buffer). The series are the same.

use std::future::{ready, Future, Ready};
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::{header, Method};
use actix_web::HttpResponse;
use futures_util::future::Either;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};

use crate::app_state::AppState;
use crate::db::DbPool;
use crate::live_catalog::LiveCatalog;
use crate::web::kept_answers::KeptRoute;

/// Where Prometheus scrapes.
const METRICS_PATH: &str = "/metrics";

/// The series of a path no route matched (probes, typos): one, not one a path.
const UNMATCHED: &str = "UNMATCHED";

/// The middleware that counts every request and answers `GET /metrics`.
#[derive(Clone)]
pub struct RequestMetrics(Arc<Recorder>);

struct Recorder {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
}

/// The middleware, its series registered beside the instance's own values.
pub fn metrics(state: &AppState) -> Result<RequestMetrics, String> {
    let registry = Registry::new();
    registry
        .register(Box::new(StateCollector::new(
            state.pool.clone(),
            Arc::downgrade(&state.catalog),
            state.db_calls.clone(),
        )?))
        .map_err(|e| e.to_string())?;
    let labels = ["endpoint", "method", "status"];
    let requests = IntCounterVec::new(
        Opts::new("http_requests_total", "Total number of HTTP requests").namespace("seongbun"),
        &labels,
    )
    .map_err(|e| e.to_string())?;
    let durations = HistogramVec::new(
        HistogramOpts::new(
            "http_requests_duration_seconds",
            "HTTP request duration in seconds for all requests",
        )
        .namespace("seongbun"),
        &labels,
    )
    .map_err(|e| e.to_string())?;
    registry
        .register(Box::new(requests.clone()))
        .map_err(|e| e.to_string())?;
    registry
        .register(Box::new(durations.clone()))
        .map_err(|e| e.to_string())?;
    Ok(RequestMetrics(Arc::new(Recorder {
        registry,
        requests,
        durations,
    })))
}

impl Recorder {
    fn record(&self, response: &ServiceResponse<impl MessageBody>, started: Instant) {
        let request = response.request();
        // A kept answer is sent before routing and names the route it was made on; actix would
        // find it again only by matching the path against every route's pattern.
        let kept = response
            .response()
            .extensions()
            .get::<KeptRoute>()
            .map(|route| route.0.clone());
        let matched = kept.is_none().then(|| request.match_pattern()).flatten();
        let status = response.status();
        let labels = [
            kept.as_deref().or(matched.as_deref()).unwrap_or(UNMATCHED),
            request.method().as_str(),
            status.as_str(),
        ];
        self.durations
            .with_label_values(&labels)
            .observe(started.elapsed().as_secs_f64());
        self.requests.with_label_values(&labels).inc();
    }

    /// The scrape, in Prometheus' text format.
    fn scrape(&self) -> HttpResponse {
        let mut text = Vec::new();
        match TextEncoder::new().encode(&self.registry.gather(), &mut text) {
            Ok(()) => HttpResponse::Ok()
                .insert_header((
                    header::CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8",
                ))
                .body(text),
            Err(e) => {
                log::error!("cannot encode the metrics: {e}");
                HttpResponse::InternalServerError().finish()
            }
        }
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequestMetrics
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = RequestMetricsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequestMetricsService {
            service: Rc::new(service),
            recorder: self.0.clone(),
        }))
    }
}

pub struct RequestMetricsService<S> {
    service: Rc<S>,
    recorder: Arc<Recorder>,
}

impl<S, B> Service<ServiceRequest> for RequestMetricsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Either<Ready<Result<Self::Response, Self::Error>>, Counted<S::Future, B>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let started = Instant::now();
        // The scrape is answered here, before any page's middleware, and counted like a page.
        if req.path() == METRICS_PATH && req.method() == Method::GET {
            let (request, _) = req.into_parts();
            let response = ServiceResponse::new(request, self.recorder.scrape());
            self.recorder.record(&response, started);
            return Either::Left(ready(Ok(response.map_into_right_body())));
        }
        Either::Right(Counted {
            future: self.service.call(req),
            recorder: self.recorder.clone(),
            started,
            body: PhantomData,
        })
    }
}

pin_project_lite::pin_project! {
    /// A request's answer, counted when it is ready.
    pub struct Counted<F, B> {
        #[pin]
        future: F,
        recorder: Arc<Recorder>,
        started: Instant,
        body: PhantomData<B>,
    }
}

impl<F, B> Future for Counted<F, B>
where
    F: Future<Output = Result<ServiceResponse<B>, actix_web::Error>>,
    B: MessageBody,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = std::task::ready!(this.future.poll(cx))?;
        this.recorder.record(&response, *this.started);
        Poll::Ready(Ok(response.map_into_left_body()))
    }
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
