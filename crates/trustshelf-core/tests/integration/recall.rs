//! Word recall against poppler's pdftotext (what Recoll indexes): for every PDF in ../shared/corpus,
//! the share of pdftotext's distinct words (≥ 3 letters, NFKC, case-folded) that our page texts
//! contain. Every PDF ≥ 0.95, the median ≥ 0.99. pdftotext is the reference only; `make test`
//! installs it (poppler-utils). Run with `--nocapture` for the table.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use unicode_normalization::UnicodeNormalization;

use trustshelf_core::{extract, Format};

use crate::util::{shared, walk};

/// The distinct words of `text`: runs of letters (after NFKC, lower-cased) of 3 or more, with a
/// word hyphenated across a line end joined — as our extractor joins it (`-` or U+2010 before a
/// lower-case letter, a soft hyphen before any).
fn words(text: &str) -> HashSet<String> {
    let text: String = text.nfkc().collect::<String>().to_lowercase();
    let joined = regex::Regex::new(r"(\p{L})[-\x{2010}][ \t]*\r?\n[ \t\f]*(\p{Ll})|(\p{L})\x{AD}[ \t]*\r?\n[ \t\f]*(\p{L})").unwrap().replace_all(&text, "$1$2$3$4");
    joined.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 3).map(str::to_string).collect()
}

fn pdftotext(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext").args(["-q", "-enc", "UTF-8"]).arg(path).arg("-").output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn pdftotext_installed() -> bool {
    match Command::new("pdftotext").arg("-v").output() {
        Ok(_) => true,
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("pdftotext (poppler-utils) is required in CI: `make test` installs it"),
        Err(_) => {
            eprintln!("SKIP: pdftotext not installed (apt install poppler-utils); the word-recall test did not run");
            false
        }
    }
}

#[test]
fn page_texts_hold_the_words_pdftotext_reads() {
    let Some(shared) = shared() else { return };
    if !pdftotext_installed() {
        return;
    }
    let root = shared.join("corpus");
    let mut pdfs: Vec<String> = walk(&root).into_iter().filter(|p| p.to_lowercase().ends_with(".pdf")).collect();
    pdfs.sort();
    let mut rows = Vec::new();
    for pdf in &pdfs {
        let path = root.join(pdf);
        let reference = words(&pdftotext(&path).unwrap_or_default());
        if reference.len() < 20 {
            eprintln!("{pdf}: pdftotext reads {} words; not measured", reference.len());
            continue;
        }
        let ours = match extract(Format::Pdf, &std::fs::read(&path).unwrap()) {
            Ok(ex) => words(&ex.pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")),
            Err(e) => panic!("{pdf}: pdftotext reads {} words, we fail: {e}", reference.len()),
        };
        let found = reference.iter().filter(|w| ours.contains(*w)).count();
        let recall = found as f64 / reference.len() as f64;
        let mut missing: Vec<String> = reference.iter().filter(|w| !ours.contains(*w)).cloned().collect();
        missing.sort();
        missing.truncate(8);
        rows.push((recall, pdf.clone(), reference.len(), missing));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    eprintln!("word recall vs pdftotext, {} PDFs of ../shared/corpus (lowest first):", rows.len());
    for (recall, pdf, n, missing) in &rows {
        eprintln!("{recall:.3}  {n:>6} words  {pdf}  missing e.g. {missing:?}");
    }
    assert!(rows.len() >= 30, "only {} PDFs measured", rows.len());
    let median = rows[rows.len() / 2].0;
    eprintln!("median {median:.3}, lowest {:.3}", rows[0].0);
    let below: Vec<_> = rows.iter().filter(|r| r.0 < 0.95).map(|r| (&r.1, format!("{:.3}", r.0))).collect();
    assert!(below.is_empty(), "PDFs below 0.95 word recall: {below:?}");
    assert!(median >= 0.99, "median word recall {median:.3} < 0.99");
}

#[test]
fn word_sets_join_line_end_hyphens_and_fold_case() {
    let w = words("Compli-\nance with ISO/IEC 27001 and the ﬁrewall; Self-Assessment\nIT");
    for expected in ["compliance", "with", "iso", "iec", "and", "the", "firewall", "self", "assessment"] {
        assert!(w.contains(expected), "{expected} in {w:?}");
    }
    assert!(!w.contains("it") && !w.contains("compli"), "{w:?}");
}
