//! Evidence packages: a binder exported as a zip an auditor can read and verify — `index.html`
//! (each bookmark with document, standards, page, quote, note, tags), `bookmarks.json`, the cited
//! pages' text, optionally the original files, and `manifest.json` with the SHA-256 of every file.
//! [`verify_package`] checks a package against its manifest; [`verify_library`] checks the library's
//! files against the catalog.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::bookmarks::BookmarkState;
use crate::catalog::{now, Catalog};
use crate::error::{Error, Result};
use crate::files::{content_hash, hash_file, library_file, read_regular};

/// The manifest's format name; bump the number on an incompatible change.
pub const PACKAGE_FORMAT: &str = "trustshelf-evidence-package/1";
/// Largest entry `verify_package` will inflate (guards against zip bombs).
const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// One file listed in a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Path inside the package.
    pub path: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`PACKAGE_FORMAT`].
    pub format: String,
    /// Binder name.
    pub binder: String,
    /// When the package was made (RFC 3339).
    pub created_at: String,
    /// Number of bookmarks.
    pub bookmarks: usize,
    /// Every other file in the package.
    pub files: Vec<ManifestEntry>,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct ExportReport {
    /// The zip written.
    pub path: String,
    /// Bookmarks exported.
    pub bookmarks: usize,
    /// Files in the package, manifest included.
    pub files: usize,
    /// Bookmarks whose document changed or disappeared, and originals that could not be included.
    pub warnings: Vec<String>,
}

/// The outcome of a verification.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct VerifyReport {
    /// True if and only if nothing is wrong.
    pub ok: bool,
    /// Files checked.
    pub checked: usize,
    /// What is wrong, one line each.
    pub problems: Vec<String>,
}

/// A file name safe on every platform and inside a zip: letters, digits, `-`, `_`, `.`; no leading dot.
pub fn safe_name(s: &str, max: usize) -> String {
    let mut out: String = crate::text::strip_diacritics(s).chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '-' }).collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_string();
    let out: String = out.chars().take(max).collect();
    if out.is_empty() {
        "untitled".into()
    } else {
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Exports a binder to `dest` (a `.zip`). With `include_originals`, the cited documents' files are
/// added when their content still matches the bookmarked hash. The zip is written to a temporary
/// file first and renamed into place, so a failure never leaves half a package.
pub fn export_binder(catalog: &Catalog, root: Option<&Path>, binder: i64, dest: &Path, include_originals: bool, progress: &mut dyn FnMut(usize, usize)) -> Result<ExportReport> {
    let binder = catalog.binder(binder)?;
    let bookmarks = catalog.bookmarks(Some(binder.id))?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut originals_added: HashSet<String> = HashSet::new();
    let mut rows = String::new();
    for (i, b) in bookmarks.iter().enumerate() {
        progress(i, bookmarks.len());
        let n = i + 1;
        let doc = b.document_id.and_then(|id| catalog.document(id).ok());
        let standards = doc.as_ref().map(|d| d.metadata.standards.join(", ")).unwrap_or_default();
        if let Some(note) = b.state.note() {
            warnings.push(format!("bookmark {n} ({}, {}): {note}", b.document_title, b.page_label));
        }
        let page_file = format!("pages/{n:03}-{}-p{}.txt", safe_name(&b.document_title, 60), b.page);
        let page_text = if b.state == BookmarkState::Current { catalog.page(&b.document_hash, b.page)?.map(|p| p.text) } else { None };
        let body = match &page_text {
            Some(t) => format!("{}\n{} — {}\nSHA-256 of document: {}\n\n{}\n", b.document_title, b.document_path, b.page_label, b.document_hash, t),
            None => format!("{}\n{} — {}\nSHA-256 of document: {}\n\n[page text unavailable: the document changed or is gone]\n", b.document_title, b.document_path, b.page_label, b.document_hash),
        };
        files.insert(page_file.clone(), body.into_bytes());
        let mut original_link = String::new();
        if include_originals && b.state == BookmarkState::Current {
            if let Some(root) = root {
                let src = library_file(root, &b.document_path);
                let name = format!("files/{}", b.document_path.split('/').map(|p| safe_name(p, 120)).collect::<Vec<_>>().join("/"));
                if !originals_added.contains(&name) {
                    match read_regular(&src) {
                        Ok(bytes) if content_hash(&bytes) == b.document_hash => {
                            files.insert(name.clone(), bytes);
                            originals_added.insert(name.clone());
                        }
                        Ok(_) => warnings.push(format!("{}: the file changed on disk since indexing; original not included", b.document_path)),
                        Err(e) => warnings.push(format!("{}: original not included ({e})", b.document_path)),
                    }
                }
                if originals_added.contains(&name) {
                    original_link = format!(" · <a href=\"{}\">original</a>", escape(&name));
                }
            }
        }
        let state = b.state.note().map(|note| format!("<p class=warn>{}</p>", escape(note))).unwrap_or_default();
        rows.push_str(&format!(
            "<article><h2>{n}. {title}</h2><p class=cite>{path} · {label}{std}{orig} · <a href=\"{page_file}\">page text</a></p>{state}{quote}{note}{tags}<p class=hash>SHA-256 {hash}</p></article>\n",
            title = escape(&b.document_title),
            path = escape(&b.document_path),
            label = escape(&b.page_label),
            std = if standards.is_empty() { String::new() } else { format!(" · {}", escape(&standards)) },
            orig = original_link,
            page_file = escape(&page_file),
            quote = b.quote.as_ref().map(|q| format!("<blockquote>{}</blockquote>", escape(q))).unwrap_or_default(),
            note = if b.note.is_empty() { String::new() } else { format!("<p class=note>{}</p>", escape(&b.note).replace('\n', "<br>")) },
            tags = if b.tags.is_empty() { String::new() } else { format!("<p class=tags>{}</p>", b.tags.iter().map(|t| format!("<span>{}</span>", escape(t))).collect::<Vec<_>>().join(" ")) },
            hash = b.document_hash,
        ));
    }
    let created_at = now();
    let html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>{name} — evidence package</title>\
<style>body{{font:15px/1.55 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2430}}h1{{font-size:1.6rem}}article{{border-top:1px solid #d8dde5;padding:.6rem 0}}h2{{font-size:1.1rem;margin:.4rem 0}}.cite{{color:#4a5566}}blockquote{{margin:.5rem 0;padding:.3rem .8rem;border-left:3px solid #3867d6;background:#f3f6fc}}.tags span{{background:#eef1f6;border-radius:4px;padding:0 .4rem;margin-right:.3rem}}.hash{{font:12px monospace;color:#7a8494}}.warn{{color:#a33}}</style></head>\
<body><h1>{name}</h1><p>{desc}</p><p>Evidence package exported by TrustShelf on {created_at}. {count} bookmark(s). Every file in this package is listed with its SHA-256 in <code>manifest.json</code>; run <code>trustshelf verify PACKAGE.zip</code> to check it.</p>\n{rows}</body></html>\n",
        name = escape(&binder.name),
        desc = escape(&binder.description),
        count = bookmarks.len(),
    );
    files.insert("index.html".into(), html.into_bytes());
    files.insert("bookmarks.json".into(), serde_json::to_vec_pretty(&serde_json::json!({ "binder": binder, "bookmarks": bookmarks })).unwrap());
    let manifest = Manifest {
        format: PACKAGE_FORMAT.into(),
        binder: binder.name.clone(),
        created_at,
        bookmarks: bookmarks.len(),
        files: files.iter().map(|(p, b)| ManifestEntry { path: p.clone(), sha256: content_hash(b), size: b.len() as u64 }).collect(),
    };
    files.insert("manifest.json".into(), serde_json::to_vec_pretty(&manifest).unwrap());

    let tmp = dest.with_extension("zip.partial");
    let write = || -> std::io::Result<()> {
        let file = std::fs::File::create(&tmp)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in &files {
            zip.start_file(name.as_str(), options)?;
            zip.write_all(bytes)?;
        }
        zip.finish()?.sync_all()?;
        std::fs::rename(&tmp, dest)
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(format!("writing {}", dest.display()), e));
    }
    progress(bookmarks.len(), bookmarks.len());
    Ok(ExportReport { path: dest.display().to_string(), bookmarks: bookmarks.len(), files: files.len(), warnings })
}

/// Checks a package: every file listed with the right hash and size, nothing unlisted, no unsafe
/// names. Returns a report; `Err` only when the file is not a readable zip at all.
pub fn verify_package(path: &Path) -> Result<VerifyReport> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| Error::Package(format!("{} is not a readable zip: {e}", path.display())))?;
    let mut report = VerifyReport::default();
    let mut contents: BTreeMap<String, (String, u64)> = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                report.problems.push(format!("entry {i} cannot be read: {e}"));
                continue;
            }
        };
        let name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        if entry.enclosed_name().is_none() || name.starts_with('/') || name.split('/').any(|p| p == "..") {
            report.problems.push(format!("{name:?}: unsafe path in package"));
            continue;
        }
        let mut bytes = Vec::new();
        if let Err(e) = (&mut entry).take(MAX_ENTRY_BYTES + 1).read_to_end(&mut bytes) {
            report.problems.push(format!("{name}: cannot be read ({e})"));
            continue;
        }
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            report.problems.push(format!("{name}: larger than 1 GiB"));
            continue;
        }
        contents.insert(name, (content_hash(&bytes), bytes.len() as u64));
        if entry.name() == "manifest.json" {
            contents.insert("\0manifest".into(), (String::from_utf8_lossy(&bytes).into_owned(), 0));
        }
    }
    let Some((manifest_text, _)) = contents.remove("\0manifest") else {
        report.problems.push("manifest.json is missing".into());
        return Ok(report);
    };
    let manifest: Manifest = match serde_json::from_str(&manifest_text) {
        Ok(m) => m,
        Err(e) => {
            report.problems.push(format!("manifest.json is not valid: {e}"));
            return Ok(report);
        }
    };
    if manifest.format != PACKAGE_FORMAT {
        report.problems.push(format!("unknown package format {:?}", manifest.format));
    }
    let mut listed = HashSet::new();
    for f in &manifest.files {
        listed.insert(f.path.as_str());
        report.checked += 1;
        match contents.get(&f.path) {
            None => report.problems.push(format!("{}: listed in the manifest but missing", f.path)),
            Some((h, size)) if *h != f.sha256 || *size != f.size => report.problems.push(format!("{}: content does not match the manifest (SHA-256 {h})", f.path)),
            Some(_) => {}
        }
    }
    for name in contents.keys() {
        if name != "manifest.json" && !listed.contains(name.as_str()) {
            report.problems.push(format!("{name}: not listed in the manifest"));
        }
    }
    report.ok = report.problems.is_empty();
    Ok(report)
}

/// Checks every catalogued document's file against its recorded hash.
pub fn verify_library(catalog: &Catalog, root: &Path) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();
    for d in catalog.documents()? {
        report.checked += 1;
        match hash_file(&library_file(root, &d.path)) {
            Ok(h) if h == d.hash => {}
            Ok(_) => report.problems.push(format!("{}: changed since it was indexed (run index to refresh)", d.path)),
            Err(e) => report.problems.push(format!("{}: {e}", d.path)),
        }
    }
    report.ok = report.problems.is_empty();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names() {
        assert_eq!(safe_name("../../etc/passwd", 50), "etc-passwd");
        assert_eq!(safe_name("NIST SP 800-61 r2: Incident Handling", 50), "NIST-SP-800-61-r2-Incident-Handling");
        assert_eq!(safe_name("Bezpečnostní zpráva", 50), "Bezpecnostni-zprava");
        assert_eq!(safe_name("", 50), "untitled");
    }
}
