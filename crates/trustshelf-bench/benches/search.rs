//! In-process search latency (criterion): the query mix of BENCHMARKS.md on the sample library
//! (`documents/`, indexed into a temporary data directory first), and on the data directory named by
//! `TRUSTSHELF_BENCH_DATA` when set (e.g. the 500,000-page scale library that `bench/run.py` builds).
//! Run: `cargo bench -p trustshelf-bench`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use trustshelf_bench::QUERY_MIX;
use trustshelf_core::SearchRequest;
use trustshelf_core::{Library, WorkerConfig};

fn worker() -> WorkerConfig {
    WorkerConfig::new(PathBuf::from(env!("CARGO_BIN_EXE_trustshelf-bench")))
}

fn bench_library(c: &mut Criterion, name: &str, lib: &Library) {
    let mut group = c.benchmark_group(name);
    for (kind, query, category) in QUERY_MIX {
        let req = SearchRequest { query: query.to_string(), categories: category.map(|c| vec![c.to_string()]).unwrap_or_default(), as_you_type: true, limit: 20, ..Default::default() };
        group.bench_function(format!("{kind}: {query}"), |b| b.iter(|| lib.search(&req).unwrap()));
    }
    group.finish();
}

fn search(c: &mut Criterion) {
    let data = std::env::temp_dir().join(format!("trustshelf-bench-sample-{}", std::process::id()));
    let lib = Library::open(&data, worker()).unwrap();
    let documents = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../documents");
    lib.index(Some(&documents), &mut |_| {}).unwrap();
    bench_library(c, "sample library", &lib);
    drop(lib);
    let _ = std::fs::remove_dir_all(&data);
    if let Ok(scale) = std::env::var("TRUSTSHELF_BENCH_DATA") {
        let lib = Library::open(Path::new(&scale), worker()).unwrap();
        bench_library(c, "scale library", &lib);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(2));
    targets = search
}
criterion_main!(benches);
