//! OCR: scans made here from the sample library's pages (rendered by pdftoppm, put back into an
//! image-only PDF, or kept as PNG/TIFF), a Czech page with diacritics, and bad images. Needs
//! Tesseract and poppler-utils (installed by `make test`); skipped outside CI without them.

use std::path::Path;
use std::process::Command;

use trustshelf_core::{Library, Status};

use crate::util::{repo, search, worker};

fn ocr_tools_installed() -> bool {
    let ok = Command::new("tesseract").arg("--version").output().is_ok_and(|o| o.status.success()) && Command::new("pdftoppm").arg("-v").output().is_ok();
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("tesseract and pdftoppm are required in CI: `make test` installs them");
    }
    if !ok {
        eprintln!("SKIP: tesseract or pdftoppm not installed; the OCR tests did not run");
    }
    ok
}

/// Page `page` of `pdf` rendered as a grey image (`kind`: "jpeg", "png" or "tiff") at `dpi`.
fn render(pdf: &Path, page: u32, kind: &str, dpi: u32, out: &Path) -> Vec<u8> {
    let prefix = out.join(format!("render-{page}-{kind}"));
    let status = Command::new("pdftoppm")
        .args(["-gray", &format!("-{kind}"), "-singlefile", "-r", &dpi.to_string(), "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let ext = match kind {
        "jpeg" => "jpg",
        "tiff" => "tif",
        k => k,
    };
    std::fs::read(prefix.with_extension(ext)).unwrap()
}

/// An image-only PDF: each JPEG one page filling an A4 page, no text layer — what a scanner writes.
pub fn image_only_pdf(jpegs: &[Vec<u8>]) -> Vec<u8> {
    let pages: Vec<(&[u8], (u32, u32))> = jpegs.iter().map(|j| (j.as_slice(), (595, 842))).collect();
    image_only_pdf_sized(&pages)
}

/// An image-only PDF of (JPEG, page size in points) pages.
fn image_only_pdf_sized(jpegs: &[(&[u8], (u32, u32))]) -> Vec<u8> {
    let pages: Vec<PdfPage> = jpegs.iter().map(|&(jpeg, size)| PdfPage::Scan(jpeg, size)).collect();
    pdf_of(&pages)
}

/// A page of a made PDF: a scan (JPEG, page size in points) or a line of Helvetica text on A4.
enum PdfPage<'a> {
    Scan(&'a [u8], (u32, u32)),
    Text(&'a str),
}

fn pdf_of(pages: &[PdfPage]) -> Vec<u8> {
    let n = pages.len();
    let mut objects: Vec<Vec<u8>> = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    for (i, page_kind) in pages.iter().enumerate() {
        let (page, content, image) = (3 + i * 3, 4 + i * 3, 5 + i * 3);
        let (jpeg, (pw, ph)) = match page_kind {
            PdfPage::Scan(jpeg, size) => (*jpeg, *size),
            PdfPage::Text(text) => {
                objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R /Resources << /Font << /F1 {image} 0 R >> >> >>").into_bytes());
                let draw = format!("BT /F1 12 Tf 72 760 Td ({text}) Tj ET");
                objects.push(format!("<< /Length {} >>\nstream\n{draw}\nendstream", draw.len()).into_bytes());
                objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
                continue;
            }
        };
        let (w, h, components) = jpeg_size(jpeg);
        let space = if components == 1 { "/DeviceGray" } else { "/DeviceRGB" };
        objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw} {ph}] /Contents {content} 0 R /Resources << /XObject << /Im0 {image} 0 R >> >> >>").into_bytes());
        let draw = format!("q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q");
        objects.push(format!("<< /Length {} >>\nstream\n{draw}\nendstream", draw.len()).into_bytes());
        let mut img = format!("<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n", jpeg.len()).into_bytes();
        img.extend_from_slice(jpeg);
        img.extend_from_slice(b"\nendstream");
        objects.push(img);
        debug_assert_eq!(page, objects.len() - 2);
    }
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes());
    for at in offsets {
        pdf.extend_from_slice(format!("{at:010} 00000 n\r\n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    pdf
}

/// A JPEG's width, height and colour components, from its start-of-frame marker.
fn jpeg_size(jpeg: &[u8]) -> (u32, u32, u8) {
    let mut i = 2;
    while i + 9 < jpeg.len() {
        let (marker, len) = (jpeg[i + 1], u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize);
        if (0xC0..=0xC2).contains(&marker) {
            return (u16::from_be_bytes([jpeg[i + 7], jpeg[i + 8]]) as u32, u16::from_be_bytes([jpeg[i + 5], jpeg[i + 6]]) as u32, jpeg[i + 9]);
        }
        i += 2 + len;
    }
    panic!("no SOF marker")
}

#[test]
fn scans_and_images_are_read_by_ocr_with_boxes_and_confidence() {
    if !ocr_tools_installed() {
        return;
    }
    let docs = repo().join("documents/fictional");
    let lib_dir = tempfile::tempdir().unwrap();
    let root = lib_dir.path().join("library");
    std::fs::create_dir_all(&root).unwrap();
    let work = lib_dir.path();
    // A two-page scan of the SOC 2 report's first pages; the Czech addendum's first page as PNG;
    // the certificate as TIFF; a text PDF beside them. (Page 2 of the addendum is the Czech text.)
    let soc2 = docs.join("kestrel-soc2-type2-2026.pdf");
    let scan = image_only_pdf(&[render(&soc2, 1, "jpeg", 150, work), render(&soc2, 2, "jpeg", 150, work)]);
    std::fs::write(root.join("soc2-scan.pdf"), &scan).unwrap();
    std::fs::write(root.join("addendum-cz.png"), render(&docs.join("kestrel-addendum-cz.pdf"), 2, "png", 200, work)).unwrap();
    std::fs::write(root.join("addendum-cz.png.meta.toml"), "language = \"cs\"\n").unwrap();
    std::fs::write(root.join("addendum-cz-undeclared.png"), render(&docs.join("kestrel-addendum-cz.pdf"), 2, "png", 180, work)).unwrap();
    std::fs::write(root.join("certificate.tif"), render(&docs.join("kestrel-iso27001-certificate.pdf"), 1, "tiff", 150, work)).unwrap();
    std::fs::copy(docs.join("kestrel-bridge-letter-2026q4.pdf"), root.join("bridge.pdf")).unwrap();
    // Bad input: an image bomb (a PNG header claiming 100,000² pixels), a corrupt JPEG.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&100_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
    std::fs::write(root.join("bomb.png"), &bomb).unwrap();
    std::fs::write(root.join("corrupt.jpg"), b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xC0\0\x0b\x08\x01\0\x01\0\x01\x01\x11\0garbage").unwrap();

    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let mut events = Vec::new();
    let started = std::time::Instant::now();
    let report = lib.index(Some(&root), &mut |p| events.push(format!("{p:?}"))).unwrap();
    eprintln!("OCR test library indexed in {:.1} s: {report:?}", started.elapsed().as_secs_f64());
    // The OCR pass comes after the text pass, and progress says so.
    let first_ocr = events.iter().position(|e| e.starts_with("Recognising")).expect("an OCR pass");
    assert!(events[..first_ocr].iter().any(|e| e.contains("bridge.pdf")), "{events:?}");
    // The four scans and the corrupt JPEG (its header is fine); the bomb never reaches Tesseract.
    assert_eq!(events.iter().filter(|e| e.starts_with("Recognised")).count(), 5, "{events:?}");

    let docs = lib.documents().unwrap();
    let by_path = |p: &str| docs.iter().find(|d| d.path == p).unwrap_or_else(|| panic!("{p} not in {docs:?}"));
    for p in ["soc2-scan.pdf", "addendum-cz.png", "addendum-cz-undeclared.png", "certificate.tif", "bridge.pdf"] {
        assert_eq!(by_path(p).status, Status::Indexed, "{p}: {:?}", by_path(p).reason);
    }
    // Bad images: a clear reason each, the rest unaffected.
    assert!(by_path("bomb.png").reason.as_deref().unwrap().contains("megapixels"), "{:?}", by_path("bomb.png").reason);
    assert_eq!(by_path("corrupt.jpg").status, Status::Failed);
    assert!(by_path("corrupt.jpg").reason.as_deref().unwrap().starts_with("OCR failed"), "{:?}", by_path("corrupt.jpg").reason);

    // The recognised text finds the phrases, on the right page.
    let hit = search(&lib, "\"complementary user entity controls\"");
    let scan_hit = hit.documents.iter().find(|d| d.path == "soc2-scan.pdf").unwrap_or_else(|| panic!("scan found by phrase: {:?} {:?}", hit, lib.page("soc2-scan.pdf", 2).map(|v| v.page.text)));
    assert!(!scan_hit.pages.is_empty());
    assert!(search(&lib, "certificate registration").documents.iter().any(|d| d.path == "certificate.tif"));
    let cz = search(&lib, "bezpečnostní");
    assert!(cz.documents.iter().any(|d| d.path == "addendum-cz.png"), "Czech diacritics read: {:?}", cz.documents.iter().map(|d| &d.path).collect::<Vec<_>>());

    // Pages are marked as OCR'd with confidence, languages and word boxes on the page.
    let view = lib.page("addendum-cz.png", 1).unwrap();
    let ocr = view.page.ocr.as_ref().expect("OCR record");
    assert!(ocr.confidence > 60.0, "confidence {}", ocr.confidence);
    assert_eq!(ocr.languages, "ces", "the sidecar's language");
    assert!(ocr.words.len() > 20);
    assert!(ocr.words.iter().all(|w| (0.0..=1.0).contains(&w.x) && (0.0..=1.0).contains(&w.y) && w.w > 0.0 && w.h > 0.0 && w.x + w.w <= 1.001));
    // No language declared: read in English, which the pages turn out to be in; the Czech page
    // without a sidecar is read again in Czech once its English reading shows it is Czech.
    let languages = |path, n| lib.page(path, n).unwrap().page.ocr.unwrap().languages;
    assert_eq!((languages("soc2-scan.pdf", 1), languages("soc2-scan.pdf", 2)), ("eng".into(), "eng".into()));
    assert_eq!(languages("addendum-cz-undeclared.png", 1), "ces+eng");
    assert!(lib.page("addendum-cz-undeclared.png", 1).unwrap().page.text.contains("Bezpečnostní"));
    assert!(lib.page("bridge.pdf", 1).unwrap().page.ocr.is_none());

    // A second run re-reads nothing.
    let again = lib.index(Some(&root), &mut |_| {}).unwrap();
    assert_eq!(again.extracted, 0);
}

#[test]
fn a_500_page_scan_is_read_up_to_the_ocr_page_limit_with_the_reason_recorded() {
    if !ocr_tools_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("library");
    std::fs::create_dir_all(&root).unwrap();
    // The certificate's page, then 499 small blank pages (an inch square: quick to render and read).
    let cert = render(&repo().join("documents/fictional/kestrel-iso27001-certificate.pdf"), 1, "jpeg", 150, dir.path());
    let blank = render(&repo().join("documents/fictional/kestrel-iso27001-certificate.pdf"), 2, "jpeg", 8, dir.path());
    let mut pages: Vec<(&[u8], (u32, u32))> = vec![(cert.as_slice(), (595, 842))];
    pages.extend(std::iter::repeat_n((blank.as_slice(), (72, 72)), 499));
    std::fs::write(root.join("big-scan.pdf"), image_only_pdf_sized(&pages)).unwrap();
    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let started = std::time::Instant::now();
    lib.index(Some(&root), &mut |_| {}).unwrap();
    eprintln!("500-page scan: {} pages OCR'd in {:.1} s", trustshelf_core::MAX_OCR_PAGES, started.elapsed().as_secs_f64());
    let doc = lib.documents().unwrap().into_iter().find(|d| d.path == "big-scan.pdf").unwrap();
    assert_eq!(doc.status, Status::Partial, "{:?}", doc.reason);
    assert_eq!(doc.page_count, 500);
    assert_eq!(doc.failed_pages.len(), 400);
    assert_eq!(doc.failed_pages[0].0, 101);
    assert!(doc.failed_pages[0].1.contains("first 100 pages"), "{:?}", doc.failed_pages[0]);
    assert!(search(&lib, "certificate registration").documents.iter().any(|d| d.path == "big-scan.pdf"));
}

#[test]
fn the_scanned_pages_of_a_text_pdf_are_read_by_ocr_and_merged_into_its_text() {
    if !ocr_tools_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("library");
    std::fs::create_dir_all(&root).unwrap();
    // A SOC 2 report whose signed opinion page was scanned in between text pages.
    let soc2 = repo().join("documents/fictional/kestrel-soc2-type2-2026.pdf");
    let opinion = render(&soc2, 2, "jpeg", 150, dir.path());
    let pdf = pdf_of(&[PdfPage::Text("Kestrel Cloud SOC 2 report: system description follows"), PdfPage::Scan(&opinion, (595, 842)), PdfPage::Text("Section 4: tests of controls and results")]);
    std::fs::write(root.join("soc2-mixed.pdf"), &pdf).unwrap();

    let data = tempfile::tempdir().unwrap();
    let lib = Library::open(data.path(), worker()).unwrap();
    let mut events = Vec::new();
    lib.index(Some(&root), &mut |p| events.push(format!("{p:?}"))).unwrap();
    assert!(events.iter().any(|e| e.starts_with("Recognised")), "{events:?}");
    let doc = lib.document("soc2-mixed.pdf").unwrap();
    assert_eq!((doc.status, doc.page_count), (Status::Indexed, 3), "{:?}", doc.reason);
    let pages: Vec<_> = (1..=3).map(|n| lib.page("soc2-mixed.pdf", n).unwrap().page).collect();
    assert!(pages[0].text.contains("system description follows") && pages[0].ocr.is_none());
    assert!(pages[1].text.contains("complementary user entity controls"), "{}", pages[1].text);
    assert!(pages[1].ocr.as_ref().is_some_and(|o| o.confidence > 60.0));
    assert!(pages[2].text.contains("tests of controls") && pages[2].ocr.is_none());
    let hit = search(&lib, "\"complementary user entity controls\"");
    assert_eq!(hit.documents[0].pages[0].page, 2);

}
