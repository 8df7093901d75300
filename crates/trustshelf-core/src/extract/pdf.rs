//! PDF text per page: pdf-extract's glyphs assembled into words and lines (see [`super::layout`])
//! first, each page guarded; lopdf's extractor as the fallback for
//! pages that fail and for documents whose pdf-extract text is garbled. Encrypted files are tried with
//! the empty password.

use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::Document;

use super::layout::PageText;
use super::{Extraction, Page};
use crate::error::ExtractError;
use crate::text::{looks_garbled, tidy};

pub(super) fn extract(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::NotValid("PDF (empty file)".into()));
    }
    if !bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(ExtractError::NotValid("PDF (no %PDF header)".into()));
    }
    let mut doc = open(bytes)?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ExtractError::PasswordRequired);
    }
    prepare(&mut doc);
    let page_ids = doc.get_pages();
    if page_ids.is_empty() {
        return Err(ExtractError::Damaged("the PDF has no pages".into()));
    }
    let numbers: Vec<u32> = page_ids.keys().copied().collect();

    let mut primary: Vec<Result<String, String>> = numbers.iter().map(|&n| pdf_extract_page(&doc, n)).collect();
    let primary_text: String = primary.iter().filter_map(|r| r.as_ref().ok()).map(String::as_str).collect::<Vec<_>>().join("\n");
    let all_failed = primary.iter().all(Result::is_err);
    let mut extractor = "pdf-extract";
    if all_failed || looks_garbled(&primary_text) || primary_text.trim().is_empty() {
        let fallback: Vec<Result<String, String>> = numbers.iter().map(|&n| lopdf_page(&doc, n)).collect();
        let fallback_text: String = fallback.iter().filter_map(|r| r.as_ref().ok()).map(String::as_str).collect::<Vec<_>>().join("\n");
        let better = fallback.iter().filter(|r| r.is_ok()).count() > primary.iter().filter(|r| r.is_ok()).count()
            || (!looks_garbled(&fallback_text) && fallback_text.trim().len() * 2 > primary_text.trim().len());
        if better && !fallback_text.trim().is_empty() {
            primary = fallback;
            extractor = "lopdf";
        }
    } else {
        // Fill single failed pages from lopdf.
        for (i, r) in primary.iter_mut().enumerate() {
            if r.is_err() {
                if let Ok(t) = lopdf_page(&doc, numbers[i]) {
                    *r = Ok(t);
                }
            }
        }
    }
    // Pages neither reads, in fonts with a predefined CJK CMap ("unsupported encoding GBK-EUC-H").
    for (i, r) in primary.iter_mut().enumerate() {
        if r.as_ref().is_err_and(|e| e.contains("unsupported encoding")) {
            if let Ok(t) = super::cmap::page_text(&doc, numbers[i]) {
                *r = Ok(t);
                extractor = "pdf-cmap";
            }
        }
    }

    let mut pages = Vec::with_capacity(numbers.len());
    let mut failed_pages = Vec::new();
    for (i, r) in primary.into_iter().enumerate() {
        let number = i as u32 + 1;
        let text = match r {
            Ok(t) => tidy(&t),
            Err(reason) => {
                failed_pages.push((number, reason));
                String::new()
            }
        };
        pages.push(Page { number, label: format!("p. {number}"), text, ocr: None });
    }
    let (title, file_date) = info(&doc);
    // Pages with (almost) no text and an image on them are scans; unless every page is (then the
    // whole file goes to OCR as having no text), the OCR pass reads those pages.
    let scanned_pages: Vec<u32> = pages.iter().filter(|p| p.text.trim().chars().count() < 3).map(|p| p.number).filter(|&n| page_ids.get(&n).is_some_and(|&id| shows_image(&doc, id))).collect();
    Ok(Extraction { pages, failed_pages, title, file_date, extractor: extractor.into(), scanned_pages })
}

/// True when the page's resources hold an image (directly, or in a form XObject it uses: scans
/// are often wrapped in one).
fn shows_image(doc: &Document, page: lopdf::ObjectId) -> bool {
    widest_image(doc, page).is_some()
}

/// The width in pixels of the widest image the page's resources hold (directly or in a form).
pub(super) fn widest_image(doc: &Document, page: lopdf::ObjectId) -> Option<i64> {
    let (own, inherited) = doc.get_page_resources(page).ok()?;
    own.into_iter().chain(inherited.iter().filter_map(|&id| doc.get_dictionary(id).ok())).filter_map(|resources| widest_in(doc, resources, 0)).max()
}

fn widest_in(doc: &Document, resources: &lopdf::Dictionary, depth: u8) -> Option<i64> {
    let xobjects = dictionary(doc, resources.get(b"XObject").ok())?;
    xobjects
        .iter()
        .filter_map(|(_, o)| {
            let object = match o {
                lopdf::Object::Reference(id) => doc.get_object(*id).ok(),
                o => Some(o),
            };
            let Some(lopdf::Object::Stream(stream)) = object else { return None };
            match stream.dict.get(b"Subtype").and_then(lopdf::Object::as_name) {
                Ok(b"Image") => Some(stream.dict.get(b"Width").and_then(lopdf::Object::as_i64).unwrap_or(1).max(1)),
                Ok(b"Form") if depth < 2 => dictionary(doc, stream.dict.get(b"Resources").ok()).and_then(|r| widest_in(doc, r, depth + 1)),
                _ => None,
            }
        })
        .max()
}

/// `o` as a dictionary, following a reference.
fn dictionary<'a>(doc: &'a Document, o: Option<&'a lopdf::Object>) -> Option<&'a lopdf::Dictionary> {
    match o? {
        lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok(),
        lopdf::Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// Readies the document for text extraction: rewrites CID fonts' width arrays in the one form
/// pdf-extract reads right (see [`explicit_widths`]), unlinks embedded TrueType font programs, then
/// decompresses every other stream but images once, in place.
///
/// pdf-extract rebuilds each page's fonts from their streams on every page. For a TrueType font it
/// copies the whole `FontFile2` program and then ignores it (the text comes from the encoding and
/// the ToUnicode map); on ../shared/corpus those programs are 35 MB, copied again for every page that
/// uses them. lopdf's fallback extractor does not read them either. The programs themselves stay in
/// the document, compressed, in case anything else refers to them. Without the single
/// decompression, the streams that are used would be inflated again for every page (16 % of ingest
/// CPU on the shared corpus).
fn prepare(doc: &mut Document) {
    let mut width_arrays = Vec::new();
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Dictionary(dict) = object {
            let cid_font = dict.get(b"Subtype").and_then(lopdf::Object::as_name).is_ok_and(|n| n == b"CIDFontType0" || n == b"CIDFontType2");
            match dict.get_mut(b"W") {
                Ok(lopdf::Object::Array(w)) if cid_font => *w = explicit_widths(w),
                Ok(lopdf::Object::Reference(id)) if cid_font => width_arrays.push(*id),
                _ => {}
            }
        }
    }
    for id in width_arrays {
        if let Ok(lopdf::Object::Array(w)) = doc.get_object_mut(id) {
            *w = explicit_widths(w);
        }
    }
    let mut programs = std::collections::HashSet::new();
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Dictionary(dict) = object {
            if dict.get(b"Type").and_then(lopdf::Object::as_name).is_ok_and(|n| n == b"FontDescriptor") {
                if let Some(lopdf::Object::Reference(id)) = dict.remove(b"FontFile2") {
                    programs.insert(id);
                }
            }
        }
    }
    for (id, object) in doc.objects.iter_mut() {
        if let lopdf::Object::Stream(stream) = object {
            let image = stream.dict.get(b"Subtype").and_then(lopdf::Object::as_name).is_ok_and(|n| n == b"Image");
            if !image && !programs.contains(id) {
                let _ = stream.decompress();
            }
        }
    }
}

/// A CID font's `/W` array with every run in the form `first [w1 w2 …]`.
///
/// The PDF allows two forms, `first [w1 w2 …]` and `first last w`; pdf-extract 0.12 reads the
/// second one wrongly (every glyph of such a run gets the default width, often 0), so glyphs seem to
/// overlap or stand apart and words break in the middle ("i s a  p hysi ca lly") — the Google
/// Docs renderer writes its widths that way. A malformed array (a run cut short, a range that is not
/// numbers) ends where it stops making sense; ranges are capped at 65,536 glyphs.
fn explicit_widths(w: &[lopdf::Object]) -> Vec<lopdf::Object> {
    use lopdf::Object;
    let number = |o: &Object| o.as_float().map(f64::from).ok().or_else(|| o.as_i64().ok().map(|i| i as f64));
    let mut out = Vec::with_capacity(w.len());
    let mut i = 0;
    while i + 1 < w.len() {
        let Ok(first) = w[i].as_i64() else { break };
        match &w[i + 1] {
            Object::Array(run) => {
                out.push(Object::Integer(first));
                out.push(Object::Array(run.clone()));
                i += 2;
            }
            last => {
                let (Ok(last), Some(width)) = (last.as_i64(), w.get(i + 2).and_then(number)) else { break };
                if last < first || last - first >= 65_536 {
                    break;
                }
                out.push(Object::Integer(first));
                out.push(Object::Array((first..=last).map(|_| Object::Real(width as f32)).collect()));
                i += 3;
            }
        }
    }
    out
}

/// The document, repaired when lopdf rejects it as damaged or finds no pages in it: a damaged file
/// gets a reconstruction attempt (see [`repairs`]) before it is called damaged.
pub(super) fn open(bytes: &[u8]) -> Result<Document, ExtractError> {
    let reason = match load(bytes) {
        // An encrypted document's pages are read once it is decrypted.
        Ok(doc) if doc.is_encrypted() || !doc.get_pages().is_empty() => return Ok(doc),
        Ok(_) => "the PDF has no pages".to_string(),
        Err(ExtractError::Damaged(reason)) => reason,
        Err(e) => return Err(e),
    };
    repairs(bytes).into_iter().find_map(|repaired| load(&repaired).ok().filter(|d| !d.get_pages().is_empty())).ok_or(ExtractError::Damaged(reason))
}

fn load(bytes: &[u8]) -> Result<Document, ExtractError> {
    match catch_unwind(AssertUnwindSafe(|| Document::load_mem(bytes))) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(lopdf::Error::Decryption(_))) => Err(ExtractError::PasswordRequired),
        Ok(Err(e)) => Err(classify_load_error(&e.to_string())),
        Err(panic) => Err(ExtractError::ParserCrash(panic_message(&panic))),
    }
}

/// Repaired versions of a PDF that lopdf would not load, to try in order (as pdftotext's
/// reconstruction does): the file from its `%PDF-` header on, when something was written before it
/// (a tool's console output, a mail header) and every offset is off by that much; then the file
/// with a cross-reference table rebuilt from its `N G obj` markers and a trailer naming its catalog.
fn repairs(bytes: &[u8]) -> Vec<Vec<u8>> {
    let start = bytes.windows(5).position(|w| w == b"%PDF-").unwrap_or(0);
    let from_header = &bytes[start..];
    let mut out = Vec::new();
    if start > 0 {
        out.push(from_header.to_vec());
    }
    if let Some(rebuilt) = rebuilt_xref(from_header) {
        out.push(rebuilt);
    }
    out
}

/// `pdf` with a new cross-reference table and trailer appended: each object at the last place its
/// `N G obj` marker appears (later revisions win), the catalog found by `/Type /Catalog`. None when
/// no catalog is found, or the file is encrypted (a rebuilt trailer would lose its keys).
fn rebuilt_xref(pdf: &[u8]) -> Option<Vec<u8>> {
    static MARKER: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| regex::bytes::Regex::new(r"(?:^|[\r\n\s])(\d{1,10})\s+(\d{1,5})\s+obj\b").expect("valid marker pattern"));
    static CATALOG: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| regex::bytes::Regex::new(r"/Type\s*/Catalog\b").expect("valid catalog pattern"));
    if pdf.windows(8).any(|w| w == b"/Encrypt") {
        return None;
    }
    let mut objects: std::collections::BTreeMap<u32, (u16, usize)> = std::collections::BTreeMap::new();
    for m in MARKER.captures_iter(pdf) {
        let (number, generation) = (m.get(1)?, m.get(2)?);
        let (Ok(n), Ok(g)) = (std::str::from_utf8(number.as_bytes()).ok()?.parse::<u32>(), std::str::from_utf8(generation.as_bytes()).ok()?.parse::<u16>()) else { continue };
        objects.insert(n, (g, number.start()));
    }
    // The catalog: the object whose body (up to the next marker) says /Type /Catalog.
    let starts: Vec<usize> = objects.values().map(|(_, at)| *at).collect();
    let root = objects.iter().find(|(_, (_, at))| {
        let end = starts.iter().copied().filter(|s| s > at).min().unwrap_or(pdf.len());
        CATALOG.is_match(&pdf[*at..end])
    })?;
    let size = objects.keys().next_back()? + 1;
    let mut out = pdf.to_vec();
    out.extend_from_slice(b"\n");
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for n in 0..size {
        match objects.get(&n) {
            Some((g, at)) if n > 0 => out.extend_from_slice(format!("{at:010} {g:05} n\r\n").as_bytes()),
            _ => out.extend_from_slice(b"0000000000 65535 f\r\n"),
        }
    }
    out.extend_from_slice(format!("trailer\n<< /Size {size} /Root {} {} R >>\nstartxref\n{xref_at}\n%%EOF\n", root.0, root.1 .0).as_bytes());
    Some(out)
}

fn classify_load_error(msg: &str) -> ExtractError {
    let lower = msg.to_ascii_lowercase();
    if lower.contains("decrypt") || lower.contains("password") || lower.contains("encrypt") {
        ExtractError::PasswordRequired
    } else {
        ExtractError::Damaged(msg.to_string())
    }
}

fn pdf_extract_page(doc: &Document, number: u32) -> Result<String, String> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut page = PageText::default();
        pdf_extract::output_doc_page(doc, &mut page, number).map_err(|e| e.to_string())?;
        Ok::<_, String>(page.into_text())
    }));
    match result {
        Ok(r) => r,
        Err(panic) => Err(format!("pdf-extract panicked: {}", panic_message(&panic))),
    }
}

fn lopdf_page(doc: &Document, number: u32) -> Result<String, String> {
    match catch_unwind(AssertUnwindSafe(|| doc.extract_text(&[number]))) {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!("lopdf panicked: {}", panic_message(&panic))),
    }
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

fn info(doc: &Document) -> (Option<String>, Option<String>) {
    let dict = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| match o {
            lopdf::Object::Reference(id) => doc.get_dictionary(*id).ok(),
            lopdf::Object::Dictionary(d) => Some(d),
            _ => None,
        });
    let Some(dict) = dict else { return (None, None) };
    let text = |key: &[u8]| {
        dict.get(key)
            .ok()
            .and_then(|o| lopdf::decode_text_string(o).ok())
            .map(|s| s.trim().trim_matches('\0').to_string())
            .filter(|s| !s.is_empty())
    };
    let title = text(b"Title").filter(|t| is_meaningful_title(t));
    let date = text(b"CreationDate").and_then(|d| pdf_date(&d));
    (title, date)
}

/// Rejects PDF titles that are file names or tool boilerplate ("Microsoft Word - x.docx", "untitled").
fn is_meaningful_title(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    t.chars().filter(|c| c.is_alphabetic()).count() >= 4
        && !lower.starts_with("microsoft word")
        && !lower.ends_with(".doc")
        && !lower.ends_with(".docx")
        && !lower.ends_with(".pdf")
        && !lower.ends_with(".indd")
        && lower != "untitled"
        && lower != "title"
        && !lower.starts_with("untitled")
}

/// "D:20120806..." → "2012-08-06".
fn pdf_date(d: &str) -> Option<String> {
    let digits: String = d.trim_start_matches("D:").chars().take(8).collect();
    if digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
        let (y, m, day) = (&digits[..4], &digits[4..6], &digits[6..8]);
        let (mi, di): (u32, u32) = (m.parse().ok()?, day.parse().ok()?);
        if (1..=12).contains(&mi) && (1..=31).contains(&di) && y > "1980" {
            return Some(format!("{y}-{m}-{day}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_pdf_and_empty() {
        assert!(matches!(extract(b""), Err(ExtractError::NotValid(_))));
        assert!(matches!(extract(b"<html>hi</html>"), Err(ExtractError::NotValid(_))));
        assert!(matches!(extract(b"%PDF-1.4\n1 0 obj"), Err(ExtractError::Damaged(_))));
    }

    /// A one-page PDF showing `text` in Helvetica, with a correct cross-reference table.
    fn tiny_pdf(text: &str) -> Vec<u8> {
        let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        ];
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes());
        for at in offsets {
            pdf.extend_from_slice(format!("{at:010} 00000 n\r\n").as_bytes());
        }
        pdf.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
        pdf
    }

    fn words(ex: &Extraction) -> String {
        ex.pages.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn damaged_files_that_can_be_read_are_reconstructed() {
        let good = tiny_pdf("Incident response plan");
        assert!(words(&extract(&good).unwrap()).contains("Incident response plan"));
        // Console output written before the header shifts every offset.
        let prefixed = [b"GPL Ghostscript 10.02.0\nProcessing pages 1 through 1.\nPage 1\n".as_slice(), &good].concat();
        assert!(words(&extract(&prefixed).unwrap()).contains("Incident response plan"));
        // The cross-reference table and trailer cut off: rebuilt from the object markers.
        let cut = good.windows(4).position(|w| w == b"xref").unwrap();
        let truncated = &good[..cut];
        assert!(matches!(load(truncated), Err(ExtractError::Damaged(_))), "lopdf alone rejects it");
        let ex = extract(truncated).unwrap();
        assert!(words(&ex).contains("Incident response plan"), "{ex:?}");
        // Offsets pointing into the void: rebuilt too.
        let wrong = String::from_utf8(good.clone()).unwrap().replacen("0000000009 00000 n", "0000009999 00000 n", 1);
        assert!(words(&extract(wrong.as_bytes()).unwrap()).contains("Incident response plan"));
        // Nothing to rebuild from: still damaged, with the loader's reason.
        assert!(matches!(extract(b"%PDF-1.4\n1 0 obj << /Type /Pages >> endobj\n"), Err(ExtractError::Damaged(_))));
    }

    #[test]
    fn cid_width_ranges_are_written_out() {
        use lopdf::Object::{Array, Integer, Name, Real};
        let w = vec![Integer(0), Array(vec![Integer(500), Integer(727)]), Integer(235), Integer(237), Integer(591), Integer(300)];
        let out = explicit_widths(&w);
        assert_eq!(out.len(), 4, "{out:?}");
        assert_eq!(out[2], Integer(235));
        assert_eq!(out[3], Array(vec![Real(591.0), Real(591.0), Real(591.0)]));
        // Hostile: a reversed or enormous range, a name where a number belongs.
        assert!(explicit_widths(&[Integer(10), Integer(5), Integer(1)]).is_empty());
        assert!(explicit_widths(&[Integer(0), Integer(10_000_000), Integer(1)]).is_empty());
        assert!(explicit_widths(&[Name(b"x".to_vec()), Integer(1)]).is_empty());
    }

    #[test]
    fn parses_pdf_dates() {
        assert_eq!(pdf_date("D:20120806103000-04'00'"), Some("2012-08-06".into()));
        assert_eq!(pdf_date("garbage"), None);
    }
}
