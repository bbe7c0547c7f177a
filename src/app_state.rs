//! What every request handler can reach. Its own module so that `web` (which reads it) and
//! `startup` (which makes it and hands it to `web`) depend on it, not on each other.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use crate::answer_cache::AnswerCache;
use crate::db::DbPool;
use crate::job_queue::JobQueue;
use crate::live_catalog::LiveCatalog;
use crate::security::{SafeguardSettings, Safeguards};

/// The answer cache's size unless set (`ANSWER_CACHE_MIB`).
pub const DEFAULT_ANSWER_CACHE_MIB: u64 = 128;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub catalog: Arc<LiveCatalog>,
    pub safeguards: Arc<Safeguards>,
    /// Finished product pages and search answers, by catalog version.
    pub answers: Arc<AnswerCache>,
    /// The site's address as visitors see it (`PUBLIC_URL`), for canonical links, share cards
    /// and the sitemap; without it, each request's own scheme and host.
    pub public_origin: Option<Arc<str>>,
    /// Label photos being read: one per core, a short queue behind.
    pub ocr_jobs: Arc<JobQueue>,
    /// The OCR program (Tesseract; `TESSERACT` names another).
    pub ocr_program: Arc<str>,
    /// Pasted lists being guessed and ranked: one per core, a short queue behind, so that the
    /// async workers (and `/healthz`, and every page) keep a core.
    pub list_jobs: Arc<JobQueue>,
    /// Database calls made for requests (`/metrics`: `seongbun_db_calls_total`).
    pub db_calls: Arc<AtomicU64>,
    /// Set on SIGTERM: `/readyz` says 503 and answers close their connection (`stopping`).
    pub draining: Arc<crate::stopping::Draining>,
}

impl AppState {
    /// The state over an opened database and an indexed catalog, with the default safeguards
    /// (admin sign-in off) and answer cache.
    pub fn new(pool: DbPool, catalog: LiveCatalog) -> Result<Self, String> {
        Ok(AppState {
            pool,
            catalog: Arc::new(catalog),
            safeguards: Arc::new(Safeguards::new(SafeguardSettings::default())?),
            answers: Arc::new(AnswerCache::new(DEFAULT_ANSWER_CACHE_MIB << 20)),
            public_origin: None,
            ocr_jobs: JobQueue::per_core(),
            ocr_program: Arc::from(crate::label_photo::ocr::default_program()),
            list_jobs: JobQueue::per_core(),
            db_calls: Arc::new(AtomicU64::new(0)),
            draining: Arc::default(),
        })
    }

    pub fn with_safeguards(self, settings: SafeguardSettings) -> Result<Self, String> {
        Ok(AppState {
            safeguards: Arc::new(Safeguards::new(settings)?),
            ..self
        })
    }

    /// The answer cache at `mib` MiB (0 turns it off).
    pub fn with_answer_cache_mib(self, mib: u64) -> Self {
        AppState {
            answers: Arc::new(AnswerCache::new(mib.saturating_mul(1 << 20))),
            ..self
        }
    }

    /// `at_once` photos read together, `waiting` more in line (tests make the line short).
    pub fn with_ocr_jobs(self, at_once: usize, waiting: usize) -> Self {
        AppState {
            ocr_jobs: JobQueue::new(at_once, waiting),
            ..self
        }
    }

    /// `at_once` pasted lists ranked together, `waiting` more in line (0 at once: none).
    pub fn with_list_jobs(self, at_once: usize, waiting: usize) -> Self {
        AppState {
            list_jobs: JobQueue::new(at_once, waiting),
            ..self
        }
    }

    /// Another OCR program than Tesseract on the `PATH` (tests use a stand-in).
    pub fn with_ocr_program(self, program: &std::path::Path) -> Self {
        AppState {
            ocr_program: Arc::from(program.to_string_lossy().as_ref()),
            ..self
        }
    }

    /// The site's public address: `https://` or `http://`, a host, nothing after it.
    pub fn with_public_url(self, url: Option<&str>) -> Result<Self, String> {
        let Some(url) = url.map(|u| u.trim().trim_end_matches('/')) else {
            return Ok(self);
        };
        url.strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .filter(|host| !host.is_empty() && !host.contains(['/', '?', '#', ' ']))
            .ok_or_else(|| {
                format!("PUBLIC_URL must be like https://seongbun.example (no path), not {url:?}")
            })?;
        Ok(AppState {
            public_origin: Some(Arc::from(url)),
            ..self
        })
    }
}
