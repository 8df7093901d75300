//! DOCX: paragraphs from `word/document.xml`. Pages follow Word's rendered page breaks when the file
//! has them (so "p. 7" matches what Word showed); otherwise sections start at Heading 1/2 and explicit
//! page breaks. Title from `docProps/core.xml`, else the first Title/Heading paragraph.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{pages_from_sections, Extraction};
use crate::error::ExtractError;

/// A DOCX part larger than this when inflated is refused (zip bombs).
const MAX_PART_BYTES: u64 = 200 * 1024 * 1024;

pub(super) fn extract(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ExtractError::NotValid(format!("DOCX ({e})")))?;
    let xml = read_part(&mut zip, "word/document.xml")?.ok_or_else(|| ExtractError::NotValid("DOCX (no word/document.xml)".into()))?;
    let core_title = read_part(&mut zip, "docProps/core.xml")?.and_then(|c| core_title(&c));

    let mut reader = Reader::from_str(&xml);
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut current = Paragraph::default();
    let mut in_text = false;
    let mut rendered_breaks = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"p" => current = Paragraph::default(),
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"pStyle" => {
                    for a in e.attributes().flatten() {
                        if a.key.local_name().as_ref() == b"val" {
                            current.style = String::from_utf8_lossy(&a.value).to_string();
                        }
                    }
                }
                b"tab" => current.text.push('\t'),
                b"br" => {
                    let page = e.attributes().flatten().any(|a| a.key.local_name().as_ref() == b"type" && a.value.as_ref() == b"page");
                    if page {
                        current.break_before_text |= current.text.trim().is_empty();
                        current.page_break_after |= !current.text.trim().is_empty();
                    } else {
                        current.text.push('\n');
                    }
                }
                b"lastRenderedPageBreak" => {
                    rendered_breaks += 1;
                    current.rendered_break = true;
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                current.text.push_str(&t.decode().map(|c| c.into_owned()).unwrap_or_default());
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                current.text.push_str(super::office::predefined(&r));
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => paragraphs.push(std::mem::take(&mut current)),
                b"tc" => {
                    if let Some(last) = paragraphs.last_mut() {
                        last.text.push_str(" |");
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(e) => return Err(ExtractError::Damaged(format!("DOCX XML: {e}"))),
            _ => {}
        }
    }

    let heading_title = paragraphs
        .iter()
        .find(|p| (p.style.eq_ignore_ascii_case("title") || p.style.to_ascii_lowercase().starts_with("heading")) && !p.text.trim().is_empty())
        .map(|p| p.text.trim().to_string());
    let by_rendered_pages = rendered_breaks >= 2;
    let mut sections: Vec<(String, String)> = vec![(String::new(), String::new())];
    for p in paragraphs {
        let style = p.style.to_ascii_lowercase();
        let is_heading = style == "heading1" || style == "heading2" || style == "title";
        let new_section = if by_rendered_pages { p.rendered_break } else { p.break_before_text || (is_heading && !sections.last().unwrap().1.trim().is_empty()) };
        if new_section {
            let label = if is_heading { p.text.trim().to_string() } else { String::new() };
            sections.push((label, String::new()));
        } else if is_heading && !by_rendered_pages && sections.last().unwrap().0.is_empty() {
            sections.last_mut().unwrap().0 = p.text.trim().to_string();
        }
        let last = sections.last_mut().unwrap();
        last.1.push_str(&p.text);
        last.1.push('\n');
        if p.page_break_after && !by_rendered_pages {
            sections.push((String::new(), String::new()));
        }
    }
    let mut pages = pages_from_sections(sections);
    for p in &mut pages {
        if by_rendered_pages || p.label.is_empty() {
            p.label = if by_rendered_pages { format!("p. {}", p.number) } else { format!("section {}", p.number) };
        }
    }
    Ok(Extraction { pages, title: core_title.or(heading_title), extractor: "docx".into(), ..Default::default() })
}

#[derive(Default)]
struct Paragraph {
    style: String,
    text: String,
    rendered_break: bool,
    break_before_text: bool,
    page_break_after: bool,
}

pub(super) fn read_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, ExtractError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ExtractError::Damaged(format!("{name}: {e}"))),
    };
    let mut s = String::new();
    let mut limited = file.take(MAX_PART_BYTES + 1);
    limited.read_to_string(&mut s).map_err(|e| ExtractError::Damaged(format!("{name}: {e}")))?;
    if s.len() as u64 > MAX_PART_BYTES {
        return Err(ExtractError::TooLarge(format!("{name} inflates past {} MB", MAX_PART_BYTES >> 20)));
    }
    Ok(Some(s))
}

pub(super) fn core_title(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut in_title = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"title" => in_title = true,
            Ok(Event::Text(t)) if in_title => {
                let t = t.decode().ok()?.trim().to_string();
                return (!t.is_empty()).then_some(t);
            }
            Ok(Event::End(_)) => in_title = false,
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}
