//! Errors as a visitor meets them: an HTML page with a clear message and the right status, or
//! JSON for the API. The detail of an internal error goes to the log, never to the visitor.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

/// What went wrong, whoever is told.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// A request body over the size limit.
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Not allowed: a failed CSRF check, an admin-only action.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts from one address; try again later.
    #[error("{0}")]
    TooManyRequests(String),
    /// The database cannot take writes now (locked for too long, read-only, disk full).
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Failure {
    fn status(&self) -> StatusCode {
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

    /// The message for the visitor; an internal error's detail is logged instead.
    fn public_message(&self, internal: &'static str) -> String {
        match self {
            Failure::Internal(detail) => {
                log::error!("{detail}");
                internal.to_string()
            }
            other => other.to_string(),
        }
    }
}

/// A failure shown as an HTML page.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageError(#[from] pub Failure);

impl PageError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        PageError(Failure::BadRequest(message.into()))
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        PageError(Failure::NotFound(message.into()))
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        PageError(Failure::Internal(detail.to_string()))
    }

    /// The message of a "temporarily unavailable" failure, for a form that shows it above the
    /// person's input kept as typed (rather than a page that loses it).
    pub fn unavailable_message(&self) -> Option<&str> {
        match &self.0 {
            Failure::Unavailable(message) => Some(message),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        let title = match self.0 {
            Failure::BadRequest(_) | Failure::UnsupportedMediaType(_) => {
                "잘못된 요청 · Bad request"
            }
            Failure::TooLarge(_) => "내용이 너무 큽니다 · Too large",
            Failure::Forbidden(_) => "허용되지 않습니다 · Not allowed",
            Failure::TooManyRequests(_) => "잠시 후 다시 시도해 주세요 · Too many attempts",
            Failure::Unavailable(_) => "잠시 사용할 수 없습니다 · Temporarily unavailable",
            Failure::NotFound(_) => "찾을 수 없습니다 · Not found",
            Failure::Internal(_) => "일시적인 오류 · Temporary error",
        };
        let message = self.0.public_message(
            "요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요. · We could not handle the request; please try again shortly.",
        );
        let body = ErrorPage {
            title,
            message: &message,
        }
        .render()
        .unwrap_or_else(|_| message.clone());
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(body)
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

/// A failure answered as JSON: `{"error": {"status", "message"}}`.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub Failure);

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError(Failure::BadRequest(message.into()))
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError(Failure::NotFound(message.into()))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        let message = self
            .0
            .public_message("internal error; please try again shortly");
        HttpResponse::build(self.status_code())
            .json(serde_json::json!({ "error": { "status": self.status_code().as_u16(), "message": message } }))
    }
}
