//! Compressing a body once, to serve it many times: kept answers (gzip) and static assets
//! (gzip and brotli). Which coding a browser accepts is `web::encoding`.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

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
