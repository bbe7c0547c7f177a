//! For load balancers: `/healthz` says the process answers (no database call, so a database
//! outage does not take every instance out of rotation, as reads are served from memory);
//! `/readyz` says it can do its whole job: the database answers, the catalog is indexed and
//! the instance is not draining before a stop.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::app_state::AppState;
use crate::web::blocking::with_connection;

/// Whether this instance can do its whole job.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Readiness {
    ready: bool,
    /// Whether pages, search and similar products are served: always, from the catalog in
    /// memory (read from the snapshot file when the database was down at start).
    reads: bool,
    /// Whether posts, edits and the admin's changes can be stored: the database answers.
    writes: bool,
    /// Whether the database answers.
    database: bool,
    /// Whether the instance is about to stop (SIGTERM): it still serves, but send it no more.
    draining: bool,
    /// The catalog version being served.
    catalog_version: i32,
    products: usize,
}

/// The process answers.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Liveness {
    alive: bool,
}

/// The process answers (no database call).
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "Alive", body = Liveness))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(Liveness { alive: true })
}

/// The database answers and the catalog is indexed: send this instance traffic.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "The database does not answer, or the instance is draining before a stop", body = Readiness),
    )
)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = matches!(with_connection(&state, crate::db::ping).await, Ok(Ok(())));
    // The server starts only once the catalog is indexed, and a rebuild swaps a finished
    // index in, so a snapshot is always there; it is reported for the operator's eyes.
    let index = state.catalog.snapshot();
    let draining = state.draining.is_on();
    let readiness = Readiness {
        ready: database && !draining,
        reads: true,
        writes: database,
        database,
        draining,
        catalog_version: index.version(),
        products: index.product_count(),
    };
    let mut response = if readiness.ready {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response
        .insert_header(("cache-control", "no-store"))
        .json(readiness)
}
