//! The site's own assets, compiled into the binary so the app serves them wherever it runs
//! (no CDN, no files to ship beside it).
//!
//! Pages link each asset by a content-hashed name (`/static/style.3f9a0c21d4.css`): a new
//! version is a new URL, so browsers may keep one for a year without asking again. Gzip and
//! brotli copies are made once, at first use, never per request. The plain names
//! (`/static/style.css`) and hashes of earlier versions keep working, with a short cache, so
//! a page cached before a deploy, or served by an instance not yet updated, still finds them.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::compression::Coding;
use crate::i18n::Message;
use crate::web::encoding::AcceptedCodings;
use crate::web::errors::PageError;

/// (file name, content type, contents)
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../static/style.css"),
    ),
    (
        "suggest.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/suggest.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../../static/favicon.svg"),
    ),
    (
        "card.png",
        "image/png",
        include_bytes!("../../../static/card.png"),
    ),
];

/// A hashed name's cache: a year, and no revalidation (its content can never change).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// A plain or outdated name's cache: its content changes with the next deploy.
const SHORT: &str = "public, max-age=3600";

struct Asset {
    name: &'static str,
    /// `/static/style.3f9a0c21d4.css`
    url: String,
    hash: String,
    content_type: &'static str,
    body: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

impl Asset {
    fn new((name, content_type, body): (&'static str, &'static str, &'static [u8])) -> Self {
        let digest = Sha256::digest(body);
        let hash: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
        let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
        // Only text is worth compressing: a PNG is compressed already.
        let compress = content_type.starts_with("text/") || content_type.contains("svg");
        let smaller = |packed: Option<Vec<u8>>| {
            packed
                .filter(|packed| packed.len() < body.len())
                .map(Bytes::from)
        };
        Asset {
            name,
            url: format!("/static/{stem}.{hash}.{extension}"),
            hash,
            content_type,
            body: Bytes::from_static(body),
            gzip: smaller(compress.then(|| crate::compression::gzip(body)).flatten()),
            brotli: smaller(compress.then(|| crate::compression::brotli(body)).flatten()),
        }
    }

    /// Which asset a requested file name is, and whether it names this very version.
    fn find(requested: &str) -> Option<(&'static Asset, bool)> {
        ASSETS.iter().find_map(|asset| {
            if requested == asset.name {
                return Some((asset, false));
            }
            let (stem, extension) = asset.name.rsplit_once('.')?;
            let hash = requested
                .strip_prefix(stem)?
                .strip_prefix('.')?
                .strip_suffix(extension)?
                .strip_suffix('.')?;
            let looks_hashed = !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit());
            looks_hashed.then_some((asset, hash == asset.hash))
        })
    }

    fn etag(&self) -> String {
        format!("\"{}\"", self.hash)
    }
}

static ASSETS: LazyLock<Vec<Asset>> =
    LazyLock::new(|| FILES.iter().copied().map(Asset::new).collect());

/// The URL pages link `name` by (`style.css` → `/static/style.<hash>.css`).
pub fn url(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .map_or("/static/missing", |asset| asset.url.as_str())
}

/// Makes the compressed copies now, so the first visitor does not wait for brotli.
pub fn prepare() {
    LazyLock::force(&ASSETS);
}

pub async fn asset(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, PageError> {
    let (asset, current) = Asset::find(&name).ok_or_else(|| {
        PageError::not_found(Message::new("그런 파일이 없습니다.", "No such file."))
    })?;
    let mut response = HttpResponse::Ok();
    response
        .content_type(asset.content_type)
        .insert_header((
            header::CACHE_CONTROL,
            if current { IMMUTABLE } else { SHORT },
        ))
        .insert_header((header::ETAG, asset.etag()));
    if asset.gzip.is_some() || asset.brotli.is_some() {
        response.insert_header((header::VARY, "Accept-Encoding"));
    }
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == asset.etag()));
    if not_modified {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, asset.etag()))
            .finish());
    }
    let accepted = AcceptedCodings::of(&req);
    let packed = [(Coding::Brotli, &asset.brotli), (Coding::Gzip, &asset.gzip)]
        .into_iter()
        .find_map(|(coding, body)| {
            body.as_ref()
                .filter(|_| accepted.take(coding))
                .map(|body| (coding.name(), body))
        });
    Ok(match packed {
        Some((coding, body)) => response
            .insert_header((header::CONTENT_ENCODING, coding))
            .body(body.clone()),
        None => response.body(asset.body.clone()),
    })
}

/// `/favicon.ico`, which browsers ask for on their own: the SVG icon.
pub async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, url("favicon.svg")))
        .insert_header((header::CACHE_CONTROL, SHORT))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_name_is_this_version_and_others_still_resolve() {
        let current = url("style.css");
        let file = current.strip_prefix("/static/").unwrap();
        assert!(file.starts_with("style.") && file.ends_with(".css") && file.len() == 20);
        assert!(matches!(Asset::find(file), Some((a, true)) if a.name == "style.css"));
        assert!(matches!(Asset::find("style.css"), Some((_, false))));
        assert!(matches!(
            Asset::find("style.0123456789.css"),
            Some((_, false))
        ));
        assert!(Asset::find("style.not-hex.css").is_none());
        assert!(Asset::find("style..css").is_none());
        assert!(Asset::find("nothing.js").is_none());
        assert_ne!(url("style.css"), url("suggest.js"));
    }

    #[test]
    fn text_is_compressed_and_images_are_not() {
        let css = ASSETS.iter().find(|a| a.name == "style.css").unwrap();
        assert!(css.brotli.as_ref().unwrap().len() < css.gzip.as_ref().unwrap().len());
        let png = ASSETS.iter().find(|a| a.name == "card.png").unwrap();
        assert!(png.gzip.is_none() && png.brotli.is_none());
    }
}
