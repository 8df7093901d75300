//! Integration tests of the core: the sample library in `documents/`, the real-world material in
//! `../shared/` (skipped with a clear message when it is absent, never in CI), incremental rescans,
//! index rebuilds, bookmarks and evidence packages.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use trustshelf_core::bookmarks::{BookmarkState, NewBookmark};
use trustshelf_core::catalog::Status;
use trustshelf_core::export::verify_package;
use trustshelf_core::search::{SearchRequest, SearchResponse};
use trustshelf_core::{Library, WorkerConfig};

fn worker() -> WorkerConfig {
    WorkerConfig::new(PathBuf::from(env!("CARGO_BIN_EXE_trustshelf-extract-worker")))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// `../shared` beside the repository, or `None` (with a printed skip) when it is absent outside CI.
fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    if p.join("corpus").is_dir() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("../shared is required in CI but was not found at {}", p.display());
    }
    eprintln!("SKIP: ../shared not found at {}; tests over the shared corpus and PDFs did not run", p.display());
    None
}

fn search(lib: &Library, q: &str) -> SearchResponse {
    lib.search(&SearchRequest { query: q.into(), limit: 50, ..Default::default() }).unwrap()
}

fn paths(r: &SearchResponse) -> Vec<&str> {
    r.documents.iter().map(|d| d.path.as_str()).collect()
}

fn sample_library() -> (tempfile::TempDir, Library) {
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let report = lib.index(Some(&repo().join("documents")), &mut |_| {}).unwrap();
    assert!(report.failed.is_empty(), "sample documents failed: {:?}", report.failed);
    assert!(report.skipped.is_empty(), "sample files skipped: {:?}", report.skipped);
    (data, lib)
}

#[test]
fn sample_library_puts_sp800_61_first_for_incident_response() {
    let (_data, lib) = sample_library();
    let r = search(&lib, "incident response");
    let first = &r.documents[0];
    assert_eq!(first.path, "nist/SP800-61rev2.pdf");
    assert!(first.pages.len() >= 3, "best pages: {:?}", first.pages);
    for p in &first.pages {
        assert!(p.page >= 1 && !p.snippet.is_empty() && !p.highlights.is_empty(), "{p:?}");
        let text: Vec<char> = p.snippet.chars().collect();
        let hit: String = text[p.highlights[0][0]..p.highlights[0][1]].iter().collect();
        assert!(hit.to_lowercase().starts_with("incident") || hit.to_lowercase().starts_with("respon"), "highlight {hit:?}");
    }
    // The quoted phrase ranks the same document first.
    assert_eq!(search(&lib, "\"incident response\"").documents[0].path, "nist/SP800-61rev2.pdf");
}

#[test]
fn facet_counts_match_the_documents() {
    let (_data, lib) = sample_library();
    let docs = lib.documents().unwrap();
    let facets = lib.facets().unwrap();
    let mut expected: HashMap<String, usize> = HashMap::new();
    for d in &docs {
        *expected.entry(d.metadata.category.clone().unwrap()).or_default() += 1;
    }
    assert_eq!(facets.category.iter().map(|f| f.count).sum::<usize>(), docs.len());
    for f in &facets.category {
        assert_eq!(expected[&f.value], f.count, "category {}", f.value);
    }
    let count = |v: &[trustshelf_core::search::FacetCount], k: &str| v.iter().find(|f| f.value == k).map(|f| f.count).unwrap_or(0);
    assert_eq!(count(&facets.category, "audit-report"), 2);
    assert_eq!(count(&facets.category, "regional"), 3);
    assert_eq!(count(&facets.region, "CZ"), docs.iter().filter(|d| d.metadata.regions.iter().any(|r| r == "CZ")).count());
    // Facets follow the query and the filters.
    let r = lib.search(&SearchRequest { query: "incident".into(), standards: vec!["soc2".into()], ..Default::default() }).unwrap();
    assert!(r.total_documents >= 1);
    assert!(r.documents.iter().all(|d| d.standards.iter().any(|s| s == "SOC 2")));
    assert_eq!(count(&r.facets.standard, "SOC 2"), r.total_documents);
    let typed = search(&lib, "incident standard:\"SOC 2\"");
    assert_eq!(typed.total_documents, r.total_documents);
}

#[test]
fn a_phrase_on_exactly_one_page_returns_that_page() {
    let (_data, lib) = sample_library();
    let r = search(&lib, "\"no restore test in Q4 2024\"");
    assert_eq!((r.total_documents, r.total_pages), (1, 1), "{:?}", paths(&r));
    let d = &r.documents[0];
    assert_eq!(d.path, "fictional/kestrel-soc2-type2-2025.pdf");
    let page = lib.page(&d.id.to_string(), d.pages[0].page).unwrap();
    let flat = page.page.text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("no restore test in Q4 2024"));
}

#[test]
fn control_ids_diacritics_and_stemming() {
    let (_data, lib) = sample_library();
    assert!(paths(&search(&lib, "AC-2(1)")).contains(&"fictional/kestrel-customer-responsibility-matrix.xlsx"));
    assert!(!paths(&search(&lib, "AC-2(1)")).contains(&"nist/SP800-61rev2.pdf"), "AC-2(1) must not match every AC/2");
    assert!(paths(&search(&lib, "A.5.23")).contains(&"fictional/kestrel-iso27001-certificate.pdf"));
    assert!(paths(&search(&lib, "CC6.1")).contains(&"fictional/kestrel-soc2-type2-2026.pdf"));
    assert!(search(&lib, "800-53").total_documents >= 3);
    assert!(paths(&search(&lib, "27001")).contains(&"fictional/kestrel-iso27001-certificate.pdf"));
    // Diacritics either way.
    for q in ["bezpecnostni", "Bezpečnostní", "BEZPECNOSTNI"] {
        assert_eq!(paths(&search(&lib, q)), ["fictional/kestrel-addendum-cz.pdf"], "{q}");
    }
    assert_eq!(paths(&search(&lib, "cyberbezpieczenstwa")), ["fictional/kestrel-addendum-pl.pdf"]);
    assert_eq!(paths(&search(&lib, "securitate")), ["fictional/kestrel-addendum-ro.pdf"]);
    // English stemming: the SOC 2 report only says "exercise"; "exercises" finds it.
    assert!(paths(&search(&lib, "tabletop exercises")).contains(&"fictional/kestrel-soc2-type2-2026.pdf"));
    assert!(search(&lib, "remediated").total_documents >= 1 && search(&lib, "remediation").total_documents >= 1);
    // Typos in longer words still find something; prefixes work.
    let typo = search(&lib, "incidnet");
    assert!(typo.fuzzy && typo.total_documents > 0);
    assert!(paths(&search(&lib, "penetrat*")).contains(&"fictional/kestrel-pentest-summary-2026.pdf"));
    let typing = lib.search(&SearchRequest { query: "kestrel penetr".into(), as_you_type: true, ..Default::default() }).unwrap();
    assert_eq!(typing.documents[0].path, "fictional/kestrel-pentest-summary-2026.pdf");
}

#[test]
fn filters_dates_sorting_and_paging() {
    let (_data, lib) = sample_library();
    let r = search(&lib, "category:audit-report");
    assert_eq!(r.total_documents, 2);
    let r = search(&lib, "region:CZ date:2026");
    assert!(r.documents.iter().all(|d| d.regions.iter().any(|x| x == "CZ") && d.date.as_deref().is_some_and(|x| x.starts_with("2026"))), "{:?}", paths(&r));
    let by_date = lib.search(&SearchRequest { query: "kestrel".into(), sort: trustshelf_core::search::Sort::Date, limit: 50, ..Default::default() }).unwrap();
    let dates: Vec<_> = by_date.documents.iter().filter_map(|d| d.date.clone()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    let page1 = lib.search(&SearchRequest { query: "security".into(), limit: 3, ..Default::default() }).unwrap();
    let page2 = lib.search(&SearchRequest { query: "security".into(), limit: 3, offset: 3, ..Default::default() }).unwrap();
    assert_eq!(page1.total_documents, page2.total_documents);
    assert!(page1.documents.iter().all(|d| !page2.documents.iter().any(|e| e.id == d.id)));
    // Page after page gives exactly the order of one long list (only the shown results are sorted).
    let all = lib.search(&SearchRequest { query: "security".into(), limit: 500, ..Default::default() }).unwrap();
    let paged: Vec<i64> = (0..all.total_documents.div_ceil(3))
        .flat_map(|p| lib.search(&SearchRequest { query: "security".into(), limit: 3, offset: p * 3, ..Default::default() }).unwrap().documents)
        .map(|d| d.id)
        .collect();
    assert!(all.total_documents > 6);
    assert_eq!(paged, all.documents.iter().map(|d| d.id).collect::<Vec<_>>());
    // Junk never errors.
    for q in ["\"", "((", "NOT", "-", "title:", "date:nonsense", "***", "a OR", "\u{0}"] {
        lib.search(&SearchRequest { query: q.into(), ..Default::default() }).unwrap();
    }
    assert_eq!(search(&lib, "incident standard:nonexistent").total_documents, 0);
    assert_eq!(search(&lib, "incident region:XX").notices, ["unknown region \"XX\""]);
}

#[test]
fn documents_rank_by_their_best_page_however_many_pages_match() {
    // 1,200 short pages that match strongly, then two documents whose only matching page is weaker
    // than all of them: each still ranks by its own best page, and shows that page.
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = lib_dir.path();
    let filler = "The provider keeps records of its systems and reviews them with the customer each year. ".repeat(6);
    write(root, "many-pages.txt", &vec!["Retention retention retention schedule."; 1200].join("\x0c"));
    write(root, "a-weak.txt", &format!("Weak match\n\n{filler} Records follow the retention rule. {filler}"));
    write(root, "b-stronger.txt", &format!("Stronger match\n\n{filler} Retention periods and the retention rule. {filler}"));
    let lib = Library::open(data.path(), worker()).unwrap();
    lib.index(Some(root), &mut |_| {}).unwrap();

    let r = lib.search(&SearchRequest { query: "retention".into(), limit: 10, pages_per_document: 3, ..Default::default() }).unwrap();
    assert_eq!(paths(&r), ["many-pages.txt", "b-stronger.txt", "a-weak.txt"]);
    assert_eq!(r.total_pages, 1202);
    assert_eq!(r.documents[0].matching_pages, 1200);
    assert!(r.documents[1].score > r.documents[2].score && r.documents[2].score > 0.0, "{:?}", r.documents.iter().map(|d| d.score).collect::<Vec<_>>());
    for d in &r.documents[1..] {
        assert_eq!(d.pages.len(), 1);
        assert!(d.pages[0].snippet.contains("retention") && !d.pages[0].highlights.is_empty(), "{:?}", d.pages[0]);
    }
    // The first document shows its three best pages, best first, equal scores in page order.
    let shown: Vec<u32> = r.documents[0].pages.iter().map(|p| p.page).collect();
    assert_eq!(shown, [1, 2, 3]);
    // More pages per document than the ranking pass keeps: the same pages, scored the same.
    let r5 = lib.search(&SearchRequest { query: "retention".into(), limit: 10, pages_per_document: 5, ..Default::default() }).unwrap();
    assert_eq!(r5.documents[0].pages.iter().map(|p| p.page).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(r5.documents[1].pages[0].page, r.documents[1].pages[0].page);
    assert_eq!(r5.documents[1].pages[0].score, r.documents[1].pages[0].score);
    // Paging past the first document still ranks the rest by their best page.
    let r = lib.search(&SearchRequest { query: "retention".into(), limit: 1, offset: 1, ..Default::default() }).unwrap();
    assert_eq!(paths(&r), ["b-stronger.txt"]);
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn incremental_rescan_change_delete_rename_and_index_rebuild_keep_bookmarks() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = lib_dir.path();
    write(root, "policies/incident.md", "# Incident Policy\n\nWe keep an incident register.\n\n## Escalation\n\nCall the duty officer.");
    write(root, "policies/access.md", "# Access Policy\n\nAccess reviews are quarterly.");
    write(root, "notes.txt", "Plain notes about the zebracorn audit.");
    write(root, "notes.txt.meta.toml", "title = \"Audit notes\"\ncategory = \"faq\"\nregions = [\"CZ\"]\n");
    write(root, "image.png", "\u{89}PNG\r\n\u{1a}\n\0\0\0binary");
    write(root, ".hidden.md", "# hidden");

    let lib = Library::open(data.path(), worker()).unwrap();
    let r = lib.index(Some(root), &mut |_| {}).unwrap();
    assert_eq!((r.added, r.extracted, r.documents), (3, 3, 3), "{r:?}");
    assert_eq!(r.skipped, [("image.png".to_string(), "not a supported document format".to_string())]);
    let notes = lib.document("notes.txt").unwrap();
    assert_eq!(notes.metadata.title.as_deref(), Some("Audit notes"));
    assert_eq!(notes.metadata.regions, ["CZ"]);
    assert!(!notes.inferred_fields.contains(&"title".to_string()));

    // Nothing changed: nothing extracted.
    let r = lib.index(None, &mut |_| {}).unwrap();
    assert_eq!((r.unchanged, r.extracted, r.added, r.updated), (3, 0, 0, 0), "{r:?}");

    // Bookmarks before the changes.
    let incident = lib.document("policies/incident.md").unwrap();
    let binder = lib.create_binder("Audit 2026", "").unwrap();
    let b_incident = lib.add_bookmark(&NewBookmark { document_id: incident.id, page: 2, quote: Some("Call the duty officer.".into()), note: "escalation".into(), tags: vec!["ir".into()], binders: vec![binder.id] }).unwrap();
    let access = lib.document("policies/access.md").unwrap();
    let b_access = lib.add_bookmark(&NewBookmark { document_id: access.id, page: 1, binders: vec![binder.id], ..Default::default() }).unwrap();
    let notes_b = lib.add_bookmark(&NewBookmark { document_id: notes.id, page: 1, ..Default::default() }).unwrap();

    // Change one file.
    std::thread::sleep(Duration::from_millis(20));
    write(root, "policies/access.md", "# Access Policy\n\nAccess reviews are monthly.");
    let r = lib.index(None, &mut |_| {}).unwrap();
    assert_eq!((r.updated, r.extracted), (1, 1), "{r:?}");
    assert_eq!(search(&lib, "monthly").total_documents, 1);
    assert_eq!(search(&lib, "quarterly").total_documents, 0);
    assert_eq!(lib.bookmark(b_access.id).unwrap().state, BookmarkState::Changed);

    // Rename/move a file: recognised by hash, nothing extracted, bookmark follows.
    std::fs::create_dir_all(root.join("archive")).unwrap();
    std::fs::rename(root.join("policies/incident.md"), root.join("archive/incident-2026.md")).unwrap();
    let r = lib.index(None, &mut |_| {}).unwrap();
    assert_eq!((r.moved, r.extracted, r.removed), (1, 0, 0), "{r:?}");
    let b = lib.bookmark(b_incident.id).unwrap();
    assert_eq!(b.state, BookmarkState::Current);
    assert_eq!(b.document_path, "archive/incident-2026.md");
    assert_eq!(b.document_id, Some(incident.id));
    assert_eq!(search(&lib, "duty officer").documents[0].path, "archive/incident-2026.md");

    // Delete a file: it leaves catalog and index; its bookmark says so.
    std::fs::remove_file(root.join("notes.txt")).unwrap();
    let r = lib.index(None, &mut |_| {}).unwrap();
    assert_eq!(r.removed, 1);
    assert_eq!(search(&lib, "zebracorn").total_documents, 0);
    assert_eq!(lib.bookmark(notes_b.id).unwrap().state, BookmarkState::Missing);

    // Delete the index folder: reopening rebuilds it from the catalog, bookmarks intact.
    drop(lib);
    std::fs::remove_dir_all(data.path().join("index")).unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    assert_eq!(search(&lib, "duty officer").total_documents, 1);
    assert_eq!(search(&lib, "monthly").total_documents, 1);
    let in_binder = lib.bookmarks(Some("Audit 2026")).unwrap();
    assert_eq!(in_binder.iter().map(|b| b.id).collect::<Vec<_>>(), [b_incident.id, b_access.id]);
    assert_eq!(in_binder[0].quote.as_deref(), Some("Call the duty officer."));
    assert_eq!(lib.bookmarks(None).unwrap().len(), 3);
}

#[test]
fn invalid_sidecar_is_reported_and_the_document_still_indexed() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    write(lib_dir.path(), "report.md", "# SOC 2 Type II report\n\nIndependent service auditor opinion.");
    write(lib_dir.path(), "report.md.meta.toml", "title = \"Acme\"\ncategory = \"nonsense\"\nperiod_end = \"soon\"\n");
    let lib = Library::open(data.path(), worker()).unwrap();
    lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    let d = lib.document("report.md").unwrap();
    assert_eq!(d.metadata.title.as_deref(), Some("Acme"));
    assert_eq!(d.sidecar_errors.len(), 2);
    assert!(d.sidecar_errors.iter().any(|e| e.contains("`category`")));
    assert!(d.inferred_fields.contains(&"category".to_string()));
    let status = lib.status().unwrap();
    assert!(status.problems.iter().any(|p| p.reason.starts_with("sidecar:")));
    assert_eq!(search(&lib, "opinion").total_documents, 1);
}

fn rewrite_zip(src: &Path, dst: &Path, change: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>, extra: Option<(&str, &[u8])>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        if let Some(bytes) = change(&name, bytes) {
            zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zout.write_all(&bytes).unwrap();
        }
    }
    if let Some((name, bytes)) = extra {
        zout.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zout.write_all(bytes).unwrap();
    }
    zout.finish().unwrap();
}

#[test]
fn export_verify_and_tampered_packages_are_rejected() {
    let (_data, lib) = sample_library();
    let out = tempfile::tempdir().unwrap();
    let binder = lib.create_binder("SOC 2 — 2026 <audit>", "Evidence for the 2026 audit").unwrap();
    let hit = &search(&lib, "incident response").documents[0];
    lib.add_bookmark(&NewBookmark { document_id: hit.id, page: hit.pages[0].page, quote: Some("incident response".into()), note: "IR plan <b>".into(), tags: vec!["IR".into()], binders: vec![binder.id] }).unwrap();
    let cert = lib.document("fictional/kestrel-iso27001-certificate.pdf").unwrap();
    lib.add_bookmark(&NewBookmark { document_id: cert.id, page: 2, binders: vec![binder.id], ..Default::default() }).unwrap();
    let zip_path = out.path().join("evidence.zip");
    let mut steps = 0;
    let report = lib.export_binder("SOC 2 — 2026 <audit>", &zip_path, true, &mut |_, _| steps += 1).unwrap();
    assert_eq!(report.bookmarks, 2);
    assert!(steps >= 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let ok = verify_package(&zip_path).unwrap();
    assert!(ok.ok, "{:?}", ok.problems);
    assert_eq!(ok.checked, report.files - 1);

    let mut zin = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let names: Vec<String> = (0..zin.len()).map(|i| zin.by_index(i).unwrap().name().to_string()).collect();
    assert!(names.contains(&"index.html".to_string()) && names.contains(&"manifest.json".to_string()));
    assert!(names.iter().any(|n| n == "files/nist/SP800-61rev2.pdf"));
    assert!(names.iter().all(|n| !n.contains("..") && !n.starts_with('/')));
    let mut html = String::new();
    zin.by_name("index.html").unwrap().read_to_string(&mut html).unwrap();
    assert!(html.contains("SOC 2 — 2026 &lt;audit&gt;") && html.contains("IR plan &lt;b&gt;") && html.contains("NIST SP 800-61"));

    // A changed byte, a missing file, an unlisted file: each is caught.
    let tampered = out.path().join("tampered.zip");
    rewrite_zip(&zip_path, &tampered, |n, mut b| {
        if n == "index.html" {
            b.extend_from_slice(b"<!-- edited -->");
        }
        Some(b)
    }, None);
    let r = verify_package(&tampered).unwrap();
    assert!(!r.ok && r.problems.iter().any(|p| p.starts_with("index.html")), "{:?}", r.problems);
    rewrite_zip(&zip_path, &tampered, |n, b| (n != "bookmarks.json").then_some(b), None);
    assert!(verify_package(&tampered).unwrap().problems.iter().any(|p| p.contains("missing")));
    rewrite_zip(&zip_path, &tampered, |_, b| Some(b), Some(("extra.txt", b"x")));
    assert!(verify_package(&tampered).unwrap().problems.iter().any(|p| p.contains("not listed")));
    std::fs::write(&tampered, b"not a zip").unwrap();
    assert!(verify_package(&tampered).is_err());

    // The library's own files verify against the catalog.
    let v = lib.verify_library().unwrap();
    assert!(v.ok && v.checked == lib.documents().unwrap().len(), "{:?}", v.problems);
}

#[test]
fn every_shared_pdf_is_indexed_or_has_a_recorded_reason() {
    let Some(shared) = shared() else { return };
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let root = shared.join("pdfs");
    let report = lib.index(Some(&root), &mut |_| {}).unwrap();
    let pdfs: Vec<String> = walk(&root).into_iter().filter(|p| p.to_lowercase().ends_with(".pdf")).collect();
    let docs = lib.documents().unwrap();
    let mut by_status: HashMap<String, usize> = HashMap::new();
    for pdf in &pdfs {
        let d = docs.iter().find(|d| &d.path == pdf).unwrap_or_else(|| panic!("{pdf} is not in the catalog; skipped: {:?}", report.skipped));
        if d.status != Status::Indexed {
            assert!(d.reason.as_deref().is_some_and(|r| !r.is_empty()), "{pdf} has no reason");
        }
        let key = match d.status {
            Status::Failed => format!("failed: {}", d.reason.as_deref().unwrap().split(':').next().unwrap()),
            s => format!("{s:?}").to_lowercase(),
        };
        *by_status.entry(key).or_default() += 1;
    }
    eprintln!("../shared/pdfs: {} PDFs: {:?}", pdfs.len(), by_status);
    assert!(by_status.get("indexed").copied().unwrap_or(0) * 10 >= pdfs.len() * 8, "{by_status:?}");
    // The encrypted sample is recognised as such.
    assert!(by_status.keys().any(|k| k.contains("password required")), "{by_status:?}");
}

fn walk(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn corpus_metadata_inference_agrees_with_the_manifest() {
    let Some(shared) = shared() else { return };
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let started = std::time::Instant::now();
    let report = lib.index(Some(&shared.join("corpus")), &mut |_| {}).unwrap();
    let secs = started.elapsed().as_secs_f64();
    eprintln!("../shared/corpus (debug build): {} documents, {} pages in {secs:.1} s = {:.0} pages/s", report.documents, report.pages, report.pages as f64 / secs);
    let manifest = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
    let mut rows = manifest.lines();
    let header: Vec<&str> = rows.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // The manifest's labels name a few categories differently; map them onto ours.
    let category_of = |c: &str| match c {
        "audit-framework" | "control-catalog" | "glossary" => "framework",
        "template" | "template-form" => "policy-template",
        "training-slides" => "whitepaper",
        "benchmark-baseline" => "blueprint",
        "privacy-law" => "privacy",
        "regional-law" => "regional",
        other => other,
    }
    .to_string();
    let norm = |s: &str| s.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>();
    let (mut n, mut cat, mut reg, mut std) = (0, 0, 0, 0);
    for row in rows {
        let f: Vec<&str> = row.split('\t').collect();
        let d = lib.document(f[col("relative_path")]).unwrap();
        n += 1;
        cat += (d.metadata.category.as_deref() == Some(category_of(f[col("category")]).as_str())) as usize;
        let expected_regions: Vec<String> = f[col("region")].split('/').map(|r| if r.eq_ignore_ascii_case("global") { "Global".into() } else { r.to_uppercase() }).collect();
        reg += d.metadata.regions.iter().any(|r| expected_regions.contains(r)) as usize;
        let human = norm(f[col("standards")]);
        std += d.metadata.standards.iter().any(|s| human.contains(&norm(&s.replace("NIST SP", "SP").replace("ISO/IEC", "")))) as usize;
    }
    let pct = |x: usize| 100.0 * x as f64 / n as f64;
    eprintln!("metadata inference vs MANIFEST.tsv over {n} documents: category {:.0} %, region {:.0} %, standards {:.0} %", pct(cat), pct(reg), pct(std));
    assert_eq!(n, 60);
    assert!(pct(cat) >= 75.0 && pct(reg) >= 80.0 && pct(std) >= 60.0);
}

#[test]
fn worker_limits_are_enforced() {
    let Some(shared) = shared() else { return };
    let lib_dir = tempfile::tempdir().unwrap();
    let big = shared.join("corpus/acsc-au/privacy-act-1988-C2025C00378.pdf");
    std::fs::copy(&big, lib_dir.path().join("act.pdf")).unwrap();
    // Time limit.
    let data = tempfile::tempdir().unwrap();
    let mut cfg = worker();
    cfg.timeout = Duration::from_millis(50);
    let lib = Library::open(data.path(), cfg).unwrap();
    let r = lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    assert_eq!(r.failed.len(), 1);
    assert!(r.failed[0].1.starts_with("timeout"), "{:?}", r.failed);
    // Memory limit.
    let data = tempfile::tempdir().unwrap();
    let mut cfg = worker();
    cfg.memory_limit_mb = 90;
    let lib = Library::open(data.path(), cfg).unwrap();
    let r = lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    assert!(r.failed.first().is_some_and(|f| f.1.starts_with("too large")), "{:?}", r.failed);
    // Size limit.
    let data = tempfile::tempdir().unwrap();
    let mut cfg = worker();
    cfg.max_file_bytes = 1000;
    let lib = Library::open(data.path(), cfg).unwrap();
    let r = lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    assert!(r.failed[0].1.starts_with("too large"), "{:?}", r.failed);
    let d = lib.document("act.pdf").unwrap();
    assert_eq!(d.status, Status::Failed);
    // Still browsable by metadata, findable by title.
    assert_eq!(search(&lib, "act").total_documents, 1);
}

#[test]
fn the_watch_picks_up_added_files_and_search_works_during_indexing() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    write(lib_dir.path(), "a.md", "# First\n\nalpha policy");
    let lib = std::sync::Arc::new(Library::open(data.path(), worker()).unwrap());
    lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let _watch = trustshelf_core::jobs::watch(lib.clone(), lib_dir.path().canonicalize().unwrap(), |_| {}, move |r| {
        let _ = tx.send(r.map(|r| r.added));
    })
    .unwrap();
    write(lib_dir.path(), "b.md", "# Second\n\nbravo procedure");
    let added = rx.recv_timeout(Duration::from_secs(30)).expect("the watch re-indexed").unwrap();
    assert_eq!(added, 1);
    assert_eq!(search(&lib, "bravo").total_documents, 1);

    // A background run does not block searches or bookmarks.
    for i in 0..30 {
        write(lib_dir.path(), &format!("bulk/{i}.md"), &format!("# Bulk {i}\n\ncharlie {i}"));
    }
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let handle = trustshelf_core::jobs::spawn_index(lib.clone(), None, |_| {}, move |r| {
        let _ = done_tx.send(r.is_ok() || matches!(r, Err(trustshelf_core::Error::LibraryInUse(_))));
    });
    assert_eq!(search(&lib, "alpha").total_documents, 1);
    let a = lib.document("a.md").unwrap();
    lib.add_bookmark(&NewBookmark { document_id: a.id, page: 1, ..Default::default() }).unwrap();
    handle.join().unwrap();
    assert!(done_rx.recv().unwrap());
    // The watch may have run the same changes; either way every bulk file ends up searchable.
    let _ = lib.index(None, &mut |_| {});
    assert_eq!(search(&lib, "charlie").total_documents, 30);
}

#[test]
fn a_second_writer_gets_library_in_use() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    write(lib_dir.path(), "a.md", "# A\n\ntext");
    let first = Library::open(data.path(), worker()).unwrap();
    first.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    let second = Library::open(data.path(), worker()).unwrap();
    // Hold the first library's write lock through an index run's progress callback.
    write(lib_dir.path(), "b.md", "# B\n\nmore");
    let mut outcome = None;
    first
        .index(None, &mut |p| {
            if matches!(p, trustshelf_core::ingest::Progress::Scanned { .. }) && outcome.is_none() {
                outcome = Some(second.index(None, &mut |_| {}).map(|_| ()));
            }
        })
        .unwrap();
    assert!(matches!(outcome, Some(Err(trustshelf_core::Error::LibraryInUse(_)))), "{outcome:?}");
    // The reader in the second handle sees the first one's changes.
    assert_eq!(search(&second, "more").total_documents, 1);
}

#[test]
fn generated_nasty_files_end_with_a_status_and_the_rest_is_indexed() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = lib_dir.path();
    let good = std::fs::read(repo().join("documents/fictional/kestrel-pentest-summary-2026.pdf")).unwrap();
    std::fs::write(root.join("zero.pdf"), b"").unwrap();
    for (i, cut) in [10usize, 500, good.len() / 3, good.len() / 2, good.len() - 40].iter().enumerate() {
        std::fs::write(root.join(format!("truncated-{i}.pdf")), &good[..*cut]).unwrap();
    }
    std::fs::write(root.join("html-in-disguise.pdf"), b"<!DOCTYPE html><html><body><h1>Not a PDF</h1><script>alert(1)</script><p>zebrafinch</p></body></html>").unwrap();
    std::fs::write(root.join("report.docx"), b"PK\x03\x04 this is no zip at all").unwrap();
    std::fs::write(root.join("sheet.xlsx"), b"\x00\x01\x02 binary junk").unwrap();
    std::fs::write(root.join("latin1.txt"), b"Caf\xe9 s\xe9curit\xe9 policy").unwrap();
    let long = format!("{}.md", "a".repeat(240));
    std::fs::write(root.join(&long), "# Long name\n\nquokka").unwrap();
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    std::fs::write(root.join("good.pdf"), &good).unwrap();
    // Deeply nested arrays: a parser that recurses must not take the process down.
    let mut deep = b"%PDF-1.4\n1 0 obj\n".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 200_000));
    deep.extend(b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    std::fs::write(root.join("deep.pdf"), &deep).unwrap();

    let lib = Library::open(data.path(), worker()).unwrap();
    let report = lib.index(Some(root), &mut |_| {}).unwrap();
    let docs = lib.documents().unwrap();
    let status = |p: &str| docs.iter().find(|d| d.path == p).unwrap_or_else(|| panic!("{p} not catalogued: {report:?}"));
    assert_eq!(status("good.pdf").status, Status::Indexed);
    assert!(status("zero.pdf").reason.as_deref().unwrap().contains("empty"));
    for i in 0..5 {
        let d = status(&format!("truncated-{i}.pdf"));
        assert!(d.status != Status::Failed || d.reason.as_deref().is_some_and(|r| !r.is_empty()), "{d:?}");
    }
    assert_eq!(status("html-in-disguise.pdf").format, trustshelf_core::extract::Format::Html);
    assert_eq!(search(&lib, "zebrafinch").total_documents, 1);
    assert_eq!(search(&lib, "alert").total_documents, 0, "script text is not document text");
    assert_eq!(status("report.docx").status, Status::Failed);
    assert!(status("report.docx").reason.as_deref().unwrap().contains("not a valid"));
    assert_eq!(status("sheet.xlsx").status, Status::Failed);
    assert_eq!(search(&lib, "securite").total_documents, 1, "Latin-1 text is decoded");
    assert_eq!(status(&long).status, Status::Indexed);
    assert_eq!(status("deep.pdf").status, Status::Failed);
    assert!(report.skipped.iter().any(|(p, r)| p.starts_with("loop") && r.contains("loop")), "{:?}", report.skipped);
    eprintln!("nasty files: {:?}", docs.iter().map(|d| (d.path.chars().take(30).collect::<String>(), d.status, d.reason.clone())).collect::<Vec<_>>());
}

#[test]
fn backup_and_restore_bring_user_data_back() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    write(lib_dir.path(), "a.md", "# A\n\nwombat evidence");
    let lib = Library::open(data.path(), worker()).unwrap();
    lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    let doc = lib.document("a.md").unwrap();
    let binder = lib.create_binder("Keep", "").unwrap();
    let b = lib.add_bookmark(&NewBookmark { document_id: doc.id, page: 1, note: "keep me".into(), binders: vec![binder.id], ..Default::default() }).unwrap();
    let backup = out.path().join("catalog.backup");
    lib.backup(&backup).unwrap();
    assert!(lib.backup(&backup).is_err(), "never overwrites");
    lib.remove_bookmark(b.id).unwrap();
    lib.delete_binder(binder.id).unwrap();
    std::fs::write(out.path().join("junk"), b"not a database").unwrap();
    assert!(lib.restore(&out.path().join("junk")).is_err());
    assert!(lib.bookmarks(None).unwrap().is_empty(), "a failed restore changes nothing");
    lib.restore(&backup).unwrap();
    assert_eq!(lib.bookmarks(Some("Keep")).unwrap()[0].note, "keep me");
    assert_eq!(search(&lib, "wombat").total_documents, 1);
}

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

#[test]
fn catalog_and_index_of_format_v1_open_in_this_version() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures/compat/v1"), tmp.path());
    let lib = Library::open(&tmp.path().join("data"), worker()).unwrap();

    // User data exactly as written by v1.
    let marks = lib.bookmarks(Some("FY26 audit")).unwrap();
    assert_eq!(marks.len(), 2, "{marks:?}");
    assert_eq!(marks[0].document_path, "kestrel-iso27001-certificate.pdf");
    assert_eq!(marks[0].quote.as_deref(), Some("ISO/IEC 27001:2022"));
    assert_eq!(marks[0].tags, ["iso"]);
    assert_eq!(marks[1].note, "Bridge letter, Q4 2026 — ěščřžýáíé");
    assert_eq!(lib.binders().unwrap().len(), 1);

    // Catalog and index as written by v1 (migrated or rebuilt, never lost).
    let status = lib.status().unwrap();
    assert_eq!((status.documents, status.pages, status.indexed_pages), (4, 11, 11), "{status:?}");
    let r = search(&lib, "\"certificate of registration\"");
    assert_eq!(paths(&r)[0], "kestrel-iso27001-certificate.pdf");
    assert!(lib.page("kestrel-iso27001-certificate.pdf", 1).unwrap().page.text.contains("27001"));

    // The library moved with the copy: re-indexing at its new place recognises every file.
    let r = lib.index(Some(&tmp.path().join("library")), &mut |_| {}).unwrap();
    assert_eq!((r.documents, r.extracted, r.added, r.removed), (4, 0, 0, 0), "{r:?}");
    for b in lib.bookmarks(None).unwrap() {
        assert_eq!(b.state, BookmarkState::Current, "{b:?}");
    }
    assert_eq!(lib.read_document(marks[1].document_id.unwrap()).unwrap().len(), std::fs::metadata(tmp.path().join("library/kestrel-bridge-letter-2026q4.pdf")).unwrap().len() as usize);
}

#[test]
fn odd_names_special_files_huge_files_and_changes_mid_scan_end_with_a_status() {
    use std::os::unix::ffi::OsStrExt;
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let root = lib_dir.path();
    // A Latin-1 file name (not UTF-8): catalogued with its bytes escaped, searchable, viewable, exported.
    let latin1 = std::ffi::OsStr::from_bytes(b"politique-s\xe9curit\xe9.md");
    std::fs::write(root.join(latin1), "# Politique\n\nnarwhal controls").unwrap();
    // A named pipe where a document could be: opening it must not wait for a writer.
    let fifo = root.join("pipe.pdf");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // A 200 MB "PDF" (sparse): over the size limit, failed with the sizes, in bounded time.
    let huge = std::fs::File::create(root.join("huge.pdf")).unwrap();
    std::io::Write::write_all(&mut &huge, b"%PDF-1.7\n").unwrap();
    huge.set_len(200 * 1024 * 1024).unwrap();
    // A folder that is replaced by a file, and a file whose content changes, after the scan.
    write(root, "moving/inside.md", "# Inside\n\nokapi");
    write(root, "changing.md", "# Before\n\nplatypus");
    write(root, "steady.md", "# Steady\n\nechidna");

    let lib = Library::open(data.path(), worker()).unwrap();
    let started = std::time::Instant::now();
    let report = lib
        .index(Some(root), &mut |p| {
            if matches!(p, trustshelf_core::ingest::Progress::Scanned { .. }) {
                std::fs::remove_dir_all(root.join("moving")).unwrap();
                std::fs::write(root.join("moving"), "now a file").unwrap();
                std::fs::write(root.join("changing.md"), "# After\n\nwallaby and more text").unwrap();
            }
        })
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(60), "bounded time: {:?}", started.elapsed());
    let skipped: HashMap<&str, &str> = report.skipped.iter().map(|(p, r)| (p.as_str(), r.as_str())).collect();
    assert_eq!(skipped.get("pipe.pdf"), Some(&"not a regular file (a named pipe)"), "{report:?}");
    assert_eq!(report.added, 3, "files skipped mid-scan are not counted as added: {report:?}");
    assert!(skipped.get("moving/inside.md").is_some_and(|r| r.contains("moved or deleted") && r.contains("next scan")), "{report:?}");
    assert!(skipped.get("changing.md").is_some_and(|r| r.contains("content changed")), "{report:?}");
    let huge_doc = lib.document("huge.pdf").unwrap();
    assert_eq!(huge_doc.status, Status::Failed);
    assert_eq!(huge_doc.reason.as_deref(), Some("too large: 200 MB is over the 150 MB limit"));
    assert_eq!(search(&lib, "echidna").total_documents, 1);
    // Nothing of the changed file's new or old content was stored under the wrong hash.
    assert_eq!(search(&lib, "wallaby").total_documents + search(&lib, "platypus").total_documents, 0);
    // The app and `status` list what was left out.
    let listed: Vec<String> = lib.status().unwrap().skipped.into_iter().map(|f| f.path).collect();
    assert_eq!(listed, ["changing.md", "moving/inside.md", "pipe.pdf"]);

    let escaped = "politique-s\\xE9curit\\xE9.md";
    let doc = lib.document(escaped).unwrap();
    assert_eq!(doc.status, Status::Indexed);
    assert_eq!(search(&lib, "narwhal").documents[0].path, escaped);
    assert!(lib.read_document(doc.id).unwrap().starts_with(b"# Politique"));
    let binder = lib.create_binder("Odd", "").unwrap();
    lib.add_bookmark(&NewBookmark { document_id: doc.id, page: 1, binders: vec![binder.id], ..Default::default() }).unwrap();
    let zip = out.path().join("odd.zip");
    lib.export_binder("Odd", &zip, true, &mut |_, _| {}).unwrap();
    assert!(verify_package(&zip).unwrap().ok);

    // The next scan picks up what changed mid-scan; the rest stays as it was.
    let r = lib.index(None, &mut |_| {}).unwrap();
    assert_eq!(search(&lib, "wallaby").total_documents, 1, "{r:?}");
    assert!(r.skipped.contains(&("moving".into(), trustshelf_core::ingest::UNSUPPORTED.into())), "the folder's replacement is seen: {r:?}");
    assert!(lib.document("moving/inside.md").is_err());
    assert_eq!(lib.status().unwrap().skipped.len(), 1, "only the pipe is left: {r:?}");
    assert_eq!(r.unchanged, 3, "latin-1 file, huge.pdf and steady.md: {r:?}");
}
