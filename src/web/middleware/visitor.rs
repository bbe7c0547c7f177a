//! Who is asking: the visitor cookie (the CSRF token and the key that makes a view count
//! once), the admin session, and the client's address for rate limits.
//!
//! CSRF: every form that changes data carries the visitor token in a hidden `csrf` field
//! (double submit). A cross-site page cannot read the HttpOnly cookie or our pages, so it cannot
//! supply the field; SameSite=Lax keeps the cookie off cross-site POSTs as well, and a POST whose
//! `Origin` names another site is refused outright.

use crate::i18n::Message;
use std::cell::OnceCell;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::pin::Pin;
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::security::tokens::looks_like_token;
use crate::security::{random_token, same_secret, token_digest, ClientKey};
use crate::web::errors::{Failure, PageError};

pub const VISITOR_COOKIE: &str = "sb_visitor";
pub const ADMIN_COOKIE: &str = "sb_admin";

/// A browser, known by the random token in its visitor cookie.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The cookie's token, or for a first request the one made when a page first needs it:
    /// shared by the request's copies, so that the cookie set is the token the page used.
    token: Rc<OnceCell<String>>,
    /// It sent the cookie: a browser that keeps cookies, not a first request (or a crawler or
    /// a script that never sends one back, and would get a new token each time).
    returning: bool,
}

impl Visitor {
    /// Whether the visitor sent its cookie back (only such a visitor's view of a post counts).
    pub fn is_returning(&self) -> bool {
        self.returning
    }

    /// The value every form that changes data must send back.
    pub fn csrf_token(&self) -> &str {
        self.token.get_or_init(random_token)
    }

    /// Gives a first-time visitor its cookie with this answer, though the page uses no token:
    /// the board's list, so that the visitor's first view of a post from it counts.
    pub fn remember(&self) {
        self.csrf_token();
    }

    /// What the database keeps to count this visitor's view once: a digest, not the token.
    pub fn viewer_key(&self) -> String {
        token_digest(self.csrf_token())
    }
}

/// Middleware: gives every request a `Visitor`, setting the cookie on a browser's first visit
/// to a page that uses its token (a form's CSRF field, a post's view). A page without one (a
/// product, a search, the API, a kept answer) is sent without a cookie: making a random token
/// and its `Set-Cookie` for every request of a client that keeps no cookies was a twentieth of
/// a kept page's time.
pub async fn visitor_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let known = req
        .cookie(VISITOR_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| looks_like_token(v));
    let returning = known.is_some();
    let token = Rc::new(known.map_or_else(OnceCell::new, OnceCell::from));
    let secure = secure_cookies(req.request());
    req.extensions_mut().insert(Visitor {
        token: token.clone(),
        returning,
    });
    let mut response = next.call(req).await?;
    if let Some(made) = token.get().filter(|_| !returning) {
        let cookie = site_cookie(VISITOR_COOKIE, made.clone(), secure)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish();
        response.response_mut().add_cookie(&cookie)?;
    }
    Ok(response)
}

/// An HttpOnly, SameSite=Lax cookie for the whole site.
pub fn site_cookie(
    name: &'static str,
    value: String,
    secure: bool,
) -> actix_web::cookie::CookieBuilder<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
}

pub(in crate::web) fn secure_cookies(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.safeguards.secure_cookies)
}

impl FromRequest for Visitor {
    type Error = PageError;
    type Future = std::future::Ready<Result<Self, PageError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Visitor>()
                .cloned()
                .ok_or_else(|| PageError::internal("the visitor middleware is not installed")),
        )
    }
}

/// Whether the request comes from the signed-in admin. Never fails: pages show more or less.
#[derive(Debug, Clone, Copy, Default)]
pub struct AdminStatus {
    pub signed_in: bool,
    /// The request carried an admin cookie that could not be checked (the database did not
    /// answer): admin-only actions are then "try again shortly", not "sign in".
    unchecked: bool,
}

impl AdminStatus {
    /// Whether the request comes from the signed-in admin. It asks the database (every
    /// instance's sessions) only when the request carries an admin
    /// cookie sealed under this site's key (`SessionSeal`), so a visitor's request, or one
    /// with a made-up cookie, costs nothing here. A database that cannot answer shows the page
    /// as to a visitor; whatever then needs the admin is refused, not done.
    /// Asked once a request: the answer is kept in the request's extensions, so that a handler
    /// taking both `Admin` and `PageContext` costs one query.
    pub async fn of(req: &HttpRequest) -> Self {
        if let Some(known) = req.extensions().get::<AdminStatus>() {
            return *known;
        }
        let status = Self::check(req).await;
        req.extensions_mut().insert(status);
        status
    }

    async fn check(req: &HttpRequest) -> Self {
        let (Some(cookie), Some(state)) = (
            req.cookie(ADMIN_COOKIE),
            req.app_data::<web::Data<AppState>>(),
        ) else {
            return AdminStatus::default();
        };
        let Some(token) = state
            .safeguards
            .session_seal
            .as_ref()
            .and_then(|seal| seal.open(cookie.value()))
        else {
            return AdminStatus::default();
        };
        let sessions = state.safeguards.admin_sessions;
        let token = token.to_string();
        match crate::web::blocking::with_storage(state, move |conn| sessions.get(conn, &token))
            .await
        {
            Ok(found) => AdminStatus {
                signed_in: found.is_some(),
                unchecked: false,
            },
            Err(_) => AdminStatus {
                signed_in: false,
                unchecked: true,
            },
        }
    }

    /// Refuses anyone but the admin, saying how to sign in.
    pub fn require(self) -> Result<(), PageError> {
        if self.signed_in {
            Ok(())
        } else if self.unchecked {
            Err(PageError(Failure::Unavailable(Message::new(
                "지금은 관리자 로그인을 확인할 수 없습니다. 잠시 후 다시 시도해 주세요.",
                "The admin sign-in cannot be checked right now; please try again shortly.",
            ))))
        } else {
            Err(PageError(Failure::Forbidden(Message::new(
                "관리자로 로그인해야 할 수 있습니다 (/admin/login).",
                "Only the signed-in admin can do this (/admin/login).",
            ))))
        }
    }
}

impl FromRequest for AdminStatus {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(AdminStatus::of(&req).await) })
    }
}

/// The signed-in admin. A handler that takes it is refused to anyone else (with how to sign
/// in, or "try again shortly" when the sign-in cannot be checked) before its body runs, so an
/// admin action cannot forget the check.
#[derive(Debug, Clone, Copy)]
pub struct Admin;

impl FromRequest for Admin {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { AdminStatus::of(&req).await.require().map(|()| Admin) })
    }
}

/// The client as limits count it: its address as the connection shows it, or, when the
/// connection comes from a proxy the settings trust (`TRUSTED_PROXIES`), as that proxy's
/// header (`REAL_IP_HEADER`) says; IPv6 clients by their /64. From any other peer the header
/// is ignored, since anyone can send it.
pub fn client_address(req: &HttpRequest) -> ClientKey {
    let connection = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let Some(safeguards) = req
        .app_data::<web::Data<AppState>>()
        .map(|state| &state.safeguards)
    else {
        return ClientKey::of(connection);
    };
    let named = safeguards
        .real_ip_header
        .as_deref()
        .filter(|_| safeguards.trusted_proxies.trusts(connection))
        .and_then(|header| req.headers().get(header))
        .and_then(|value| value.to_str().ok())
        // `X-Forwarded-For: client, proxy…`: the proxy we trust appended the last entry.
        .and_then(|value| value.rsplit(',').next())
        .and_then(|value| value.trim().parse::<IpAddr>().ok());
    ClientKey::of(named.unwrap_or(connection))
}

#[derive(Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: T,
}

/// A form that changes data, accepted only with the visitor's CSRF token and from our own
/// pages.
pub struct CheckedForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CheckedForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        let form = web::Form::<WithCsrf<T>>::from_request(&req, payload);
        Box::pin(async move {
            if !same_origin(&req) {
                return Err(csrf_refusal().into());
            }
            let form = form.await?.into_inner();
            let visitor = req.extensions().get::<Visitor>().cloned();
            match visitor {
                Some(v) if same_secret(&form.csrf, v.csrf_token()) => Ok(CheckedForm(form.form)),
                _ => Err(csrf_refusal().into()),
            }
        })
    }
}

/// A POST whose `Origin` header names another host is cross-site. (Browsers send `Origin` on
/// POSTs; a request without one, from a non-browser client, still needs the token.)
fn same_origin(req: &HttpRequest) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.trim_end_matches('/'));
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

fn csrf_refusal() -> PageError {
    PageError(Failure::Forbidden(Message::new(
        "보안 확인에 실패해 아무것도 바꾸지 않았습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
        "The security check failed, so nothing was changed. Please reload the page and try again.",
    )))
}
