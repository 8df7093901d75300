//! The core's own extraction worker binary, used by the core's integration tests and usable by any
//! host that prefers a separate worker executable.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(trustshelf_core::WORKER_FLAG) => trustshelf_core::run_worker(&args[1..]),
        _ => {
            eprintln!("usage: trustshelf-extract-worker {}", trustshelf_core::WORKER_FLAG);
            std::process::exit(2);
        }
    }
}
