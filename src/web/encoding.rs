//! Content codings: which one a browser accepts (`Accept-Encoding`). Making them is
//! `crate::compression`.

use actix_web::http::header;
use actix_web::HttpRequest;

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
}
