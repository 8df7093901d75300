//! A catalog and index written by an earlier version still open.

use trustshelf_core::{BookmarkState, Library};

use crate::util::{worker, repo, search, paths, copy_tree};

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
