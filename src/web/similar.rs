use crate::i18n::Message;
use actix_web::error::UrlencodedError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::errors::{render, render_with, Failure, PageError};
use super::head::{Head, Origin};
use super::photo::PhotoFailure;
use super::views::{shared_ids, IngredientChip, SimilarCard};
use crate::app_state::AppState;
use crate::i18n::{Lang, Texts};
use crate::ingredients::PastedText;
use actix_multipart::Multipart;

#[derive(Deserialize)]
pub struct PasteForm {
    #[serde(default)]
    pub ingredients: String,
}

/// One pasted ingredient as understood: the label's name, what it resolved to, and whether
/// the catalog knows it.
pub struct UnderstoodIngredient {
    pub label_name: String,
    /// Read as the nearest known name (OCR or a typo bent it).
    pub guessed: bool,
    pub chip: Option<IngredientChip>,
    pub resolved_name: String,
}

#[derive(Template)]
#[template(path = "similar.html")]
struct PastePage {
    t: &'static Texts,
    head: Head,
    pasted: String,
    error: Option<Message>,
    /// Why the photo sent could not be read.
    photo_error: Option<Message>,
    understood: Vec<UnderstoodIngredient>,
    similar: Vec<SimilarCard>,
    searched: bool,
    /// Pasted lists have no product to compare the cards with.
    compare_with: Option<i32>,
}

impl PastePage {
    fn empty(lang: Lang) -> Self {
        PastePage {
            t: lang.texts(),
            head: Head::new(lang.texts().describe_paste),
            compare_with: None,
            pasted: String::new(),
            error: None,
            photo_error: None,
            understood: Vec::new(),
            similar: Vec::new(),
            searched: false,
        }
    }
}

/// `GET /similar`: the form, or, given `?ingredients=`, the results (a link to them can be
/// shared; the form itself posts, as a long list makes a long address).
pub async fn paste_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let asked = web::Query::<PasteForm>::from_query(req.query_string())
        .map(|q| q.into_inner().ingredients)
        .unwrap_or_default();
    if !asked.trim().is_empty() {
        return results_page(asked, &state, lang);
    }
    render(&PastePage {
        head: Head::new(lang.texts().describe_paste).canonical(&Origin::of(&req), "/similar"),
        ..PastePage::empty(lang)
    })
}

pub async fn paste_results(
    form: web::Form<PasteForm>,
    state: web::Data<AppState>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    results_page(form.into_inner().ingredients, &state, lang)
}

/// `POST /similar/photo`: the label photo read, then answered as the list it holds; the list
/// is shown in the form to correct and send again. A photo that cannot be read shows the form
/// with what went wrong.
pub async fn photo_results(
    req: HttpRequest,
    payload: Multipart,
    state: web::Data<AppState>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let text = match super::photo::read_upload(&req, payload).await {
        Ok(upload) => super::photo::read_photo(&req, &state, upload.image).await,
        Err(e) => Err(PhotoFailure::Photo(e)),
    };
    match text {
        Ok(text) => results_page(text, &state, lang),
        Err(failure) => {
            let error = failure.failure();
            let page = PastePage {
                photo_error: Some(error.public_message_both()),
                ..PastePage::empty(lang)
            };
            let mut response = render_with(error.status(), &page)?;
            if let Some(seconds) = failure.retry_after() {
                response.headers_mut().insert(
                    actix_web::http::header::RETRY_AFTER,
                    actix_web::http::header::HeaderValue::from_static(seconds),
                );
            }
            Ok(response)
        }
    }
}

/// The pasted list as understood and the products most like it.
fn results_page(raw: String, state: &AppState, lang: Lang) -> Result<HttpResponse, PageError> {
    let pasted = match PastedText::parse(&raw) {
        Ok(pasted) => pasted,
        Err(e) => {
            let page = PastePage {
                pasted: raw,
                error: Some(e.message()),
                ..PastePage::empty(lang)
            };
            return render_with(StatusCode::BAD_REQUEST, &page);
        }
    };
    let index = state.catalog.snapshot();
    let (understood, found) = index.similar_to_pasted(&pasted, super::product::SIMILAR_ON_PAGE);
    let similar: Vec<SimilarCard> = found.iter().map(|f| SimilarCard::new(&index, f)).collect();
    let shared = shared_ids(&similar);
    let understood = understood
        .into_iter()
        .map(|p| UnderstoodIngredient {
            chip: p
                .known
                .map(|i| IngredientChip::new(&index, i, shared.contains(&i.id))),
            resolved_name: p.canonical.name,
            label_name: p.label_name,
            guessed: p.guessed,
        })
        .collect();
    render(&PastePage {
        pasted: raw,
        understood,
        similar,
        searched: true,
        ..PastePage::empty(lang)
    })
}

/// A form body that could not be read: too large (413) or not a form (400).
pub fn form_error(err: UrlencodedError) -> actix_web::Error {
    let failure = match err {
        UrlencodedError::Overflow { .. } => {
            let kb = super::FORM_LIMIT_BYTES / 1024;
            Failure::TooLarge(Message::new(
                format!("보낸 내용이 너무 큽니다 (최대 {kb} KB)."),
                format!("The form is too large (at most {kb} KB)."),
            ))
        }
        _ => Failure::BadRequest(Message::new(
            "양식을 읽을 수 없습니다.",
            "The form could not be read.",
        )),
    };
    PageError(failure).into()
}
