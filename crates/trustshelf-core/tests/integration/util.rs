//! Fixture helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use trustshelf_core::{Library, SearchRequest, SearchResponse, WorkerConfig};

pub fn worker() -> WorkerConfig {
    WorkerConfig::new(PathBuf::from(env!("CARGO_BIN_EXE_trustshelf-extract-worker")))
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// `../shared` beside the repository, or `None` (with a printed skip) when it is absent outside CI.
pub fn shared() -> Option<PathBuf> {
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

pub fn search(lib: &Library, q: &str) -> SearchResponse {
    lib.search(&SearchRequest { query: q.into(), limit: 50, ..Default::default() }).unwrap()
}

pub fn paths(r: &SearchResponse) -> Vec<&str> {
    r.documents.iter().map(|d| d.path.as_str()).collect()
}

pub fn sample_library() -> (tempfile::TempDir, Library) {
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let report = lib.index(Some(&repo().join("documents")), &mut |_| {}).unwrap();
    assert!(report.failed.is_empty(), "sample documents failed: {:?}", report.failed);
    assert!(report.skipped.is_empty(), "sample files skipped: {:?}", report.skipped);
    (data, lib)
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn walk(root: &Path) -> Vec<String> {
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

pub fn copy_tree(src: &Path, dst: &Path) {
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
