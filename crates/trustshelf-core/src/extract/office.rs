//! Presentations and OpenDocument text: PPTX (a page per slide, in slide order, from
//! `ppt/slides/slideN.xml`) and ODT (`content.xml`, sections at level-1 and level-2 headings like
//! DOCX). Titles from the document's properties, else the first slide's or heading's text. Parts are
//! read through DOCX's bounded reader (zip bombs are refused).

use std::io::Cursor;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::docx::{core_title, read_part};
use super::{pages_from_sections, Extraction};
use crate::error::ExtractError;

/// Slides read at most (a deck past this is indexed up to it, and says so).
const MAX_SLIDES: usize = 2_000;

pub(super) fn extract_pptx(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ExtractError::NotValid(format!("PPTX ({e})")))?;
    let mut slides: Vec<(u32, String)> = zip
        .file_names()
        .filter_map(|n| n.strip_prefix("ppt/slides/slide")?.strip_suffix(".xml")?.parse::<u32>().ok().map(|k| (k, n.to_string())))
        .collect();
    if slides.is_empty() {
        return Err(ExtractError::NotValid("PPTX (no slides in ppt/slides/)".into()));
    }
    slides.sort();
    let mut failed_pages = Vec::new();
    if slides.len() > MAX_SLIDES {
        slides.truncate(MAX_SLIDES);
    }
    let title = read_part(&mut zip, "docProps/core.xml")?.and_then(|c| core_title(&c));
    let mut sections = Vec::new();
    for (i, (_, name)) in slides.iter().enumerate() {
        let xml = read_part(&mut zip, name)?.unwrap_or_default();
        match paragraphs(&xml, b"p", b"t") {
            Ok(text) => sections.push((format!("slide {}", i + 1), text.join("\n"))),
            Err(e) => {
                failed_pages.push((i as u32 + 1, e));
                sections.push((format!("slide {}", i + 1), String::new()));
            }
        }
    }
    let first_line = sections.iter().find_map(|(_, t)| t.lines().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_string()));
    // Keep every slide's number even when a slide has no text: "slide 7" is what the deck shows.
    let mut pages = Vec::new();
    for (i, (label, text)) in sections.into_iter().enumerate() {
        pages.push(super::Page { number: i as u32 + 1, label, text: crate::text::tidy(&text), ocr: None });
    }
    Ok(Extraction { pages, failed_pages, title: title.or(first_line), extractor: "pptx".into(), ..Default::default() })
}

pub(super) fn extract_odt(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ExtractError::NotValid(format!("ODT ({e})")))?;
    let xml = read_part(&mut zip, "content.xml")?.ok_or_else(|| ExtractError::NotValid("ODT (no content.xml)".into()))?;
    let meta_title = read_part(&mut zip, "meta.xml")?.and_then(|m| core_title(&m));
    let mut reader = Reader::from_str(&xml);
    let mut sections: Vec<(String, String)> = vec![(String::new(), String::new())];
    // The paragraph or heading being read: its text and, for a heading, its level.
    let mut current: Option<(Option<u32>, String)> = None;
    let mut first_heading: Option<String> = None;
    loop {
        match reader.read_event().map_err(|e| ExtractError::Damaged(format!("content.xml: {e}")))? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"h" => {
                    let level = e.attributes().flatten().find(|a| a.key.local_name().as_ref() == b"outline-level").and_then(|a| String::from_utf8_lossy(&a.value).parse().ok()).unwrap_or(1);
                    current = Some((Some(level), String::new()));
                }
                b"p" if current.is_none() => current = Some((None, String::new())),
                _ => {}
            },
            Event::Empty(e) => {
                if let Some((_, text)) = current.as_mut() {
                    match e.local_name().as_ref() {
                        b"s" | b"tab" => text.push(' '),
                        b"line-break" => text.push('\n'),
                        _ => {}
                    }
                }
            }
            Event::Text(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t.decode().map_err(|e| ExtractError::Damaged(format!("content.xml: {e}")))?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(predefined(&r));
                }
            }
            Event::End(e) if matches!(e.local_name().as_ref(), b"h" | b"p") => {
                let Some((level, text)) = current.take() else { continue };
                let text = text.trim().to_string();
                match level {
                    Some(level) if level <= 2 && !text.is_empty() => {
                        first_heading.get_or_insert_with(|| text.clone());
                        if sections.last().is_some_and(|(_, body)| body.trim().is_empty()) {
                            sections.last_mut().unwrap().0 = text.clone();
                        } else {
                            sections.push((text.clone(), String::new()));
                        }
                    }
                    _ => {}
                }
                let body = &mut sections.last_mut().unwrap().1;
                body.push_str(&text);
                body.push('\n');
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut pages = pages_from_sections(sections);
    for p in &mut pages {
        if p.label.is_empty() {
            p.label = format!("section {}", p.number);
        }
    }
    Ok(Extraction { pages, title: meta_title.or(first_heading), extractor: "odt".into(), ..Default::default() })
}

/// The text of each paragraph (`para` elements) of a slide: its runs (`run` elements) joined.
fn paragraphs(xml: &str, para: &[u8], run: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_run = false;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == run => in_run = true,
            Event::End(e) if e.local_name().as_ref() == run => in_run = false,
            Event::End(e) if e.local_name().as_ref() == para => {
                if !current.trim().is_empty() {
                    out.push(current.trim().to_string());
                }
                current.clear();
            }
            Event::Text(t) if in_run => current.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) if in_run => current.push_str(predefined(&r)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The five entities XML predefines; any other reference is dropped.
pub(super) fn predefined(r: &[u8]) -> &'static str {
    match r {
        b"amp" => "&",
        b"lt" => "<",
        b"gt" => ">",
        b"quot" => "\"",
        b"apos" => "'",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip(files: &[(&str, &str)]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        for (name, body) in files {
            z.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(body.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        out.into_inner()
    }

    fn slide(paras: &[&[&str]]) -> String {
        let body: String = paras.iter().map(|runs| format!("<a:p>{}</a:p>", runs.iter().map(|r| format!("<a:r><a:t>{r}</a:t></a:r>")).collect::<String>())).collect();
        format!(r#"<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="p"><p:cSld><p:spTree><p:sp><p:txBody>{body}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#)
    }

    #[test]
    fn a_deck_becomes_a_page_per_slide_in_slide_order() {
        let deck = zip(&[
            ("[Content_Types].xml", "<Types/>"),
            ("ppt/slides/slide10.xml", &slide(&[&["Roadmap"]])),
            ("ppt/slides/slide2.xml", &slide(&[&["Encryption ", "at rest"], &["AES-256 &amp; KMS"]])),
            ("ppt/slides/slide1.xml", &slide(&[&["Kestrel Cloud security overview"]])),
            ("ppt/slides/slide3.xml", &slide(&[])),
        ]);
        let ex = extract_pptx(&deck).unwrap();
        let labels: Vec<&str> = ex.pages.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["slide 1", "slide 2", "slide 3", "slide 4"]);
        assert_eq!(ex.pages[1].text, "Encryption at rest\nAES-256 & KMS");
        assert_eq!(ex.pages[3].text, "Roadmap");
        assert_eq!(ex.title.as_deref(), Some("Kestrel Cloud security overview"));
        assert!(matches!(extract_pptx(&zip(&[("a.txt", "x")])), Err(ExtractError::NotValid(_))));
        assert_eq!(super::super::detect_format(&deck[..deck.len().min(8192)], None), Some(super::super::Format::Pptx));
    }

    #[test]
    fn an_odt_is_split_at_its_headings() {
        let content = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
            <text:h text:outline-level="1">Access Policy</text:h><text:p>Access is <text:span>reviewed</text:span><text:s/>quarterly.</text:p>
            <text:h text:outline-level="2">Exceptions</text:h><text:p>Approved by the CISO &amp; logged.</text:p>
            <text:h text:outline-level="3">Detail</text:h><text:p>Kept for a year.</text:p>
        </office:text></office:body></office:document-content>"#;
        let doc = zip(&[("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", content), ("meta.xml", "<office:document-meta><office:meta><dc:title>Access Policy 2026</dc:title></office:meta></office:document-meta>")]);
        let ex = extract_odt(&doc).unwrap();
        let labels: Vec<&str> = ex.pages.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["Access Policy", "Exceptions"]);
        assert!(ex.pages[0].text.contains("Access is reviewed quarterly."), "{:?}", ex.pages[0].text);
        assert!(ex.pages[1].text.contains("Approved by the CISO & logged.") && ex.pages[1].text.contains("Kept for a year."));
        assert_eq!(ex.title.as_deref(), Some("Access Policy 2026"));
        assert!(matches!(extract_odt(&zip(&[("mimetype", "x")])), Err(ExtractError::NotValid(_))));
    }
}
