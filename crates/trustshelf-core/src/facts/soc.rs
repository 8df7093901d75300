//! SOC 1, SOC 2 and SOC 3 reports: the kind and type, the service organisation and its system, the
//! service auditor and the report's date, the period or "as of" date, the opinion read from the
//! opinion paragraph, the trust services categories in scope, the exceptions of the tests tables
//! with management's responses, the complementary user entity controls and the subservice
//! organisations.

use std::sync::OnceLock;

use regex::Regex;

use super::dates::find;
use super::{one_line, re, sentence_at, window, Cuec, Exception, Fact, Facts, Period, Subservice};
use crate::extract::Page;

/// Pages read for the report's front matter (kind, opinion, parties, period).
const FRONT_PAGES: usize = 12;

/// "soc2-type2" etc. when the title or the first pages say this is a SOC report (not merely cite
/// one: the title decides, else the report's own headings).
pub(super) fn kind(title: &str, pages: &[Page]) -> Option<String> {
    static SOC: OnceLock<Regex> = OnceLock::new();
    let soc = SOC.get_or_init(|| re(r"(?i)\bSOC\s*([123])\b(?:[^.\n]{0,40}?\btype\s*(1|2|i{1,2})\b)?"));
    static OWN: OnceLock<Regex> = OnceLock::new();
    let own = OWN.get_or_init(|| re(r"(?i)independent service auditor.?s report|report on (?:a service organization|management's description|controls at a service organization)|service organization controls? (?:\(soc\) )?report"));
    let head: String = pages.iter().take(3).map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    let (number, kind_type) = match soc.captures(title) {
        Some(c) => (c[1].to_string(), c.get(2).map(|t| t.as_str().to_string())),
        None if own.is_match(&head) => {
            let c = soc.captures(&head)?;
            (c[1].to_string(), c.get(2).map(|t| t.as_str().to_string()))
        }
        None => return None,
    };
    if number == "3" {
        return Some("soc3".into());
    }
    let front: String = pages.iter().take(FRONT_PAGES).map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n").to_lowercase();
    let kind_type = kind_type.map(|t| t.to_lowercase()).or_else(|| soc.captures(&head).and_then(|c| c.get(2).map(|t| t.as_str().to_lowercase())));
    let type2 = match kind_type.as_deref() {
        Some("2" | "ii") => true,
        Some(_) => false,
        // No type named: a Type 2 report tests operating effectiveness throughout a period.
        None => front.contains("operating effectiveness") && front.contains("throughout the period"),
    };
    Some(format!("soc{number}-type{}", if type2 { 2 } else { 1 }))
}

/// Fills `facts` from a SOC report's pages.
pub(super) fn read(pages: &[Page], month_first: bool, facts: &mut Facts) {
    let front = &pages[..pages.len().min(FRONT_PAGES)];
    opinion(front, facts);
    parties(front, month_first, facts);
    period(front, month_first, facts);
    trust_services(front, facts);
    control_objectives(pages, facts);
    exceptions(pages, facts);
    cuecs(pages, facts);
    subservice(pages, facts);
}

/// The opinion, read from the sentence that gives it ("In our opinion, …") and the paragraph's
/// heading: "except for" → qualified; "because of the significance of …" with "not" → adverse;
/// "we do not express an opinion" → disclaimer; else unqualified. Boilerplate elsewhere ("material
/// misstatement", "unqualified" in a definition) does not count.
fn opinion(front: &[Page], facts: &mut Facts) {
    static DISCLAIM: OnceLock<Regex> = OnceLock::new();
    let disclaim = DISCLAIM.get_or_init(|| re(r"(?i)\bwe do not express an opinion\b|\bdisclaimer of opinion\b"));
    static OPINION: OnceLock<Regex> = OnceLock::new();
    let opinion_re = OPINION.get_or_init(|| re(r"(?i)\bin our opinion\b"));
    for p in front {
        if let Some(m) = disclaim.find(&p.text) {
            facts.opinion = Some(Fact::extracted("disclaimer", p.number, sentence_at(&p.text, m.start())));
            return;
        }
    }
    for p in front {
        let Some(m) = opinion_re.find(&p.text) else { continue };
        let sentence = sentence_at(&p.text, m.start());
        let lower = one_line(sentence).to_lowercase();
        // The heading above the sentence names the modified opinions ("Adverse Opinion").
        let before = p.text[..m.start()].to_lowercase();
        let heading = before.rsplit("\n\n").next().unwrap_or("");
        let value = if lower.contains("except for") || heading.contains("qualified opinion") && !heading.contains("unqualified") {
            "qualified"
        } else if heading.contains("adverse opinion") || (lower.contains("because of the significance") && (lower.contains(" not ") || lower.contains("did not"))) {
            "adverse"
        } else if lower.contains("in all material respects") || lower.contains("operated effectively") || lower.contains("fairly presents") || lower.contains("presents fairly") || lower.contains("fairly stated") {
            "unqualified"
        } else {
            continue;
        };
        facts.opinion = Some(Fact::extracted(value, p.number, sentence));
        return;
    }
    facts.not_found.push("opinion: no sentence giving the auditor's opinion (\"In our opinion, …\") in the first pages".into());
}

/// The service organisation ("To the Management of X"; "X's description of its Y system"), the
/// system, the service auditor (the firm signing after the opinion) and the report's date.
fn parties(front: &[Page], month_first: bool, facts: &mut Facts) {
    static TO: OnceLock<Regex> = OnceLock::new();
    let to = TO.get_or_init(|| re(r"(?m)^\s*To\s+(?:the\s+)?(?:Management|Board\s+of\s+Directors|Board)(?:\s+and\s+[A-Z][\w ]+)?\s+of\s+([A-Z][^\n:]{1,80}?)[:,]?\s*$"));
    static EXAMINED: OnceLock<Regex> = OnceLock::new();
    let examined = EXAMINED.get_or_init(|| re(r"(?i)we have examined\s+(?:the\s+)?(?:accompanying\s+)?([A-Z][\w&.,' -]{1,60}?)['’]s\s+(?:accompanying\s+)?description"));
    static SYSTEM: OnceLock<Regex> = OnceLock::new();
    let system = SYSTEM.get_or_init(|| re(r#"(?i)description\s+of\s+(?:its|the|their)\s+((?:[A-Z0-9][\w&.-]*\s+){1,6}?)(?:system|platform|services?)\b"#));
    static FIRM: OnceLock<Regex> = OnceLock::new();
    let firm = FIRM.get_or_init(|| re(r"(?m)^\s*/?s?/?\s*([A-Z][\w&.,' -]{1,80}\b(?:LLP|L\.L\.P\.|LLC|PLLC|P\.C\.|CPAs?|Ltd\.?|Limited|GmbH|AG|s\.r\.o\.|S\.A\.|Inc\.?|Partners))"));
    for p in front {
        if facts.provider.is_none() {
            if let Some(c) = to.captures(&p.text) {
                let name = c[1].trim().to_string();
                facts.provider = Some(Fact::extracted(name, p.number, c.get(0).expect("match").as_str()));
            }
        }
        if facts.system.is_none() {
            if let Some(c) = system.captures(&p.text) {
                let name = format!("{} system", one_line(&c[1]));
                let at = c.get(0).expect("match").start();
                facts.system = Some(Fact::extracted(name.trim(), p.number, sentence_at(&p.text, at)));
            }
        }
    }
    if facts.provider.is_none() {
        // "We have examined Kestrel Cloud's description …": the service organisation examined.
        for p in front {
            if let Some(c) = examined.captures(&p.text) {
                let m = c.get(1).expect("group");
                facts.provider = Some(Fact::extracted(one_line(m.as_str()), p.number, sentence_at(&p.text, m.start())));
                break;
            }
        }
    }
    if facts.provider.is_none() {
        facts.not_found.push("provider: no \"To the Management of …\" addressee or \"we have examined X's description\" in the first pages".into());
    }
    // The auditor signs after the opinion: the first firm name after "In our opinion" on its page
    // or the next, with the date beside it.
    let Some(op) = facts.opinion.as_ref().map(|o| o.page) else { return };
    for p in front.iter().filter(|p| p.number >= op && p.number <= op + 1) {
        let from = if p.number == op { p.text.to_lowercase().find("in our opinion").unwrap_or(0) } else { 0 };
        let after = &p.text[from..];
        // A signature line: the firm's name opens it ("Management of X s.r.o." does not sign).
        let signature = firm.captures_iter(after).find(|c| {
            let name = c.get(1).expect("group").as_str();
            !["To ", "The ", "We", "Management", "Our ", "This ", "In "].iter().any(|w| name.starts_with(w))
        });
        if let Some(c) = signature {
            let m = c.get(1).expect("group");
            let line_end = after[m.end()..].find('\n').map_or(after.len(), |i| m.end() + i);
            let line = &after[m.start()..line_end];
            facts.auditor = Some(Fact::extracted(m.as_str().trim(), p.number, line));
            // The report's date: on the signature line, or within the next lines.
            let window_end = (m.end() + 200).min(after.len());
            let window_end = (0..=window_end).rev().find(|&i| after.is_char_boundary(i)).unwrap_or(0);
            if let Some(d) = find(&after[m.start()..window_end], month_first).first() {
                facts.issued = Some(Fact::extracted(d.date.to_string(), p.number, line));
            }
            return;
        }
    }
    facts.not_found.push("auditor: no firm signing after the opinion".into());
}

/// The period ("throughout the period 1 October 2025 to 30 September 2026", "for the period …
/// through …") or the "as of" date of a Type 1 report.
fn period(front: &[Page], month_first: bool, facts: &mut Facts) {
    static PERIOD: OnceLock<Regex> = OnceLock::new();
    let period_re = PERIOD.get_or_init(|| re(r"(?i)\b(?:throughout the period|for the period|during the period|period from|period of|period)\b"));
    static AS_OF: OnceLock<Regex> = OnceLock::new();
    let as_of_re = AS_OF.get_or_init(|| re(r"(?i)\bas of\b"));
    let type1 = facts.kind.ends_with("type1");
    for p in front {
        for m in period_re.find_iter(&p.text) {
            let window = window(&p.text, m.end(), 120);
            let dates = find(window, month_first);
            if let [a, b, ..] = dates.as_slice() {
                // The two dates must be joined by "to", "through", "–" and nothing else of substance.
                let between = window[a.span.end..b.span.start].trim().to_lowercase();
                if ["to", "through", "thru", "until", "–", "—", "-", "and"].contains(&between.as_str()) && a.date < b.date {
                    let quote = sentence_at(&p.text, m.start());
                    facts.period = Some(Period { start: Fact::extracted(a.date.to_string(), p.number, quote), end: Fact::extracted(b.date.to_string(), p.number, quote) });
                    if !type1 {
                        return;
                    }
                }
            }
        }
    }
    if type1 {
        for p in front {
            for m in as_of_re.find_iter(&p.text) {
                if let Some(d) = find(window(&p.text, m.end(), 40), month_first).first().filter(|d| d.span.start < 6) {
                    facts.as_of = Some(Fact::extracted(d.date.to_string(), p.number, sentence_at(&p.text, m.start())));
                    return;
                }
            }
        }
        facts.not_found.push("as of: no \"as of <date>\" in the first pages".into());
    } else if facts.period.is_none() {
        facts.not_found.push("period: no \"throughout the period <date> to <date>\" in the first pages".into());
    }
}

/// The trust services categories the report's scope or opinion names, from the sentence that
/// names "trust services criteria" (SOC 2 and SOC 3).
fn trust_services(front: &[Page], facts: &mut Facts) {
    if facts.kind.starts_with("soc1") {
        return;
    }
    const CATEGORIES: [&str; 5] = ["security", "availability", "processing integrity", "confidentiality", "privacy"];
    static TSC: OnceLock<Regex> = OnceLock::new();
    let tsc = TSC.get_or_init(|| re(r"(?i)trust\s+services\s+(?:criteria|principles|categories)"));
    // The sentence that names the criteria and the categories in scope ("… relevant to Security,
    // Availability and Confidentiality", "… Security and Availability, based on the 2017 Trust
    // Services Criteria"); the first such sentence wins.
    for p in front {
        for m in tsc.find_iter(&p.text) {
            let sentence = sentence_at(&p.text, m.start());
            let lower = one_line(sentence).to_lowercase();
            let named: Vec<&str> = CATEGORIES.iter().copied().filter(|c| lower.contains(c)).collect();
            if !named.is_empty() {
                facts.trust_services = named.into_iter().map(|c| Fact::extracted(c, p.number, sentence)).collect();
                return;
            }
        }
    }
    facts.not_found.push("trust services: no sentence naming the trust services criteria in scope".into());
}

/// A SOC 1 report's control objectives: each "Control Objective N: statement" (or "CO N —"), once,
/// as the report first states it.
fn control_objectives(pages: &[Page], facts: &mut Facts) {
    if !facts.kind.starts_with("soc1") {
        return;
    }
    static OBJECTIVE: OnceLock<Regex> = OnceLock::new();
    let objective = OBJECTIVE.get_or_init(|| re(r"(?im)^\s*(control\s+objective\s+\d{1,2}|CO\s*\d{1,2})\s*[:.—–-]\s*(.{8,300}?)\s*$"));
    for p in pages {
        for c in objective.captures_iter(&p.text) {
            let name = one_line(&c[1]);
            if facts.control_objectives.iter().any(|f| f.value.starts_with(&format!("{name}:"))) {
                continue;
            }
            facts.control_objectives.push(Fact::extracted(format!("{name}: {}", one_line(&c[2])), p.number, c.get(0).expect("match").as_str()));
        }
    }
    if facts.control_objectives.is_empty() {
        facts.not_found.push("control objectives: no \"Control Objective N: …\" lines".into());
    }
}

/// A criterion or control objective ID: CC6.1, A1.2, C1.1, PI1.3, P4.2, "Control Objective 4".
const CONTROL: &str = r"\b(?:CC\d{1,2}\.\d{1,2}|A1\.\d|C1\.\d|PI1\.\d|P\d\.\d|[Cc]ontrol [Oo]bjective \d{1,2})\b";

/// Exceptions: result cells or sentences that report one ("Exception: …", "Deviation noted: …",
/// "exceptions were noted" without "no"), each with the nearest control ID before it (on its line or
/// the lines above) and its row's text (a cell wraps over lines until the next row or a blank
/// line); management's responses ("Management's response: …") matched by the control ID of their
/// paragraph.
fn exceptions(pages: &[Page], facts: &mut Facts) {
    static RESULT: OnceLock<Regex> = OnceLock::new();
    let result = RESULT.get_or_init(|| re(r"(?i)\b(?:exceptions?|deviations?)\s*(?:noted)?\s*:|\b(?:exceptions?|deviations?)\s+(?:were\s+|was\s+)?noted\b"));
    static NEGATED: OnceLock<Regex> = OnceLock::new();
    let negated = NEGATED.get_or_init(|| re(r"(?i)\bno\s+(?:exceptions?|deviations?)\b|\bwithout\s+(?:exception|deviation)|exceptions?\s+noted\s+and\s+management|did not prevent"));
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = ID.get_or_init(|| re(CONTROL));
    static RESPONSE: OnceLock<Regex> = OnceLock::new();
    let response = RESPONSE.get_or_init(|| re(r"(?i)management['’]?s\s+responses?\s*:?"));
    static LEAD_IN: OnceLock<Regex> = OnceLock::new();
    let lead_in = LEAD_IN.get_or_init(|| re(&format!(r"(?i)^to\s+(?:the\s+)?(?:exceptions?|deviations?)\s*(?:{CONTROL})?\s*[—–:-]?\s*")));
    let mut responses: Vec<(String, String)> = Vec::new();
    for p in pages {
        for paragraph in p.text.split("\n\n") {
            // The last "Management's response" of the paragraph (a heading may name it first), the
            // control ID nearest before it.
            let Some(m) = response.find_iter(paragraph).last() else { continue };
            if let Some(c) = id.find_iter(&paragraph[..m.start()]).last().or_else(|| id.find(paragraph)) {
                let text = one_line(&paragraph[m.end()..]);
                let text = lead_in.replace(&text, "").to_string();
                responses.push((c.as_str().to_string(), text));
            }
        }
        let lines: Vec<&str> = p.text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(m) = result.find(line) else { continue };
            if negated.is_match(line) || response.is_match(line) {
                continue;
            }
            // The control: on this line before the result, else the row's first cell above — the
            // nearest line above that starts with an ID, not past the previous row's result (cells
            // wrap over many lines in a narrow column).
            let own = id.find_iter(&line[..m.start()]).last().map(|c| c.as_str().to_string());
            let above = || {
                lines[i.saturating_sub(40)..i]
                    .iter()
                    .rev()
                    .take_while(|l| !(result.is_match(l) || negated.is_match(l)) || id.find(l.trim()).is_some_and(|c| c.start() == 0))
                    .find_map(|l| id.find(l.trim()).filter(|c| c.start() == 0).map(|c| c.as_str().to_string()))
            };
            let Some(control) = own.or_else(above) else { continue };
            if facts.exceptions.iter().any(|e| e.control == control && e.page == p.number) {
                continue;
            }
            // The result cell: this line from the result on, and the lines it wraps onto.
            let mut quote = line[m.start()..].trim().to_string();
            for next in lines.iter().skip(i + 1).take(4) {
                let next = next.trim();
                if next.is_empty() || id.find(next).is_some_and(|c| c.start() == 0) || next.to_lowercase().starts_with("no exception") || quote.ends_with('.') {
                    break;
                }
                quote.push(' ');
                quote.push_str(next);
            }
            facts.exceptions.push(Exception { control, page: p.number, quote, response: None });
        }
    }
    for e in &mut facts.exceptions {
        e.response = responses.iter().find(|(c, _)| *c == e.control).map(|(_, r)| r.clone());
    }
}

/// Complementary user entity controls: the items of the section so titled (bullets, numbered or
/// "CUEC-n" rows, or paragraphs; wrapped lines joined), up to the next "Section …" heading, over
/// the following pages too; each with the criteria it names.
fn cuecs(pages: &[Page], facts: &mut Facts) {
    static HEADING: OnceLock<Regex> = OnceLock::new();
    let heading = HEADING.get_or_init(|| re(r"(?im)^\s*(?:section\s+[\w.]+\s*[—–:-]\s*)?complementary\s+user\s+entity\s+controls?(?:\s*\(cuecs?\))?\s*$"));
    static NEXT_SECTION: OnceLock<Regex> = OnceLock::new();
    let next_section = NEXT_SECTION.get_or_init(|| re(r"(?im)^\s*section\s+[ivx\d]+\b.*$"));
    static MARKER: OnceLock<Regex> = OnceLock::new();
    let marker = MARKER.get_or_init(|| re(r"^(?:[-•–▪*]|\d{1,2}[.)]|\(?[a-z][.)]|CUEC[\s-]*\d+[.:]?)\s*"));
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = ID.get_or_init(|| re(CONTROL));
    let furniture = super::furniture(pages);
    let Some((start, m)) = pages.iter().enumerate().find_map(|(i, p)| heading.find(&p.text).map(|m| (i, m))) else { return };
    let mut section: Vec<(u32, &str)> = Vec::new();
    'pages: for (i, p) in pages.iter().enumerate().skip(start).take(3) {
        let text = if i == start { &p.text[m.end()..] } else { p.text.as_str() };
        for line in text.lines() {
            if next_section.is_match(line) {
                break 'pages;
            }
            if !furniture.contains(&super::furniture_key(line)) {
                section.push((p.number, line.trim()));
            }
        }
    }
    // Items: a marker or a blank line starts one; other lines continue it.
    let mut items: Vec<(u32, String)> = Vec::new();
    let mut open = false;
    for (page, line) in section {
        if line.is_empty() {
            open = false;
            continue;
        }
        let marked = marker.find(line);
        let rest = marked.map_or(line, |m| &line[m.end()..]).trim();
        match items.last_mut() {
            Some(last) if open && marked.is_none() || open && last.1.is_empty() => {
                if !last.1.is_empty() {
                    last.1.push(' ');
                }
                last.1.push_str(rest);
            }
            _ => items.push((page, rest.to_string())),
        }
        open = true;
    }
    for (page, text) in items {
        let lower = text.to_lowercase();
        // Table headers and the section's own introduction are not controls.
        if text.len() < 25 || lower.starts_with("complementary user entity controls are") || lower.contains("customer responsibility") && text.len() < 40 {
            continue;
        }
        let controls = id.find_iter(&text).map(|c| c.as_str().to_string()).collect();
        facts.cuecs.push(Cuec { text, page, controls });
    }
}

/// Subservice organisations: "uses a subservice organization, X, to provide Y" and the method
/// the report states for it (carve-out or inclusive).
fn subservice(pages: &[Page], facts: &mut Facts) {
    static USES: OnceLock<Regex> = OnceLock::new();
    let uses = USES.get_or_init(|| re(r"(?i)uses\s+(?:a\s+|the\s+)?subservice\s+organi[sz]ations?,?\s+([A-Z][^,()]{1,80}?)(?:\s*\([^)]*\))?,?\s+(?:to\s+provide|for|which\s+provides)\s+([^.;]{3,160})"));
    for p in pages {
        for c in uses.captures_iter(&p.text) {
            let name = c[1].trim().to_string();
            if facts.subservice.iter().any(|s| s.name == name) {
                continue;
            }
            let at = c.get(0).expect("match").start();
            let paragraph = window(&p.text, at, 600).to_lowercase();
            let method = if paragraph.contains("carve-out") || paragraph.contains("carved out") || paragraph.contains("excludes the controls") {
                "carve-out"
            } else if paragraph.contains("inclusive method") || paragraph.contains("includes the controls") {
                "inclusive"
            } else {
                "unknown"
            };
            facts.subservice.push(Subservice { name: one_line(&name), service: one_line(&c[2]), method: method.into(), page: p.number, quote: sentence_at(&p.text, at).to_string() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: u32, text: &str) -> Page {
        Page { number, label: format!("p. {number}"), text: text.into(), ocr: None }
    }

    fn facts_of(title: &str, pages: &[Page]) -> Facts {
        let mut f = super::super::empty(1, "r.pdf");
        f.kind = kind(title, pages).unwrap_or_else(|| "other".into());
        if f.kind != "other" {
            read(pages, true, &mut f);
        }
        f
    }

    const REPORT: &str = "Independent Service Auditor's Report\n\nTo the Management of Harbor Ledger, Inc.:\n\nScope\n\nWe have examined Harbor Ledger's accompanying description of its Ledger Cloud system throughout the period October 1, 2025 to September 30, 2026 based on the criteria, and the suitability of the design and operating effectiveness of controls to meet the trust services criteria relevant to security and availability.\n\nOpinion\n\nIn our opinion, in all material respects, the description presents the system fairly and the controls operated effectively throughout the period.\n\nNorthgate & Co. LLP\nBoston, Massachusetts\nNovember 14, 2026";

    #[test]
    fn reads_a_soc2_type2_front_matter() {
        let f = facts_of("Harbor Ledger SOC 2 Type II Report", &[page(1, REPORT)]);
        assert_eq!(f.kind, "soc2-type2");
        assert_eq!(f.provider.as_ref().unwrap().value, "Harbor Ledger, Inc.");
        assert_eq!(f.system.as_ref().unwrap().value, "Ledger Cloud system");
        assert_eq!(f.opinion.as_ref().unwrap().value, "unqualified");
        assert!(f.opinion.as_ref().unwrap().quote.starts_with("In our opinion"));
        assert_eq!(f.auditor.as_ref().unwrap().value, "Northgate & Co. LLP");
        assert_eq!(f.issued.as_ref().unwrap().value, "2026-11-14");
        let p = f.period.unwrap();
        assert_eq!((p.start.value.as_str(), p.end.value.as_str()), ("2025-10-01", "2026-09-30"));
        assert_eq!(f.trust_services.iter().map(|t| t.value.as_str()).collect::<Vec<_>>(), ["security", "availability"]);
        assert!(f.not_found.is_empty(), "{:?}", f.not_found);
    }

    #[test]
    fn the_opinion_comes_from_the_opinion_sentence_not_boilerplate() {
        let boilerplate = "An unqualified opinion means the description is free of material misstatement. ";
        let qualified = REPORT.replace("In our opinion, in all material respects,", &format!("{boilerplate}\n\nIn our opinion, except for the matter described in the preceding paragraph, in all material respects,"));
        assert_eq!(facts_of("SOC 2 Type 2", &[page(1, &qualified)]).opinion.unwrap().value, "qualified");
        let adverse = REPORT.replace("Opinion\n\nIn our opinion, in all material respects, the description presents the system fairly and the controls operated effectively", "Adverse Opinion\n\nIn our opinion, because of the significance of the matters described, the controls did not operate effectively");
        assert_eq!(facts_of("SOC 2 Type 2", &[page(1, &adverse)]).opinion.unwrap().value, "adverse");
        let disclaimer = REPORT.replace("In our opinion, in all material respects, the description presents the system fairly and the controls operated effectively throughout the period.", "Because of the limitation on the scope of our examination, we do not express an opinion on the description.");
        assert_eq!(facts_of("SOC 2 Type 2", &[page(1, &disclaimer)]).opinion.unwrap().value, "disclaimer");
        let unqualified = REPORT.replace("Opinion\n\n", &format!("{boilerplate}\n\nOpinion\n\n"));
        assert_eq!(facts_of("SOC 2 Type 2", &[page(1, &unqualified)]).opinion.unwrap().value, "unqualified");
    }

    #[test]
    fn type1_reports_give_an_as_of_date_even_when_they_say_period_elsewhere() {
        let t1 = "Independent Service Auditor's Report\n\nTo the Management of Kestrel Cloud s.r.o.\n\nWe have examined the description of its Hosting system as of 30 June 2026 and the suitability of the design of controls. Our examination covered the period of our fieldwork.\n\nIn our opinion, in all material respects, the controls were suitably designed as of 30 June 2026.\n\nFictional Assurance Partners LLP — Prague, 20 July 2026";
        let f = facts_of("Kestrel Cloud SOC 2 Type 1 Report", &[page(1, t1)]);
        assert_eq!(f.kind, "soc2-type1");
        assert_eq!(f.as_of.unwrap().value, "2026-06-30");
        assert_eq!(f.issued.unwrap().value, "2026-07-20");
        // A Type 2 whose management assertion says "as of" is still read for its period.
        let t2 = REPORT.replace("the controls operated effectively throughout the period.", "the controls operated effectively throughout the period. Management's assertion is dated as of November 1, 2026.");
        let f = facts_of("SOC 2 Type 2", &[page(1, &t2)]);
        assert!(f.as_of.is_none() && f.period.is_some());
    }

    #[test]
    fn exceptions_cuecs_and_subservice_organisations() {
        let tests = "Criterion Control Test Result\nCC6.1 Access requires SSO. Inspected configuration. No exceptions noted.\nCC6.2 New access is approved. Inspected 25 tickets. Exception: 2 of 25 grants lacked approval.\nCC6.3 Access is removed\nwithin one day. Inspected 25 terminations.\nException noted: 1 of 25 accounts removed after 4 days.\n\nExceptions noted and management's response\nCC6.2 — Management's response: the tool now blocks provisioning without approval.";
        let cuec = "Complementary User Entity Controls\n\nComplementary user entity controls are listed below.\n- Customers review their users' access quarterly (CC6.2, CC6.3).\n- Customers protect their API credentials (CC6.1).\n\nSection V — Other Information";
        let sub = "Harbor Ledger uses a subservice organization, Fictional Hosting GmbH, to provide data centre colocation. The description excludes the controls of Fictional Hosting GmbH (carve-out method).";
        let f = facts_of("SOC 2 Type 2", &[page(1, REPORT), page(14, tests), page(20, cuec), page(3, sub)]);
        // A narrow tests table: each cell wrapped over lines, the row's ID lines above its result.
        let narrow = "CC7.1\nVulnerability scans\nrun weekly.\n\nInspected scan\nreports.\n\nNo exceptions noted.\n\nCC7.2\nEvents are\nmonitored\n24x7 by the\nsecurity\noperations\ncentre.\n\nInspected alert\ntickets.\n\nException: 3 of 25\ndays had no\nreview.\n\nExceptions noted and management's response\nCC7.2 — Three days lacked review. Management's response to the exception CC7.2 — reviews are now\nassigned automatically.";
        let wrapped = facts_of("SOC 2 Type 2", &[page(1, REPORT), page(9, narrow)]);
        assert_eq!(wrapped.exceptions.len(), 1, "{:?}", wrapped.exceptions);
        assert_eq!((wrapped.exceptions[0].control.as_str(), wrapped.exceptions[0].quote.as_str()), ("CC7.2", "Exception: 3 of 25 days had no review."));
        assert_eq!(wrapped.exceptions[0].response.as_deref(), Some("reviews are now assigned automatically."));
        let rows = "Section V — Complementary User Entity Controls\nCUEC\nCustomer responsibility\n\nCUEC-1\nCustomers manage their own users' access to the\nportal and remove access promptly (CC6.2).\n\nCUEC-2\nCustomers protect the keys they manage.\n\nSection VI — Other information";
        let table = facts_of("SOC 2 Type 2", &[page(1, REPORT), page(7, rows)]);
        assert_eq!(table.cuecs.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["Customers manage their own users' access to the portal and remove access promptly (CC6.2).", "Customers protect the keys they manage."]);
        assert_eq!(table.cuecs[0].controls, ["CC6.2"]);
        assert_eq!(f.exceptions.iter().map(|e| (e.control.as_str(), e.page)).collect::<Vec<_>>(), [("CC6.2", 14), ("CC6.3", 14)]);
        assert_eq!(f.exceptions[0].response.as_deref(), Some("the tool now blocks provisioning without approval."));
        assert!(f.exceptions[1].quote.contains("1 of 25"));
        assert_eq!(f.cuecs.len(), 2);
        assert_eq!(f.cuecs[0].controls, ["CC6.2", "CC6.3"]);
        assert_eq!(f.subservice.len(), 1);
        assert_eq!((f.subservice[0].name.as_str(), f.subservice[0].method.as_str()), ("Fictional Hosting GmbH", "carve-out"));
        assert_eq!(f.subservice[0].service, "data centre colocation");
    }

    #[test]
    fn citing_a_soc_report_does_not_make_a_document_one_and_missing_parts_are_said() {
        let guide = page(1, "Vendor review guide\n\nAsk each vendor for its SOC 2 Type II report and read the opinion.");
        assert_eq!(kind("Vendor review guide", &[guide]), None);
        let garbled = facts_of("SOC 2 Type II report", &[page(1, "x7 q$$ 1 0 obj endobj stream")]);
        assert_eq!(garbled.kind, "soc2-type2");
        assert!(garbled.opinion.is_none() && garbled.period.is_none() && garbled.provider.is_none());
        assert!(garbled.not_found.iter().any(|n| n.starts_with("opinion")) && garbled.not_found.iter().any(|n| n.starts_with("period")), "{:?}", garbled.not_found);
    }
}
