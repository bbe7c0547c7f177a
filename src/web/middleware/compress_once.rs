//! A page made per request is compressed once, in one buffer, with a fast level, as it is
//! sent: zstd where the browser takes it, else brotli, else gzip (`examples/codings.rs` on
//! 200 real product pages of about 12 KB: zstd -1 costs 13 µs a page at 0.307 of its size,
//! zstd 1 17 µs at 0.267, zstd 3 22 µs at 0.262, brotli 2 78 µs at 0.266, gzip 1 119 µs at
//! 0.289; zstd -1 over 1 took the computed page from about 22,400 to 25,800 req/s, the
//! literals left as they are being most of what it saves, for half a kilobyte more a page;
//! actix's `Compress`, a brotli stream, had cost 10 to 30 times the ranking and rendering of
//! the page). zstd -3 over -1: 35,000 fewer instructions a computed page (7 % of all its
//! cost) for 0.333 of the size against 0.310, some 300 bytes; a product page is 4 KB either
//! way, well inside the first round trip's ten packets. At -3 zstd looks for matches of 7
//! bytes, not 5 (`compression.rs`, `FAST_MIN_MATCH`): 12 % fewer of its instructions for 0.371
//! of the size. A response that carries its coding already (a static asset, a kept answer:
//! `AlreadyCoded`) is left as it is.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpRequest;

use crate::compression::Coding;
use crate::web::encoding::AcceptedCodings;

/// Below this a body is sent as it is: the coding's framing would eat what it saves.
const SMALLEST_COMPRESSED: usize = 1024;

/// The codings a page made per request is sent in, in the order the server prefers them, with
/// the level each is made at.
const PAGE_CODINGS: [(Coding, i32); 3] =
    [(Coding::Zstd, -3), (Coding::Brotli, 2), (Coding::Gzip, 1)];

/// Marks a response whose body is sent as it is, whatever the browser accepts: a kept answer
/// served plain to a browser that does not take its coding.
#[derive(Debug, Clone, Copy)]
pub struct AlreadyCoded;

/// The coding and level a page for `req` is sent in, if the browser accepts one.
pub fn page_coding(req: &HttpRequest) -> Option<(Coding, i32)> {
    let accepted = AcceptedCodings::of(req);
    PAGE_CODINGS
        .into_iter()
        .find(|(coding, _)| accepted.take(*coding))
}

/// Whether a body of this type gains from compression (text, JSON, XML, SVG).
fn compressible(content_type: Option<&HeaderValue>) -> bool {
    let Some(kind) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    kind.starts_with("text/")
        || kind.starts_with("application/json")
        || kind.starts_with("application/xml")
        || kind.starts_with("image/svg+xml")
        || kind.starts_with("application/javascript")
}

/// Middleware: compresses a whole body once, in the coding `page_coding` picks.
pub async fn compress_once(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    let head = response.response();
    // Asked only of a body that may be coded: a kept answer carries its coding already.
    if head.headers().contains_key(header::CONTENT_ENCODING)
        || head.extensions().contains::<AlreadyCoded>()
        || !compressible(head.headers().get(header::CONTENT_TYPE))
        // A redirect's body is never read; pages, error pages included, are.
        || head.status().is_informational()
        || head.status().is_redirection()
    {
        return Ok(response);
    }
    let Some((coding, level)) = page_coding(response.request()) else {
        return Ok(response);
    };
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let body = match body.try_into_bytes() {
        Ok(bytes) if bytes.len() >= SMALLEST_COMPRESSED => {
            match coding.compress(&bytes, level) {
                Some(compressed) => {
                    let headers = response.headers_mut();
                    headers.insert(
                        header::CONTENT_ENCODING,
                        HeaderValue::from_static(coding.name()),
                    );
                    headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
                    BoxBody::new(Bytes::from(compressed))
                }
                // The encoder writes to memory and does not fail; if it ever did, plain.
                None => BoxBody::new(bytes),
            }
        }
        Ok(bytes) => BoxBody::new(bytes),
        // A streamed body (none of the site's pages is one) goes as it is.
        Err(body) => body,
    };
    Ok(ServiceResponse::new(request, response.set_body(body)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn accepting(value: &str) -> Option<&'static str> {
        let req = TestRequest::get()
            .insert_header((header::ACCEPT_ENCODING, value))
            .to_http_request();
        page_coding(&req).map(|(coding, _)| coding.name())
    }

    #[test]
    fn the_fastest_coding_the_browser_takes_is_chosen() {
        assert_eq!(accepting("gzip, deflate, br, zstd"), Some("zstd"));
        assert_eq!(accepting("gzip, deflate, br"), Some("br"));
        assert_eq!(accepting("gzip"), Some("gzip"));
        assert_eq!(accepting("zstd;q=0, gzip"), Some("gzip"));
        assert_eq!(accepting("identity"), None);
        assert!(page_coding(&TestRequest::get().to_http_request()).is_none());
    }
}
