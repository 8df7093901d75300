//! Text extraction, page by page. Each format gets stable "pages" so every hit can cite one: PDF pages,
//! Markdown/HTML heading sections, DOCX rendered pages or headings, spreadsheet rows grouped per sheet.
//!
//! Extraction runs inside the worker process (see [`crate::worker`]); nothing here is called on the
//! library's own process for untrusted bytes.

mod cmap;
mod docx;
mod html;
mod layout;
mod markdown;
mod ocr;
mod office;
mod pdf;
mod plain;
mod sheet;
mod structured;

pub use ocr::{installed_languages as ocr_languages, recognise, unavailable as ocr_unavailable, tesseract_language, Ocr, WordBox, MAX_OCR_PAGES, MAX_OCR_PIXELS};
pub use structured::oscal_category;

use serde::{Deserialize, Serialize};

use crate::error::ExtractError;

/// A file format TrustShelf can extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Portable Document Format.
    Pdf,
    /// Markdown.
    Markdown,
    /// HTML.
    Html,
    /// Plain text.
    Text,
    /// Word (OOXML).
    Docx,
    /// Excel (OOXML).
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
    /// Comma-separated values.
    Csv,
    /// JSON (OSCAL understood).
    Json,
    /// XML (OSCAL understood).
    Xml,
    /// YAML (OSCAL understood).
    Yaml,
    /// PowerPoint (OOXML).
    Pptx,
    /// OpenDocument text.
    Odt,
    /// A scanned page: PNG, JPEG or TIFF (read by OCR).
    Image,
}

impl Format {
    /// The lower-case name used in the catalog and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Text => "text",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Yaml => "yaml",
            Format::Pptx => "pptx",
            Format::Odt => "odt",
            Format::Image => "image",
        }
    }

    /// Parses [`Format::as_str`] back.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "pdf" => Format::Pdf,
            "markdown" => Format::Markdown,
            "html" => Format::Html,
            "text" => Format::Text,
            "docx" => Format::Docx,
            "xlsx" => Format::Xlsx,
            "ods" => Format::Ods,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "xml" => Format::Xml,
            "yaml" => Format::Yaml,
            "pptx" => Format::Pptx,
            "odt" => Format::Odt,
            "image" => Format::Image,
            _ => return None,
        })
    }

    /// The format a file extension claims, if it is one we handle.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "pdf" => Format::Pdf,
            "md" | "markdown" | "mdx" | "mkd" => Format::Markdown,
            "html" | "htm" | "xhtml" => Format::Html,
            "txt" | "text" => Format::Text,
            "docx" => Format::Docx,
            "xlsx" | "xlsm" => Format::Xlsx,
            "ods" => Format::Ods,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "xml" => Format::Xml,
            "yaml" | "yml" => Format::Yaml,
            "pptx" => Format::Pptx,
            "odt" => Format::Odt,
            "png" | "jpg" | "jpeg" | "tif" | "tiff" => Format::Image,
            _ => return None,
        })
    }
}

/// Suffixes of template files, which are their format underneath: `policy.md.tmpl` is Markdown with
/// placeholders (kept as text).
const TEMPLATE_SUFFIXES: [&str; 5] = ["tmpl", "tpl", "template", "j2", "jinja"];

/// A file name's stem and the extension that names its format, looking through a template suffix:
/// `SSP.md.tmpl` → (`SSP`, `md`), `report.pdf` → (`report`, `pdf`), `README` → (`README`, none).
pub fn split_file_name(name: &str) -> (&str, Option<&str>) {
    let base = name.rsplit('/').next().unwrap_or(name);
    let Some((stem, ext)) = base.rsplit_once('.').filter(|(stem, _)| !stem.is_empty()) else { return (base, None) };
    if TEMPLATE_SUFFIXES.contains(&ext.to_ascii_lowercase().as_str()) {
        if let Some((inner, format)) = stem.rsplit_once('.').filter(|(inner, _)| !inner.is_empty()) {
            return (inner, Some(format));
        }
    }
    (stem, Some(ext))
}

/// Decides a file's format from its first bytes, falling back to the extension for text formats.
/// Returns `None` for content we do not handle (images, executables, archives, …).
pub fn detect_format(head: &[u8], extension: Option<&str>) -> Option<Format> {
    let claimed = extension.and_then(Format::from_extension);
    if head.len() >= 5 && head[..head.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Some(Format::Pdf);
    }
    if ocr::is_image(head) {
        return Some(Format::Image);
    }
    if head.starts_with(b"PK\x03\x04") {
        return match claimed {
            Some(f @ (Format::Docx | Format::Xlsx | Format::Ods | Format::Pptx | Format::Odt)) => Some(f),
            _ => zip_kind(head),
        };
    }
    if head.is_empty() {
        return claimed;
    }
    if looks_binary(head) {
        // A binary file named like a binary format we read is that format, broken: extraction will
        // say precisely how. Anything else binary is not ours.
        return claimed.filter(|f| matches!(f, Format::Pdf | Format::Docx | Format::Xlsx | Format::Ods | Format::Pptx | Format::Odt | Format::Image));
    }
    let lower = String::from_utf8_lossy(&head[..head.len().min(2048)]).to_ascii_lowercase();
    let trimmed = lower.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") || (trimmed.starts_with('<') && lower.contains("<body")) {
        return Some(Format::Html);
    }
    match claimed {
        Some(Format::Pdf | Format::Docx | Format::Xlsx | Format::Ods | Format::Pptx | Format::Odt | Format::Image) => Some(Format::Text),
        Some(f) => Some(f),
        None => None,
    }
}

fn zip_kind(head: &[u8]) -> Option<Format> {
    let s = String::from_utf8_lossy(head);
    if s.contains("word/") {
        Some(Format::Docx)
    } else if s.contains("xl/") {
        Some(Format::Xlsx)
    } else if s.contains("ppt/") {
        Some(Format::Pptx)
    } else if s.contains("opendocument.spreadsheet") {
        Some(Format::Ods)
    } else if s.contains("opendocument.text") {
        Some(Format::Odt)
    } else {
        None
    }
}

fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096)];
    if sample.contains(&0) {
        return true;
    }
    let control = sample.iter().filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b)).count();
    control * 20 > sample.len()
}

/// One page (or stable section) of extracted text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Page {
    /// 1-based page number within the document.
    pub number: u32,
    /// What to call this page to a person: "p. 7", a heading, "Sheet1 rows 1–40".
    pub label: String,
    /// The page's text.
    pub text: String,
    /// How the page was recognised, when its text comes from OCR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ocr: Option<Ocr>,
}

/// What extraction produced for one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// Pages in order; page numbers are 1..=pages.len().
    pub pages: Vec<Page>,
    /// Pages that failed, with the reason; their text is empty in `pages`.
    pub failed_pages: Vec<(u32, String)>,
    /// A title found in the file itself (PDF info, first heading, DOCX core properties).
    pub title: Option<String>,
    /// A date found in the file's own properties (PDF CreationDate), as YYYY-MM-DD.
    pub file_date: Option<String>,
    /// Which extractor produced the text ("pdf-extract", "lopdf", "markdown", …).
    pub extractor: String,
    /// Pages that are a scan (an image and no text): the OCR pass reads them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scanned_pages: Vec<u32>,
}

/// Extracts `bytes` (already read from disk) as `format`. Runs in the worker process.
pub fn extract(format: Format, bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let extraction = match format {
        Format::Pdf => pdf::extract(bytes)?,
        Format::Markdown => markdown::extract(&decode_text(bytes)),
        Format::Html => html::extract(&decode_text(bytes)),
        Format::Text => plain::extract(&decode_text(bytes)),
        Format::Docx => docx::extract(bytes)?,
        Format::Xlsx | Format::Ods => sheet::extract_workbook(bytes, format)?,
        Format::Csv => sheet::extract_csv(bytes)?,
        Format::Json => structured::extract_json(bytes)?,
        Format::Xml => structured::extract_xml(bytes)?,
        Format::Yaml => structured::extract_yaml(bytes)?,
        Format::Pptx => office::extract_pptx(bytes)?,
        Format::Odt => office::extract_odt(bytes)?,
        // An image has no text layer: its text comes from the OCR pass (see `ocr`).
        Format::Image => ocr::check_image(bytes).and(Err(ExtractError::NoText))?,
    };
    let chars: usize = extraction.pages.iter().map(|p| p.text.trim().len()).sum();
    if chars == 0 {
        if extraction.failed_pages.len() == extraction.pages.len() && !extraction.pages.is_empty() {
            let (_, reason) = &extraction.failed_pages[0];
            return Err(ExtractError::ParserCrash(reason.clone()));
        }
        return Err(ExtractError::NoText);
    }
    Ok(extraction)
}

/// Decodes text as UTF-8 (dropping a BOM), or as Windows-1252/Latin-1 when it is not UTF-8.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Splits a long text into pieces of at most about `max` bytes at paragraph or line boundaries.
pub(crate) fn split_long(text: &str, max: usize) -> Vec<String> {
    if text.len() <= max {
        return vec![text.to_string()];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    for para in text.split_inclusive('\n') {
        if current.len() + para.len() > max && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        if para.len() > max {
            let mut rest = para;
            while rest.len() > max {
                let mut cut = max;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                if let Some(space) = rest[..cut].rfind(' ') {
                    if space > max / 2 {
                        cut = space + 1;
                    }
                }
                parts.push(rest[..cut].to_string());
                rest = &rest[cut..];
            }
            current.push_str(rest);
        } else {
            current.push_str(para);
        }
    }
    if !current.trim().is_empty() {
        parts.push(current);
    }
    parts
}

/// Builds pages from (label, text) sections, splitting overlong sections and numbering from 1.
pub(crate) fn pages_from_sections(sections: Vec<(String, String)>) -> Vec<Page> {
    /// Sections longer than this are split so a "page" stays a readable, citable unit.
    const MAX_SECTION_BYTES: usize = 6_000;
    let mut pages = Vec::new();
    for (label, text) in sections {
        let text = crate::text::tidy(&text);
        if text.is_empty() {
            continue;
        }
        let parts = split_long(&text, MAX_SECTION_BYTES);
        let n = parts.len();
        for (i, part) in parts.into_iter().enumerate() {
            let label = if n > 1 { format!("{label} ({}/{n})", i + 1) } else { label.clone() };
            pages.push(Page { number: pages.len() as u32 + 1, label, text: part, ocr: None });
        }
    }
    pages
}

/// The message of a caught panic.
pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    pdf::panic_message(panic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content_not_extension() {
        assert_eq!(detect_format(b"%PDF-1.7\n...", Some("bin")), Some(Format::Pdf));
        assert_eq!(detect_format(b"<!DOCTYPE html><html><body>x</body></html>", Some("pdf")), Some(Format::Html));
        assert_eq!(detect_format(b"# Title\n\ntext", Some("md")), Some(Format::Markdown));
        // Scans are read by OCR, whatever they are called.
        assert_eq!(detect_format(b"\x89PNG\r\n\x1a\n\0\0\0", Some("png")), Some(Format::Image));
        assert_eq!(detect_format(b"\xFF\xD8\xFF\xE0\0\x10JFIF", Some("bin")), Some(Format::Image));
        assert_eq!(detect_format(b"II*\0\x08\0\0\0", Some("tif")), Some(Format::Image));
        assert_eq!(detect_format(b"GIF89a\x01\0\x01\0", Some("gif")), None);
        assert_eq!(detect_format(b"\0\x01junk", Some("xlsx")), Some(Format::Xlsx));
        assert_eq!(detect_format(b"plain words", None), None);
        assert_eq!(detect_format(b"a,b\n1,2\n", Some("csv")), Some(Format::Csv));
        assert_eq!(detect_format(b"", Some("pdf")), Some(Format::Pdf));
        assert_eq!(detect_format(b"# {{ .Title }}\n\nThe {{ .System }} encrypts data.", split_file_name("templates/SSP.md.tmpl").1), Some(Format::Markdown));
        assert_eq!(detect_format(b"import X from './x'\n\n# Title", split_file_name("docs/page.mdx").1), Some(Format::Markdown));
    }

    #[test]
    fn file_names_name_their_format_through_template_suffixes() {
        assert_eq!(split_file_name("templates/SSP.md.tmpl"), ("SSP", Some("md")));
        assert_eq!(split_file_name("a/b/report.PDF"), ("report", Some("PDF")));
        assert_eq!(split_file_name("policy.markdown"), ("policy", Some("markdown")));
        assert_eq!(split_file_name("page.j2"), ("page", Some("j2")));
        assert_eq!(split_file_name("README"), ("README", None));
        assert_eq!(split_file_name(".trustshelfignore"), (".trustshelfignore", None));
    }

    #[test]
    fn splits_long_sections_on_boundaries() {
        let text = "word ".repeat(3000);
        let parts = split_long(&text, 1000);
        assert!(parts.len() >= 15);
        assert!(parts.iter().all(|p| p.len() <= 1000));
        assert_eq!(parts.concat(), text);
    }
}
