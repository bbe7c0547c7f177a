//! Content codings: which one a browser accepts (`Accept-Encoding`). Making them is
//! `crate::compression`.

use actix_web::http::header;
use actix_web::HttpRequest;

use crate::compression::Coding;

/// The codings a request's `Accept-Encoding` takes, read in one pass: a kept page asks which
/// of its codings to send and a page made per request which to make, on every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AcceptedCodings(u8);

impl AcceptedCodings {
    /// What `req`'s `Accept-Encoding` lists (or `*`) without `q=0`; nothing without the header.
    pub fn of(req: &HttpRequest) -> Self {
        req.headers()
            .get(header::ACCEPT_ENCODING)
            .map_or(AcceptedCodings(0), |value| Self::parse(value.as_bytes()))
    }

    /// Read byte by byte: it is asked on every request for a page.
    fn parse(accepted: &[u8]) -> Self {
        let mut taken = 0;
        for offer in accepted.split(|b| *b == b',') {
            let mut parts = offer.split(|b| *b == b';');
            let name = parts.next().unwrap_or_default().trim_ascii();
            let bits = if name == b"*" {
                u8::MAX
            } else {
                Coding::ALL
                    .into_iter()
                    .find(|coding| name.eq_ignore_ascii_case(coding.name().as_bytes()))
                    .map_or(0, Self::bit)
            };
            // Parameters are read only for a coding the site makes.
            if bits != 0 && !parts.any(refuses) {
                taken |= bits;
            }
        }
        AcceptedCodings(taken)
    }

    fn bit(coding: Coding) -> u8 {
        1 << coding as u8
    }

    /// Whether the browser takes `coding`.
    pub fn take(self, coding: Coding) -> bool {
        self.0 & Self::bit(coding) != 0
    }
}

/// Whether an offer's parameter is `q=0` (or `q=0.0`, ...): the coding is refused.
fn refuses(parameter: &[u8]) -> bool {
    parameter
        .trim_ascii()
        .strip_prefix(b"q=")
        .and_then(|q| std::str::from_utf8(q).ok())
        .and_then(|q| q.parse::<f32>().ok())
        .is_some_and(|q| q <= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_coding_is_offered_only_to_browsers_that_accept_it() {
        let with = |value: &str, coding: Coding| {
            let req = TestRequest::get()
                .insert_header((header::ACCEPT_ENCODING, value))
                .to_http_request();
            AcceptedCodings::of(&req).take(coding)
        };
        assert!(with("gzip, deflate, br, zstd", Coding::Gzip));
        assert!(with("gzip, deflate, br, zstd", Coding::Brotli));
        assert!(with("gzip, deflate, br, zstd", Coding::Zstd));
        assert!(with("br;q=1.0, GZIP;q=0.5", Coding::Gzip));
        assert!(with("*", Coding::Brotli));
        assert!(!with("br, zstd", Coding::Gzip));
        assert!(!with("gzip;q=0, br", Coding::Gzip));
        assert!(with("gzip;q=0, br", Coding::Brotli));
        assert!(with("gzip;q=0, gzip", Coding::Gzip));
        assert!(!with("gzip, deflate", Coding::Brotli));
        assert!(!with("identity", Coding::Gzip));
        assert!(!with("br;q=0", Coding::Brotli));
        assert!(!with("gzip, ZSTD;q=0.0", Coding::Zstd));
        assert!(!AcceptedCodings::of(&TestRequest::get().to_http_request()).take(Coding::Gzip));
    }
}
