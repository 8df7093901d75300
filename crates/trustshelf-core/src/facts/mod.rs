//! What an audit document says, each fact with the page and the sentence it came from: the kind of
//! report, who it is about and who wrote it, its period, the auditor's opinion, the criteria in
//! scope, exceptions, complementary user entity controls and subservice organisations. A fact is
//! extracted only where a sentence says it ("not found" beats a guess); sidecar declarations
//! override extracted values, and a declaration the text contradicts is kept with the conflict
//! flagged.

mod bridge;
mod certificate;
mod dates;
mod pentest;
mod soc;

use serde::{Deserialize, Serialize};

use crate::catalog::Document;
use crate::extract::Page;

pub use bridge::Bridge;
pub use certificate::Certificate;
pub use dates::{find as find_dates, parse as parse_date, Found as FoundDate};
pub use pentest::Finding;

/// Where a fact's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Read from the document's text.
    Extracted,
    /// Declared in the document's sidecar.
    Declared,
}

/// One fact: its value, the page and sentence it came from, and its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Fact {
    /// The value ("qualified", "2026-09-30", "Kestrel Cloud s.r.o.").
    pub value: String,
    /// The 1-based page it came from (0: declared, no page).
    pub page: u32,
    /// The sentence or table row it came from.
    pub quote: String,
    /// Extracted or declared.
    pub source: Source,
    /// The text says otherwise than the declaration: what it says, on which page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub conflict: Option<Box<Fact>>,
}

impl Fact {
    fn extracted(value: impl Into<String>, page: u32, quote: &str) -> Fact {
        Fact { value: value.into(), page, quote: crate::text::truncate_chars(quote.trim(), 600), source: Source::Extracted, conflict: None }
    }
}

/// A period as two facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Period {
    /// The first day (ISO 8601).
    pub start: Fact,
    /// The last day (ISO 8601).
    pub end: Fact,
}

/// A deviation the auditor's tests found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Exception {
    /// The criterion or control objective tested ("CC6.2", "Control Objective 4").
    pub control: String,
    /// The page of the tests table row.
    pub page: u32,
    /// The row or sentence that states the result.
    pub quote: String,
    /// Management's response, when the report gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub response: Option<String>,
}

/// A complementary user entity control: what the customer must do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Cuec {
    /// The control as the report states it.
    pub text: String,
    /// Its page.
    pub page: u32,
    /// The criteria or objectives it names.
    pub controls: Vec<String>,
}

/// A subservice organisation the report names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Subservice {
    /// Its name.
    pub name: String,
    /// What it provides, as the report says.
    pub service: String,
    /// "carve-out" or "inclusive" ("unknown" when the report does not say).
    pub method: String,
    /// The page it is named on.
    pub page: u32,
    /// The sentence.
    pub quote: String,
}

/// The facts of one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Facts {
    /// The document's id.
    pub document: i64,
    /// Its path in the library.
    pub path: String,
    /// "soc2-type2", "soc2-type1", "soc1-type2", "soc1-type1", "soc3", "certificate",
    /// "bridge-letter", "pen-test" or "other".
    pub kind: String,
    /// The organisation the document is about (a SOC report's service organisation).
    pub provider: Option<Fact>,
    /// The system or service in scope.
    pub system: Option<Fact>,
    /// The service auditor, certification body or tester.
    pub auditor: Option<Fact>,
    /// The date of the report.
    pub issued: Option<Fact>,
    /// The period covered (Type 2 and SOC 3; a bridge letter's own period; a pen test's window).
    pub period: Option<Period>,
    /// The "as of" date (Type 1).
    pub as_of: Option<Fact>,
    /// "unqualified", "qualified", "adverse" or "disclaimer".
    pub opinion: Option<Fact>,
    /// Trust services categories in scope (security, availability, processing integrity,
    /// confidentiality, privacy).
    pub trust_services: Vec<Fact>,
    /// A SOC 1 report's control objectives ("Control Objective 1: Payroll changes are authorized.").
    pub control_objectives: Vec<Fact>,
    /// Exceptions noted in the tests of controls.
    pub exceptions: Vec<Exception>,
    /// Complementary user entity controls.
    pub cuecs: Vec<Cuec>,
    /// Subservice organisations.
    pub subservice: Vec<Subservice>,
    /// A certificate's own facts (number, standard, holder, dates, status).
    pub certificate: Option<Certificate>,
    /// A bridge letter's own facts (the bridged report, the bridged period, signer, statements).
    pub bridge: Option<Bridge>,
    /// A penetration test's findings, most severe first.
    pub findings: Vec<Finding>,
    /// What the reader looked for and did not find, said plainly ("opinion: no opinion paragraph").
    pub not_found: Vec<String>,
}

/// Facts with nothing found yet.
pub(crate) fn empty(document: i64, path: &str) -> Facts {
    Facts {
        document,
        path: path.to_string(),
        kind: "other".into(),
        provider: None,
        system: None,
        auditor: None,
        issued: None,
        period: None,
        as_of: None,
        opinion: None,
        trust_services: Vec::new(),
        control_objectives: Vec::new(),
        exceptions: Vec::new(),
        cuecs: Vec::new(),
        subservice: Vec::new(),
        certificate: None,
        bridge: None,
        findings: Vec::new(),
        not_found: Vec::new(),
    }
}

/// Reads the facts of `document` from its `pages`.
pub fn read(document: &Document, pages: &[Page]) -> Facts {
    read_on(document, pages, time::OffsetDateTime::now_utc().date())
}

/// [`read`] as of `today` (a certificate's status depends on the day).
pub fn read_on(document: &Document, pages: &[Page], today: time::Date) -> Facts {
    let mut facts = empty(document.id, &document.path);
    let month_first = document.metadata.language.as_deref().unwrap_or("en") == "en";
    let title = document.metadata.title.as_deref().unwrap_or("");
    if bridge::is_bridge_letter(title, pages) {
        facts.kind = "bridge-letter".into();
        bridge::read(pages, month_first, &mut facts);
    } else if let Some(kind) = soc::kind(title, pages) {
        facts.kind = kind;
        soc::read(pages, month_first, &mut facts);
    } else if pentest::is_pen_test(title, pages) {
        facts.kind = "pen-test".into();
        pentest::read(pages, month_first, &mut facts);
    } else if certificate::is_certificate(title, pages) {
        facts.kind = "certificate".into();
        certificate::read(pages, month_first, today, &mut facts);
    }
    declare(document, &mut facts);
    if let Some(c) = facts.certificate.as_mut() {
        c.status = certificate::status(c.valid_until.as_ref(), today);
    }
    facts
}

/// Applies the sidecar's declarations: they override what was extracted; an extracted value that
/// disagrees stays as the declaration's conflict.
fn declare(document: &Document, facts: &mut Facts) {
    let declared = |value: &str| Fact { value: value.to_string(), page: 0, quote: String::new(), source: Source::Declared, conflict: None };
    // A declaration the text agrees with keeps the text's page and quote.
    let over = |slot: &mut Option<Fact>, value: Option<&str>| {
        let Some(value) = value else { return };
        match slot.take() {
            Some(found) if found.value == value => *slot = Some(found),
            found => *slot = Some(Fact { conflict: found.map(Box::new), ..declared(value) }),
        }
    };
    let m = &document.metadata;
    // A SOC report's declared issuer is its service auditor.
    if facts.kind.starts_with("soc") && !document.inferred_fields.iter().any(|f| f == "issuer") {
        over(&mut facts.auditor, m.issuer.as_deref());
    }
    if !document.inferred_fields.iter().any(|f| f == "published") {
        over(&mut facts.issued, m.published.as_deref());
    }
    let not_inferred = |field: &str| !document.inferred_fields.iter().any(|f| f == field);
    if let Some(c) = facts.certificate.as_mut() {
        if not_inferred("valid_until") {
            over(&mut c.valid_until, m.valid_until.as_deref());
        }
        if not_inferred("issuer") {
            over(&mut c.body, m.issuer.as_deref());
            facts.auditor = c.body.clone();
        }
    }
    if let (Some(start), Some(end)) = (m.period_start.as_deref().filter(|_| not_inferred("period_start")), m.period_end.as_deref().filter(|_| not_inferred("period_end"))) {
        let (mut s, mut e) = (None, None);
        if let Some(found) = facts.period.take() {
            (s, e) = (Some(found.start), Some(found.end));
        }
        over(&mut s, Some(start));
        over(&mut e, Some(end));
        facts.period = Some(Period { start: s.expect("declared"), end: e.expect("declared") });
    }
}

/// A reader's regular expression (the patterns are the crate's own: they compile).
pub(crate) fn re(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("valid facts pattern")
}

/// `s` on one line, its runs of white space as single spaces.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Up to `len` bytes of `text` from `at`, on a character boundary.
pub(crate) fn window(text: &str, at: usize, len: usize) -> &str {
    let mut end = (at + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[at..end]
}

/// A line's key for recognising page furniture: trimmed, lower-case, digits as `#`.
pub(crate) fn furniture_key(line: &str) -> String {
    line.trim().to_lowercase().chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
}

/// Page furniture: lines (by [`furniture_key`]) on at least 3 pages and 40 % of them — running
/// headers and footers, "Page 7", a confidentiality banner.
pub(crate) fn furniture(pages: &[Page]) -> std::collections::HashSet<String> {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in pages {
        let keys: std::collections::HashSet<String> = p.text.lines().map(furniture_key).filter(|k| !k.is_empty()).collect();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    counts.into_iter().filter(|&(_, n)| n >= 3 && n * 5 >= pages.len() * 2).map(|(k, _)| k).collect()
}

/// The sentence of `text` around byte `at`: from the previous sentence end, blank line or heading
/// (a short line before one that starts with a capital) to the next sentence end or blank line.
pub(crate) fn sentence_at(text: &str, at: usize) -> &str {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let mut start = 0;
    for (i, c) in before.char_indices().rev() {
        let boundary = match c {
            '.' | '!' | '?' => text[i + 1..].starts_with(char::is_whitespace),
            '\n' => {
                let line = before[..i].rsplit('\n').next().unwrap_or("").trim();
                let next_starts_upper = text[i + 1..].trim_start().starts_with(char::is_uppercase);
                line.is_empty() || (line.chars().count() <= 40 && next_starts_upper && !line.ends_with([',', ';', ':', '-', '—']))
            }
            _ => false,
        };
        if boundary {
            start = i + 1;
            break;
        }
    }
    let after = &text[at..];
    let end = after
        .char_indices()
        .find(|&(i, c)| (matches!(c, '.' | '!' | '?') && after[i + 1..].starts_with(char::is_whitespace)) || (c == '\n' && after[i + 1..].starts_with('\n')))
        .map_or(text.len(), |(i, c)| at + i + c.len_utf8());
    text[start..end].trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_around_a_position() {
        let text = "Scope. We examined the system.\n\nIn our opinion, the controls operated effectively. Signed.";
        let at = text.find("opinion").unwrap();
        assert_eq!(sentence_at(text, at), "In our opinion, the controls operated effectively.");
        assert_eq!(sentence_at(text, 8), "We examined the system.");
        // A heading above the sentence is not part of it; a wrapped line is.
        let text = "Opinion\nIn our opinion, the controls\noperated effectively. Signed.";
        assert_eq!(sentence_at(text, 10), "In our opinion, the controls\noperated effectively.");
    }
}
