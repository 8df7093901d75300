//! Plain text: form feeds are page breaks; otherwise paragraphs are grouped into pages of bounded size.

use super::{pages_from_sections, Extraction};

pub(super) fn extract(text: &str) -> Extraction {
    let chunks: Vec<&str> = text.split('\x0c').collect();
    let sections = chunks
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("part {}", i + 1), c.to_string()))
        .collect();
    let mut pages = pages_from_sections(sections);
    for p in &mut pages {
        p.label = format!("part {}", p.number);
    }
    let title = text.lines().map(str::trim).find(|l| !l.is_empty()).map(|l| crate::text::truncate_chars(l, 120));
    Extraction { pages, title, extractor: "text".into(), ..Default::default() }
}
