//! For load balancers: `/healthz` says the process answers (no database call, so a database
//! outage does not take every instance out of rotation, as reads are served from memory);
//! `/readyz` says it can do its whole job: the database answers and the catalog is indexed.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::blocking::with_connection;
use crate::app_state::AppState;

#[derive(Serialize)]
struct Readiness {
    ready: bool,
    database: bool,
    catalog_version: i32,
    products: usize,
}

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(serde_json::json!({ "alive": true }))
}

pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = matches!(with_connection(&state, crate::db::ping).await, Ok(Ok(())));
    // The server starts only once the catalog is indexed, and a rebuild swaps a finished
    // index in, so a snapshot is always there; it is reported for the operator's eyes.
    let index = state.catalog.snapshot();
    let readiness = Readiness {
        ready: database,
        database,
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
