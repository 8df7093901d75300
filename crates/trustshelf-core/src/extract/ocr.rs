//! OCR of scanned PDFs and images with Tesseract (Debian `tesseract-ocr`), pages rendered by
//! poppler's `pdftoppm`. Runs in the extraction worker, in the OCR pass after the text pass (see
//! `ingest`), each program a child process with its own time limit per page, so one bad page costs
//! that page. Every page keeps Tesseract's mean word confidence and the words' boxes (fractions of
//! the page), for the viewer's highlight overlay.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Extraction, Page};
use crate::error::ExtractError;

/// A scan's first pages recognised; the rest are recorded as failed pages with the reason.
pub const MAX_OCR_PAGES: u32 = 100;
/// Images (and rendered pages) larger than this are refused: an image bomb is a few bytes of
/// compressed data that decode to gigabytes.
pub const MAX_OCR_PIXELS: u64 = 60_000_000;
/// The long side of a rendered PDF page, in pixels (300 dpi for a Letter or A4 page).
const RENDER_LONG_SIDE: f64 = 3_500.0;
/// Time limits per page.
const RENDER_LIMIT: Duration = Duration::from_secs(60);
const RECOGNISE_LIMIT: Duration = Duration::from_secs(120);

/// The languages the product reads, as Tesseract names them, with their ISO 639-1 codes.
const LANGUAGES: [(&str, &str); 6] = [("en", "eng"), ("cs", "ces"), ("pl", "pol"), ("ro", "ron"), ("de", "deu"), ("fr", "fra")];

/// How a page was recognised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Ocr {
    /// Tesseract's mean word confidence, 0–100.
    pub confidence: f32,
    /// The languages it read with ("eng+ces").
    pub languages: String,
    /// The recognised words with their boxes.
    pub words: Vec<WordBox>,
}

/// A recognised word and where it stands on the page, as fractions of the page's width and height
/// from the top left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct WordBox {
    /// The word as read.
    pub text: String,
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// True when `head` starts like a PNG, JPEG or TIFF file.
pub(super) fn is_image(head: &[u8]) -> bool {
    head.starts_with(b"\x89PNG\r\n\x1a\n") || head.starts_with(b"\xFF\xD8\xFF") || head.starts_with(b"II*\0") || head.starts_with(b"MM\0*")
}

/// Checks an image before anything decodes it: a known format, readable dimensions, not a bomb.
pub(super) fn check_image(bytes: &[u8]) -> Result<(), ExtractError> {
    if !is_image(bytes) {
        return Err(ExtractError::NotValid("image (not a PNG, JPEG or TIFF file)".into()));
    }
    let size = imagesize::blob_size(bytes).map_err(|e| ExtractError::Damaged(format!("image header unreadable: {e}")))?;
    let pixels = size.width as u64 * size.height as u64;
    if pixels == 0 {
        return Err(ExtractError::Damaged("the image has no pixels".into()));
    }
    if pixels > MAX_OCR_PIXELS {
        return Err(ExtractError::TooLarge(format!("{}×{} pixels is over the OCR limit of {} megapixels", size.width, size.height, MAX_OCR_PIXELS / 1_000_000)));
    }
    Ok(())
}

/// The installed Tesseract languages of ours, or `None` when Tesseract is not installed.
pub fn installed_languages() -> Option<Vec<String>> {
    let out = Command::new("tesseract").arg("--list-langs").stdin(Stdio::null()).output().ok()?;
    let listed = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let langs: Vec<String> = LANGUAGES.iter().map(|(_, t)| t.to_string()).filter(|t| listed.lines().any(|l| l.trim() == t)).collect();
    (out.status.success() && !langs.is_empty()).then_some(langs)
}

/// Why a scan is not read: no Tesseract.
pub fn unavailable() -> ExtractError {
    ExtractError::OcrUnavailable("Tesseract is not installed (apt install tesseract-ocr)".into())
}

/// The Tesseract languages to read a document in: its declared language (ISO 639-1) if installed,
/// else `None` (every installed language; the first page then tells which, see [`recognise`]).
pub fn tesseract_language(iso: &str) -> Option<&'static str> {
    LANGUAGES.iter().find(|(i, _)| *i == iso).map(|(_, t)| *t)
}

/// OCRs a scanned PDF or an image file at `path` (`bytes` is its content, already checked against
/// the catalog's hash). `language`: the document's declared Tesseract language, if any. `only`:
/// the PDF pages to read (a document with some scanned pages); empty: every page. Pages not read
/// come back empty, without an OCR record.
pub fn recognise(path: &Path, bytes: &[u8], is_pdf: bool, language: Option<&str>, only: &[u32]) -> Result<Extraction, ExtractError> {
    let installed = installed_languages().ok_or_else(unavailable)?;
    let declared = language.filter(|l| installed.iter().any(|i| i == l)).map(str::to_string);
    let work = WorkDir::new()?;
    let mut pages = Vec::new();
    let mut failed_pages = Vec::new();
    let mut reader = Reader { decided: declared.is_some(), languages: declared.unwrap_or_else(|| installed.join("+")), installed: &installed, work: &work };
    if is_pdf {
        let sizes = page_sizes(bytes)?;
        let mut read = 0u32;
        for (i, size) in sizes.iter().enumerate() {
            let number = i as u32 + 1;
            if !only.is_empty() && !only.contains(&number) {
                pages.push(Page { number, label: format!("p. {number}"), text: String::new(), ocr: None });
                continue;
            }
            read += 1;
            let page = if read > MAX_OCR_PAGES {
                Err(format!("not recognised: OCR reads the first {MAX_OCR_PAGES} pages of a scan"))
            } else {
                render(path, number, size, &work).and_then(|image| reader.read(&image))
            };
            match page {
                Ok(found) if !found.is_empty() => pages.push(found.into_iter().next().expect("not empty").into_page(number)),
                page => {
                    let reason = page.err().unwrap_or_else(|| "tesseract read no page".into());
                    failed_pages.push((number, reason));
                    pages.push(Page { number, label: format!("p. {number}"), text: String::new(), ocr: None });
                }
            }
        }
    } else {
        check_image(bytes)?;
        // TIFF files can hold several pages; Tesseract reads them all.
        let found = reader.read(path).map_err(ExtractError::OcrFailed)?;
        for (i, page) in found.into_iter().enumerate().take(MAX_OCR_PAGES as usize) {
            pages.push(page.into_page(i as u32 + 1));
        }
    }
    if only.is_empty() && pages.iter().all(|p| p.text.trim().is_empty()) {
        return match failed_pages.first() {
            Some((_, reason)) if failed_pages.len() == pages.len() => Err(ExtractError::OcrFailed(reason.clone())),
            _ => Err(ExtractError::OcrFailed("Tesseract read no text on any page (a picture, or a blank scan)".into())),
        };
    }
    Ok(Extraction { pages, failed_pages, extractor: "tesseract".into(), ..Default::default() })
}

/// Reads images in the document's language: the declared one, else the one the first page with
/// enough words turns out to be in — read in English first (quick; the stop words of the other
/// languages survive it), then again in its own language if it is another.
struct Reader<'a> {
    installed: &'a [String],
    languages: String,
    decided: bool,
    work: &'a WorkDir,
}

impl Reader<'_> {
    fn read(&mut self, image: &Path) -> Result<Vec<Recognised>, String> {
        if self.decided {
            return recognise_image(image, &self.languages, self.work);
        }
        let probe = if self.installed.iter().any(|l| l == "eng") { "eng".to_string() } else { self.installed.join("+") };
        let found = recognise_image(image, &probe, self.work)?;
        let Some(language) = detected(&found, self.installed) else { return Ok(found) };
        self.decided = true;
        self.languages = language;
        if self.languages == probe {
            Ok(found)
        } else {
            recognise_image(image, &self.languages, self.work)
        }
    }
}

/// The language a page's text is in, among the installed ones; `None` when it has too few words
/// to tell.
fn detected(found: &[Recognised], installed: &[String]) -> Option<String> {
    let text: String = found.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    if text.split_whitespace().count() < 20 {
        return None;
    }
    let t = tesseract_language(crate::metadata::detect_language(&text)).filter(|t| installed.iter().any(|i| i == t))?;
    // English words (headings, product names) are common in other languages' documents.
    Some(if t != "eng" && installed.iter().any(|i| i == "eng") { format!("{t}+eng") } else { t.to_string() })
}

/// A page to render: its MediaBox size in points and the width of its widest image in pixels.
struct PageSize {
    w: f64,
    h: f64,
    image_px: Option<i64>,
}

/// Each page's size, from the PDF's page tree (pages inherit their parent's MediaBox).
fn page_sizes(bytes: &[u8]) -> Result<Vec<PageSize>, ExtractError> {
    // Opened as the text pass opens it: a damaged file is reconstructed first.
    let doc = super::pdf::open(bytes)?;
    let mut sizes = Vec::new();
    for (_, id) in doc.get_pages() {
        let mut node = doc.get_dictionary(id).ok();
        let mut size = (612.0, 792.0);
        for _ in 0..32 {
            let Some(dict) = node else { break };
            if let Ok(b) = dict.get(b"MediaBox").and_then(|o| match o {
                lopdf::Object::Reference(r) => doc.get_object(*r),
                o => Ok(o),
            }) {
                if let Ok(a) = b.as_array() {
                    let n: Vec<f64> = a.iter().filter_map(|o| o.as_float().map(f64::from).ok().or_else(|| o.as_i64().ok().map(|i| i as f64))).collect();
                    if n.len() == 4 {
                        size = ((n[2] - n[0]).abs(), (n[3] - n[1]).abs());
                        break;
                    }
                }
            }
            node = dict.get(b"Parent").and_then(lopdf::Object::as_reference).ok().and_then(|r| doc.get_dictionary(r).ok());
        }
        sizes.push(PageSize { w: size.0, h: size.1, image_px: super::pdf::widest_image(&doc, id) });
    }
    Ok(sizes)
}

/// Renders page `number` to a grey PNG: at its scan's own resolution (the widest image's pixels
/// across the page) between 150 and 300 dpi, 300 dpi with no image; its long side at most
/// [`RENDER_LONG_SIDE`] pixels. Rendering time grows with the pixels (poppler smooths the scan's
/// image up to the resolution): a 118 ppi page took 7.4 s at 300 dpi and 2.4 s at 150.
fn render(pdf: &Path, number: u32, size: &PageSize, work: &WorkDir) -> Result<PathBuf, String> {
    let long_inches = size.w.max(size.h).max(1.0) / 72.0;
    let native = size.image_px.map_or(300.0, |px| (px as f64 / (size.w.max(1.0) / 72.0)).clamp(150.0, 300.0));
    let dpi = (RENDER_LONG_SIDE / long_inches).min(native).clamp(10.0, 300.0).round();
    let prefix = work.0.join(format!("page-{number}"));
    let mut cmd = Command::new("pdftoppm");
    cmd.args(["-q", "-gray", "-png", "-singlefile", "-r", &dpi.to_string(), "-f", &number.to_string(), "-l", &number.to_string()]).arg(pdf).arg(&prefix);
    run(cmd, RENDER_LIMIT, "pdftoppm").map_err(|e| format!("rendering failed: {e}"))?;
    let image = prefix.with_extension("png");
    if !image.is_file() {
        return Err("rendering failed: pdftoppm wrote no image".into());
    }
    Ok(image)
}

/// A page as Tesseract read it.
struct Recognised {
    text: String,
    confidence: f32,
    languages: String,
    words: Vec<WordBox>,
}

impl Recognised {
    fn into_page(self, number: u32) -> Page {
        let ocr = Ocr { confidence: self.confidence, languages: self.languages, words: self.words };
        Page { number, label: format!("p. {number}"), text: self.text, ocr: Some(ocr) }
    }
}

/// Runs Tesseract on `image` (all of its pages) and parses its TSV output.
fn recognise_image(image: &Path, languages: &str, work: &WorkDir) -> Result<Vec<Recognised>, String> {
    let base = work.0.join(format!("ocr-{}", work.next()));
    let mut cmd = Command::new("tesseract");
    cmd.arg(image).arg(&base).args(["-l", languages, "--psm", "3", "tsv"]);
    // One thread per Tesseract: the pool already runs a worker per core.
    cmd.env("OMP_THREAD_LIMIT", "1");
    run(cmd, RECOGNISE_LIMIT, "tesseract")?;
    let tsv = std::fs::read_to_string(base.with_extension("tsv")).map_err(|e| format!("tesseract wrote no result: {e}"))?;
    Ok(parse_tsv(&tsv, languages))
}

/// Tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height,
/// confidence, text) as pages: words joined into lines, paragraphs separated by a blank line.
fn parse_tsv(tsv: &str, languages: &str) -> Vec<Recognised> {
    let mut pages: Vec<Recognised> = Vec::new();
    let mut size = (1.0f32, 1.0f32);
    let mut last_line: Option<(u32, u32, u32)> = None;
    let mut confidences: Vec<Vec<f32>> = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 11 {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<f32>().unwrap_or(0.0);
        match cols[0] {
            "1" => {
                size = (num(8).max(1.0), num(9).max(1.0));
                pages.push(Recognised { text: String::new(), confidence: 0.0, languages: languages.to_string(), words: Vec::new() });
                confidences.push(Vec::new());
                last_line = None;
            }
            "5" => {
                let word = cols.get(11).map(|w| w.trim()).unwrap_or("");
                let (Some(page), Some(confs)) = (pages.last_mut(), confidences.last_mut()) else { continue };
                if word.is_empty() {
                    continue;
                }
                let line = (num(2) as u32, num(3) as u32, num(4) as u32);
                match last_line {
                    Some(l) if l == line => page.text.push(' '),
                    Some(l) if (l.0, l.1) == (line.0, line.1) => page.text.push('\n'),
                    Some(_) => page.text.push_str("\n\n"),
                    None => {}
                }
                last_line = Some(line);
                page.text.push_str(word);
                let conf = num(10);
                if conf >= 0.0 {
                    confs.push(conf);
                }
                page.words.push(WordBox { text: word.to_string(), x: num(6) / size.0, y: num(7) / size.1, w: num(8) / size.0, h: num(9) / size.1 });
            }
            _ => {}
        }
    }
    for (page, confs) in pages.iter_mut().zip(confidences) {
        page.confidence = if confs.is_empty() { 0.0 } else { confs.iter().sum::<f32>() / confs.len() as f32 };
    }
    pages
}

/// Runs `cmd` with no input and its output discarded but for the last of stderr, killing it after
/// `limit`.
fn run(mut cmd: Command, limit: Duration, name: &str) -> Result<(), String> {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| format!("cannot start {name}: {e}"))?;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.take(64 * 1024).read_to_string(&mut s);
        }
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{name} took longer than {} s", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{name}: {e}")),
        }
    };
    let err = reader.join().unwrap_or_default();
    if status.success() {
        Ok(())
    } else {
        let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
        Err(format!("{name} failed ({status}){}", if last.is_empty() { String::new() } else { format!(": {}", crate::text::truncate_chars(&last, 200)) }))
    }
}

/// A private temporary folder, removed when dropped.
struct WorkDir(PathBuf, std::cell::Cell<u32>);

impl WorkDir {
    fn new() -> Result<WorkDir, ExtractError> {
        let dir = tempfile::Builder::new().prefix("trustshelf-ocr-").tempdir().map_err(|e| ExtractError::Unreadable(format!("temporary folder: {e}")))?;
        Ok(WorkDir(dir.keep(), std::cell::Cell::new(0)))
    }

    fn next(&self) -> u32 {
        self.1.set(self.1.get() + 1);
        self.1.get()
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tesseract_tsv_into_lines_paragraphs_and_boxes() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t\n\
            5\t1\t1\t1\t1\t1\t100\t200\t50\t20\t96.5\tIncident\n\
            5\t1\t1\t1\t1\t2\t160\t200\t50\t20\t93.5\tresponse\n\
            5\t1\t1\t1\t2\t1\t100\t230\t50\t20\t90\tplan\n\
            5\t1\t1\t2\t1\t1\t100\t300\t50\t20\t80\tBezpečnostní\n\
            5\t1\t1\t2\t1\t2\t100\t300\t50\t20\t-1\t \n";
        let pages = parse_tsv(tsv, "eng+ces");
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].text, "Incident response\nplan\n\nBezpečnostní");
        assert_eq!(pages[0].words.len(), 4);
        assert!((pages[0].confidence - 90.0).abs() < 0.01);
        let w = &pages[0].words[0];
        assert_eq!((w.x, w.y, w.w, w.h), (0.1, 0.1, 0.05, 0.01));
        assert!(parse_tsv("", "eng").is_empty());
        assert!(parse_tsv("header\ngarbage\tline\n5\tx", "eng").is_empty());
    }

    #[test]
    fn refuses_image_bombs_and_broken_images_before_decoding() {
        // A PNG header claiming 100,000 × 100,000 pixels.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&100_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(matches!(check_image(&bomb), Err(ExtractError::TooLarge(ref m)) if m.contains("100000×100000")), "{:?}", check_image(&bomb));
        assert!(matches!(check_image(b"\x89PNG\r\n\x1a\n"), Err(ExtractError::Damaged(_))));
        assert!(matches!(check_image(b"GIF89a"), Err(ExtractError::NotValid(_))));
    }

    #[test]
    fn languages_by_iso_code() {
        assert_eq!(tesseract_language("cs"), Some("ces"));
        assert_eq!(tesseract_language("xx"), None);
    }

    #[test]
    fn a_program_over_its_time_limit_is_killed() {
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let started = Instant::now();
        let r = run(cmd, Duration::from_millis(200), "sleep");
        assert!(r.unwrap_err().contains("longer than"));
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(run(Command::new("false"), Duration::from_secs(5), "false").unwrap_err().contains("failed"));
    }
}
