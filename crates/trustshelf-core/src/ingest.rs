//! Ingest: scan a library folder, decide what changed (size+mtime, then SHA-256), extract only new or
//! changed content in the worker pool, recognise renames by hash, and bring catalog and index along.
//!
//! Crash consistency: before each batch of changes the catalog's generation is bumped; the index
//! commit at the end of the batch records it. An index that is behind the catalog (a crash mid-batch)
//! is rebuilt from the catalog on the next open, so the index never shows what the catalog lacks.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::{user_reason, Catalog, FileState};
use crate::error::{Error, ExtractError, Result};
use crate::extract::{detect_format, Extraction, Format};
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

/// Opens a library file for reading, refusing anything but a regular file. Opening never blocks: a
/// named pipe put where a document was is rejected instead of waiting for a writer forever.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let f = options.open(path)?;
    let file_type = f.metadata()?.file_type();
    if !file_type.is_file() {
        return Err(std::io::Error::other(format!("not a regular file ({})", describe_file_type(&file_type))));
    }
    Ok(f)
}

fn describe_file_type(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// The path the catalog stores for a file: relative to the library folder, `/`-separated. Bytes of
/// a name that are not UTF-8 are written as `\xNN` so that such files are catalogued too;
/// [`library_file`] turns the stored path back into the file's real name.
fn catalog_path(rel: &Path) -> String {
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        let os = part.as_os_str();
        match os.to_str() {
            Some(s) => out.push_str(s),
            None => {
                #[cfg(unix)]
                for chunk in std::os::unix::ffi::OsStrExt::as_bytes(os).utf8_chunks() {
                    out.push_str(chunk.valid());
                    for b in chunk.invalid() {
                        out.push_str(&format!("\\x{b:02X}"));
                    }
                }
                #[cfg(not(unix))]
                out.push_str(&os.to_string_lossy());
            }
        }
    }
    out
}

/// The file of a catalogued path (see [`catalog_path`]).
pub fn library_file(root: &Path, catalogued: &str) -> PathBuf {
    let literal = root.join(catalogued);
    #[cfg(unix)]
    if catalogued.contains("\\x") && std::fs::symlink_metadata(&literal).is_err() {
        let mut bytes = Vec::with_capacity(catalogued.len());
        let src = catalogued.as_bytes();
        let mut i = 0;
        while i < src.len() {
            let hex = src.get(i + 2..i + 4).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
            match (src[i], src.get(i + 1), hex) {
                (b'\\', Some(b'x'), Some(b)) => {
                    bytes.push(b);
                    i += 4;
                }
                (c, _, _) => {
                    bytes.push(c);
                    i += 1;
                }
            }
        }
        return root.join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&bytes));
    }
    literal
}

/// SHA-256 of a file, hex.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = open_regular(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn read_head(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut f = open_regular(path)?;
    let mut buf = vec![0u8; 8192];
    let mut n = 0;
    while n < buf.len() {
        let r = f.read(&mut buf[n..])?;
        if r == 0 {
            break;
        }
        n += r;
    }
    buf.truncate(n);
    Ok(buf)
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

/// Writes a document's catalog row (metadata from sidecar + inference) and its index entries.
fn write_document(catalog: &Catalog, index: &mut PageIndex, p: &Pending) -> Result<()> {
    let sidecar = load_sidecar(&p.file.abs);
    let extraction: Option<Extraction> = catalog.cached_extraction(&p.hash)?;
    let file_name = p.file.rel.rsplit('/').next().unwrap_or(&p.file.rel);
    let inferred = infer(file_name, p.format, extraction.as_ref());
    let id = catalog.upsert_document(&p.file.rel, &p.hash, p.file.size, p.file.mtime_ns, p.file.sidecar_mtime_ns, &sidecar, &inferred)?;
    let doc = catalog.document(id)?;
    let pages = extraction.map(|e| e.pages).unwrap_or_default();
    index.put_document(&IndexedDocument { id, metadata: &doc.metadata, path: &doc.path }, &pages)
}

fn bump_generation(catalog: &Catalog) -> Result<u64> {
    let g = catalog.setting("generation")?.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0) + 1;
    catalog.set_setting("generation", &g.to_string())?;
    Ok(g)
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

    let states: HashMap<String, FileState> = catalog.file_states()?.into_iter().map(|s| (s.path.clone(), s)).collect();
    let seen: HashSet<&str> = found.iter().map(|f| f.rel.as_str()).collect();
    // Documents whose path vanished: candidates for a rename, else removed at the end.
    let mut vanished: HashMap<String, Vec<FileState>> = HashMap::new();
    for s in states.values().filter(|s| !seen.contains(s.path.as_str())) {
        vanished.entry(s.hash.clone()).or_default().push(s.clone());
    }

    let mut pending: Vec<Pending> = Vec::new();
    let mut renames: Vec<(i64, FoundFile)> = Vec::new();
    let mut touches: Vec<(i64, i64)> = Vec::new();
    for file in found {
        let existing = states.get(&file.rel);
        if let Some(s) = existing {
            if s.size == file.size && s.mtime_ns == file.mtime_ns && s.sidecar_mtime_ns == file.sidecar_mtime_ns {
                report.unchanged += 1;
                continue;
            }
        }
        let hash = match hash_file(&file.abs) {
            Ok(h) => h,
            Err(e) => {
                report.skipped.push((file.rel.clone(), format!("unreadable: {e}")));
                continue;
            }
        };
        if let Some(s) = existing {
            if s.hash == hash && s.sidecar_mtime_ns == file.sidecar_mtime_ns {
                touches.push((s.id, file.mtime_ns));
                report.unchanged += 1;
                continue;
            }
        } else if let Some(old) = vanished.get_mut(&hash).and_then(Vec::pop) {
            renames.push((old.id, file));
            report.moved += 1;
            continue;
        }
        let head = match read_head(&file.abs) {
            Ok(h) => h,
            Err(e) => {
                report.skipped.push((file.rel.clone(), format!("unreadable: {e}")));
                continue;
            }
        };
        let ext = Path::new(&file.rel).extension().and_then(|e| e.to_str());
        let Some(format) = detect_format(&head, ext) else {
            report.skipped.push((file.rel.clone(), UNSUPPORTED.into()));
            continue;
        };
        if existing.is_some() {
            report.updated += 1;
        } else {
            report.added += 1;
        }
        pending.push(Pending { file, hash, format, new: existing.is_none() });
    }

    // Renames, touches and removals: catalog-only changes plus index deletes.
    let mut generation = bump_generation(catalog)?;
    catalog.transaction(|c| {
        for (id, mtime) in &touches {
            c.touch_document(*id, *mtime)?;
        }
        for (id, file) in &renames {
            c.move_document(*id, &file.rel, file.mtime_ns)?;
        }
        Ok(())
    })?;
    for (id, file) in &renames {
        // The path is indexed for metadata-only entries; re-put to keep it current.
        let doc = catalog.document(*id)?;
        let pages = catalog.pages(&doc.hash)?;
        index.put_document(&IndexedDocument { id: *id, metadata: &doc.metadata, path: &file.rel }, &pages)?;
    }
    for s in vanished.values().flatten() {
        catalog.remove_document(s.id)?;
        index.delete_document(s.id)?;
        report.removed += 1;
    }

    // Documents whose content is already cached need no extraction.
    let mut jobs = Vec::new();
    let mut duplicates = Vec::new();
    let mut seen_hashes = HashSet::new();
    for (i, p) in pending.iter().enumerate() {
        if catalog.has_content(&p.hash)? {
            write_document(catalog, index, p)?;
        } else if p.file.size == 0 {
            catalog.put_content(&p.hash, p.format, &Err(ExtractError::NotValid(format!("{} (empty file)", p.format.as_str()))))?;
            write_document(catalog, index, p)?;
            report.failed.push((p.file.rel.clone(), "empty file".into()));
        } else if seen_hashes.insert(p.hash.clone()) {
            jobs.push(Job { key: i, path: p.file.abs.clone(), format: p.format, hash: Some(p.hash.clone()) });
        } else {
            duplicates.push(i); // the same content as a file being extracted: written after it
        }
    }
    index.commit(generation)?;
    // Largest files first: the workers finish together instead of one core waiting on a big file
    // that happened to come last.
    jobs.sort_by_key(|j| std::cmp::Reverse(pending[j.key].file.size));
    progress(&Progress::Scanned { files: report.scanned, to_extract: jobs.len() });

    let total = jobs.len();
    let mut done = 0usize;
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    let mut failure: Option<Error> = None;
    let mut written: HashSet<usize> = HashSet::new();
    generation = bump_generation(catalog)?;
    extract_all(worker, jobs, |job, outcome| {
        if failure.is_some() {
            return;
        }
        let p = &pending[job.key];
        done += 1;
        let error = outcome.as_ref().err().map(user_reason);
        if let Err(e @ ExtractError::Changed(_)) = &outcome {
            // Transient: nothing is cached or catalogued, so the next scan tries the file again.
            if p.new {
                report.added -= 1;
            } else {
                report.updated -= 1;
            }
            report.skipped.push((p.file.rel.clone(), e.to_string()));
            report.extracted += 1;
            progress(&Progress::Extracted { done, total, path: p.file.rel.clone(), error });
            return;
        }
        let result = (|| -> Result<()> {
            catalog.put_content(&p.hash, p.format, &outcome)?;
            write_document(catalog, index, p)?;
            written.insert(job.key);
            since_commit += 1;
            if since_commit >= COMMIT_EVERY_FILES || last_commit.elapsed() >= COMMIT_EVERY {
                index.commit(generation)?;
                generation = bump_generation(catalog)?;
                since_commit = 0;
                last_commit = Instant::now();
            }
            Ok(())
        })();
        if let Err(e) = result {
            failure = Some(e);
        }
        if let Some(reason) = &error {
            report.failed.push((p.file.rel.clone(), reason.clone()));
        }
        report.extracted += 1;
        progress(&Progress::Extracted { done, total, path: p.file.rel.clone(), error });
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    // Duplicates of extracted content.
    for i in duplicates {
        let p = &pending[i];
        if catalog.has_content(&p.hash)? {
            write_document(catalog, index, p)?;
        } else {
            if p.new {
                report.added -= 1;
            } else {
                report.updated -= 1;
            }
            report.skipped.push((p.file.rel.clone(), ExtractError::Changed("a file with the same content changed".into()).to_string()));
        }
    }
    catalog.prune_contents()?;
    report.skipped.sort();
    let problems: Vec<(String, String)> = report.skipped.iter().filter(|(_, reason)| reason != UNSUPPORTED).cloned().collect();
    catalog.set_skipped_files(&problems)?;
    index.commit(generation)?;
    index.close_writer()?;
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
}
