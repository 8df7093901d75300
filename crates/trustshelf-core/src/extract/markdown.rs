//! Markdown: sections start at level-1 and level-2 headings; the first heading is the title.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{pages_from_sections, Extraction};

pub(super) fn extract(source: &str) -> Extraction {
    // Front matter ("---\n...\n---") is metadata, not text.
    let body = strip_front_matter(source);
    let mut sections: Vec<(String, String)> = vec![("Introduction".into(), String::new())];
    let mut title = None;
    let mut in_heading: Option<HeadingLevel> = None;
    let mut heading = String::new();
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level);
                heading.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                in_heading = None;
                let h = heading.trim().to_string();
                if title.is_none() && !h.is_empty() {
                    title = Some(h.clone());
                }
                if level <= HeadingLevel::H2 {
                    sections.push((h.clone(), format!("{h}\n")));
                } else if let Some(last) = sections.last_mut() {
                    last.1.push_str(&h);
                    last.1.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading.is_some() {
                    heading.push_str(&t);
                } else if let Some(last) = sections.last_mut() {
                    last.1.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if in_heading.is_some() {
                    heading.push(' ');
                } else if let Some(last) = sections.last_mut() {
                    last.1.push('\n');
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock | TagEnd::BlockQuote(_)) => {
                if let Some(last) = sections.last_mut() {
                    last.1.push_str(if matches!(event, Event::End(TagEnd::TableCell)) { " | " } else { "\n" });
                }
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                if let Some(last) = sections.last_mut() {
                    last.1.push('\n');
                }
            }
            _ => {}
        }
    }
    Extraction { pages: pages_from_sections(sections), title, extractor: "markdown".into(), ..Default::default() }
}

fn strip_front_matter(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---") {
            let after = &rest[end + 4..];
            return after.strip_prefix('\n').unwrap_or(after);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_follow_headings() {
        let e = extract("# Incident Policy\n\nIntro text.\n\n## Scope\n\nAll systems.\n\n### Detail\n\nMore.\n\n## Roles\n\n| a | b |\n|---|---|\n| x | y |\n");
        assert_eq!(e.title.as_deref(), Some("Incident Policy"));
        let labels: Vec<_> = e.pages.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["Incident Policy", "Scope", "Roles"]);
        assert!(e.pages[1].text.contains("Detail"));
        assert!(e.pages[2].text.contains("x | y"));
    }
}
