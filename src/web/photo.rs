//! A photo of a label answered like a pasted list: `POST /similar/photo` (the paste page's
//! upload form, no JavaScript needed) and `POST /api/similar/photo`. The upload is read here
//! (multipart, at most 10 MB), the address's photo limit checked, then the photo is read by
//! `label_photo` on a blocking thread, one job per core (`AppState::ocr_jobs`).

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use futures_util::StreamExt;

use crate::app_state::AppState;
use crate::label_photo::{self, LabelRead, PhotoError, MAX_IMAGE_BYTES};
use crate::security::RateKey;
use crate::web::blocking::{block_in_turn, with_storage};
use crate::web::errors::{ApiError, Failure, PageError};
use crate::web::middleware::visitor::client_address;

/// What a photo upload carried.
#[derive(Debug, Default)]
pub struct Upload {
    pub image: Vec<u8>,
    /// The API's `limit` field, as sent.
    pub limit: Option<String>,
}

/// Seconds a client is asked to wait when every OCR job is taken.
const BUSY_RETRY_SECS: &str = "10";
/// The multipart framing around a 10 MB image.
const FRAMING_BYTES: usize = 64 * 1024;

/// The upload's fields: `image` (at most 10 MB) and `limit`; anything else is read past.
pub async fn read_upload(req: &HttpRequest, mut payload: Multipart) -> Result<Upload, PhotoError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_IMAGE_BYTES + FRAMING_BYTES) {
        return Err(PhotoError::TooLarge);
    }
    let mut upload = Upload::default();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| PhotoError::Unreadable(e.to_string()))?;
        let name = field.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        let most = if name == "image" { MAX_IMAGE_BYTES } else { 64 };
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| PhotoError::Unreadable(e.to_string()))?;
            if bytes.len() + chunk.len() > most {
                return Err(if name == "image" {
                    PhotoError::TooLarge
                } else {
                    PhotoError::Unreadable(format!("the field {name} is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "image" if upload.image.is_empty() => upload.image = bytes,
            "limit" => upload.limit = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    if upload.image.is_empty() {
        return Err(PhotoError::Missing);
    }
    Ok(upload)
}

/// What is read of the label in `image`: the address's photo limit counted, then OCR in turn.
pub async fn read_photo(
    req: &HttpRequest,
    state: &AppState,
    image: Vec<u8>,
) -> Result<LabelRead, PhotoFailure> {
    let limit = state.safeguards.photo_reads;
    let who = RateKey::client(client_address(req));
    let allowed = with_storage(state, move |conn| limit.take(conn, &who))
        .await
        .map_err(PhotoFailure::Page)?;
    if let Err(wait) = allowed {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return Err(PhotoFailure::Page(PageError(Failure::TooManyRequests(
            crate::i18n::Message::new(
                format!("사진을 너무 많이 올렸습니다. {minutes}분 뒤에 다시 해 주세요."),
                format!("Too many photos from here; please try again in {minutes} min."),
            ),
        ))));
    }
    let turn = state
        .ocr_jobs
        .turn()
        .await
        .map_err(|_| PhotoFailure::Photo(PhotoError::Busy))?;
    let index = state.catalog.snapshot();
    let program = state.ocr_program.clone();
    let understood = move |list: &str| index.names_known(list);
    let jobs = state.ocr_jobs.clone();
    // The turn is given back when Tesseract has exited and been reaped, not when this
    // request's client goes away; so is a spare core a later reading took.
    block_in_turn(turn, move || {
        let spare = label_photo::SpareCores::taken_by(|| jobs.spare_core());
        label_photo::read_label(&program, &image, understood, &spare)
    })
    .await
    .map_err(PhotoFailure::Page)?
    .map_err(PhotoFailure::Photo)
}

/// Why a photo gave no answer: the photo itself, or the site (limit, storage).
#[derive(Debug)]
pub enum PhotoFailure {
    Photo(PhotoError),
    Page(PageError),
}

impl PhotoFailure {
    pub fn failure(&self) -> Failure {
        match self {
            PhotoFailure::Page(page) => page.0.clone(),
            PhotoFailure::Photo(photo) => {
                let message = photo.message();
                match photo {
                    PhotoError::Missing | PhotoError::Unreadable(_) | PhotoError::NoText => {
                        Failure::BadRequest(message)
                    }
                    PhotoError::TooLarge | PhotoError::TooManyPixels(_) => {
                        Failure::TooLarge(message)
                    }
                    PhotoError::NotAnImage => Failure::UnsupportedMediaType(message),
                    PhotoError::Busy | PhotoError::TimedOut | PhotoError::Ocr(_) => {
                        if let PhotoError::Ocr(detail) = photo {
                            log::error!("OCR failed: {detail}");
                        }
                        Failure::Unavailable(message)
                    }
                }
            }
        }
    }

    /// `Retry-After` on a refusal that passes: every job taken, or the address's limit.
    pub fn retry_after(&self) -> Option<&'static str> {
        matches!(
            self,
            PhotoFailure::Photo(PhotoError::Busy | PhotoError::TimedOut)
        )
        .then_some(BUSY_RETRY_SECS)
    }

    /// The API's JSON error for this failure.
    pub fn api_response(&self) -> HttpResponse {
        let mut response = ApiError(self.failure()).error_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from_static(seconds),
            );
        }
        response
    }
}
