//! What every request handler can reach. Its own module so that `web` (which reads it) and
//! `startup` (which makes it and hands it to `web`) depend on it, not on each other.

use std::sync::Arc;

use crate::catalog_index::LiveCatalog;
use crate::db::DbPool;
use crate::security::{SafeguardSettings, Safeguards};
use crate::web::AnswerCache;

/// The answer cache's size unless set (`ANSWER_CACHE_MIB`).
pub const DEFAULT_ANSWER_CACHE_MIB: u64 = 128;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub catalog: Arc<LiveCatalog>,
    pub safeguards: Arc<Safeguards>,
    /// Finished product pages and search answers, by catalog version.
    pub answers: Arc<AnswerCache>,
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
}
