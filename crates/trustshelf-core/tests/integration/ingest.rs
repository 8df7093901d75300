//! Ingest: incremental rescans, renames, sidecars, the folder watch, the write lock, worker limits, and files that must end with a status instead of a crash.

use std::collections::HashMap;
use std::time::Duration;

use trustshelf_core::{verify_package, BookmarkState, Library, NewBookmark, Status};

use crate::util::{worker, repo, shared, search, write};

#[test]
fn incremental_rescan_change_delete_rename_and_index_rebuild_keep_bookmarks() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = lib_dir.path();
    write(root, "policies/incident.md", "# Incident Policy\n\nWe keep an incident register.\n\n## Escalation\n\nCall the duty officer.");
    write(root, "policies/access.md", "# Access Policy\n\nAccess reviews are quarterly.");
    write(root, "notes.txt", "Plain notes about the zebracorn audit.");
    write(root, "notes.txt.meta.toml", "title = \"Audit notes\"\ncategory = \"faq\"\nregions = [\"CZ\"]\n");
    // An archive is not a document (images are: scans, read by OCR).
    write(root, "evidence.7z", "7z\u{bc}\u{af}\u{27}\u{1c}\0\0\0binary");
    write(root, ".hidden.md", "# hidden");

    let lib = Library::open(data.path(), worker()).unwrap();
    let r = lib.index(Some(root), &mut |_| {}).unwrap();
    assert_eq!((r.added, r.extracted, r.documents), (3, 3, 3), "{r:?}");
    assert_eq!(r.skipped, [("evidence.7z".to_string(), "not a supported document format".to_string())]);
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
    // What the state means is said once, by the core, for the app, the CLI and evidence packages.
    assert_eq!(lib.bookmark(notes_b.id).unwrap().state_note, "The document is no longer in the library.");
    assert!(lib.bookmark(b_access.id).unwrap().state_note.starts_with("The document changed after this bookmark was made"));

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
fn markdown_templates_and_mdx_are_indexed_as_markdown_with_their_placeholders() {
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    write(lib_dir.path(), "templates/SSP.md.tmpl", "# {{ .System }} System Security Plan\n\n## Encryption\n\nThe {{ .System }} encrypts data at rest with AES-256.");
    write(lib_dir.path(), "docs/intro.mdx", "import Box from './box'\n\n# Access reviews\n\nAccess is reviewed quarterly. <Box>Owners sign off.</Box>");
    let lib = Library::open(data.path(), worker()).unwrap();
    let r = lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    assert!(r.skipped.is_empty() && r.failed.is_empty(), "{r:?}");
    assert_eq!(r.added, 2);
    let ssp = lib.document("templates/SSP.md.tmpl").unwrap();
    assert_eq!(ssp.format, trustshelf_core::Format::Markdown);
    assert_eq!(ssp.metadata.title.as_deref(), Some("{{ .System }} System Security Plan"));
    assert_eq!(search(&lib, "AES-256").documents[0].path, "templates/SSP.md.tmpl");
    assert_eq!(search(&lib, "\"System }} encrypts\"").total_documents, 1, "placeholders stay searchable text");
    assert_eq!(search(&lib, "quarterly").documents[0].path, "docs/intro.mdx");
}

#[test]
fn slides_opendocument_text_oscal_xml_and_yaml_are_indexed_in_pages() {
    use std::io::Write;
    let zip = |files: &[(&str, &str)]| {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        for (name, body) in files {
            z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(body.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        out.into_inner()
    };
    let lib_dir = tempfile::tempdir().unwrap();
    let root = lib_dir.path();
    let slide = |t: &str| format!("<p:sld xmlns:a=\"a\" xmlns:p=\"p\"><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:sld>");
    std::fs::write(root.join("deck.pptx"), zip(&[("ppt/slides/slide1.xml", &slide("Trust overview")), ("ppt/slides/slide2.xml", &slide("Keys rotate every ninety days"))])).unwrap();
    std::fs::write(root.join("policy.odt"), zip(&[("content.xml", "<d xmlns:text=\"t\"><text:h text:outline-level=\"1\">Backups</text:h><text:p>Restores are tested monthly.</text:p></d>")])).unwrap();
    write(root, "oscal/catalog.xml", "<catalog xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\"><metadata><title>Mini catalog</title></metadata><control id=\"sc-13\"><title>Cryptographic Protection</title><part name=\"statement\"><p>Implement FIPS-validated cryptography.</p></part></control></catalog>");
    write(root, "config/backup.yaml", "schedule:\n  full: weekly\n  incremental: hourly\n");
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let r = lib.index(Some(root), &mut |_| {}).unwrap();
    assert!(r.failed.is_empty() && r.skipped.is_empty(), "{r:?}");
    assert_eq!(r.added, 4);
    let found = |q: &str| search(&lib, q).documents.first().map(|d| (d.path.clone(), d.format, d.pages[0].page));
    assert_eq!(found("ninety"), Some(("deck.pptx".into(), trustshelf_core::Format::Pptx, 2)));
    assert_eq!(found("monthly"), Some(("policy.odt".into(), trustshelf_core::Format::Odt, 1)));
    assert_eq!(found("SC-13"), Some(("oscal/catalog.xml".into(), trustshelf_core::Format::Xml, 2)));
    assert_eq!(lib.document("oscal/catalog.xml").unwrap().metadata.category.as_deref(), Some("framework"));
    assert_eq!(found("hourly"), Some(("config/backup.yaml".into(), trustshelf_core::Format::Yaml, 1)));
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
    let _watch = trustshelf_core::watch(lib.clone(), lib_dir.path().canonicalize().unwrap(), |_| {}, move |r| {
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
    let handle = trustshelf_core::spawn_index(lib.clone(), None, |_| {}, move |r| {
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
            if matches!(p, trustshelf_core::Progress::Scanned { .. }) && outcome.is_none() {
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
    assert_eq!(status("html-in-disguise.pdf").format, trustshelf_core::Format::Html);
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
            if matches!(p, trustshelf_core::Progress::Scanned { .. }) {
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
    assert!(r.skipped.contains(&("moving".into(), trustshelf_core::UNSUPPORTED.into())), "the folder's replacement is seen: {r:?}");
    assert!(lib.document("moving/inside.md").is_err());
    assert_eq!(lib.status().unwrap().skipped.len(), 1, "only the pipe is left: {r:?}");
    assert_eq!(r.unchanged, 3, "latin-1 file, huge.pdf and steady.md: {r:?}");
}
