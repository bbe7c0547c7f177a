//! The smallest actix-web server: `Hello, World!` at `/`, on the address given (default
//! 127.0.0.1:8081). `scripts/bench-http` loads it in the same run as seongbun, as the ceiling
//! that seongbun's pages are compared with on the same machine.

use actix_web::{web, App, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_string());
    HttpServer::new(|| App::new().route("/", web::get().to(|| async { "Hello, World!" })))
        .bind(address)?
        .run()
        .await
}
