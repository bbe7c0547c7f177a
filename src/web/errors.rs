//! Errors as a visitor meets them: an HTML page with a clear message and the right status, or
//! JSON for the API. The detail of an internal error goes to the log, never to the visitor.

use crate::web::pages::frame::{framed_pages, PageFrame};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::i18n::{Lang, Message, Texts};

/// What went wrong, whoever is told.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    BadRequest(Message),
    #[error("{0}")]
    NotFound(Message),
    /// A request body over the size limit.
    #[error("{0}")]
    TooLarge(Message),
    #[error("{0}")]
    UnsupportedMediaType(Message),
    /// Not allowed: a failed CSRF check, an admin-only action.
    #[error("{0}")]
    Forbidden(Message),
    /// Too many attempts from one address; try again later.
    #[error("{0}")]
    TooManyRequests(Message),
    /// The database cannot take writes now (locked for too long, read-only, disk full).
    #[error("{0}")]
    Unavailable(Message),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Failure {
    pub fn status(&self) -> StatusCode {
        match self {
            Failure::BadRequest(_) => StatusCode::BAD_REQUEST,
            Failure::NotFound(_) => StatusCode::NOT_FOUND,
            Failure::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Failure::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Failure::Forbidden(_) => StatusCode::FORBIDDEN,
            Failure::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Failure::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message for the visitor; an internal error's detail stays in the log.
    /// The message in both languages (an internal failure's is the generic one).
    pub fn public_message_both(&self) -> Message {
        Message::new(
            self.public_message(Lang::Ko).to_string(),
            self.public_message(Lang::En).to_string(),
        )
    }

    fn public_message(&self, lang: Lang) -> &str {
        match self {
            Failure::BadRequest(m)
            | Failure::NotFound(m)
            | Failure::TooLarge(m)
            | Failure::UnsupportedMediaType(m)
            | Failure::Forbidden(m)
            | Failure::TooManyRequests(m)
            | Failure::Unavailable(m) => m.in_lang(lang),
            Failure::Internal(_) => lang.texts().error_internal_message,
        }
    }

    /// An internal error's detail goes to the log, never to the visitor.
    fn log_if_internal(&self) {
        if let Failure::Internal(detail) = self {
            log::error!("{detail}");
        }
    }

    fn title(&self, t: &Texts) -> &'static str {
        match self {
            Failure::BadRequest(_) | Failure::UnsupportedMediaType(_) => t.error_bad_request,
            Failure::TooLarge(_) => t.error_too_large,
            Failure::Forbidden(_) => t.error_forbidden,
            Failure::TooManyRequests(_) => t.error_too_many,
            Failure::Unavailable(_) => t.error_unavailable,
            Failure::NotFound(_) => t.error_not_found,
            Failure::Internal(_) => t.error_internal,
        }
    }
}

/// A failure shown as an HTML page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] pub Failure);

impl PageError {
    pub fn bad_request(message: Message) -> Self {
        PageError(Failure::BadRequest(message))
    }

    pub fn not_found(message: Message) -> Self {
        PageError(Failure::NotFound(message))
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        PageError(Failure::Internal(detail.to_string()))
    }

    /// The message of a "temporarily unavailable" failure, for a form that shows it above the
    /// person's input kept as typed (rather than a page that loses it).
    pub fn unavailable_message(&self) -> Option<&Message> {
        match &self.0 {
            Failure::Unavailable(message) => Some(message),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    frame: PageFrame,
    title: &'a str,
    message: &'a str,
}
framed_pages!(ErrorPage<'a>);

/// The failure behind an error page, kept on the response so the language middleware can show
/// the page in the visitor's language (`ResponseError` does not see the request).
#[derive(Debug, Clone)]
pub struct ErrorPageFailure(pub Failure);

/// The error page for `failure` in `lang`.
pub fn error_page_body(failure: &Failure, lang: Lang) -> String {
    let t = lang.texts();
    let message = failure.public_message(lang);
    ErrorPage {
        frame: PageFrame::new(
            lang,
            crate::web::pages::head::Head::new(format!("{message} {}", t.describe_site)),
        ),
        title: failure.title(t),
        message,
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        let mut response = HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(error_page_body(&self.0, Lang::default()));
        response
            .extensions_mut()
            .insert(ErrorPageFailure(self.0.clone()));
        response
    }
}

/// Renders a template into a 200 page, or an internal error.
pub fn render(template: &impl Template) -> Result<HttpResponse, PageError> {
    render_with(StatusCode::OK, template)
}

pub fn render_with(
    status: StatusCode,
    template: &impl Template,
) -> Result<HttpResponse, PageError> {
    let body = template.render().map_err(PageError::internal)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A failure answered as JSON: `{"error": {"status", "message", "message_ko"}}`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub Failure);

impl ApiError {
    pub fn bad_request(message: impl Into<ApiMessage>) -> Self {
        ApiError(Failure::BadRequest(message.into().0))
    }

    pub fn not_found(message: impl Into<ApiMessage>) -> Self {
        ApiError(Failure::NotFound(message.into().0))
    }
}

/// What the API says about a request: a site message in both languages, or a text for
/// programs.
pub struct ApiMessage(Message);

impl From<Message> for ApiMessage {
    fn from(message: Message) -> Self {
        ApiMessage(message)
    }
}

impl From<&'static str> for ApiMessage {
    fn from(text: &'static str) -> Self {
        ApiMessage(Message::for_programs(text))
    }
}

impl From<String> for ApiMessage {
    fn from(text: String) -> Self {
        ApiMessage(Message::for_programs(text))
    }
}

/// Every error the JSON API answers with.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorAnswer<'a> {
    pub error: ErrorDetail<'a>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail<'a> {
    /// The HTTP status again.
    pub status: u16,
    /// What went wrong, in English.
    pub message: &'a str,
    /// The same in Korean.
    pub message_ko: &'a str,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        // The API speaks English, with the Korean beside it for a client that shows it.
        let body = ErrorAnswer {
            error: ErrorDetail {
                status: self.status_code().as_u16(),
                message: self.0.public_message(Lang::En),
                message_ko: self.0.public_message(Lang::Ko),
            },
        };
        HttpResponse::build(self.status_code()).json(body)
    }
}

/// `Retry-After` in whole seconds, rounded up.
pub fn set_retry_after(response: &mut HttpResponse, wait: std::time::Duration) {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    if let Ok(value) = header::HeaderValue::from_str(&seconds.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
}
