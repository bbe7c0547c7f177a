//! The catalog an instance last indexed, kept in a local file: an instance (re)started while
//! PostgreSQL is away starts from it and serves reads (pages, search, similar products), and
//! catches up through `watch` once the database answers. The file holds the built index, not the
//! database's rows, so that starting from it costs reading it, not indexing again.
//!
//! Only the binary that wrote a file reads it (its header carries a fingerprint of the
//! executable): the index's layout is the code's, and another build could read garbage. A file
//! is written beside its final name and renamed over it, so a reader never sees half of one,
//! and instances sharing a machine and a database may share the file.

use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Instant;

use crate::live_catalog::CatalogIndex;

const MAGIC: &[u8; 8] = b"SBCATIX1";

/// A fingerprint of the running executable: its bytes hashed once.
fn build_fingerprint() -> u64 {
    static FINGERPRINT: OnceLock<u64> = OnceLock::new();
    *FINGERPRINT.get_or_init(|| {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let bytes = std::env::current_exe()
            .and_then(std::fs::read)
            .unwrap_or_default();
        // A fixed-key hasher: the same bytes give the same fingerprint in every process.
        BuildHasherDefault::<DefaultHasher>::default().hash_one(bytes)
    })
}

/// Where the default snapshot of `database_url` lives: the user's cache folder
/// (`$XDG_CACHE_HOME/seongbun`, else `~/.cache/seongbun`; kept across reboots), one file per
/// database, shared by the instances one user runs on a machine. Not a shared temporary folder:
/// there another local user could plant a file to be read, or a link to be written through.
/// `None` without a home folder.
pub fn default_path(database_url: &str) -> Option<PathBuf> {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?;
    let database = crate::db::without_password(database_url);
    let key = BuildHasherDefault::<DefaultHasher>::default().hash_one(database);
    Some(
        cache
            .join("seongbun")
            .join(format!("catalog-{key:016x}.snapshot")),
    )
}

/// Writes `index` to `path` (through a temporary file beside it); returns the bytes written.
pub fn write(path: &Path, index: &CatalogIndex) -> Result<u64, String> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_extension(format!("{}.{n}.partial", std::process::id()));
    let written = (|| -> Result<u64, String> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| e.to_string())?;
        }
        // A new file, never one already there (nor where a link planted there points).
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)
            .map_err(|e| e.to_string())?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(MAGIC).map_err(|e| e.to_string())?;
        out.write_all(&build_fingerprint().to_le_bytes())
            .map_err(|e| e.to_string())?;
        bincode::serialize_into(&mut out, index).map_err(|e| e.to_string())?;
        let file = out.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        let bytes = file.metadata().map_err(|e| e.to_string())?.len();
        std::fs::rename(&temporary, path).map_err(|e| e.to_string())?;
        Ok(bytes)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// The index in `path`, when it is there, whole and written by this very build.
pub fn read(path: &Path) -> Result<CatalogIndex, String> {
    // Read through a buffer, not whole: the file is most of the index's size again.
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, file);
    let mut header = [0u8; 16];
    input
        .read_exact(&mut header)
        .map_err(|_| "not a catalog snapshot".to_string())?;
    if &header[..8] != MAGIC {
        return Err("not a catalog snapshot".into());
    }
    if header[8..] != build_fingerprint().to_le_bytes() {
        return Err("written by another build of seongbun".into());
    }
    let mut index: CatalogIndex =
        bincode::deserialize_from(input).map_err(|e| format!("unreadable: {e}"))?;
    index.after_snapshot_read();
    Ok(index)
}

/// Writes each new index to the snapshot file on a thread of its own, so that neither a
/// request nor a rebuild waits for the disk. It is handed a `Weak`: an index replaced before its
/// turn is skipped (a newer one follows), and the writer holds an index only while writing it.
pub struct SnapshotWriter {
    path: PathBuf,
    queue: Mutex<Sender<Weak<CatalogIndex>>>,
    /// Held while a file is written; a rebuild waits for it before it builds, so that an
    /// instance holds at most the index it serves and the one being built, never a third.
    pub(super) writing: Arc<Mutex<()>>,
}

impl SnapshotWriter {
    pub fn start(path: PathBuf) -> std::io::Result<SnapshotWriter> {
        let (queue, next) = mpsc::channel::<Weak<CatalogIndex>>();
        let writing = Arc::new(Mutex::new(()));
        let (thread_path, thread_writing) = (path.clone(), writing.clone());
        std::thread::Builder::new()
            .name("catalog-snapshot".into())
            .spawn(move || {
                while let Ok(index) = next.recv() {
                    let _writing = thread_writing.lock().unwrap_or_else(|e| e.into_inner());
                    let Some(index) = index.upgrade() else {
                        continue;
                    };
                    let started = Instant::now();
                    match write(&thread_path, &index) {
                        Ok(bytes) => log::info!(
                            "catalog snapshot (version {}) written to {}: {} MB in {:.2?}",
                            index.version(),
                            thread_path.display(),
                            bytes >> 20,
                            started.elapsed()
                        ),
                        Err(e) => log::warn!(
                            "could not write the catalog snapshot {}: {e}",
                            thread_path.display()
                        ),
                    }
                }
            })?;
        Ok(SnapshotWriter {
            path,
            queue: Mutex::new(queue),
            writing,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues `index` to be written.
    pub fn keep(&self, index: &Arc<CatalogIndex>) {
        let queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let _ = queue.send(Arc::downgrade(index));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_index(dir: &Path) -> CatalogIndex {
        let pool = crate::db::open(dir.join("catalog.db").to_str().unwrap()).unwrap();
        let mut conn = pool.get().unwrap();
        crate::catalog::demo::seed_if_empty(&mut conn).unwrap();
        CatalogIndex::load(&mut conn).unwrap()
    }

    #[test]
    fn an_index_read_back_answers_as_the_one_written() {
        let dir = tempfile::tempdir().unwrap();
        let index = demo_index(dir.path());
        let path = dir.path().join("catalog.snapshot");
        assert!(write(&path, &index).unwrap() > 0);
        let read = read(&path).unwrap();
        assert_eq!(read.version(), index.version());
        assert_eq!(read.products(), index.products());
        let ranked = |index: &CatalogIndex, id: i32| -> Vec<(i32, u32)> {
            index
                .similar_products(id, 4)
                .unwrap()
                .iter()
                .map(|s| (s.product.id, (s.score * 1e6) as u32))
                .collect()
        };
        for id in [1, 7, 23] {
            assert_eq!(ranked(&read, id), ranked(&index, id));
        }
        let searched = |index: &CatalogIndex| -> Vec<i32> {
            index
                .search("haneul ceramde cream", 4)
                .iter()
                .map(|(p, _)| p.id)
                .collect()
        };
        assert!(!searched(&index).is_empty());
        assert_eq!(searched(&read), searched(&index));
        // The ingredient keys the file leaves out are back: names resolve to the same ids.
        let named = |index: &CatalogIndex| -> Vec<i32> {
            let (found, _) = index.ingredients_named("정제수, Glycerin, niacinamide");
            found.iter().map(|i| i.id).collect()
        };
        assert_eq!(named(&read), named(&index));
        assert_eq!(named(&read).len(), 3);
        let korean = |index: &CatalogIndex| -> Vec<Option<String>> {
            index
                .ingredients_of(1)
                .iter()
                .map(|i| i.name_ko.clone())
                .collect()
        };
        assert_eq!(korean(&read), korean(&index));
        // Read from the file, not looked up again: a chip asks no dictionary.
        assert!(korean(&read).iter().any(Option::is_some));
    }

    #[test]
    fn a_cut_off_or_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let index = demo_index(dir.path());
        let path = dir.path().join("catalog.snapshot");
        write(&path, &index).unwrap();
        let whole = std::fs::read(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
        let refusal = |path: &Path| read(path).err().unwrap_or_default();
        assert!(refusal(&path).contains("unreadable"));
        let mut foreign = whole.clone();
        foreign[9] ^= 0xff;
        std::fs::write(&path, &foreign).unwrap();
        assert!(refusal(&path).contains("another build"));
        std::fs::write(&path, b"hello").unwrap();
        assert!(refusal(&path).contains("not a catalog snapshot"));
        assert!(read(&dir.path().join("missing")).is_err());
        assert!(
            std::fs::read_dir(dir.path()).unwrap().all(|f| !f
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial")),
            "no temporary file is left"
        );
    }
}
