//! The TrustShelf desktop app. The same binary serves as the extraction worker.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(trustshelf_core::worker::WORKER_FLAG) {
        trustshelf_core::worker::run_worker(&args[2..]);
    }
    trustshelf_app::run();
}
