//! Bridge (gap) letters: the provider that writes it, the report it bridges (its auditor and the
//! end of its period), the bridged period, who signed it (management, not the auditor) and the
//! statements it makes.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::dates::find;
use super::{re, sentence_at, Fact, Facts, Period};
use crate::extract::Page;

/// A bridge letter's facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Bridge {
    /// The end of the period of the report the letter bridges.
    pub report_period_end: Option<Fact>,
    /// The period the letter covers.
    pub bridged: Option<Period>,
    /// Who signed it.
    pub signed_by: Option<Fact>,
    /// What management states (no material changes, no control failures, …).
    pub statements: Vec<Fact>,
}

/// True when the title calls the document a bridge or gap letter, or a heading on its first pages
/// does (a report that mentions bridge letters is not one).
pub(super) fn is_bridge_letter(title: &str, pages: &[Page]) -> bool {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| re(r"(?i)\b(?:bridge|gap)\s+letter\b"));
    static HEADING: OnceLock<Regex> = OnceLock::new();
    let heading = HEADING.get_or_init(|| re(r"(?im)^\s*(?:SOC\s*[123]\s+)?(?:bridge|gap)\s+letter\s*$"));
    word.is_match(title) || pages.iter().take(2).any(|p| heading.is_match(&p.text.chars().take(3000).collect::<String>()))
}

/// Fills `facts` from a bridge letter's pages.
pub(super) fn read(pages: &[Page], month_first: bool, facts: &mut Facts) {
    static ENGAGED: OnceLock<Regex> = OnceLock::new();
    let engaged = ENGAGED.get_or_init(|| re(r"([A-Z][\w&.,' -]{1,60}?)\s+(?:engaged|retained)\s+([A-Z][\w&.,' -]{1,60}?)\s+to\s+(?:perform|conduct)"));
    static SIGNED: OnceLock<Regex> = OnceLock::new();
    let signed = SIGNED.get_or_init(|| re(r"(?im)^\s*(?:signed(?: and dated)?|sincerely|signature)\b[^\n]*$"));
    let mut bridge = Bridge { report_period_end: None, bridged: None, signed_by: None, statements: Vec::new() };
    let front = &pages[..pages.len().min(4)];
    for p in front {
        if let Some(c) = engaged.captures(&p.text) {
            let quote = sentence_at(&p.text, c.get(0).expect("match").start());
            facts.provider = Some(Fact::extracted(c[1].split_whitespace().collect::<Vec<_>>().join(" "), p.number, quote));
            facts.auditor = Some(Fact::extracted(c[2].split_whitespace().collect::<Vec<_>>().join(" "), p.number, quote));
            break;
        }
    }
    // The date ranges the letter names, in order: the bridged report's period comes first, the
    // bridged period is the one that starts after it.
    let mut ranges = Vec::new();
    for p in front {
        let found = find(&p.text, month_first);
        for pair in found.windows(2) {
            let between = p.text[pair[0].span.end..pair[1].span.start].trim().to_lowercase();
            if ["to", "through", "until", "–", "—", "-"].contains(&between.as_str()) && pair[0].date < pair[1].date {
                ranges.push((p.number, pair[0].clone(), pair[1].clone(), sentence_at(&p.text, pair[0].span.start).to_string()));
            }
        }
    }
    // Which range is which, by its sentence: the letter's own ("this bridge letter covers …", the
    // title), and the examined report's ("… examination … for the period …").
    static OWN: OnceLock<Regex> = OnceLock::new();
    let own = OWN.get_or_init(|| re(r"(?i)\b(?:bridge|gap)\b|this letter|covers the period"));
    static REPORT: OnceLock<Regex> = OnceLock::new();
    let report = REPORT.get_or_init(|| re(r"(?i)examination|examined|\breport\b"));
    if let Some((page, _, end, quote)) = ranges.iter().find(|(_, _, _, q)| report.is_match(q) && !own.is_match(q)) {
        bridge.report_period_end = Some(Fact::extracted(end.date.to_string(), *page, quote));
    }
    if let Some((page, start, end, quote)) = ranges.iter().find(|(_, _, _, q)| own.is_match(q)) {
        bridge.bridged = Some(Period { start: Fact::extracted(start.date.to_string(), *page, quote), end: Fact::extracted(end.date.to_string(), *page, quote) });
    }
    for p in pages {
        if let Some(m) = signed.find(&p.text) {
            bridge.signed_by = Some(Fact::extracted(m.as_str().trim(), p.number, m.as_str()));
            if let Some(d) = find(m.as_str(), month_first).first() {
                facts.issued = Some(Fact::extracted(d.date.to_string(), p.number, m.as_str()));
            }
        }
        // Statements: the bullets of the letter.
        let mut current: Option<String> = None;
        for line in p.text.lines().map(str::trim) {
            let bullet = line.strip_prefix(['•', '-', '–', '▪']).map(str::trim);
            match (bullet, current.as_mut()) {
                (Some(b), _) => {
                    if let Some(done) = current.take() {
                        bridge.statements.push(Fact::extracted(done.trim_end_matches([';', ','].as_ref()), p.number, &done));
                    }
                    current = Some(b.to_string());
                }
                (None, Some(c)) if !line.is_empty() => {
                    c.push(' ');
                    c.push_str(line);
                }
                (None, Some(_)) => {
                    let done = current.take().expect("some");
                    bridge.statements.push(Fact::extracted(done.trim_end_matches([';', ','].as_ref()), p.number, &done));
                }
                (None, None) => {}
            }
        }
        if let Some(done) = current.take() {
            bridge.statements.push(Fact::extracted(done.trim_end_matches([';', ','].as_ref()), p.number, &done));
        }
    }
    if bridge.bridged.is_none() {
        facts.not_found.push("bridged period: no date range the letter says it covers".into());
    }
    if bridge.report_period_end.is_none() {
        facts.not_found.push("bridged report: no examined report's period".into());
    }
    if bridge.signed_by.is_none() {
        facts.not_found.push("signed by: no \"Signed …\" line".into());
    }
    facts.period = bridge.bridged.clone();
    facts.bridge = Some(bridge);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bridged_report_the_bridged_period_the_signer_and_the_statements() {
        let text = "Bridge letter\nTo our customers:\n\nHarbor Ledger, Inc. engaged Northgate & Co. LLP to perform a SOC 2 Type II\nexamination for the period October 1, 2025 to September 30, 2026. This letter covers the period from October 1, 2026 to December 31, 2026.\n\n• there have been no material changes to the system;\n\n• we are not aware of any control\nfailures.\n\nSigned and dated November 15, 2026 — Dana Reyes, Chief Executive Officer, Harbor Ledger, Inc.";
        let page = Page { number: 1, label: "p. 1".into(), text: text.into(), ocr: None };
        assert!(is_bridge_letter("Harbor Ledger SOC 2 Bridge Letter", &[]));
        assert!(is_bridge_letter("", std::slice::from_ref(&page)));
        let report = Page { number: 1, label: "p. 1".into(), text: "Note: these months are not covered by any SOC 2 report or bridge letter.".into(), ocr: None };
        assert!(!is_bridge_letter("SOC 2 Type II Report", &[report]));
        let mut f = super::super::empty(1, "b.pdf");
        read(&[page], true, &mut f);
        assert_eq!(f.provider.as_ref().unwrap().value, "Harbor Ledger, Inc.");
        assert_eq!(f.auditor.as_ref().unwrap().value, "Northgate & Co. LLP");
        let b = f.bridge.as_ref().unwrap();
        assert_eq!(b.report_period_end.as_ref().unwrap().value, "2026-09-30");
        let bridged = b.bridged.as_ref().unwrap();
        assert_eq!((bridged.start.value.as_str(), bridged.end.value.as_str()), ("2026-10-01", "2026-12-31"));
        assert!(b.signed_by.as_ref().unwrap().value.contains("Dana Reyes"));
        assert_eq!(f.issued.as_ref().unwrap().value, "2026-11-15");
        assert_eq!(b.statements.iter().map(|s| s.value.as_str()).collect::<Vec<_>>(), ["there have been no material changes to the system", "we are not aware of any control failures."]);
        assert!(f.not_found.is_empty(), "{:?}", f.not_found);
    }
}
