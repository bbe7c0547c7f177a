use crate::web::pages::frame::{framed_pages, PageFrame};
use crate::web::pages::head::Head;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::i18n::{Lang, Message};
use crate::security::GuessTarget;
use crate::web::blocking::with_storage;
use crate::web::errors::{render_with, PageError};
use crate::web::middleware::visitor::{
    client_address, site_cookie, AdminStatus, CheckedForm, Visitor, ADMIN_COOKIE,
};
use crate::web::safeguards::{guess_password, Guess};
use crate::web::see_other;
use crate::web::PageContext;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    frame: PageFrame,
    enabled: bool,
    signed_in: bool,
    error: Option<Message>,
    next: String,
    csrf: String,
}
framed_pages!(LoginPage);

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    #[serde(default)]
    next: String,
}

/// Only a path on this site is followed after signing in; anything else goes to the board.
fn safe_next(next: &str) -> String {
    crate::web::local_path(next).unwrap_or("/board").to_string()
}

pub async fn login_form(
    req: HttpRequest,
    PageContext(state, visitor, admin, lang): PageContext,
) -> Result<HttpResponse, PageError> {
    let next = crate::web::lenient_query::<NextParam>(&req).next;
    render_with(
        StatusCode::OK,
        &LoginPage {
            frame: PageFrame::new(lang, Head::new(lang.texts().describe_admin).noindex()),
            enabled: state.safeguards.admin_enabled(),
            signed_in: admin.signed_in,
            error: None,
            next: safe_next(&next),
            csrf: visitor.csrf_token().to_string(),
        },
    )
}

pub async fn sign_in(
    req: HttpRequest,
    form: CheckedForm<LoginForm>,
    PageContext(state, visitor, _, lang): PageContext,
) -> Result<HttpResponse, PageError> {
    let LoginForm { password, next } = form.0;
    let next = safe_next(&next);
    let address = client_address(&req);
    let page = |status, error: Message| {
        render_with(
            status,
            &LoginPage {
                frame: PageFrame::new(lang, Head::new(lang.texts().describe_admin).noindex()),
                enabled: state.safeguards.admin_enabled(),
                signed_in: false,
                error: Some(error),
                next: next.clone(),
                csrf: visitor.csrf_token().to_string(),
            },
        )
    };
    if !state.safeguards.admin_enabled() {
        return page(StatusCode::FORBIDDEN, disabled());
    }
    let safeguards = state.safeguards.clone();
    let guess = guess_password(&state, address, GuessTarget::AdminSignIn, move || {
        safeguards.is_admin_password(&password)
    })
    .await?;
    if let Guess::Refused(status, message) = guess {
        if status == StatusCode::FORBIDDEN {
            log::warn!("a wrong admin password from {address}");
            return page(
                status,
                Message::new(
                    "관리자 비밀번호가 맞지 않습니다.",
                    "The admin password is wrong.",
                ),
            );
        }
        return page(status, message);
    }
    // Sign-in is on (checked above), so the seal is there.
    let Some(seal) = state.safeguards.session_seal.as_ref() else {
        return page(StatusCode::FORBIDDEN, disabled());
    };
    let sessions = state.safeguards.admin_sessions;
    let token = with_storage(&state, move |conn| sessions.issue(conn, None)).await?;
    let sealed = seal.seal(&token);
    log::info!("the admin signed in from {address}");
    let cookie = site_cookie(ADMIN_COOKIE, sealed, state.safeguards.secure_cookies).finish();
    let mut response = see_other(next);
    response.add_cookie(&cookie).map_err(PageError::internal)?;
    Ok(response)
}

fn disabled() -> Message {
    Message::new(
        "관리자 로그인이 꺼져 있습니다. 서버를 ADMIN_PASSWORD 환경 변수와 함께 시작하면 켜집니다.",
        "Admin sign-in is disabled; start the server with the ADMIN_PASSWORD environment variable set to enable it.",
    )
}

#[derive(Template)]
#[template(path = "admin/logout.html")]
struct LogoutPage {
    frame: PageFrame,
    signed_in: bool,
    csrf: String,
}
framed_pages!(LogoutPage);

pub async fn logout_confirm(
    visitor: Visitor,
    admin: AdminStatus,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    render_with(
        StatusCode::OK,
        &LogoutPage {
            frame: PageFrame::new(lang, Head::new(lang.texts().describe_admin).noindex()),
            signed_in: admin.signed_in,
            csrf: visitor.csrf_token().to_string(),
        },
    )
}

pub async fn sign_out(
    req: HttpRequest,
    _form: CheckedForm<NextParam>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let token = req.cookie(ADMIN_COOKIE).and_then(|cookie| {
        let seal = state.safeguards.session_seal.as_ref()?;
        seal.open(cookie.value()).map(str::to_string)
    });
    if let Some(token) = token {
        // Ended for every instance: the session is a row they all read.
        let sessions = state.safeguards.admin_sessions;
        with_storage(&state, move |conn| sessions.revoke(conn, &token)).await?;
    }
    let mut removal = Cookie::build(ADMIN_COOKIE, "").path("/").finish();
    removal.make_removal();
    let mut response = see_other("/".to_string());
    response.add_cookie(&removal).map_err(PageError::internal)?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_a_path_on_this_site_is_followed_after_signing_in() {
        assert_eq!(safe_next("/board/3"), "/board/3");
        for elsewhere in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(elsewhere), "/board", "{elsewhere:?}");
        }
    }
}
