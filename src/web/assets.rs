//! The site's own assets, compiled into the binary so the app serves them wherever it runs
//! (no CDN, no files to ship beside it).

use crate::i18n::Message;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::errors::PageError;

/// (file name, content type, contents)
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../static/style.css"),
    ),
    (
        "suggest.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/suggest.js"),
    ),
];

pub async fn asset(name: web::Path<String>) -> Result<HttpResponse, PageError> {
    let (_, content_type, body) = ASSETS
        .iter()
        .find(|(file, _, _)| *file == name.as_str())
        .ok_or_else(|| {
            PageError::not_found(Message::new("그런 파일이 없습니다.", "No such file."))
        })?;
    Ok(HttpResponse::Ok()
        .content_type(*content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(*body))
}
