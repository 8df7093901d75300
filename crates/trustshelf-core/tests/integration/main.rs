//! Integration tests of the core: the sample library in `documents/`, the real-world material in
//! `../shared/` (skipped with a clear message when it is absent, never in CI), incremental rescans,
//! index rebuilds, bookmarks and evidence packages. One test binary; a module per topic.

mod compat;
mod export;
mod facts;
mod ingest;
mod ocr;
mod recall;
mod search;
mod shared;
mod util;
