//! The admin's pages: signing in and out, and editing the catalog (adding a requested
//! product, changing or deleting one).

mod login;
mod products;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/login", web::get().to(login::login_form))
        .route("/admin/login", web::post().to(login::sign_in))
        .route("/admin/logout", web::get().to(login::logout_confirm))
        .route("/admin/logout", web::post().to(login::sign_out))
        .route(
            "/admin/products/new",
            web::get().to(products::new_product_form),
        )
        .route("/admin/products/new", web::post().to(products::add_product))
        .route(
            "/admin/products/{id}/edit",
            web::get().to(products::edit_product_form),
        )
        .route(
            "/admin/products/{id}/edit",
            web::post().to(products::save_product),
        )
        .route(
            "/admin/products/{id}/delete",
            web::get().to(products::delete_product_confirm),
        )
        .route(
            "/admin/products/{id}/delete",
            web::post().to(products::delete_product),
        );
}
