//! Evidence packages (export, verification, tampering) and catalog backups.

use std::io::{Read, Write};
use std::path::Path;

use trustshelf_core::{verify_package, Library, NewBookmark};

use crate::util::{worker, search, sample_library, write};

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
