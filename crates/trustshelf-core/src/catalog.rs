//! The catalog: SQLite, the source of truth. It owns documents, their metadata (declared and inferred),
//! extraction status, the extracted page text cached by content hash, library settings, and — in their
//! own tables that indexing never rewrites — the user's bookmarks and binders.
//!
//! Migrations are embedded and applied inside a transaction; the database runs in WAL mode.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ExtractError, Result};
use crate::extract::{Extraction, Format, Page};
use crate::metadata::{Metadata, Sidecar};

/// The setting that holds the catalog's generation (see [`Catalog::generation`]).
const GENERATION_SETTING: &str = "generation";

const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Extraction results by content hash: the cache that makes re-indexing and renames free.
CREATE TABLE contents (
    hash TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('indexed', 'partial', 'failed')),
    reason TEXT,
    extractor TEXT,
    page_count INTEGER NOT NULL DEFAULT 0,
    failed_pages TEXT NOT NULL DEFAULT '[]',
    title TEXT,
    file_date TEXT,
    extracted_at TEXT NOT NULL
);
CREATE TABLE pages (
    hash TEXT NOT NULL REFERENCES contents(hash) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (hash, number)
) WITHOUT ROWID;

-- Files of the library, by path relative to the library folder.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL REFERENCES contents(hash),
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sidecar_mtime_ns INTEGER,
    declared TEXT NOT NULL DEFAULT '{}',
    inferred TEXT NOT NULL DEFAULT '{}',
    sidecar_errors TEXT NOT NULL DEFAULT '[]',
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX documents_hash ON documents(hash);

-- User data. Indexing never writes these tables.
CREATE TABLE binders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY,
    doc_hash TEXT NOT NULL,
    doc_path TEXT NOT NULL,
    doc_title TEXT NOT NULL,
    page INTEGER NOT NULL CHECK (page >= 1),
    page_label TEXT NOT NULL DEFAULT '',
    quote TEXT,
    note TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE binder_bookmarks (
    binder_id INTEGER NOT NULL REFERENCES binders(id) ON DELETE CASCADE,
    bookmark_id INTEGER NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (binder_id, bookmark_id)
);
"#, r#"
-- Files the last scan could not catalogue (unreadable, not a regular file, changed mid-scan, link
-- loops), replaced by every indexing run so the app and `status` can list them.
CREATE TABLE skipped_files (
    path TEXT PRIMARY KEY,
    reason TEXT NOT NULL
) WITHOUT ROWID;
"#, r#"
-- Page texts (~2 KB each) overflowed the clustered b-tree of a WITHOUT ROWID table and took twice
-- their size on disk (2.3 GB for 1.15 GB of text at 500,000 pages); a rowid table stores them whole.
CREATE TABLE pages_v3 (
    hash TEXT NOT NULL REFERENCES contents(hash) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (hash, number)
);
INSERT INTO pages_v3(hash, number, label, text) SELECT hash, number, label, text FROM pages ORDER BY hash, number;
DROP TABLE pages;
ALTER TABLE pages_v3 RENAME TO pages;
"#, r#"
-- A page read by OCR: Tesseract's confidence, languages and word boxes (JSON of extract::Ocr).
ALTER TABLE pages ADD COLUMN ocr TEXT;
"#, r#"
-- Pages waiting for the OCR pass: NULL none, '[]' the whole file, '[3, 7]' those pages. Kept until
-- OCR has run, so a pass cut short (the app closed) resumes on the next run.
ALTER TABLE contents ADD COLUMN ocr_pages TEXT;
"#];

/// Extraction outcome of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every page extracted.
    Indexed,
    /// Some pages failed; the rest are indexed.
    Partial,
    /// Nothing could be extracted; the document is browsable by metadata only.
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Indexed => "indexed",
            Status::Partial => "partial",
            Status::Failed => "failed",
        }
    }
    fn parse(s: &str) -> Status {
        match s {
            "indexed" => Status::Indexed,
            "partial" => Status::Partial,
            _ => Status::Failed,
        }
    }
}

/// A file of the library folder that the last scan could not catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SkippedFile {
    /// Path relative to the library folder.
    pub path: String,
    /// Why it was left out.
    pub reason: String,
}

/// A catalogued document as the UI and CLI see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Document {
    /// Stable id (survives rescans and renames).
    pub id: i64,
    /// Path relative to the library folder, with `/` separators.
    pub path: String,
    /// SHA-256 of the file's content.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
    /// Detected format.
    pub format: Format,
    /// Extraction status.
    pub status: Status,
    /// Why extraction failed or was partial, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Which extractor produced the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extractor: Option<String>,
    /// Number of pages (or sections).
    pub page_count: u32,
    /// Pages that failed, with the reason.
    pub failed_pages: Vec<(u32, String)>,
    /// Effective metadata: declared, completed by inferred.
    pub metadata: Metadata,
    /// Names of the fields in `metadata` that were inferred rather than declared.
    pub inferred_fields: Vec<String>,
    /// Problems with the document's sidecar, one per field.
    pub sidecar_errors: Vec<String>,
}

/// What the scanner knows of a catalogued file, to decide whether it changed.
#[derive(Debug, Clone)]
pub struct FileState {
    /// Document id.
    pub id: i64,
    /// Relative path.
    pub path: String,
    /// Content hash.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time in ns.
    pub mtime_ns: i64,
    /// Sidecar modification time in ns, if it had one.
    pub sidecar_mtime_ns: Option<i64>,
}

/// The SQLite catalog.
pub struct Catalog {
    pub(crate) conn: Connection,
}

/// Current time as RFC 3339.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

impl Catalog {
    /// Opens (creating and migrating) the catalog at `path`.
    pub fn open(path: &Path) -> Result<Catalog> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// An in-memory catalog, for tests.
    pub fn open_in_memory() -> Result<Catalog> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Wraps an open connection, applying settings and migrations.
    pub(crate) fn from_connection(conn: Connection) -> Result<Catalog> {
        Self::init(conn)
    }

    fn init(mut conn: Connection) -> Result<Catalog> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let migrations = Migrations::new(MIGRATIONS.iter().map(|m| M::up(m)).collect());
        // rusqlite_migration applies all pending migrations in one transaction.
        migrations.to_latest(&mut conn)?;
        Ok(Catalog { conn })
    }

    /// A library setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Sets a library setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute("INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])?;
        Ok(())
    }

    /// The catalog's generation: bumped before each batch of changes, recorded by the index commit
    /// that completes the batch. An index whose recorded generation differs is rebuilt on open.
    pub fn generation(&self) -> Result<u64> {
        Ok(self.setting(GENERATION_SETTING)?.and_then(|g| g.parse().ok()).unwrap_or(0))
    }

    /// Starts a new generation (before a batch of changes) and returns it.
    pub fn bump_generation(&self) -> Result<u64> {
        let g = self.generation()? + 1;
        self.set_setting(GENERATION_SETTING, &g.to_string())?;
        Ok(g)
    }

    /// Replaces the list of files the last scan left out.
    pub fn set_skipped_files(&self, files: &[(String, String)]) -> Result<()> {
        self.transaction(|c| {
            c.conn.execute("DELETE FROM skipped_files", [])?;
            let mut stmt = c.conn.prepare("INSERT OR REPLACE INTO skipped_files(path, reason) VALUES (?1, ?2)")?;
            for (path, reason) in files {
                stmt.execute([path, reason])?;
            }
            Ok(())
        })
    }

    /// Files the last scan left out, by path.
    pub fn skipped_files(&self) -> Result<Vec<SkippedFile>> {
        let mut stmt = self.conn.prepare("SELECT path, reason FROM skipped_files ORDER BY path")?;
        let rows = stmt.query_map([], |r| Ok(SkippedFile { path: r.get(0)?, reason: r.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every catalogued file's change-detection state.
    pub fn file_states(&self) -> Result<Vec<FileState>> {
        let mut stmt = self.conn.prepare("SELECT id, path, hash, size, mtime_ns, sidecar_mtime_ns FROM documents")?;
        let rows = stmt.query_map([], |r| {
            Ok(FileState { id: r.get(0)?, path: r.get(1)?, hash: r.get(2)?, size: r.get::<_, i64>(3)? as u64, mtime_ns: r.get(4)?, sidecar_mtime_ns: r.get(5)? })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Returns true if and only if extraction results for `hash` are cached.
    pub fn has_content(&self, hash: &str) -> Result<bool> {
        Ok(self.conn.query_row("SELECT 1 FROM contents WHERE hash = ?1", [hash], |_| Ok(())).optional()?.is_some())
    }

    /// Stores an extraction outcome for a content hash (replacing any earlier one).
    pub fn put_content(&self, hash: &str, format: Format, outcome: &std::result::Result<Extraction, ExtractError>) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM pages WHERE hash = ?1", [hash])?;
        match outcome {
            Ok(ex) => {
                let status = if ex.failed_pages.is_empty() { Status::Indexed } else { Status::Partial };
                let reason = (!ex.failed_pages.is_empty()).then(|| format!("{} of {} pages could not be extracted", ex.failed_pages.len(), ex.pages.len()));
                tx.execute(
                    "INSERT INTO contents(hash, format, status, reason, extractor, page_count, failed_pages, title, file_date, extracted_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT(hash) DO UPDATE SET format=excluded.format, status=excluded.status, reason=excluded.reason,
                       extractor=excluded.extractor, page_count=excluded.page_count, failed_pages=excluded.failed_pages,
                       title=excluded.title, file_date=excluded.file_date, extracted_at=excluded.extracted_at",
                    params![hash, format.as_str(), status.as_str(), reason, ex.extractor, ex.pages.len() as i64,
                        serde_json::to_string(&ex.failed_pages).unwrap(), ex.title, ex.file_date, now()],
                )?;
                let mut stmt = tx.prepare("INSERT INTO pages(hash, number, label, text, ocr) VALUES (?1, ?2, ?3, ?4, ?5)")?;
                for p in &ex.pages {
                    let ocr = p.ocr.as_ref().map(|o| serde_json::to_string(o).expect("plain data serialises"));
                    stmt.execute(params![hash, p.number, p.label, p.text, ocr])?;
                }
            }
            Err(e) => {
                tx.execute(
                    "INSERT INTO contents(hash, format, status, reason, page_count, extracted_at) VALUES (?1, ?2, 'failed', ?3, 0, ?4)
                     ON CONFLICT(hash) DO UPDATE SET format=excluded.format, status='failed', reason=excluded.reason, extractor=NULL,
                       page_count=0, failed_pages='[]', title=NULL, file_date=NULL, extracted_at=excluded.extracted_at",
                    params![hash, format.as_str(), user_reason(e), now()],
                )?;
            }
        }
        let pending = match outcome {
            Ok(ex) if !ex.scanned_pages.is_empty() && matches!(format, Format::Pdf) => Some(serde_json::to_string(&ex.scanned_pages).expect("numbers serialise")),
            Err(ExtractError::NoText | ExtractError::OcrUnavailable(_)) if matches!(format, Format::Pdf | Format::Image) => Some("[]".to_string()),
            _ => None,
        };
        tx.execute("UPDATE contents SET ocr_pages = ?2 WHERE hash = ?1", params![hash, pending])?;
        tx.commit()?;
        Ok(())
    }

    /// Contents waiting for the OCR pass: (hash, format, the pages to read — empty: all of them).
    pub fn pending_ocr(&self) -> Result<Vec<(String, Format, Vec<u32>)>> {
        let mut stmt = self.conn.prepare("SELECT hash, format, ocr_pages FROM contents WHERE ocr_pages IS NOT NULL ORDER BY hash")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (hash, format, pages) = row?;
            if let Some(format) = Format::parse(&format) {
                out.push((hash, format, serde_json::from_str(&pages).unwrap_or_default()));
            }
        }
        Ok(out)
    }

    /// The cached extraction for `hash` (pages, title, file date), if it succeeded.
    pub fn cached_extraction(&self, hash: &str) -> Result<Option<Extraction>> {
        let row = self
            .conn
            .query_row("SELECT status, extractor, failed_pages, title, file_date FROM contents WHERE hash = ?1", [hash], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, Option<String>>(4)?))
            })
            .optional()?;
        let Some((status, extractor, failed, title, file_date)) = row else { return Ok(None) };
        if status == "failed" {
            return Ok(None);
        }
        Ok(Some(Extraction {
            pages: self.pages(hash)?,
            failed_pages: serde_json::from_str(&failed).unwrap_or_default(),
            title,
            file_date,
            extractor: extractor.unwrap_or_default(),
            scanned_pages: Vec::new(),
        }))
    }

    /// All pages of a content hash, in order.
    pub fn pages(&self, hash: &str) -> Result<Vec<Page>> {
        let mut stmt = self.conn.prepare_cached("SELECT number, label, text, ocr FROM pages WHERE hash = ?1 ORDER BY number")?;
        let rows = stmt.query_map([hash], page_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// One page of a content hash.
    pub fn page(&self, hash: &str, number: u32) -> Result<Option<Page>> {
        Ok(self
            .conn
            .prepare_cached("SELECT number, label, text, ocr FROM pages WHERE hash = ?1 AND number = ?2")?
            .query_row(params![hash, number], page_row)
            .optional()?)
    }

    /// Inserts or updates the document at `path`; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub fn upsert_document(&self, path: &str, hash: &str, size: u64, mtime_ns: i64, sidecar_mtime_ns: Option<i64>, sidecar: &Sidecar, inferred: &Metadata) -> Result<i64> {
        let now = now();
        self.conn.execute(
            "INSERT INTO documents(path, hash, size, mtime_ns, sidecar_mtime_ns, declared, inferred, sidecar_errors, added_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
             ON CONFLICT(path) DO UPDATE SET hash=excluded.hash, size=excluded.size, mtime_ns=excluded.mtime_ns,
               sidecar_mtime_ns=excluded.sidecar_mtime_ns, declared=excluded.declared, inferred=excluded.inferred,
               sidecar_errors=excluded.sidecar_errors, updated_at=excluded.updated_at",
            params![path, hash, size as i64, mtime_ns, sidecar_mtime_ns, serde_json::to_string(&sidecar.declared).unwrap(),
                serde_json::to_string(inferred).unwrap(), serde_json::to_string(&sidecar.errors).unwrap(), now],
        )?;
        Ok(self.conn.query_row("SELECT id FROM documents WHERE path = ?1", [path], |r| r.get(0))?)
    }

    /// Records a rename: the document keeps its id (and so its place in binders).
    pub fn move_document(&self, id: i64, new_path: &str, mtime_ns: i64) -> Result<()> {
        self.conn.execute("UPDATE documents SET path = ?2, mtime_ns = ?3, updated_at = ?4 WHERE id = ?1", params![id, new_path, mtime_ns, now()])?;
        Ok(())
    }

    /// Updates only the modification time of an unchanged file.
    pub fn touch_document(&self, id: i64, mtime_ns: i64) -> Result<()> {
        self.conn.execute("UPDATE documents SET mtime_ns = ?2 WHERE id = ?1", params![id, mtime_ns])?;
        Ok(())
    }

    /// Removes a document from the catalog (its bookmarks stay and report it missing).
    pub fn remove_document(&self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM documents WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Drops cached extractions that no document uses any more.
    pub fn prune_contents(&self) -> Result<usize> {
        Ok(self.conn.execute("DELETE FROM contents WHERE hash NOT IN (SELECT hash FROM documents)", [])?)
    }

    const DOC_SELECT: &'static str = "SELECT d.id, d.path, d.hash, d.size, c.format, c.status, c.reason, c.extractor, c.page_count,
        c.failed_pages, d.declared, d.inferred, d.sidecar_errors FROM documents d JOIN contents c ON c.hash = d.hash";

    fn doc_from_row(r: &rusqlite::Row) -> rusqlite::Result<Document> {
        let declared: Metadata = serde_json::from_str(&r.get::<_, String>(10)?).unwrap_or_default();
        let inferred: Metadata = serde_json::from_str(&r.get::<_, String>(11)?).unwrap_or_default();
        let mut metadata = declared;
        let inferred_fields = metadata.fill_from(&inferred).into_iter().map(str::to_string).collect();
        Ok(Document {
            id: r.get(0)?,
            path: r.get(1)?,
            hash: r.get(2)?,
            size: r.get::<_, i64>(3)? as u64,
            format: Format::parse(&r.get::<_, String>(4)?).unwrap_or(Format::Text),
            status: Status::parse(&r.get::<_, String>(5)?),
            reason: r.get(6)?,
            extractor: r.get(7)?,
            page_count: r.get(8)?,
            failed_pages: serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default(),
            metadata,
            inferred_fields,
            sidecar_errors: serde_json::from_str(&r.get::<_, String>(12)?).unwrap_or_default(),
        })
    }

    /// Every document, ordered by path.
    pub fn documents(&self) -> Result<Vec<Document>> {
        let mut stmt = self.conn.prepare(&format!("{} ORDER BY d.path", Self::DOC_SELECT))?;
        let rows = stmt.query_map([], Self::doc_from_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// One document by id.
    pub fn document(&self, id: i64) -> Result<Document> {
        self.conn
            .query_row(&format!("{} WHERE d.id = ?1", Self::DOC_SELECT), [id], Self::doc_from_row)
            .optional()?
            .ok_or_else(|| Error::DocumentNotFound(id.to_string()))
    }

    /// One document by relative path.
    pub fn document_by_path(&self, path: &str) -> Result<Option<Document>> {
        Ok(self.conn.query_row(&format!("{} WHERE d.path = ?1", Self::DOC_SELECT), [path], Self::doc_from_row).optional()?)
    }

    /// The document currently holding `hash`, if any.
    pub fn document_by_hash(&self, hash: &str) -> Result<Option<Document>> {
        Ok(self.conn.query_row(&format!("{} WHERE d.hash = ?1 ORDER BY d.id LIMIT 1", Self::DOC_SELECT), [hash], Self::doc_from_row).optional()?)
    }

    /// Number of documents and of pages.
    pub fn counts(&self) -> Result<(u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(c.page_count), 0) FROM documents d JOIN contents c ON c.hash = d.hash",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )?)
    }

    /// Runs `f` inside one transaction (commits if it returns `Ok`).
    pub fn transaction<T>(&self, f: impl FnOnce(&Catalog) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// A `pages` row (number, label, text, ocr) as a [`Page`]; an unreadable OCR record reads as none.
fn page_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Page> {
    let ocr: Option<String> = r.get(3)?;
    Ok(Page { number: r.get(0)?, label: r.get(1)?, text: r.get(2)?, ocr: ocr.and_then(|o| serde_json::from_str(&o).ok()) })
}

/// The reason stored for a failed extraction, in the user's language.
pub fn user_reason(e: &ExtractError) -> String {
    match e {
        ExtractError::PasswordRequired => "password required: the PDF is encrypted; TrustShelf indexed its metadata only".into(),
        ExtractError::NoText => "no text, likely scanned: the file has no extractable text".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_wait_for_ocr_until_it_has_run() {
        let c = Catalog::open_in_memory().unwrap();
        let text = |pages: &[&str], scanned: Vec<u32>| Extraction {
            pages: pages.iter().enumerate().map(|(i, t)| Page { number: i as u32 + 1, label: format!("p. {}", i + 1), text: t.to_string(), ocr: None }).collect(),
            scanned_pages: scanned,
            ..Default::default()
        };
        c.put_content("scan", Format::Pdf, &Err(ExtractError::NoText)).unwrap();
        c.put_content("photo", Format::Image, &Err(ExtractError::OcrUnavailable("not installed".into()))).unwrap();
        c.put_content("mixed", Format::Pdf, &Ok(text(&["text", ""], vec![2]))).unwrap();
        c.put_content("plain", Format::Pdf, &Ok(text(&["text"], vec![]))).unwrap();
        c.put_content("notes", Format::Text, &Err(ExtractError::NoText)).unwrap();
        let waiting = c.pending_ocr().unwrap();
        assert_eq!(waiting, [("mixed".into(), Format::Pdf, vec![2]), ("photo".into(), Format::Image, vec![]), ("scan".into(), Format::Pdf, vec![])]);
        // Once OCR has run (read, or failed for good), nothing waits; a pass that never ran (the app
        // closed) leaves it waiting for the next run.
        c.put_content("scan", Format::Pdf, &Ok(text(&["read by OCR"], vec![]))).unwrap();
        c.put_content("photo", Format::Image, &Err(ExtractError::OcrFailed("no words".into()))).unwrap();
        assert_eq!(c.pending_ocr().unwrap(), [("mixed".into(), Format::Pdf, vec![2])]);
    }

    #[test]
    fn migrates_and_round_trips_a_document() {
        let c = Catalog::open_in_memory().unwrap();
        let ex = Extraction { pages: vec![Page { number: 1, label: "p. 1".into(), text: "hello".into(), ocr: None }], extractor: "text".into(), ..Default::default() };
        c.put_content("h1", Format::Text, &Ok(ex)).unwrap();
        let mut sidecar = Sidecar::default();
        sidecar.declared.title = Some("Declared".into());
        let inferred = Metadata { title: Some("Inferred".into()), category: Some("faq".into()), ..Default::default() };
        let id = c.upsert_document("a/b.txt", "h1", 5, 1, None, &sidecar, &inferred).unwrap();
        let d = c.document(id).unwrap();
        assert_eq!(d.metadata.title.as_deref(), Some("Declared"));
        assert_eq!(d.metadata.category.as_deref(), Some("faq"));
        assert_eq!(d.inferred_fields, ["category"]);
        assert_eq!(d.status, Status::Indexed);
        assert_eq!(c.pages("h1").unwrap().len(), 1);
        c.put_content("h2", Format::Pdf, &Err(ExtractError::PasswordRequired)).unwrap();
        c.upsert_document("a/b.txt", "h2", 5, 2, None, &Sidecar::default(), &Metadata::default()).unwrap();
        let d = c.document(id).unwrap();
        assert_eq!(d.status, Status::Failed);
        assert!(d.reason.unwrap().starts_with("password required"));
        assert_eq!(c.prune_contents().unwrap(), 1);
        assert!(c.pages("h1").unwrap().is_empty());
    }
}
