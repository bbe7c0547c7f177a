//! The JSON API described: an OpenAPI 3.1 document generated from the handlers' own types and
//! `#[utoipa::path]` annotations (`/api/openapi.json`), and a page that reads it out for people
//! (`/api`), linked from every page's footer.

use crate::web::pages::frame::{framed_pages, PageFrame};
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::HttpResponse;
use askama::Template;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{RefOr, Required};
use utoipa::OpenApi;

use crate::i18n::Lang;
use crate::web::errors::{render, PageError};
use crate::web::pages::head::{Head, Origin};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "seongbun API",
        description = "Products whose ingredient lists are most alike, and name search. \
                       Every error is `{\"error\": {status, message, message_ko}}`.",
        license(name = "MIT"),
    ),
    paths(
        crate::web::api::search,
        crate::web::api::suggest,
        crate::web::api::similar_to_product,
        crate::web::api::similar_to_list,
        crate::web::api::similar_to_photo,
        crate::web::api::health::healthz,
        crate::web::api::health::readyz,
    ),
    tags(
        (name = "search", description = "Find products by brand and name"),
        (name = "similar", description = "Products alike by ingredients"),
        (name = "operations", description = "For load balancers"),
    )
)]
pub struct ApiDoc;

/// The document, written once.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
});

pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(DOCUMENT.as_str())
}

/// One endpoint as the page shows it.
pub struct EndpointView {
    pub method: &'static str,
    pub path: String,
    pub summary: String,
    pub parameters: Vec<FieldView>,
    pub body: Option<String>,
    pub responses: Vec<(String, String)>,
    pub anchor: String,
}

pub struct FieldView {
    pub name: String,
    pub place: &'static str,
    pub required: bool,
    pub description: String,
}

#[derive(Template)]
#[template(path = "api.html")]
struct ApiPage {
    frame: PageFrame,
    endpoints: Vec<EndpointView>,
}
framed_pages!(ApiPage);

/// The endpoints of the document, in its order.
pub fn endpoints() -> Vec<EndpointView> {
    let doc = ApiDoc::openapi();
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                out.push(endpoint(method, path, operation));
            }
        }
    }
    out
}

fn endpoint(method: &'static str, path: &str, operation: &Operation) -> EndpointView {
    let parameters = operation
        .parameters
        .iter()
        .flatten()
        .map(|p| FieldView {
            name: p.name.clone(),
            place: match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            },
            required: matches!(p.required, Required::True),
            description: p.description.clone().unwrap_or_default(),
        })
        .collect();
    let body = operation.request_body.as_ref().map(|body| {
        body.content
            .iter()
            .map(|(media, content)| match &content.schema {
                Some(RefOr::Ref(r)) => format!("{media}: {}", schema_name(&r.ref_location)),
                _ => media.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    });
    let responses = operation
        .responses
        .responses
        .iter()
        .map(|(status, response)| {
            let text = match response {
                RefOr::T(response) => {
                    let shape = response
                        .content
                        .values()
                        .find_map(|c| match &c.schema {
                            Some(RefOr::Ref(r)) => Some(schema_name(&r.ref_location)),
                            _ => None,
                        })
                        .map(|name| format!(" ({name})"))
                        .unwrap_or_default();
                    format!("{}{shape}", response.description)
                }
                RefOr::Ref(r) => schema_name(&r.ref_location),
            };
            (status.clone(), text)
        })
        .collect();
    let summary = [&operation.summary, &operation.description]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    EndpointView {
        method,
        path: path.to_string(),
        summary,
        parameters,
        body,
        responses,
        anchor: format!(
            "{}{}",
            method.to_lowercase(),
            path.replace(['/', '{', '}'], "-")
        ),
    }
}

/// `#/components/schemas/SearchAnswer` → `SearchAnswer`.
fn schema_name(reference: &str) -> String {
    reference
        .rsplit('/')
        .next()
        .unwrap_or(reference)
        .to_string()
}

pub async fn page(lang: Lang, origin: Origin) -> Result<HttpResponse, PageError> {
    let t = lang.texts();
    render(&ApiPage {
        frame: PageFrame::new(lang, Head::new(t.describe_api).canonical(&origin, "/api")),
        endpoints: endpoints(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_json_endpoint_with_its_errors() {
        let doc: serde_json::Value = serde_json::from_str(&DOCUMENT).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        for (path, method) in [
            ("/api/search", "get"),
            ("/api/suggest", "get"),
            ("/api/products/{id}/similar", "get"),
            ("/api/similar", "post"),
            ("/healthz", "get"),
            ("/readyz", "get"),
        ] {
            assert!(paths[path][method].is_object(), "{method} {path}");
        }
        let error = &doc["components"]["schemas"]["ErrorAnswer"];
        assert!(error.is_object());
        let page = endpoints();
        assert_eq!(page.len(), 7);
        let similar = page.iter().find(|e| e.path == "/api/similar").unwrap();
        assert_eq!(
            similar.body.as_deref(),
            Some("application/json: PasteRequest")
        );
        assert!(similar.responses.iter().any(|(s, _)| s == "415"));
    }
}
