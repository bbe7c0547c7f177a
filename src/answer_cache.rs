//! Finished answers of the pages that cost the most to make and are the same for every
//! visitor: the product page (4 similar products ranked, then rendered) and `/api/search`
//! (trigram candidates scored with strsim). Each is kept by the catalog version it was made
//! from, so an import, an admin edit or a restore makes every older answer unreachable at once;
//! nothing is ever served from a catalog other than the one in use. The cache is bounded in
//! bytes (S3-FIFO eviction, `quick_cache`): popular pages stay, one-off ones leave.
//!
//! Only successful answers to visitors who are not the admin are kept (the admin's pages carry
//! edit links); cookies and security headers are added around a kept answer as around a fresh
//! one (`web::kept_answers` serves it). A kept answer is compressed once, when kept, with zstd
//! at level 1 (what Chrome, Edge and Firefox take: 17 µs a 12 KB product page, to 0.267 of
//! it), and gzipped once more when a browser that takes gzip but not zstd first asks (Safari,
//! crawlers). It had been gzipped at level 6 when kept: 230 µs on every answer not yet kept,
//! three times what ranking and rendering a page cost.

use std::sync::{Arc, OnceLock};

use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::i18n::Lang;

/// Which answer: the catalog it was made from, the page's language, the site's address (a
/// page's canonical link and share card name it) and the path with its query string exactly
/// as asked. (`web::kept_answers` reads them off a request.)
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    catalog_version: i32,
    lang: Lang,
    origin: String,
    target: String,
}

impl AnswerKey {
    pub fn new(catalog_version: i32, lang: Lang, origin: String, target: String) -> Self {
        AnswerKey {
            catalog_version,
            lang,
            origin,
            target,
        }
    }
}

/// A whole answer: status, content type and body (and the body coded, once kept), and the
/// route pattern it was made on (`/products/{id}`), which metrics count a kept answer under.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    coded: Option<Arc<CodedBodies>>,
    route: Option<Arc<str>>,
}

/// A kept answer's body in the codings browsers take: zstd made when kept, gzip when first
/// asked for (shared by every copy of the answer, so made once).
#[derive(Debug)]
struct CodedBodies {
    zstd: Option<Bytes>,
    gzip: OnceLock<Option<Bytes>>,
}

/// The zstd level a kept answer is made at: level 1 costs about what -1, a page made per
/// request, does (17 against 13 µs) for a body an eighth smaller, sent on every later visit.
const KEPT_ZSTD_LEVEL: i32 = 1;

impl Answer {
    pub fn html(status: StatusCode, body: String) -> Self {
        Answer {
            status,
            content_type: "text/html; charset=utf-8",
            body: Bytes::from(body),
            coded: None,
            route: None,
        }
    }

    pub fn json(value: &impl serde::Serialize) -> Result<Self, serde_json::Error> {
        Ok(Answer {
            status: StatusCode::OK,
            content_type: "application/json",
            body: Bytes::from(serde_json::to_vec(value)?),
            coded: None,
            route: None,
        })
    }

    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Whether the answer is kept, its body coded: it is sent coded as the browser takes it,
    /// or plain, never compressed again.
    pub fn is_coded(&self) -> bool {
        self.coded.is_some()
    }

    /// The body in zstd, once the answer is kept.
    pub fn zstd(&self) -> Option<&Bytes> {
        self.coded.as_ref()?.zstd.as_ref()
    }

    /// The body gzipped, once the answer is kept: made the first time it is asked for.
    pub fn gzip(&self) -> Option<&Bytes> {
        let coded = self.coded.as_ref()?;
        coded
            .gzip
            .get_or_init(|| crate::compression::gzip(&self.body).map(Bytes::from))
            .as_ref()
    }

    /// The route pattern the answer was made on, if it was given.
    pub fn route(&self) -> Option<&Arc<str>> {
        self.route.as_ref()
    }

    pub fn on_route(mut self, pattern: Option<String>) -> Self {
        self.route = pattern.map(Arc::from);
        self
    }

    fn with_coded_body(mut self) -> Self {
        // Writing to memory cannot fail; if it ever did, the answer is served plain.
        let zstd = crate::compression::Coding::Zstd
            .compress(&self.body, KEPT_ZSTD_LEVEL)
            .map(Bytes::from);
        self.coded = Some(Arc::new(CodedBodies {
            zstd,
            gzip: OnceLock::new(),
        }));
        self
    }
}

/// Roughly what an entry costs beyond its key and body: the map slot, the key and answer
/// structs, the allocator's rounding.
const ENTRY_OVERHEAD_BYTES: u64 = 128;

#[derive(Clone)]
struct AnswerBytes;

impl Weighter<AnswerKey, Answer> for AnswerBytes {
    fn weight(&self, key: &AnswerKey, answer: &Answer) -> u64 {
        // The gzip a browser may ask for later is counted now, as long as the zstd (gzip at
        // level 6 comes within a tenth of zstd at 1 on product pages).
        let coded = answer.zstd().map_or(0, |zstd| 2 * zstd.len());
        (key.origin.len() + key.target.len() + answer.body.len() + coded) as u64
            + ENTRY_OVERHEAD_BYTES
    }
}

/// The kept answers; `None` when the cache is turned off (a size of 0).
pub struct AnswerCache {
    kept: Option<Cache<AnswerKey, Answer, AnswerBytes>>,
}

/// Entries a cache of this many bytes is sized for: product pages are 2–70 KB, search
/// answers about 2 KB.
const TYPICAL_ANSWER_BYTES: u64 = 8 * 1024;

impl AnswerCache {
    /// A cache holding at most about `capacity_bytes` of answers (0: keep nothing).
    pub fn new(capacity_bytes: u64) -> Self {
        let kept = (capacity_bytes > 0).then(|| {
            let estimated_items = (capacity_bytes / TYPICAL_ANSWER_BYTES).max(16) as usize;
            Cache::with_weighter(estimated_items, capacity_bytes, AnswerBytes)
        });
        AnswerCache { kept }
    }

    /// Whether answers are kept at all (not with a size of 0).
    pub fn is_on(&self) -> bool {
        self.kept.is_some()
    }

    pub fn get(&self, key: &AnswerKey) -> Option<Answer> {
        self.kept.as_ref()?.get(key)
    }

    /// Keeps a successful answer, coded; any other status is made afresh each time. Returns
    /// the answer to serve now.
    pub fn keep(&self, key: AnswerKey, answer: Answer) -> Answer {
        match &self.kept {
            Some(kept) if answer.status == StatusCode::OK => {
                let answer = answer.with_coded_body();
                kept.insert(key, answer.clone());
                answer
            }
            _ => answer,
        }
    }

    /// Bytes held now (keys, bodies and the per-entry estimate).
    pub fn weight(&self) -> u64 {
        self.kept.as_ref().map_or(0, |kept| kept.weight())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(target: &str, version: i32, lang: Lang) -> AnswerKey {
        AnswerKey::new(
            version,
            lang,
            "http://localhost".to_string(),
            target.to_string(),
        )
    }

    fn page(text: &str) -> Answer {
        Answer::html(StatusCode::OK, text.to_string())
    }

    #[test]
    fn an_answer_is_found_only_under_its_catalog_version_language_and_query() {
        let cache = AnswerCache::new(1 << 20);
        cache.keep(key("/products/7?no_alcohol=on", 3, Lang::Ko), page("ko v3"));
        let found = cache.get(&key("/products/7?no_alcohol=on", 3, Lang::Ko));
        assert_eq!(found.map(|a| a.body), Some(Bytes::from("ko v3")));
        for other in [
            key("/products/7?no_alcohol=on", 4, Lang::Ko),
            key("/products/7?no_alcohol=on", 3, Lang::En),
            key("/products/7", 3, Lang::Ko),
            key("/products/7?no_fragrance=on", 3, Lang::Ko),
        ] {
            assert!(cache.get(&other).is_none(), "{other:?}");
        }
    }

    #[test]
    fn a_kept_answer_is_coded_in_zstd_and_gzipped_once_when_first_asked() {
        use std::io::Read;
        let cache = AnswerCache::new(1 << 20);
        let text = "<li>Centella Asiatica Extract</li>".repeat(200);
        let made = page(&text);
        assert!(!made.is_coded() && made.zstd().is_none() && made.gzip().is_none());
        let served = cache.keep(key("/products/7", 1, Lang::Ko), made);
        let zstd = served.zstd().expect("coded when kept");
        assert!(zstd.len() < text.len() / 4);
        assert_eq!(zstd::decode_all(&zstd[..]).unwrap(), text.as_bytes());
        // Gzipped when first asked, on any copy, then the same bytes for every copy.
        let kept = cache.get(&key("/products/7", 1, Lang::Ko)).unwrap();
        let gzip = kept.gzip().expect("made when asked").clone();
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, text.as_bytes());
        let again = cache.get(&key("/products/7", 1, Lang::Ko)).unwrap();
        assert_eq!(again.gzip().unwrap().as_ptr(), gzip.as_ptr(), "made once");
        assert_eq!(served.gzip().unwrap().as_ptr(), gzip.as_ptr(), "made once");
    }

    #[test]
    fn failures_are_not_kept_and_a_zero_size_keeps_nothing() {
        let cache = AnswerCache::new(1 << 20);
        let refused = Answer::html(StatusCode::BAD_REQUEST, "bad price".to_string());
        cache.keep(key("/products/7?max_price=x", 1, Lang::Ko), refused);
        assert!(cache
            .get(&key("/products/7?max_price=x", 1, Lang::Ko))
            .is_none());

        let off = AnswerCache::new(0);
        off.keep(key("/products/7", 1, Lang::Ko), page("p"));
        assert!(off.get(&key("/products/7", 1, Lang::Ko)).is_none());
        assert_eq!(off.weight(), 0);
    }

    #[test]
    fn the_cache_stays_within_its_size() {
        let capacity = 64 * 1024;
        let cache = AnswerCache::new(capacity);
        let body = "x".repeat(1000);
        for id in 0..1000 {
            cache.keep(key(&format!("/products/{id}"), 1, Lang::Ko), page(&body));
            assert!(cache.weight() <= capacity, "{} bytes", cache.weight());
        }
        assert!(cache.weight() > capacity / 2, "it is used");
    }
}
