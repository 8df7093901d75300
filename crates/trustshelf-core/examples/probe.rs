fn main() {
    let mut pages = 0;
    for p in std::env::args().skip(1) {
        let bytes = std::fs::read(&p).unwrap();
        if let Ok(e) = trustshelf_core::extract::extract(trustshelf_core::extract::Format::Pdf, &bytes) {
            pages += e.pages.len();
            let chars: usize = e.pages.iter().map(|p| p.text.len()).sum();
            println!("{p} {} pages {chars} bytes", e.pages.len());
        }
    }
    println!("{pages} pages");
}
