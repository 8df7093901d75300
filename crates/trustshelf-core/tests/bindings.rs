//! The TypeScript types of the app's IPC are generated from the core's Rust types (ts-rs), never written
//! twice. This test fails when `ui/src/bindings.ts` is stale; regenerate it with
//! `UPDATE_BINDINGS=1 cargo test -p trustshelf-core --test bindings`.

use std::path::Path;

use ts_rs::{Config, TS};

fn bindings() -> String {
    // IPC numbers travel as JSON numbers; ids and counts stay far below 2^53.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from("// Generated from the Rust types of trustshelf-core by crates/trustshelf-core/tests/bindings.rs.\n// Do not edit: run `UPDATE_BINDINGS=1 cargo test -p trustshelf-core --test bindings`.\n\n");
    macro_rules! export {
        ($($t:ty),* $(,)?) => {$(
            out.push_str("export ");
            out.push_str(&<$t as TS>::decl(&cfg));
            out.push_str("\n\n");
        )*};
    }
    use trustshelf_core::*;
    export!(
        error::IpcError,
        extract::Format,
        extract::Page,
        metadata::Metadata,
        catalog::Status,
        catalog::Document,
        catalog::SkippedFile,
        search::Sort,
        search::SearchRequest,
        search::PageHit,
        search::DocumentHit,
        search::FacetCount,
        search::Facets,
        search::SearchResponse,
        library::PageView,
        library::DocumentProblem,
        library::LibraryStatus,
        ingest::Progress,
        ingest::IndexReport,
        bookmarks::BookmarkState,
        bookmarks::Bookmark,
        bookmarks::NewBookmark,
        bookmarks::BookmarkUpdate,
        bookmarks::Binder,
        export::ExportReport,
        export::VerifyReport,
    );
    out.trim_end().to_string() + "\n"
}

#[test]
fn typescript_bindings_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
    let generated = bindings();
    if std::env::var("UPDATE_BINDINGS").is_ok() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == generated, "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p trustshelf-core --test bindings`");
}
