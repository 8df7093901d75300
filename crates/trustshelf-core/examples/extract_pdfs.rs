//! Extracts the PDFs named on the command line one after another, in this process, and prints their
//! page counts: the extraction path without workers, index or catalog, for profilers that follow
//! one process (BENCHMARKS.md, cold ingest):
//!
//!     cargo build --release -p trustshelf-core --example extract_pdfs
//!     valgrind --tool=callgrind target/release/examples/extract_pdfs FILE.pdf …

fn main() {
    let mut pages = 0;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        match trustshelf_core::extract(trustshelf_core::Format::Pdf, &bytes) {
            Ok(e) => {
                let chars: usize = e.pages.iter().map(|p| p.text.len()).sum();
                println!("{path}: {} pages, {chars} bytes of text", e.pages.len());
                pages += e.pages.len();
            }
            Err(e) => println!("{path}: {e}"),
        }
    }
    println!("{pages} pages");
}
