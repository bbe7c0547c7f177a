//! `seongbun import FILE...`: reads each file whole (recognising its format), then saves it in
//! one transaction; a dictionary re-resolves the ingredients already stored.

mod formats;
mod pylist;

use std::fmt;

use crate::db::Conn;
use indicatif::{ProgressBar, ProgressStyle};

pub use formats::{read_contents, FileContents};

use super::demo::DEMO_SOURCE;
use super::store::{self, SaveCounts};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {message}; nothing of this file was imported")]
    Malformed {
        path: String,
        line: u64,
        message: String,
    },
    #[error(
        "{path}: unknown format (header: {header}); see README.md for the formats seongbun reads"
    )]
    UnknownFormat { path: String, header: String },
    #[error("{path}: the database refused the import: {source}")]
    Database {
        path: String,
        source: diesel::result::Error,
    },
}

/// What importing one file did, printed as the import's summary.
#[derive(Debug)]
pub enum ImportReport {
    Products {
        path: String,
        format: &'static str,
        counts: SaveCounts,
        skipped: formats::Skipped,
    },
    References {
        path: String,
        format: &'static str,
        added: usize,
        updated: usize,
        unchanged: usize,
        products_re_resolved: usize,
    },
}

/// Imports one file into the database.
pub fn import_file(conn: &mut Conn, path: &str) -> Result<ImportReport, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_string(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        ImportError::Malformed {
            path: path.to_string(),
            line: line as u64,
            message: "the text is not valid UTF-8".to_string(),
        }
    })?;
    import_text(conn, path, &text)
}

/// Imports a file's text (`path` names it in messages and as the products' source).
pub fn import_text(conn: &mut Conn, path: &str, text: &str) -> Result<ImportReport, ImportError> {
    let database = |source| ImportError::Database {
        path: path.to_string(),
        source,
    };
    match read_contents(path, text)? {
        FileContents::Products {
            format,
            products,
            skipped,
        } => {
            let resolver = store::load_resolver(conn).map_err(database)?;
            let bar = progress_bar(products.len());
            // A real catalog replaces the fictional demo one, in the same transaction.
            let replacing = (path != DEMO_SOURCE).then_some(DEMO_SOURCE);
            let counts = store::save_products(conn, &products, replacing, &resolver, |done| {
                if done % 256 == 0 {
                    bar.set_position(done as u64)
                }
            })
            .map_err(database)?;
            bar.finish_and_clear();
            Ok(ImportReport::Products {
                path: path.to_string(),
                format,
                counts,
                skipped,
            })
        }
        FileContents::References { format, sets } => {
            let (mut added, mut updated, mut unchanged) = (0, 0, 0);
            for (kind, pairs) in sets {
                let (a, u, n) = store::save_references(conn, kind, &pairs).map_err(database)?;
                (added, updated, unchanged) = (added + a, updated + u, unchanged + n);
            }
            // Always, even when no reference changed: it writes only what differs, and it
            // finishes a re-resolution an earlier, interrupted import left undone.
            let resolver = store::load_resolver(conn).map_err(database)?;
            let products_re_resolved = store::reresolve_all(conn, &resolver).map_err(database)?;
            Ok(ImportReport::References {
                path: path.to_string(),
                format,
                added,
                updated,
                unchanged,
                products_re_resolved,
            })
        }
    }
}

fn progress_bar(len: usize) -> ProgressBar {
    // Drawn on a terminal only (indicatif hides itself otherwise), and only for large files.
    if len < 2_000 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} products ({eta})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("saving");
    bar
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportReport::Products {
                path,
                format,
                counts,
                skipped,
            } => {
                writeln!(f, "{path} ({format}):")?;
                writeln!(
                    f,
                    "  added {}, updated {}, unchanged {}, skipped {}",
                    counts.added,
                    counts.updated,
                    counts.unchanged,
                    skipped.values().map(Vec::len).sum::<usize>()
                )?;
                for (reason, lines) in skipped {
                    let shown: Vec<String> = lines.iter().take(10).map(u64::to_string).collect();
                    let more = if lines.len() > 10 { ", …" } else { "" };
                    writeln!(
                        f,
                        "  skipped {}: {reason} (line {}{more})",
                        lines.len(),
                        shown.join(", ")
                    )?;
                }
                if counts.replaced > 0 {
                    writeln!(
                        f,
                        "  removed the {} products of the built-in demo catalog",
                        counts.replaced
                    )?;
                }
                for (reason, n) in &counts.without_ingredients {
                    writeln!(f, "  kept without ingredient information {n}: {reason}")?;
                }
                Ok(())
            }
            ImportReport::References {
                path,
                format,
                added,
                updated,
                unchanged,
                products_re_resolved,
            } => {
                writeln!(f, "{path} ({format}):")?;
                writeln!(
                    f,
                    "  references added {added}, updated {updated}, unchanged {unchanged}"
                )?;
                writeln!(
                    f,
                    "  products whose ingredients were resolved again: {products_re_resolved}"
                )
            }
        }
    }
}
