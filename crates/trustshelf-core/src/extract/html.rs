//! HTML: visible text only (no script, style, template); sections start at h1/h2; title from <title>.

use scraper::{ElementRef, Html, Node};

use super::{pages_from_sections, Extraction};

pub(super) fn extract(source: &str) -> Extraction {
    let doc = Html::parse_document(source);
    let mut title = None;
    let mut sections: Vec<(String, String)> = vec![("Introduction".into(), String::new())];
    walk(doc.root_element(), &mut sections, &mut title);
    let first_heading = sections.get(1).map(|s| s.0.clone());
    Extraction {
        pages: pages_from_sections(sections),
        title: title.or(first_heading).filter(|t| !t.is_empty()),
        extractor: "html".into(),
        ..Default::default()
    }
}

fn walk(el: ElementRef, sections: &mut Vec<(String, String)>, title: &mut Option<String>) {
    let name = el.value().name();
    match name {
        "script" | "style" | "noscript" | "template" | "svg" | "iframe" | "object" | "head" => {
            if name == "head" {
                if let Some(t) = el.select(&scraper::Selector::parse("title").unwrap()).next() {
                    let t = t.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
                    if !t.is_empty() {
                        *title = Some(t);
                    }
                }
            }
            return;
        }
        "h1" | "h2" => {
            let h = el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
            sections.push((h.clone(), format!("{h}\n")));
            return;
        }
        _ => {}
    }
    for child in el.children() {
        match child.value() {
            Node::Text(t) => sections.last_mut().unwrap().1.push_str(t),
            Node::Element(_) => {
                if let Some(c) = ElementRef::wrap(child) {
                    walk(c, sections, title);
                }
            }
            _ => {}
        }
    }
    let block = matches!(
        name,
        "p" | "div" | "li" | "tr" | "br" | "h3" | "h4" | "h5" | "h6" | "section" | "article" | "table" | "ul" | "ol" | "pre" | "blockquote" | "dd" | "dt"
    );
    if block {
        sections.last_mut().unwrap().1.push('\n');
    } else if matches!(name, "td" | "th") {
        sections.last_mut().unwrap().1.push_str(" | ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_visible_text_and_drops_scripts() {
        let e = extract("<html><head><title>Trust Center</title><script>alert(1)</script></head><body><h1>Overview</h1><p>We encrypt data.</p><script>steal()</script><h2>Regions</h2><p>EU and US</p></body></html>");
        assert_eq!(e.title.as_deref(), Some("Trust Center"));
        assert_eq!(e.pages.len(), 2);
        assert!(e.pages[0].text.contains("We encrypt data."));
        assert!(!e.pages.iter().any(|p| p.text.contains("alert") || p.text.contains("steal")));
    }
}
