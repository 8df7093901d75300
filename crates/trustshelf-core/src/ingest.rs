//! Ingest: scan a library folder, decide what changed (size+mtime, then SHA-256), extract only new or
//! changed content in the worker pool, recognise renames by hash, and bring catalog and index along.
//!
//! Crash consistency: before each batch of changes the catalog's generation is bumped; the index
//! commit at the end of the batch records it. An index that is behind the catalog (a crash mid-batch)
//! is rebuilt from the catalog on the next open, so the index never shows what the catalog lacks.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::catalog::{user_reason, Catalog, FileState};
use crate::error::{Error, ExtractError, Result};
use crate::extract::{detect_format, split_file_name, tesseract_language, Extraction, Format};
use crate::files::{catalog_path, describe_file_type, hash_file, library_file, read_head};
use crate::index::{IndexedDocument, PageIndex};
use crate::metadata::{infer, parse_sidecar, Sidecar};
use crate::worker::{extract_all, Job, WorkerConfig};

/// The suffix of a sidecar file: `report.pdf` → `report.pdf.meta.toml`.
pub const SIDECAR_SUFFIX: &str = ".meta.toml";
/// A file in the library root listing names or `*` patterns to leave out, one per line.
pub const IGNORE_FILE: &str = ".trustshelfignore";

/// Commit the index at least this often during a long run, so progress becomes searchable and a
/// crash loses little.
const COMMIT_EVERY_FILES: usize = 200;
/// … or after this long.
const COMMIT_EVERY: Duration = Duration::from_secs(10);

/// Progress of an indexing run, pushed to the caller as it happens.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Progress {
    /// The folder was scanned.
    Scanned {
        /// Files found.
        files: usize,
        /// Files that need extraction.
        to_extract: usize,
    },
    /// One more file was extracted.
    Extracted {
        /// Files done so far.
        done: usize,
        /// Files to do in all.
        total: usize,
        /// The file just done.
        path: String,
        /// Why it failed, if it did.
        error: Option<String>,
    },
    /// The text pass is done; this many scanned files are read by OCR next.
    Recognising {
        /// Files to read by OCR.
        total: usize,
    },
    /// One more scanned file was read by OCR.
    Recognised {
        /// Files done so far.
        done: usize,
        /// Files to do in all.
        total: usize,
        /// The file just done.
        path: String,
        /// Why it failed, if it did.
        error: Option<String>,
    },
    /// The run finished.
    Finished,
}

/// Why a file of an unsupported format (an image, an archive) is left out: expected, so not listed
/// among the files that need attention.
pub const UNSUPPORTED: &str = "not a supported document format";

/// What an indexing run did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct IndexReport {
    /// The library folder.
    pub root: String,
    /// Files found.
    pub scanned: usize,
    /// New documents.
    pub added: usize,
    /// Documents whose content or sidecar changed.
    pub updated: usize,
    /// Documents unchanged.
    pub unchanged: usize,
    /// Documents renamed or moved (recognised by content hash).
    pub moved: usize,
    /// Documents whose files are gone.
    pub removed: usize,
    /// Files extracted in this run (the others came from the cache).
    pub extracted: usize,
    /// Files whose extraction failed in this run: (path, reason).
    pub failed: Vec<(String, String)>,
    /// Files left out: (path, reason).
    pub skipped: Vec<(String, String)>,
    /// Pages now in the library.
    pub pages: u64,
    /// Documents now in the library.
    pub documents: u64,
    /// Wall-clock time of the run in milliseconds.
    pub elapsed_ms: u64,
    /// Pages read by OCR in this run.
    pub ocr_pages: u64,
    /// Wall-clock time of the OCR pass in milliseconds (part of `elapsed_ms`).
    pub ocr_ms: u64,
}

struct FoundFile {
    rel: String,
    abs: PathBuf,
    size: u64,
    mtime_ns: i64,
    sidecar_mtime_ns: Option<i64>,
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos() as i64).unwrap_or(0)
}

fn sidecar_path(abs: &Path) -> PathBuf {
    let mut s = abs.as_os_str().to_owned();
    s.push(SIDECAR_SUFFIX);
    PathBuf::from(s)
}

fn ignore_patterns(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join(IGNORE_FILE))
        .map(|s| s.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Glob with `*` only, matched against the relative path and against the file name.
fn ignored(patterns: &[String], rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    patterns.iter().any(|p| glob(p, rel) || glob(p, name))
}

fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let mut rest = s;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else { return false };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

fn scan(root: &Path, report: &mut IndexReport) -> Vec<FoundFile> {
    let patterns = ignore_patterns(root);
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| p.strip_prefix(root).unwrap_or(p).to_string_lossy().into_owned()).unwrap_or_default();
                let reason = if e.loop_ancestor().is_some() { "symbolic link loop".to_string() } else { format!("unreadable: {}", e.io_error().map(|x| x.to_string()).unwrap_or_else(|| e.to_string())) };
                report.skipped.push((path, reason));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let abs = entry.path().to_path_buf();
        let rel = catalog_path(abs.strip_prefix(root).unwrap_or(&abs));
        if !entry.file_type().is_file() {
            report.skipped.push((rel, format!("not a regular file ({})", describe_file_type(&entry.file_type()))));
            continue;
        }
        if rel.ends_with(SIDECAR_SUFFIX) || ignored(&patterns, &rel) {
            continue;
        }
        let meta = match entry.metadata() {
            Ok(m) => m,
            Err(e) => {
                report.skipped.push((rel, format!("unreadable: {e}")));
                continue;
            }
        };
        let sidecar_mtime_ns = std::fs::metadata(sidecar_path(&abs)).ok().map(|m| mtime_ns(&m));
        found.push(FoundFile { rel, abs, size: meta.len(), mtime_ns: mtime_ns(&meta), sidecar_mtime_ns });
    }
    found
}

fn load_sidecar(abs: &Path) -> Sidecar {
    let path = sidecar_path(abs);
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() > 1024 * 1024 => Sidecar { errors: vec!["sidecar is larger than 1 MB".into()], ..Default::default() },
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => parse_sidecar(&s),
            Err(_) => Sidecar { errors: vec!["sidecar is not valid UTF-8".into()], ..Default::default() },
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Sidecar::default(),
        Err(e) => Sidecar { errors: vec![format!("sidecar unreadable: {e}")], ..Default::default() },
    }
}

/// A file whose document must be (re)written: its content hash and format are known.
struct Pending {
    file: FoundFile,
    hash: String,
    format: Format,
    /// Not catalogued before this run (counted in `added`, else in `updated`).
    new: bool,
}

/// What a scan's files mean for the catalog, decided before anything is written.
#[derive(Default)]
struct Plan {
    /// New files, and files whose content or sidecar changed: extracted (or taken from the
    /// extraction cache) and written.
    write: Vec<Pending>,
    /// Catalogued documents found under a new path (recognised by content hash).
    moves: Vec<(i64, FoundFile)>,
    /// Documents whose modification time changed but not their content: (id, new mtime).
    touches: Vec<(i64, i64)>,
    /// Documents whose files are gone.
    removals: Vec<i64>,
    /// Files with nothing to do.
    unchanged: usize,
    /// Files left out while planning: (path, reason).
    skipped: Vec<(String, String)>,
}

/// How planning learns what it cannot tell from a file's size and time: its content hash and its
/// format. Reads from disk in a run ([`Disk`]); tests give answers of their own.
trait Probe {
    /// The file's content hash.
    fn hash(&mut self, file: &FoundFile) -> std::io::Result<String>;
    /// The file's format, or `None` for a format TrustShelf does not read.
    fn format(&mut self, file: &FoundFile) -> std::io::Result<Option<Format>>;
}

/// The files themselves.
struct Disk;

impl Probe for Disk {
    fn hash(&mut self, file: &FoundFile) -> std::io::Result<String> {
        hash_file(&file.abs)
    }
    fn format(&mut self, file: &FoundFile) -> std::io::Result<Option<Format>> {
        let head = read_head(&file.abs)?;
        Ok(detect_format(&head, split_file_name(&file.rel).1))
    }
}

/// Decides what to do with each found file given the catalogued `states`: unchanged (same size,
/// time and sidecar time, or same hash), touched, moved (a vanished document's hash under a new
/// path), new or changed (to write), or removed (catalogued, not found, not moved). Hashes only the
/// files whose size or time changed.
fn plan(found: Vec<FoundFile>, states: Vec<FileState>, probe: &mut dyn Probe) -> Plan {
    let mut plan = Plan::default();
    let states: HashMap<String, FileState> = states.into_iter().map(|s| (s.path.clone(), s)).collect();
    let seen: HashSet<&str> = found.iter().map(|f| f.rel.as_str()).collect();
    // Documents whose path vanished: candidates for a move, else removed.
    let mut vanished: HashMap<&str, Vec<i64>> = HashMap::new();
    for s in states.values().filter(|s| !seen.contains(s.path.as_str())) {
        vanished.entry(s.hash.as_str()).or_default().push(s.id);
    }
    for ids in vanished.values_mut() {
        ids.sort_unstable_by(|a, b| b.cmp(a)); // popped lowest id first: the same choice every run
    }
    for file in found {
        let existing = states.get(&file.rel);
        if existing.is_some_and(|s| s.size == file.size && s.mtime_ns == file.mtime_ns && s.sidecar_mtime_ns == file.sidecar_mtime_ns) {
            plan.unchanged += 1;
            continue;
        }
        let hash = match probe.hash(&file) {
            Ok(h) => h,
            Err(e) => {
                plan.skipped.push((file.rel, format!("unreadable: {e}")));
                continue;
            }
        };
        match existing {
            Some(s) if s.hash == hash && s.sidecar_mtime_ns == file.sidecar_mtime_ns => {
                plan.touches.push((s.id, file.mtime_ns));
                plan.unchanged += 1;
                continue;
            }
            None => {
                if let Some(id) = vanished.get_mut(hash.as_str()).and_then(Vec::pop) {
                    plan.moves.push((id, file));
                    continue;
                }
            }
            Some(_) => {}
        }
        match probe.format(&file) {
            Ok(Some(format)) => plan.write.push(Pending { file, hash, format, new: existing.is_none() }),
            Ok(None) => plan.skipped.push((file.rel, UNSUPPORTED.into())),
            Err(e) => plan.skipped.push((file.rel, format!("unreadable: {e}"))),
        }
    }
    plan.removals = vanished.into_values().flatten().collect();
    plan.removals.sort_unstable();
    plan
}

/// Carries out a [`Plan`] on the catalog and the index, commits in batches, and keeps the report.
struct Run<'a> {
    catalog: &'a Catalog,
    index: &'a mut PageIndex,
    report: IndexReport,
    /// The generation the next index commit records.
    generation: u64,
    since_commit: usize,
    last_commit: Instant,
}

impl Run<'_> {
    /// Writes a document's catalog row (metadata from sidecar + inference) and its index entries,
    /// and counts it as added or updated.
    fn write(&mut self, p: &Pending) -> Result<()> {
        self.write_document(p)?;
        if p.new {
            self.report.added += 1;
        } else {
            self.report.updated += 1;
        }
        Ok(())
    }

    /// Writes a document's catalog row and index entries from the cached content.
    fn write_document(&mut self, p: &Pending) -> Result<()> {
        let sidecar = load_sidecar(&p.file.abs);
        let extraction: Option<Extraction> = self.catalog.cached_extraction(&p.hash)?;
        let file_name = p.file.rel.rsplit('/').next().unwrap_or(&p.file.rel);
        let inferred = infer(file_name, p.format, extraction.as_ref());
        let id = self.catalog.upsert_document(&p.file.rel, &p.hash, p.file.size, p.file.mtime_ns, p.file.sidecar_mtime_ns, &sidecar, &inferred)?;
        let doc = self.catalog.document(id)?;
        let pages = extraction.map(|e| e.pages).unwrap_or_default();
        self.index.put_document(&IndexedDocument { id, metadata: &doc.metadata, path: &doc.path }, &pages)
    }

    /// Leaves a file that changed while it was indexed to the next scan (nothing is cached or
    /// catalogued for it).
    fn leave_changed(&mut self, p: &Pending, e: &ExtractError) {
        self.report.skipped.push((p.file.rel.clone(), e.to_string()));
    }

    /// Commits the index and starts a new generation.
    fn commit(&mut self) -> Result<()> {
        self.index.commit(self.generation)?;
        self.generation = self.catalog.bump_generation()?;
        self.since_commit = 0;
        self.last_commit = Instant::now();
        Ok(())
    }

    /// Commits when enough has been written since the last commit.
    fn commit_now_and_then(&mut self) -> Result<()> {
        self.since_commit += 1;
        if self.since_commit >= COMMIT_EVERY_FILES || self.last_commit.elapsed() >= COMMIT_EVERY {
            self.commit()?;
        }
        Ok(())
    }

    /// Moves, touches and removals: catalog-only changes plus index updates.
    fn apply_catalog_changes(&mut self, plan: &Plan) -> Result<()> {
        self.catalog.transaction(|c| {
            for (id, mtime) in &plan.touches {
                c.touch_document(*id, *mtime)?;
            }
            for (id, file) in &plan.moves {
                c.move_document(*id, &file.rel, file.mtime_ns)?;
            }
            Ok(())
        })?;
        for (id, file) in &plan.moves {
            // The path is indexed for metadata-only entries; re-put to keep it current.
            let doc = self.catalog.document(*id)?;
            let pages = self.catalog.pages(&doc.hash)?;
            self.index.put_document(&IndexedDocument { id: *id, metadata: &doc.metadata, path: &file.rel }, &pages)?;
        }
        for &id in &plan.removals {
            self.catalog.remove_document(id)?;
            self.index.delete_document(id)?;
        }
        Ok(())
    }

    /// Writes the documents whose content needs no extraction (cached, or an empty file) and
    /// returns the extraction jobs for the others, largest first, and the files that share content
    /// with a job (written once it is done).
    fn write_known(&mut self, pending: &[Pending]) -> Result<(Vec<Job>, Vec<usize>)> {
        let mut jobs = Vec::new();
        let mut duplicates = Vec::new();
        let mut seen_hashes = HashSet::new();
        for (i, p) in pending.iter().enumerate() {
            if self.catalog.has_content(&p.hash)? {
                self.write(p)?;
            } else if p.file.size == 0 {
                self.catalog.put_content(&p.hash, p.format, &Err(ExtractError::NotValid(format!("{} (empty file)", p.format.as_str()))))?;
                self.write(p)?;
                self.report.failed.push((p.file.rel.clone(), "empty file".into()));
            } else if seen_hashes.insert(p.hash.as_str()) {
                jobs.push(Job::text(i, p.file.abs.clone(), p.format, Some(p.hash.clone())));
            } else {
                duplicates.push(i);
            }
        }
        // Largest files first: the workers finish together instead of one core waiting on a big file
        // that happened to come last.
        jobs.sort_by_key(|j| std::cmp::Reverse(pending[j.key].file.size));
        Ok((jobs, duplicates))
    }

    /// Stores what OCR read of a content waiting for it — the whole file, or its scanned pages
    /// merged into its text — and writes every document with that content again; the run's report
    /// gets the OCR's reason instead of "no text".
    fn recognised(&mut self, target: &OcrTarget, outcome: &std::result::Result<Extraction, ExtractError>) -> Result<Option<String>> {
        let whole = target.pages.is_empty();
        let stored: std::result::Result<Extraction, ExtractError> = match (outcome, self.catalog.cached_extraction(&target.hash)?) {
            // Transient, or nothing to read with: the content stays waiting for the next run.
            (Err(ExtractError::Changed(_)), _) => return Ok(None),
            (Err(e @ ExtractError::OcrUnavailable(_)), _) if !whole => return Ok(Some(user_reason(e))),
            (outcome, _) if whole => outcome.clone(),
            (Ok(read), Some(mut text)) => {
                // A page takes the OCR's text when OCR read more than the text layer had (a cover
                // that is a picture keeps its few characters).
                for page in read.pages.iter().filter(|p| p.ocr.is_some()) {
                    if let Some(slot) = text.pages.iter_mut().find(|p| p.number == page.number && p.text.trim().len() < page.text.trim().len()) {
                        *slot = page.clone();
                    }
                }
                text.failed_pages.extend(read.failed_pages.iter().cloned());
                Ok(text)
            }
            (Err(e), Some(mut text)) => {
                text.failed_pages.extend(target.pages.iter().map(|&n| (n, format!("scanned page not read: {}", user_reason(e)))));
                Ok(text)
            }
            (_, None) => return Ok(None),
        };
        self.catalog.put_content(&target.hash, target.format, &stored)?;
        for file in &target.documents {
            let found = FoundFile { rel: file.path.clone(), abs: library_file(&target.root, &file.path), size: file.size, mtime_ns: file.mtime_ns, sidecar_mtime_ns: file.sidecar_mtime_ns };
            self.write_document(&Pending { file: found, hash: target.hash.clone(), format: target.format, new: false })?;
            self.report.failed.retain(|(path, _)| *path != file.path);
            if let Err(e) = &stored {
                self.report.failed.push((file.path.clone(), user_reason(e)));
            }
        }
        self.commit_now_and_then()?;
        Ok(outcome.as_ref().err().map(user_reason))
    }

    /// Stores one extraction's outcome and writes its document.
    fn extracted(&mut self, p: &Pending, outcome: &std::result::Result<Extraction, ExtractError>) -> Result<()> {
        self.report.extracted += 1;
        match outcome {
            // Transient: the next scan tries the file again.
            Err(e @ ExtractError::Changed(_)) => self.leave_changed(p, e),
            _ => {
                self.catalog.put_content(&p.hash, p.format, outcome)?;
                self.write(p)?;
                if let Err(e) = outcome {
                    self.report.failed.push((p.file.rel.clone(), user_reason(e)));
                }
                self.commit_now_and_then()?;
            }
        }
        Ok(())
    }
}

/// A content waiting for OCR and the documents that have it.
struct OcrTarget {
    root: PathBuf,
    hash: String,
    format: Format,
    /// The pages to read; empty: all.
    pages: Vec<u32>,
    documents: Vec<FileState>,
}

/// The OCR pass, after every text file is searchable: the scanned files and scanned pages the
/// catalog lists as waiting (this run's, and any a cut-short run left), read in the workers.
fn ocr_pass(run: &mut Run, root: &Path, worker: &WorkerConfig, progress: &mut dyn FnMut(&Progress)) -> Result<()> {
    let waiting = run.catalog.pending_ocr()?;
    if waiting.is_empty() {
        return Ok(());
    }
    let mut by_hash: HashMap<String, Vec<FileState>> = HashMap::new();
    for state in run.catalog.file_states()? {
        by_hash.entry(state.hash.clone()).or_default().push(state);
    }
    // Without Tesseract no worker is started: a scan is recorded once as waiting for it (and read
    // on the first run after it is installed); scanned pages of text PDFs just keep waiting.
    let unavailable = crate::extract::ocr_languages().is_none().then(crate::extract::ocr_unavailable);
    let mut targets = Vec::new();
    let mut jobs = Vec::new();
    for (hash, format, pages) in waiting {
        let Some(documents) = by_hash.remove(&hash) else { continue };
        let first = &documents[0];
        if let Some(e) = &unavailable {
            let recorded = run.catalog.document(first.id)?.reason.is_some_and(|r| r == user_reason(e));
            if pages.is_empty() && !recorded {
                let target = OcrTarget { root: root.to_path_buf(), hash, format, pages, documents };
                run.recognised(&target, &Err(e.clone()))?;
            }
            continue;
        }
        let abs = library_file(root, &first.path);
        // The declared language; for a document with text around its scanned pages, the language
        // of that text.
        let declared = load_sidecar(&abs).declared.language;
        let language = match declared {
            Some(l) => Some(l),
            None if !pages.is_empty() => run.catalog.document(first.id)?.metadata.language,
            None => None,
        };
        let language = language.as_deref().and_then(tesseract_language).map(str::to_string);
        jobs.push(Job { ocr: true, language, ocr_pages: pages.clone(), ..Job::text(targets.len(), abs, format, Some(hash.clone())) });
        targets.push(OcrTarget { root: root.to_path_buf(), hash, format, pages, documents });
    }
    if jobs.is_empty() {
        return Ok(());
    }
    run.commit()?;
    let started = Instant::now();
    let total = jobs.len();
    progress(&Progress::Recognising { total });
    let (mut done, mut failure) = (0usize, None);
    extract_all(worker, jobs, |job, outcome| {
        if failure.is_some() {
            return;
        }
        let target = &targets[job.key];
        done += 1;
        if let Ok(read) = &outcome {
            run.report.ocr_pages += read.pages.iter().filter(|p| p.ocr.is_some()).count() as u64;
        }
        let error = match run.recognised(target, &outcome) {
            Ok(error) => error,
            Err(e) => {
                failure = Some(e);
                None
            }
        };
        progress(&Progress::Recognised { done, total, path: target.documents[0].path.clone(), error });
    })?;
    run.report.ocr_ms = started.elapsed().as_millis() as u64;
    failure.map_or(Ok(()), Err)
}

/// Scans `root` and brings catalog and index up to date with it.
pub fn index_folder(catalog: &Catalog, index: &mut PageIndex, worker: &WorkerConfig, root: &Path, progress: &mut dyn FnMut(&Progress)) -> Result<IndexReport> {
    let started = Instant::now();
    if !root.is_dir() {
        return Err(Error::LibraryNotFound(root.to_path_buf()));
    }
    let mut report = IndexReport { root: root.display().to_string(), ..Default::default() };
    let found = scan(root, &mut report);
    report.scanned = found.len();
    let mut plan = plan(found, catalog.file_states()?, &mut Disk);
    report.unchanged = plan.unchanged;
    report.moved = plan.moves.len();
    report.removed = plan.removals.len();
    report.skipped.append(&mut plan.skipped);

    let generation = catalog.bump_generation()?;
    let mut run = Run { catalog, index, report, generation, since_commit: 0, last_commit: Instant::now() };
    run.apply_catalog_changes(&plan)?;
    let pending = std::mem::take(&mut plan.write);
    let (jobs, duplicates) = run.write_known(&pending)?;
    run.commit()?;
    let total = jobs.len();
    progress(&Progress::Scanned { files: run.report.scanned, to_extract: total });

    let mut done = 0usize;
    let mut failure: Option<Error> = None;
    extract_all(worker, jobs, |job, outcome| {
        if failure.is_some() {
            return;
        }
        let p = &pending[job.key];
        done += 1;
        if let Err(e) = run.extracted(p, &outcome) {
            failure = Some(e);
        }
        let error = outcome.as_ref().err().map(user_reason);
        progress(&Progress::Extracted { done, total, path: p.file.rel.clone(), error });
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    for i in duplicates {
        let p = &pending[i];
        if catalog.has_content(&p.hash)? {
            run.write(p)?;
        } else {
            run.leave_changed(p, &ExtractError::Changed("a file with the same content changed".into()));
        }
    }
    ocr_pass(&mut run, root, worker, progress)?;
    catalog.prune_contents()?;
    let mut report = std::mem::take(&mut run.report);
    report.skipped.sort();
    let problems: Vec<(String, String)> = report.skipped.iter().filter(|(_, reason)| reason != UNSUPPORTED).cloned().collect();
    catalog.set_skipped_files(&problems)?;
    run.index.commit(run.generation)?;
    run.index.close_writer()?;
    let (documents, pages) = catalog.counts()?;
    report.documents = documents;
    report.pages = pages;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    report.failed.sort();
    progress(&Progress::Finished);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns() {
        assert!(glob("SOURCES.md", "SOURCES.md"));
        assert!(glob("*.py", "build.py"));
        assert!(glob("fictional/src/*", "fictional/src/a.toml"));
        assert!(!glob("*.py", "build.pyc"));
        assert!(ignored(&["SOURCES.md".into()], "SOURCES.md"));
        assert!(!ignored(&["SOURCES.md".into()], "nist/x.pdf"));
    }

    /// Answers from a table: path → (hash, format); a path absent from it is unreadable.
    struct Table(HashMap<&'static str, (&'static str, Option<Format>)>, usize);

    impl Probe for Table {
        fn hash(&mut self, f: &FoundFile) -> std::io::Result<String> {
            self.1 += 1;
            self.0.get(f.rel.as_str()).map(|(h, _)| h.to_string()).ok_or_else(|| std::io::Error::other("permission denied"))
        }
        fn format(&mut self, f: &FoundFile) -> std::io::Result<Option<Format>> {
            Ok(self.0.get(f.rel.as_str()).and_then(|(_, fmt)| *fmt))
        }
    }

    fn found(rel: &str, size: u64, mtime_ns: i64) -> FoundFile {
        FoundFile { rel: rel.into(), abs: PathBuf::from("/lib").join(rel), size, mtime_ns, sidecar_mtime_ns: None }
    }

    fn state(id: i64, path: &str, hash: &str, size: u64, mtime_ns: i64) -> FileState {
        FileState { id, path: path.into(), hash: hash.into(), size, mtime_ns, sidecar_mtime_ns: None }
    }

    #[test]
    fn plan_sorts_files_into_new_changed_moved_touched_removed_and_unchanged() {
        let states = vec![
            state(1, "same.pdf", "h1", 10, 100),
            state(2, "touched.pdf", "h2", 20, 200),
            state(3, "changed.pdf", "h3", 30, 300),
            state(4, "old/name.pdf", "h4", 40, 400),
            state(5, "gone.pdf", "h5", 50, 500),
        ];
        let files = vec![
            found("same.pdf", 10, 100),
            found("touched.pdf", 20, 201),
            found("changed.pdf", 31, 301),
            found("new/name.pdf", 40, 401),
            found("new.md", 5, 600),
            found("photo.jpg", 6, 700),
            found("locked.pdf", 7, 800),
        ];
        let mut probe = Table(
            HashMap::from([
                ("touched.pdf", ("h2", Some(Format::Pdf))),
                ("changed.pdf", ("h3b", Some(Format::Pdf))),
                ("new/name.pdf", ("h4", Some(Format::Pdf))),
                ("new.md", ("h6", Some(Format::Markdown))),
                ("photo.jpg", ("h7", None)),
            ]),
            0,
        );
        let p = plan(files, states, &mut probe);
        assert_eq!(probe.1, 6, "every file but the one with the same size and time is hashed");
        assert_eq!(p.unchanged, 2);
        assert_eq!(p.touches, vec![(2, 201)]);
        assert_eq!(p.moves.iter().map(|(id, f)| (*id, f.rel.as_str())).collect::<Vec<_>>(), vec![(4, "new/name.pdf")]);
        assert_eq!(p.removals, vec![5]);
        let writes: Vec<(&str, bool)> = p.write.iter().map(|w| (w.file.rel.as_str(), w.new)).collect();
        assert_eq!(writes, vec![("changed.pdf", false), ("new.md", true)]);
        assert_eq!(p.skipped, vec![("photo.jpg".to_string(), UNSUPPORTED.to_string()), ("locked.pdf".to_string(), "unreadable: permission denied".to_string())]);
    }

    #[test]
    fn two_copies_moved_at_once_take_one_vanished_document_each() {
        let states = vec![state(7, "a.pdf", "h", 1, 1), state(8, "b.pdf", "h", 1, 1)];
        let files = vec![found("c.pdf", 1, 2), found("d.pdf", 1, 2), found("e.pdf", 1, 2)];
        let mut probe = Table(HashMap::from([("c.pdf", ("h", Some(Format::Pdf))), ("d.pdf", ("h", Some(Format::Pdf))), ("e.pdf", ("h", Some(Format::Pdf)))]), 0);
        let p = plan(files, states, &mut probe);
        assert_eq!(p.moves.iter().map(|(id, f)| (*id, f.rel.as_str())).collect::<Vec<_>>(), vec![(7, "c.pdf"), (8, "d.pdf")]);
        assert!(p.removals.is_empty());
        assert_eq!(p.write.len(), 1, "the third copy is a new document");
    }
}
