//! What every page handler reaches: the app's state, the visitor (cookie and CSRF token),
//! whether the admin is signed in, and the page's language, taken as one argument.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};

use super::errors::PageError;
use super::middleware::visitor::{AdminStatus, Visitor};
use crate::app_state::AppState;
use crate::i18n::Lang;

/// The four things a page handler needs besides its own input, in this order: the state, the
/// visitor, the admin's status, the language. A handler takes them as
/// `PageContext(state, visitor, admin, lang): PageContext` (`_` for one it does not use).
pub struct PageContext(
    pub web::Data<AppState>,
    pub Visitor,
    pub AdminStatus,
    pub Lang,
);

impl FromRequest for PageContext {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| PageError::internal("the app state is not installed"))?;
            let visitor = Visitor::extract(&req).await?;
            let admin = AdminStatus::of(&req).await;
            let lang = super::middleware::language::lang_of(&req);
            Ok(PageContext(state, visitor, admin, lang))
        })
    }
}
