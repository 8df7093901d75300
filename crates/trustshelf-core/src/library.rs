//! The library handle: one data directory (catalog, index, lock) and the library folder it indexes.
//! Everything the CLI and the app do goes through here. It is `Sync`: searches and bookmark edits run
//! while an index run is under way (the run uses its own catalog connection; SQLite's WAL lets readers
//! and short writes interleave), and it refreshes its reader and in-memory document table when the
//! catalog changed, also when another process changed it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tantivy::IndexReader;

use crate::bookmarks::{Binder, Bookmark, BookmarkUpdate, NewBookmark};
use crate::catalog::{Catalog, Document, SkippedFile, Status};
use crate::error::{Error, Result};
use crate::export::{self, ExportReport, VerifyReport};
use crate::extract::Page;
use crate::index::{Fields, PageIndex};
use crate::ingest::{self, IndexReport, Progress};
use crate::search::{self, DocTable, Facets, HighlightRequest, SearchRequest, SearchResponse};
use crate::vocab::Labels;
use crate::worker::WorkerConfig;

const ROOT_SETTING: &str = "library_root";
const CATALOG_FILE: &str = "catalog.sqlite";

/// Counts and failures, for `status`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct LibraryStatus {
    /// The library folder, if one was indexed.
    pub root: Option<String>,
    /// The data directory.
    pub data_dir: String,
    /// Documents catalogued.
    pub documents: u64,
    /// Pages catalogued.
    pub pages: u64,
    /// Pages in the search index.
    pub indexed_pages: u64,
    /// Documents fully indexed.
    pub indexed: usize,
    /// Documents with some failed pages.
    pub partial: usize,
    /// Documents that failed entirely.
    pub failed: usize,
    /// Documents whose sidecar has errors.
    pub sidecar_errors: usize,
    /// Every document that needs attention.
    pub problems: Vec<DocumentProblem>,
    /// Files the last scan could not catalogue (unreadable, not a regular file, changed mid-scan).
    pub skipped: Vec<SkippedFile>,
    /// Bookmarks.
    pub bookmarks: usize,
    /// Binders.
    pub binders: usize,
}

/// A document that failed, partly failed, or has an invalid sidecar.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct DocumentProblem {
    /// Document id.
    pub id: i64,
    /// Path.
    pub path: String,
    /// Status.
    pub status: Status,
    /// What is wrong.
    pub reason: String,
}

/// One page of a document, for the viewer and `show`.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct PageView {
    /// The document.
    pub document: Document,
    /// The page.
    pub page: Page,
}

/// An open library.
pub struct Library {
    data_dir: PathBuf,
    /// Connection for reads and user-data writes.
    catalog: Mutex<Catalog>,
    /// The index's writer side; held by an index run.
    index: Mutex<PageIndex>,
    reader: IndexReader,
    /// The tantivy index, to read which catalog generation its last commit reflects.
    tantivy: tantivy::Index,
    fields: Fields,
    table: Mutex<(u64, Arc<DocTable>)>,
    worker: WorkerConfig,
}

impl Library {
    /// Opens (creating if needed) the library data in `data_dir`. The index is rebuilt from the
    /// catalog if it is missing, stale or from another schema version.
    pub fn open(data_dir: &Path, worker: WorkerConfig) -> Result<Library> {
        storage_errors(data_dir, Self::open_in(data_dir, worker))
    }

    fn open_in(data_dir: &Path, worker: WorkerConfig) -> Result<Library> {
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io(format!("creating data directory {}", data_dir.display()), e))?;
        let catalog = Catalog::open(&data_dir.join(CATALOG_FILE))?;
        let generation = catalog.generation()?;
        let index = PageIndex::open(&data_dir.join("index"), &catalog, generation)?;
        let table = DocTable::new(catalog.documents()?);
        let generation = index.generation()?.unwrap_or(0);
        let (reader, fields, tantivy) = (index.reader().clone(), index.fields, index.index().clone());
        Ok(Library {
            data_dir: data_dir.to_path_buf(),
            catalog: Mutex::new(catalog),
            index: Mutex::new(index),
            reader,
            tantivy,
            fields,
            table: Mutex::new((generation, Arc::new(table))),
            worker,
        })
    }

    /// A change to the user's data (bookmarks, binders) through the catalog connection.
    fn write<T>(&self, change: impl FnOnce(&Catalog) -> Result<T>) -> Result<T> {
        storage_errors(&self.data_dir, change(&self.catalog()))
    }

    fn catalog(&self) -> MutexGuard<'_, Catalog> {
        self.catalog.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The library folder last indexed, if any.
    pub fn root(&self) -> Result<Option<PathBuf>> {
        Ok(self.catalog().setting(ROOT_SETTING)?.map(PathBuf::from))
    }

    /// Indexes `folder` (or the library folder indexed last). Holds the data directory's write lock
    /// for the duration; another writer gets [`Error::LibraryInUse`].
    pub fn index(&self, folder: Option<&Path>, progress: &mut dyn FnMut(&Progress)) -> Result<IndexReport> {
        storage_errors(&self.data_dir, self.index_in(folder, progress))
    }

    fn index_in(&self, folder: Option<&Path>, progress: &mut dyn FnMut(&Progress)) -> Result<IndexReport> {
        let root = match folder {
            Some(f) => f.canonicalize().map_err(|_| Error::LibraryNotFound(f.to_path_buf()))?,
            None => self.root()?.ok_or(Error::NoLibrary)?,
        };
        let _lock = self.write_lock()?;
        let mut index = self.index.try_lock().map_err(|_| Error::LibraryInUse(self.data_dir.clone()))?;
        // The run writes through its own connection so the UI's stays free.
        let catalog = Catalog::open(&self.data_dir.join(CATALOG_FILE))?;
        catalog.set_setting(ROOT_SETTING, &root.to_string_lossy())?;
        let report = ingest::index_folder(&catalog, &mut index, &self.worker, &root, progress);
        drop(index);
        self.refresh()?;
        report
    }

    fn write_lock(&self) -> Result<std::fs::File> {
        use fs2::FileExt;
        let path = self.data_dir.join("write.lock");
        let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        f.try_lock_exclusive().map_err(|_| Error::LibraryInUse(self.data_dir.clone()))?;
        Ok(f)
    }

    /// Reloads the index reader and the document table when the index has a new commit (from this
    /// process's index run or another process's). Keyed on the committed generation, not the
    /// catalog's: the catalog runs ahead during a batch, and the table must include at least every
    /// document the index can return.
    pub fn refresh(&self) -> Result<()> {
        let committed = crate::index::committed_generation(&self.tantivy)?.unwrap_or(0);
        let mut t = self.table.lock().unwrap_or_else(|e| e.into_inner());
        if t.0 != committed {
            self.reader.reload()?;
            let docs = self.catalog().documents()?;
            *t = (committed, Arc::new(DocTable::new(docs)));
        }
        Ok(())
    }

    fn table(&self) -> Result<Arc<DocTable>> {
        self.refresh()?;
        Ok(self.table.lock().unwrap_or_else(|e| e.into_inner()).1.clone())
    }

    /// Searches the library.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let table = self.table()?;
        search::search(&self.reader.searcher(), self.fields, &table, req)
    }

    /// Where the searched terms are in texts of a document (see [`search::highlight`]).
    pub fn highlight(&self, req: &HighlightRequest) -> Result<Vec<Vec<[usize; 2]>>> {
        Ok(search::highlight_in(&*self.table()?, req))
    }

    /// The vocabulary's categories, regions and standards with their labels.
    pub fn labels(&self) -> Labels {
        crate::vocab::vocabulary().labels()
    }

    /// Facet counts over the whole library.
    pub fn facets(&self) -> Result<Facets> {
        Ok(self.search(&SearchRequest { limit: 1, ..Default::default() })?.facets)
    }

    /// Every document.
    pub fn documents(&self) -> Result<Vec<Document>> {
        self.catalog().documents()
    }

    /// A document by id, or by path relative to the library folder.
    pub fn document(&self, id_or_path: &str) -> Result<Document> {
        let catalog = self.catalog();
        if let Ok(id) = id_or_path.parse::<i64>() {
            if let Ok(d) = catalog.document(id) {
                return Ok(d);
            }
        }
        let rel = id_or_path.trim_start_matches("./");
        if let Some(d) = catalog.document_by_path(rel)? {
            return Ok(d);
        }
        drop(catalog);
        if let (Some(root), Ok(abs)) = (self.root()?, Path::new(id_or_path).canonicalize()) {
            if let Ok(rel) = abs.strip_prefix(&root) {
                if let Some(d) = self.catalog().document_by_path(&rel.to_string_lossy())? {
                    return Ok(d);
                }
            }
        }
        Err(Error::DocumentNotFound(id_or_path.to_string()))
    }

    /// One page of a document.
    pub fn page(&self, id_or_path: &str, page: u32) -> Result<PageView> {
        let document = self.document(id_or_path)?;
        let p = self.catalog().page(&document.hash, page)?.ok_or_else(|| Error::PageOutOfRange { document: document.path.clone(), page, pages: document.page_count })?;
        Ok(PageView { document, page: p })
    }

    /// What an audit document says (kind, parties, period, opinion, exceptions, CUECs, subservice
    /// organisations), each fact with its page and quote.
    pub fn facts(&self, id_or_path: &str) -> Result<crate::facts::Facts> {
        let document = self.document(id_or_path)?;
        let pages = self.catalog().pages(&document.hash)?;
        Ok(crate::facts::read(&document, &pages))
    }

    /// Every page of a document, for viewers of non-paged formats.
    pub fn pages(&self, id: i64) -> Result<Vec<Page>> {
        let catalog = self.catalog();
        let d = catalog.document(id)?;
        catalog.pages(&d.hash)
    }

    /// The bytes of a document's file, checked against the catalog's hash so a viewer never shows
    /// content other than what was indexed and cited.
    pub fn read_document(&self, id: i64) -> Result<Vec<u8>> {
        let d = self.catalog().document(id)?;
        let root = self.root()?.ok_or(Error::NoLibrary)?;
        let path = crate::files::library_file(&root, &d.path);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        if crate::files::content_hash(&bytes) != d.hash {
            return Err(Error::DocumentChanged(d.path));
        }
        Ok(bytes)
    }

    /// Counts and every document that needs attention.
    pub fn status(&self) -> Result<LibraryStatus> {
        let catalog = self.catalog();
        let docs = catalog.documents()?;
        let (documents, pages) = catalog.counts()?;
        let mut problems = Vec::new();
        let (mut indexed, mut partial, mut failed, mut sidecar_errors) = (0, 0, 0, 0);
        for d in &docs {
            match d.status {
                Status::Indexed => indexed += 1,
                Status::Partial => partial += 1,
                Status::Failed => failed += 1,
            }
            if d.status != Status::Indexed {
                problems.push(DocumentProblem { id: d.id, path: d.path.clone(), status: d.status, reason: d.reason.clone().unwrap_or_default() });
            }
            if !d.sidecar_errors.is_empty() {
                sidecar_errors += 1;
                problems.push(DocumentProblem { id: d.id, path: d.path.clone(), status: d.status, reason: format!("sidecar: {}", d.sidecar_errors.join("; ")) });
            }
        }
        Ok(LibraryStatus {
            root: catalog.setting(ROOT_SETTING)?,
            data_dir: self.data_dir.display().to_string(),
            documents,
            pages,
            indexed_pages: self.reader.searcher().num_docs(),
            indexed,
            partial,
            failed,
            sidecar_errors,
            problems,
            skipped: catalog.skipped_files()?,
            bookmarks: catalog.bookmark_count()?,
            binders: catalog.binders()?.len(),
        })
    }

    /// Creates a bookmark.
    pub fn add_bookmark(&self, b: &NewBookmark) -> Result<Bookmark> {
        self.write(|c| c.add_bookmark(b))
    }

    /// One bookmark.
    pub fn bookmark(&self, id: i64) -> Result<Bookmark> {
        self.catalog().bookmark(id)
    }

    /// Bookmarks, all or one binder's (by id or name).
    pub fn bookmarks(&self, binder: Option<&str>) -> Result<Vec<Bookmark>> {
        let catalog = self.catalog();
        let id = binder.map(|b| catalog.find_binder(b).map(|b| b.id)).transpose()?;
        catalog.bookmarks(id)
    }

    /// Changes a bookmark.
    pub fn update_bookmark(&self, id: i64, u: &BookmarkUpdate) -> Result<Bookmark> {
        self.write(|c| c.update_bookmark(id, u))
    }

    /// Deletes a bookmark and returns it.
    pub fn remove_bookmark(&self, id: i64) -> Result<Bookmark> {
        self.write(|c| c.remove_bookmark(id))
    }

    /// Creates a binder.
    pub fn create_binder(&self, name: &str, description: &str) -> Result<Binder> {
        self.write(|c| c.create_binder(name, description))
    }

    /// A binder by id or name.
    pub fn find_binder(&self, id_or_name: &str) -> Result<Binder> {
        self.catalog().find_binder(id_or_name)
    }

    /// Every binder.
    pub fn binders(&self) -> Result<Vec<Binder>> {
        self.catalog().binders()
    }

    /// Renames a binder.
    pub fn rename_binder(&self, id: i64, name: &str) -> Result<Binder> {
        self.write(|c| c.rename_binder(id, name))
    }

    /// Deletes a binder; its bookmarks stay.
    pub fn delete_binder(&self, id: i64) -> Result<()> {
        self.write(|c| c.delete_binder(id))
    }

    /// Puts a bookmark into a binder.
    pub fn add_to_binder(&self, binder: i64, bookmark: i64) -> Result<()> {
        self.write(|c| c.add_to_binder(binder, bookmark))
    }

    /// Takes a bookmark out of a binder.
    pub fn remove_from_binder(&self, binder: i64, bookmark: i64) -> Result<()> {
        self.write(|c| c.remove_from_binder(binder, bookmark))
    }

    /// Sets the order of a binder's bookmarks.
    pub fn reorder_binder(&self, binder: i64, order: &[i64]) -> Result<()> {
        self.write(|c| c.reorder_binder(binder, order))
    }

    /// Exports a binder (by id or name) as an evidence package.
    pub fn export_binder(&self, binder: &str, dest: &Path, include_originals: bool, progress: &mut dyn FnMut(usize, usize)) -> Result<ExportReport> {
        let root = self.root()?;
        let catalog = self.catalog();
        let b = catalog.find_binder(binder)?;
        export::export_binder(&catalog, root.as_deref(), b.id, dest, include_originals, progress)
    }

    /// Writes a consistent copy of the catalog — bookmarks, binders, metadata and the extracted text —
    /// to `dest` with SQLite's online backup, while the library stays usable.
    pub fn backup(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::InvalidInput(format!("{} exists; choose a new file name", dest.display())));
        }
        self.catalog().conn.backup(rusqlite::MAIN_DB, dest, None)?;
        Ok(())
    }

    /// Replaces the catalog with a backup made by [`Library::backup`] and rebuilds the index from it.
    /// The file is checked to be a TrustShelf catalog first; the current catalog is untouched if not.
    pub fn restore(&self, src: &Path) -> Result<()> {
        storage_errors(&self.data_dir, self.restore_in(src))
    }

    fn restore_in(&self, src: &Path) -> Result<()> {
        {
            let probe = rusqlite::Connection::open_with_flags(src, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            probe
                .query_row("SELECT (SELECT COUNT(*) FROM bookmarks) + (SELECT COUNT(*) FROM binders) + (SELECT COUNT(*) FROM documents)", [], |r| r.get::<_, i64>(0))
                .map_err(|_| Error::InvalidInput(format!("{} is not a TrustShelf backup", src.display())))?;
        }
        let _lock = self.write_lock()?;
        let mut index = self.index.try_lock().map_err(|_| Error::LibraryInUse(self.data_dir.clone()))?;
        let mut catalog = self.catalog();
        catalog.conn.restore(rusqlite::MAIN_DB, src, None::<fn(rusqlite::backup::Progress)>)?;
        // A backup from an older version is brought up to this version's schema.
        let conn = std::mem::replace(&mut catalog.conn, rusqlite::Connection::open_in_memory()?);
        *catalog = Catalog::from_connection(conn)?;
        let generation = catalog.bump_generation()?;
        index.rebuild(&catalog, generation)?;
        drop(catalog);
        drop(index);
        self.refresh()
    }

    /// Verifies the library's files against the catalog.
    pub fn verify_library(&self) -> Result<VerifyReport> {
        let root = self.root()?.ok_or(Error::NoLibrary)?;
        export::verify_library(&self.catalog(), &root)
    }
}

/// What the library's callers see of a failed storage operation: a full disk or a read-only data
/// directory named as such (see [`Error::in_data_dir`]). Every operation that writes to the data
/// directory returns through here.
fn storage_errors<T>(data_dir: &Path, result: Result<T>) -> Result<T> {
    result.map_err(|e| e.in_data_dir(data_dir))
}
