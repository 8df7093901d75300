//! The TrustShelf desktop app. The same binary serves as the extraction worker.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The same allocator as the CLI: the extraction workers spend a fifth of their time in glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(trustshelf_core::WORKER_FLAG) {
        trustshelf_core::run_worker(&args[2..]);
    }
    trustshelf_app::run();
}
