//! Compressing a body in one buffer: static assets once at start (gzip and brotli at their
//! best), kept answers once when kept, and a page made per request once as it is sent, with a
//! fast level (`Coding::for_pages`). Which coding a browser accepts is `web::encoding`.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

/// `body` gzipped at the default level (6): a kept answer, made once; `None` only if the
/// encoder failed (it writes to memory).
pub fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    Coding::Gzip.compress(body, 6)
}

/// `body` brotli-compressed at the highest quality, with a window for the largest asset: made
/// once per asset, so its cost is paid at start-up, not per request.
pub fn brotli(body: &[u8]) -> Option<Vec<u8>> {
    brotli_with(body, 11, 22)
}

fn brotli_with(body: &[u8], quality: i32, window_bits: i32) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        lgwin: window_bits,
        size_hint: body.len(),
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    Some(out)
}

/// The shortest match zstd's fast levels (below 1, for a page made per request) look for.
/// Their default, 5 bytes, finds more short matches of a page's markup, each a sequence to
/// entropy-code: at 7, a product page costs 12 % fewer of zstd's instructions for 9 % more
/// bytes (0.371 of the plain page against 0.341 at -3; BENCHMARKS.md, "The build's CPU
/// level, and zstd's shortest match").
const FAST_MIN_MATCH: u32 = 7;

thread_local! {
    /// This thread's zstd contexts, each with the level it was made for: a page made per
    /// request and a kept answer are made at different levels on the same threads.
    static ZSTD: std::cell::RefCell<Vec<(i32, zstd::bulk::Compressor<'static>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A content coding the site makes, with the levels worth measuring (`examples/codings.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Brotli,
    Zstd,
}

impl Coding {
    pub const ALL: [Coding; 3] = [Coding::Gzip, Coding::Brotli, Coding::Zstd];

    /// Its name in `Accept-Encoding` and `Content-Encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Brotli => "br",
            Coding::Zstd => "zstd",
        }
    }

    /// The levels `examples/codings.rs` compares.
    pub fn levels(self) -> &'static [i32] {
        match self {
            Coding::Gzip => &[1, 6],
            Coding::Brotli => &[1, 2, 3, 4],
            Coding::Zstd => &[-5, -3, -2, -1, 1, 2, 3],
        }
    }

    /// `body` in this coding at `level`, in one buffer; `None` only if the encoder failed.
    pub fn compress(self, body: &[u8], level: i32) -> Option<Vec<u8>> {
        match self {
            Coding::Gzip => {
                let mut encoder = GzEncoder::new(
                    Vec::with_capacity(body.len() / 4),
                    Compression::new(level.clamp(0, 9) as u32),
                );
                encoder.write_all(body).ok()?;
                encoder.finish().ok()
            }
            // A page is tens of KB: a 1 MB window is plenty, and cheaper to set up than 4 MB.
            Coding::Brotli => brotli_with(body, level.clamp(0, 11), 20),
            Coding::Zstd => ZSTD.with_borrow_mut(|kept| {
                // A compression context is some hundreds of KB of tables: made once per thread
                // and level, not per page (making it was a quarter of zstd's cost).
                let at = match kept.iter().position(|(made_at, _)| *made_at == level) {
                    Some(at) => at,
                    None => {
                        let mut compressor = zstd::bulk::Compressor::new(level).ok()?;
                        if level < 0 {
                            compressor
                                .set_parameter(zstd::stream::raw::CParameter::MinMatch(
                                    FAST_MIN_MATCH,
                                ))
                                .ok()?;
                        }
                        kept.push((level, compressor));
                        kept.len() - 1
                    }
                };
                kept[at].1.compress(body).ok()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coding_at_every_level_gives_back_the_bytes() {
        use std::io::Read;
        let body = "정제수, 글리세린, Water, Glycerin; ".repeat(200);
        // Twice each, and levels interleaved: a kept zstd context must not leak one level or
        // one body into the next.
        for _ in 0..2 {
            for coding in Coding::ALL {
                for &level in coding.levels() {
                    let packed = coding.compress(body.as_bytes(), level).unwrap();
                    assert!(packed.len() < body.len() / 5, "{coding:?} {level}");
                    let back = match coding {
                        Coding::Zstd => zstd::decode_all(&packed[..]).unwrap(),
                        Coding::Brotli => {
                            let mut out = Vec::new();
                            ::brotli::BrotliDecompress(&mut &packed[..], &mut out).unwrap();
                            out
                        }
                        Coding::Gzip => {
                            let mut out = Vec::new();
                            flate2::read::GzDecoder::new(&packed[..])
                                .read_to_end(&mut out)
                                .unwrap();
                            out
                        }
                    };
                    assert_eq!(back, body.as_bytes(), "{coding:?} {level}");
                }
            }
        }
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
