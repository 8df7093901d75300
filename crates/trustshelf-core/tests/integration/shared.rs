//! The real-world material in ../shared: every PDF indexed or with a reason; metadata inference against the corpus manifest.

use std::collections::HashMap;

use trustshelf_core::{Library, Status};

use crate::util::{search, shared, walk, worker};

#[test]
fn every_shared_pdf_is_indexed_or_has_a_recorded_reason() {
    let Some(shared) = shared() else { return };
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let root = shared.join("pdfs");
    let report = lib.index(Some(&root), &mut |_| {}).unwrap();
    let pdfs: Vec<String> = walk(&root).into_iter().filter(|p| p.to_lowercase().ends_with(".pdf")).collect();
    let docs = lib.documents().unwrap();
    let mut by_status: HashMap<String, usize> = HashMap::new();
    for pdf in &pdfs {
        let d = docs.iter().find(|d| &d.path == pdf).unwrap_or_else(|| panic!("{pdf} is not in the catalog; skipped: {:?}", report.skipped));
        if d.status != Status::Indexed {
            assert!(d.reason.as_deref().is_some_and(|r| !r.is_empty()), "{pdf} has no reason");
        }
        let key = match d.status {
            Status::Failed => format!("failed: {}", d.reason.as_deref().unwrap().split(':').next().unwrap()),
            s => format!("{s:?}").to_lowercase(),
        };
        *by_status.entry(key).or_default() += 1;
    }
    eprintln!("../shared/pdfs: {} PDFs: {:?}", pdfs.len(), by_status);
    // The audit report reader reads every one of these real-world files without a crash, and
    // finds no audit report among them (there is none).
    for d in &docs {
        let facts = lib.facts(&d.path).unwrap_or_else(|e| panic!("{}: {e}", d.path));
        assert_eq!(facts.kind, "other", "{}", d.path);
    }
    // No file that pdftotext reads ends "failed" (unless it needs a password).
    for d in docs.iter().filter(|d| d.status == Status::Failed && !d.reason.as_deref().unwrap_or("").starts_with("password")) {
        if let Ok(out) = std::process::Command::new("pdftotext").args(["-q"]).arg(root.join(&d.path)).arg("-").output() {
            let words = String::from_utf8_lossy(&out.stdout).split_whitespace().count();
            assert_eq!(words, 0, "{} failed ({:?}) but pdftotext reads {words} words", d.path, d.reason);
        }
    }
    assert!(by_status.get("indexed").copied().unwrap_or(0) * 10 >= pdfs.len() * 8, "{by_status:?}");
    // The encrypted sample is recognised as such.
    assert!(by_status.keys().any(|k| k.contains("password required")), "{by_status:?}");
    // A PDF with console output before its header (every offset off) is reconstructed, not "damaged".
    let shifted = docs.iter().find(|d| d.path == "pdfplumber-tests/issue-848.pdf").unwrap();
    assert_eq!(shifted.status, Status::Indexed, "{:?}", shifted.reason);
    assert!(search(&lib, "Boddicker").documents.iter().any(|d| d.id == shifted.id));
    // A PDF in fonts with a predefined Chinese CMap (GBK-EUC-H), which pdf-extract refuses: read
    // through the CMap's encoding, a line per baseline, as pdftotext reads it.
    let gbk = docs.iter().find(|d| d.path == "pdfplumber-tests/pr-136-example.pdf").unwrap();
    assert_eq!(gbk.status, Status::Indexed, "{:?}", gbk.reason);
    let first = lib.page(&gbk.path, 1).unwrap().page.text;
    assert!(first.starts_with("关于浙江菲达环保科技股份有限公司\n"), "{first}");
    assert!(first.contains("上海证券交易所"), "{first}");
}

#[test]
fn corpus_metadata_inference_agrees_with_the_manifest() {
    let Some(shared) = shared() else { return };
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let started = std::time::Instant::now();
    let report = lib.index(Some(&shared.join("corpus")), &mut |_| {}).unwrap();
    let secs = started.elapsed().as_secs_f64();
    eprintln!("../shared/corpus (debug build): {} documents, {} pages in {secs:.1} s = {:.0} pages/s", report.documents, report.pages, report.pages as f64 / secs);
    let manifest = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
    let mut rows = manifest.lines();
    let header: Vec<&str> = rows.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    // The manifest's labels name a few categories differently; map them onto ours.
    let category_of = |c: &str| match c {
        "audit-framework" | "control-catalog" | "glossary" => "framework",
        "template" | "template-form" => "policy-template",
        "training-slides" => "whitepaper",
        "benchmark-baseline" => "blueprint",
        "privacy-law" => "privacy",
        "regional-law" => "regional",
        other => other,
    }
    .to_string();
    let norm = |s: &str| s.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>();
    let (mut n, mut cat, mut reg, mut std) = (0, 0, 0, 0);
    for row in rows {
        let f: Vec<&str> = row.split('\t').collect();
        let d = lib.document(f[col("relative_path")]).unwrap();
        n += 1;
        cat += (d.metadata.category.as_deref() == Some(category_of(f[col("category")]).as_str())) as usize;
        let expected_regions: Vec<String> = f[col("region")].split('/').map(|r| if r.eq_ignore_ascii_case("global") { "Global".into() } else { r.to_uppercase() }).collect();
        reg += d.metadata.regions.iter().any(|r| expected_regions.contains(r)) as usize;
        let human = norm(f[col("standards")]);
        std += d.metadata.standards.iter().any(|s| human.contains(&norm(&s.replace("NIST SP", "SP").replace("ISO/IEC", "")))) as usize;
    }
    let pct = |x: usize| 100.0 * x as f64 / n as f64;
    eprintln!("metadata inference vs MANIFEST.tsv over {n} documents: category {:.0} %, region {:.0} %, standards {:.0} %", pct(cat), pct(reg), pct(std));
    assert_eq!(n, 60);
    assert!(pct(cat) >= 75.0 && pct(reg) >= 80.0 && pct(std) >= 60.0);
    // Guides about audits, pen tests and certification (FedRAMP's pen-test guidance, the 3PAO
    // readiness-report guide, IRAP guidance) are not read as audit documents: the readers were not
    // written against these.
    let audit: Vec<String> = lib.documents().unwrap().iter().filter_map(|d| lib.facts(&d.path).ok().filter(|f| f.kind != "other").map(|f| format!("{} {}", d.path, f.kind))).collect();
    assert!(audit.is_empty(), "{audit:?}");
}

#[test]
fn real_oscal_catalogs_and_profiles_are_indexed_a_control_per_page() {
    let Some(shared) = shared() else { return };
    let oscal = shared.join("frameworks/oscal");
    let lib_dir = tempfile::tempdir().unwrap();
    for f in ["NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json", "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"] {
        std::fs::copy(oscal.join(f), lib_dir.path().join(f)).unwrap();
    }
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let r = lib.index(Some(lib_dir.path()), &mut |_| {}).unwrap();
    assert!(r.failed.is_empty() && r.skipped.is_empty(), "{r:?}");

    let catalog = lib.document("NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json").unwrap();
    assert_eq!(catalog.format, trustshelf_core::Format::Json);
    assert_eq!(catalog.metadata.title.as_deref(), Some("NIST Special Publication 800-53 Revision 5.1.1 LOW IMPACT BASELINE"));
    assert_eq!(catalog.metadata.category.as_deref(), Some("framework"));
    // The LOW baseline holds 149 controls and enhancements: a page each, plus metadata and back matter.
    let pages = lib.pages(catalog.id).unwrap();
    // (A control longer than a page continues on the next, labelled "(2/2)": count each ID once.)
    let mut controls: Vec<&str> = pages.iter().filter_map(|p| p.label.split(' ').next()).filter(|id| id.len() >= 4 && id.as_bytes()[2] == b'-' && id[..2].chars().all(|c| c.is_ascii_uppercase())).collect();
    controls.dedup();
    assert_eq!(controls.len(), 149, "{controls:?}");
    assert!(controls.contains(&"AC-2") && controls.contains(&"IA-2(1)"), "{controls:?}");

    // A control ID as an auditor types it finds the control's own page first.
    let hit = search(&lib, "IA-2(1)");
    let doc = hit.documents.iter().find(|d| d.id == catalog.id).expect("the catalog matches IA-2(1)");
    let best = &pages[doc.pages[0].page as usize - 1];
    assert!(best.label.starts_with("IA-2(1) "), "{:?}", best.label);
    let ia = search(&lib, "\"identification and authentication\" multi-factor");
    assert!(ia.documents.iter().any(|d| d.id == catalog.id));

    let profile = lib.document("NIST_SP-800-53_rev5_MODERATE-baseline_profile.json").unwrap();
    assert_eq!(profile.metadata.category.as_deref(), Some("framework"));
    let import = lib.pages(profile.id).unwrap().into_iter().find(|p| p.label.starts_with("Import ")).expect("an import page");
    assert!(import.text.contains("AC-2(1)") && import.text.contains("SC-7"), "{}", &import.text[..200.min(import.text.len())]);
}
