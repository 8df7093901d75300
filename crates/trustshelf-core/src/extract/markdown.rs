//! Markdown: sections start at level-1 and level-2 headings; the first heading is the title.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{pages_from_sections, Extraction};

pub(super) fn extract(source: &str) -> Extraction {
    // Front matter ("---\n...\n---") is metadata, not text.
    let (front_title, front, body) = front_matter(source);
    // The front matter stays searchable (policy templates list the criteria they satisfy there).
    let mut sections: Vec<(String, String)> = vec![("Introduction".into(), front.to_string())];
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
    Extraction { pages: pages_from_sections(sections), title: front_title.or(title), extractor: "markdown".into(), ..Default::default() }
}

/// Splits YAML front matter off: "---\n…\n---" at the top, or (as some policy templates have it)
/// `key: value` lines up to a "---" line. Returns its `title:` or `name:` and the rest.
fn front_matter(s: &str) -> (Option<String>, &str, &str) {
    let s = s.trim_start_matches('\u{feff}');
    let (block, rest) = if let Some(after) = s.strip_prefix("---\n") {
        match after.find("\n---") {
            Some(end) => (&after[..end], &after[end + 4..]),
            None => return (None, "", s),
        }
    } else {
        let first = s.lines().next().unwrap_or("");
        let looks_like_key = first.split_once(':').is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        let Some(end) = s.find("\n---\n").filter(|_| looks_like_key) else { return (None, "", s) };
        let block = &s[..end];
        let all_yaml = block.lines().all(|l| l.starts_with(' ') || l.starts_with('-') || l.trim().is_empty() || l.contains(':'));
        if !all_yaml || block.lines().count() > 80 {
            return (None, "", s);
        }
        (block, &s[end + 4..])
    };
    let rest = rest.strip_prefix('\n').unwrap_or(rest);
    let title = block.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        let v = v.trim().trim_matches('"').trim_matches('\'').trim();
        (matches!(k.trim(), "title" | "name") && !v.is_empty()).then(|| v.to_string())
    });
    (title, block, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_gives_the_title() {
        let e = extract("name: Access Policy\nsatisfies:\n  TSC:\n    - CC6.1\n---\n# Purpose and Scope\n\nText.");
        assert_eq!(e.title.as_deref(), Some("Access Policy"));
        assert!(e.pages[0].text.contains("CC6.1"));
        assert_eq!(e.pages[1].label, "Purpose and Scope");
        let e = extract("---\ntitle: \"X\"\n---\n# H\n\nbody");
        assert_eq!(e.title.as_deref(), Some("X"));
    }

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
