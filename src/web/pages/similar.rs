use crate::i18n::Message;
use crate::web::pages::frame::{framed_pages, PageFrame};
use actix_web::error::UrlencodedError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::app_state::AppState;
use crate::i18n::Lang;
use crate::ingredients::PastedText;
use crate::live_catalog::CatalogIndex;
use crate::web::blocking::{busy_message, on_job_queue};
use crate::web::errors::{render, render_with, Failure, PageError};
use crate::web::middleware::visitor::client_address;
use crate::web::pages::head::{Head, Origin};
use crate::web::photo::PhotoFailure;
use crate::web::views::{shared_ids, IngredientChip, SimilarCard};
use actix_multipart::Multipart;

#[derive(Default, Deserialize)]
pub struct PasteForm {
    #[serde(default)]
    pub ingredients: String,
}

/// One pasted ingredient as understood: the label's name, what it resolved to, and whether
/// the catalog knows it.
pub struct UnderstoodIngredient<'a> {
    pub label_name: String,
    /// Read as the nearest known name (OCR or a typo bent it).
    pub guessed: bool,
    pub chip: Option<IngredientChip<'a>>,
    pub resolved_name: String,
}

#[derive(Template)]
#[template(path = "similar.html")]
struct PastePage<'a> {
    frame: PageFrame,
    pasted: String,
    error: Option<Message>,
    /// Why the photo sent could not be read.
    photo_error: Option<Message>,
    understood: Vec<UnderstoodIngredient<'a>>,
    similar: Vec<SimilarCard<'a>>,
    searched: bool,
    /// Pasted lists have no product to compare the cards with.
    compare_with: Option<i32>,
}
framed_pages!(PastePage<'a>);

impl PastePage<'_> {
    fn empty(lang: Lang) -> Self {
        PastePage {
            frame: PageFrame::new(lang, Head::new(lang.texts().describe_paste)),
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
    let asked = crate::web::lenient_query::<PasteForm>(&req).ingredients;
    if !asked.trim().is_empty() {
        return results_page(asked, &req, &state, lang).await;
    }
    render(&PastePage {
        frame: PageFrame::new(
            lang,
            Head::new(lang.texts().describe_paste).canonical(&Origin::of(&req), "/similar"),
        ),
        ..PastePage::empty(lang)
    })
}

pub async fn paste_results(
    req: HttpRequest,
    form: web::Form<PasteForm>,
    state: web::Data<AppState>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    results_page(form.into_inner().ingredients, &req, &state, lang).await
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
    let text = match crate::web::photo::read_upload(&req, payload).await {
        Ok(upload) => crate::web::photo::read_photo(&req, &state, upload.image).await,
        Err(e) => Err(PhotoFailure::Photo(e)),
    };
    match text {
        // The photo was counted against the photo limit already.
        Ok(read) => ranked_page(read.list, read.above, &state, lang).await,
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

/// The pasted list as understood and the products most like it, within the client's
/// allowance of pasted lists (`PASTED_LIST_LIMIT`).
async fn results_page(
    raw: String,
    req: &HttpRequest,
    state: &AppState,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    if let Err(wait) = state.safeguards.pasted_lists.take(client_address(req)) {
        let page = PastePage {
            pasted: raw,
            error: Some(too_many_lists(wait)),
            ..PastePage::empty(lang)
        };
        let mut response = render_with(StatusCode::TOO_MANY_REQUESTS, &page)?;
        crate::web::errors::set_retry_after(&mut response, wait);
        return Ok(response);
    }
    ranked_page(raw, String::new(), state, lang).await
}

/// Reading, guessing and ranking a list grow with its size: they run on the list jobs'
/// blocking threads (one per core, a short queue), never on the async workers that answer
/// every other request. `above` is what a label photo printed above its list (empty for a
/// pasted list).
async fn ranked_page(
    raw: String,
    above: String,
    state: &AppState,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    let index = state.catalog.snapshot();
    let pasted = raw.clone();
    let ranked = on_job_queue(&state.list_jobs, move || {
        let (status, page) = understood_page(pasted, &above, &index, lang);
        page.render().map(|html| (status, html))
    })
    .await?;
    match ranked {
        Ok(Ok((status, html))) => Ok(HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html)),
        Ok(Err(e)) => Err(PageError::internal(e)),
        Err(_busy) => render_with(
            StatusCode::SERVICE_UNAVAILABLE,
            &PastePage {
                pasted: raw,
                error: Some(busy_message()),
                ..PastePage::empty(lang)
            },
        ),
    }
}

/// The page for a pasted list: its reading and its similar products, or why it has none.
fn understood_page<'a>(
    raw: String,
    above: &str,
    index: &'a CatalogIndex,
    lang: Lang,
) -> (StatusCode, PastePage<'a>) {
    let pasted = match PastedText::parse(&raw) {
        Ok(pasted) => pasted,
        Err(e) => {
            let page = PastePage {
                pasted: raw,
                error: Some(e.message()),
                ..PastePage::empty(lang)
            };
            return (StatusCode::BAD_REQUEST, page);
        }
    };
    let (understood, found) =
        index.similar_to_label(&pasted, crate::web::pages::product::SIMILAR_ON_PAGE, above);
    let similar: Vec<SimilarCard> = found.iter().map(SimilarCard::new).collect();
    let shared = shared_ids(&similar);
    let understood = understood
        .into_iter()
        .map(|p| UnderstoodIngredient {
            chip: p
                .known
                .map(|i| IngredientChip::new(i, shared.contains(&i.id))),
            resolved_name: p.canonical.name,
            label_name: p.label_name,
            guessed: p.guessed,
        })
        .collect();
    let page = PastePage {
        pasted: raw,
        understood,
        similar,
        searched: true,
        ..PastePage::empty(lang)
    };
    (StatusCode::OK, page)
}

/// "Too many lists from here; try again in …".
pub fn too_many_lists(wait: std::time::Duration) -> Message {
    crate::web::safeguards::wait_message(wait, ("붙여 넣은 목록이", "pasted lists"))
}

/// A form body that could not be read: too large (413) or not a form (400).
pub fn form_error(err: UrlencodedError) -> actix_web::Error {
    let failure = match err {
        UrlencodedError::Overflow { .. } => {
            let kb = crate::web::FORM_LIMIT_BYTES / 1024;
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
