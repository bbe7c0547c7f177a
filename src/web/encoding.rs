//! Content codings: which one a browser accepts (`Accept-Encoding`), and making them.

use std::io::Write;

use actix_web::http::header;
use actix_web::HttpRequest;
use flate2::write::GzEncoder;
use flate2::Compression;

/// Whether `Accept-Encoding` lists `coding` (or `*`) without `q=0`.
pub fn accepts(req: &HttpRequest, coding: &str) -> bool {
    let Some(accepted) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    accepted.split(',').any(|offer| {
        let mut parts = offer.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
    })
}

/// `body` gzipped at the default level; `None` only if the encoder failed (it writes to memory).
pub fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

/// `body` brotli-compressed at the highest quality: made once per asset, so its cost is paid
/// at start-up, not per request.
pub fn brotli(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_coding_is_offered_only_to_browsers_that_accept_it() {
        let with = |value: &str, coding: &str| {
            let req = TestRequest::get()
                .insert_header((header::ACCEPT_ENCODING, value))
                .to_http_request();
            accepts(&req, coding)
        };
        assert!(with("gzip, deflate, br, zstd", "gzip"));
        assert!(with("gzip, deflate, br, zstd", "br"));
        assert!(with("br;q=1.0, GZIP;q=0.5", "gzip"));
        assert!(with("*", "br"));
        assert!(!with("br, zstd", "gzip"));
        assert!(!with("gzip;q=0, br", "gzip"));
        assert!(!with("gzip, deflate", "br"));
        assert!(!with("identity", "gzip"));
        assert!(!accepts(&TestRequest::get().to_http_request(), "gzip"));
    }

    #[test]
    fn both_codings_give_back_the_bytes() {
        use std::io::Read;
        let body = "정제수, 글리세린, Water, Glycerin; ".repeat(200);
        let mut gunzipped = String::new();
        flate2::read::GzDecoder::new(&gzip(body.as_bytes()).unwrap()[..])
            .read_to_string(&mut gunzipped)
            .unwrap();
        assert_eq!(gunzipped, body);
        let compressed = brotli(body.as_bytes()).unwrap();
        assert!(compressed.len() < body.len() / 10);
        let mut unbrotlied = Vec::new();
        ::brotli::BrotliDecompress(&mut &compressed[..], &mut unbrotlied).unwrap();
        assert_eq!(unbrotlied, body.as_bytes());
    }
}
