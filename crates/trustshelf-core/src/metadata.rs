//! What a document is: declared metadata from a sidecar `<file>.meta.toml`, and metadata inferred from
//! the text when not declared. Declared beats inferred; both are kept so the UI can say which is which.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::extract::{Extraction, Format};
use crate::vocab::vocabulary;

/// The metadata fields of a document. Every field is optional; dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Metadata {
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Category id from the vocabulary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Region codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Standard names (canonical when known to the vocabulary).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<String>,
    /// Issuer or auditor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Publication date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Start of the period an audit report covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<String>,
    /// End of the period an audit report covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<String>,
    /// Date a certificate or report stops being valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Version of the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Language (ISO 639-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Free-text notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Names of the fields, in the order a person reads them.
pub const FIELDS: [&str; 12] = [
    "title", "category", "regions", "standards", "issuer", "published", "period_start", "period_end", "valid_until", "version", "language", "notes",
];

impl Metadata {
    /// Fills every field that `self` leaves empty from `other`; returns the names of the fields taken.
    pub fn fill_from(&mut self, other: &Metadata) -> Vec<&'static str> {
        let mut taken = Vec::new();
        macro_rules! opt {
            ($f:ident) => {
                if self.$f.is_none() && other.$f.is_some() {
                    self.$f = other.$f.clone();
                    taken.push(stringify!($f));
                }
            };
        }
        macro_rules! list {
            ($f:ident) => {
                if self.$f.is_empty() && !other.$f.is_empty() {
                    self.$f = other.$f.clone();
                    taken.push(stringify!($f));
                }
            };
        }
        opt!(title);
        opt!(category);
        list!(regions);
        list!(standards);
        opt!(issuer);
        opt!(published);
        opt!(period_start);
        opt!(period_end);
        opt!(valid_until);
        opt!(version);
        opt!(language);
        opt!(notes);
        taken
    }

    /// The date used to sort by date: end of coverage, else publication, else validity end.
    pub fn sort_date(&self) -> Option<&str> {
        self.period_end.as_deref().or(self.published.as_deref()).or(self.valid_until.as_deref())
    }
}

/// A sidecar's declared metadata plus one message per invalid field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sidecar {
    /// The fields that parsed.
    pub declared: Metadata,
    /// One message per invalid field, naming it.
    pub errors: Vec<String>,
}

/// Longest accepted value of a text field; anything longer is hostile or a mistake.
const MAX_FIELD_CHARS: usize = 1_000;
/// Longest accepted notes field.
const MAX_NOTES_CHARS: usize = 20_000;
/// Most list entries accepted in `regions` or `standards`.
const MAX_LIST_ITEMS: usize = 50;

/// Parses a sidecar's TOML. Invalid fields are reported by name and left out; the rest is kept.
pub fn parse_sidecar(source: &str) -> Sidecar {
    let mut out = Sidecar::default();
    let table: toml::Table = match toml::from_str(source) {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(format!("not valid TOML: {}", e.message()));
            return out;
        }
    };
    let v = vocabulary();
    for (key, value) in table {
        let result: Result<(), String> = (|| {
            match key.as_str() {
                "title" => out.declared.title = Some(text_field(&value, MAX_FIELD_CHARS)?),
                "issuer" | "auditor" => out.declared.issuer = Some(text_field(&value, MAX_FIELD_CHARS)?),
                "version" => out.declared.version = Some(text_field(&value, 100)?),
                "language" => {
                    let l = text_field(&value, 10)?.to_ascii_lowercase();
                    if !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()) {
                        return Err(format!("expected an ISO 639-1 code like \"en\", got {l:?}"));
                    }
                    out.declared.language = Some(l);
                }
                "notes" => out.declared.notes = Some(notes_field(&value)?),
                "category" => {
                    let c = text_field(&value, 100)?;
                    let id = v.canonical_category(&c).ok_or_else(|| {
                        format!("unknown category {c:?}; expected one of {}", v.categories.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", "))
                    })?;
                    out.declared.category = Some(id.to_string());
                }
                "regions" | "region" => {
                    let mut regions = Vec::new();
                    for r in list_field(&value)? {
                        let code = v.canonical_region(&r).ok_or_else(|| format!("unknown region {r:?}; use an ISO 3166 code, EU or Global"))?;
                        if !regions.iter().any(|x| x == code) {
                            regions.push(code.to_string());
                        }
                    }
                    out.declared.regions = regions;
                }
                "standards" | "standard" => {
                    let mut standards = Vec::new();
                    for s in list_field(&value)? {
                        let name = v.canonical_standard(&s).map(str::to_string).unwrap_or(s);
                        if !standards.contains(&name) {
                            standards.push(name);
                        }
                    }
                    out.declared.standards = standards;
                }
                "published" | "published_date" | "date" => out.declared.published = Some(date_field(&value)?),
                "period_start" | "coverage_start" => out.declared.period_start = Some(date_field(&value)?),
                "period_end" | "coverage_end" => out.declared.period_end = Some(date_field(&value)?),
                "valid_until" | "expires" => out.declared.valid_until = Some(date_field(&value)?),
                _ => return Err(format!("unknown field; known fields are {}", FIELDS.join(", "))),
            }
            Ok(())
        })();
        if let Err(message) = result {
            out.errors.push(format!("field `{key}`: {message}"));
        }
    }
    if let (Some(s), Some(e)) = (&out.declared.period_start, &out.declared.period_end) {
        if s > e {
            out.errors.push(format!("field `period_end`: {e} is before period_start {s}"));
            out.declared.period_end = None;
        }
    }
    out
}

/// A one-line field (title, issuer, category, …): line breaks and tabs become single spaces; other
/// control characters are rejected.
fn text_field(value: &toml::Value, max: usize) -> Result<String, String> {
    let s = checked_string(value, max)?;
    Ok(s.split(['\n', '\t', '\r']).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" "))
}

/// Free text (notes): line breaks and tabs kept.
fn notes_field(value: &toml::Value) -> Result<String, String> {
    checked_string(value, MAX_NOTES_CHARS)
}

fn checked_string(value: &toml::Value, max: usize) -> Result<String, String> {
    let s = value.as_str().ok_or_else(|| format!("expected a string, got {}", value.type_str()))?;
    let s = s.trim();
    if s.is_empty() {
        return Err("is empty".into());
    }
    if s.chars().count() > max {
        return Err(format!("longer than {max} characters"));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err("contains control characters".into());
    }
    Ok(s.to_string())
}

fn list_field(value: &toml::Value) -> Result<Vec<String>, String> {
    let items: Vec<toml::Value> = match value {
        toml::Value::Array(a) => a.clone(),
        toml::Value::String(_) => vec![value.clone()],
        other => return Err(format!("expected a list of strings, got {}", other.type_str())),
    };
    if items.len() > MAX_LIST_ITEMS {
        return Err(format!("more than {MAX_LIST_ITEMS} entries"));
    }
    items.iter().map(|v| text_field(v, 200)).collect()
}

fn date_field(value: &toml::Value) -> Result<String, String> {
    let s = match value {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) => s.clone(),
        other => return Err(format!("expected a date like 2025-09-30, got {}", other.type_str())),
    };
    normalise_date(&s).ok_or_else(|| format!("expected a date like 2025-09-30, got {s:?}"))
}

const MONTHS: [&str; 12] = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/// Normalises "2025-09-30", "30 September 2025", "September 30, 2025", "30.09.2025" to `YYYY-MM-DD`.
pub fn normalise_date(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('.');
    let ymd = |y: i32, m: u32, d: u32| -> Option<String> {
        let month = time::Month::try_from(m as u8).ok()?;
        time::Date::from_calendar_date(y, month, d as u8).ok()?;
        (1900..=2200).contains(&y).then(|| format!("{y:04}-{m:02}-{d:02}"))
    };
    static ISO: OnceLock<Regex> = OnceLock::new();
    let iso = ISO.get_or_init(|| Regex::new(r"^(\d{4})-(\d{1,2})-(\d{1,2})").unwrap());
    if let Some(c) = iso.captures(s) {
        return ymd(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    }
    static DOTTED: OnceLock<Regex> = OnceLock::new();
    let dotted = DOTTED.get_or_init(|| Regex::new(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$").unwrap());
    if let Some(c) = dotted.captures(s) {
        return ymd(c[3].parse().ok()?, c[2].parse().ok()?, c[1].parse().ok()?);
    }
    let lower = s.to_ascii_lowercase().replace(',', " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let month_of = |w: &str| MONTHS.iter().position(|m| w.len() >= 3 && m.starts_with(w.trim_end_matches('.'))).map(|i| i as u32 + 1);
    let num = |w: &str| w.trim_end_matches(|c: char| c.is_alphabetic()).parse::<u32>().ok();
    match words.as_slice() {
        [d, m, y] if num(d).is_some() && month_of(m).is_some() => ymd(y.parse().ok()?, month_of(m)?, num(d)?),
        [m, d, y] if month_of(m).is_some() && num(d).is_some() => ymd(y.parse().ok()?, month_of(m)?, num(d)?),
        _ => None,
    }
}

/// A date phrase as it appears in running text: "1 October 2024", "October 1, 2024", "2024-10-01".
const DATE_PATTERN: &str = r"(\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.\s?\d{1,2}\.\s?\d{4})";

struct DateRules {
    period: Regex,
    valid_until: Regex,
    published: Regex,
    month_year: Regex,
    issuer: Regex,
    version: Regex,
}

fn date_rules() -> &'static DateRules {
    static RULES: OnceLock<DateRules> = OnceLock::new();
    RULES.get_or_init(|| DateRules {
        period: Regex::new(&format!(r"(?i)(?:period|covering|covers|coverage)[^.\n]{{0,40}}?(?:from\s+)?{DATE_PATTERN}\s*(?:to|through|until|thru|–|—|-)\s*{DATE_PATTERN}")).unwrap(),
        valid_until: Regex::new(&format!(r"(?i)(?:expiry date|expiration date|expires(?: on)?|valid until|valid through|valid to)\s*:?\s*{DATE_PATTERN}")).unwrap(),
        published: Regex::new(&format!(r"(?i)(?:issue date|date of issue|issued on|published|publication date|date)\s*:?\s*{DATE_PATTERN}")).unwrap(),
        month_year: Regex::new(r"(?i)\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+(\d{4})\b").unwrap(),
        issuer: Regex::new(r"(?im)^\s*(?:certification body|issued by|service auditor|auditor|prepared by|tester|testing firm)\s*:\s*(.{3,80})$").unwrap(),
        version: Regex::new(r"(?im)\b(?:version|revision|rev\.)\s*:?\s*(\d+(?:\.\d+){0,2})\b").unwrap(),
    })
}

/// Infers metadata from a file name, its format and its extracted pages.
pub fn infer(file_name: &str, format: Format, extraction: Option<&Extraction>) -> Metadata {
    let v = vocabulary();
    let mut m = Metadata::default();
    let stem = crate::extract::split_file_name(file_name).0;
    let file_title = stem.replace(['_', '-'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(ex) = extraction else {
        m.title = Some(file_title);
        return m;
    };
    m.title = Some(ex.title.clone().unwrap_or(file_title.clone()));
    let title = m.title.clone().unwrap_or_default();
    let head: String = ex.pages.iter().take(4).map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    // Reading every page is cheap next to extraction, but cap it for 1,000-page acts.
    let body: String = ex.pages.iter().take(200).map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");

    // Standards: always those in the title or file name; others when mentioned often relative to the top one.
    let mut scores: BTreeMap<&str, usize> = BTreeMap::new();
    for (s, n) in v.count_standards(&body) {
        *scores.entry(s).or_default() += n;
    }
    let raw_stem = stem.replace('_', " ");
    let in_title: Vec<&str> = v.count_standards(&format!("{title} \n {raw_stem}")).into_keys().collect();
    let top = scores.values().copied().max().unwrap_or(0);
    // With a standard named in the title, others must be prominent to count; without one, the most
    // mentioned standard counts even when it is mentioned only twice.
    let keep = |s: &str, n: usize| {
        in_title.contains(&s) || if in_title.is_empty() { (n >= 3 && n * 4 >= top) || (n >= 2 && n == top) } else { n >= 5 && n * 2 >= top }
    };
    let mut standards: Vec<(&str, usize)> = scores.into_iter().filter(|(s, n)| keep(s, *n)).collect();
    for s in &in_title {
        if !standards.iter().any(|(x, _)| x == s) {
            standards.push((s, usize::MAX));
        }
    }
    standards.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    m.standards = standards.into_iter().take(5).map(|(s, _)| s.to_string()).collect();

    // Regions: named often, or implied by the standards; Global when nothing points anywhere.
    let region_counts = v.count_regions(&body);
    let top = region_counts.values().copied().max().unwrap_or(0);
    let mut regions: Vec<(String, usize)> = region_counts
        .into_iter()
        .filter(|(r, n)| *r != "Global" && *n >= 3 && *n * 3 >= top)
        .map(|(r, n)| (r.to_string(), n))
        .collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut regions: Vec<String> = regions.into_iter().take(4).map(|(r, _)| r).collect();
    for s in &m.standards {
        if let Some(r) = v.region_of_standard(s) {
            if !regions.iter().any(|x| x == r) {
                regions.push(r.to_string());
            }
        }
    }
    if regions.is_empty() {
        regions.push("Global".into());
    }
    m.regions = regions;

    // An OSCAL document says what it is by its model; anything else is read for clues.
    let category = crate::extract::oscal_category(&ex.extractor).unwrap_or_else(|| infer_category(&title, &file_title, &head, format, &m.standards));
    m.category = Some(category.to_string());
    m.language = Some(detect_language(&body).to_string());

    let rules = date_rules();
    if let Some(c) = rules.period.captures(&head) {
        m.period_start = normalise_date(&c[1]);
        m.period_end = normalise_date(&c[2]);
    }
    if let Some(c) = rules.valid_until.captures(&head) {
        m.valid_until = normalise_date(&c[1]);
    }
    m.published = rules
        .published
        .captures(&head)
        .and_then(|c| normalise_date(&c[1]))
        .or_else(|| {
            rules.month_year.captures(&format!("{title} {file_title}")).map(|c| {
                let month = MONTHS.iter().position(|x| *x == c[1].to_ascii_lowercase()).unwrap() + 1;
                format!("{}-{month:02}-01", &c[2])
            })
        })
        .or_else(|| ex.file_date.clone());
    if let Some(c) = rules.issuer.captures(&head) {
        m.issuer = Some(c[1].trim().to_string());
    }
    if let Some(c) = rules.version.captures(&head) {
        m.version = Some(c[1].to_string());
    }
    m
}

fn infer_category<'a>(title: &str, file_title: &str, head: &str, format: Format, standards: &[String]) -> &'a str {
    let v = vocabulary();
    let (title_hits, text_hits) = v.count_category_keywords(&format!("{title} \n {file_title}"), head);
    let mut score: BTreeMap<&str, f64> = BTreeMap::new();
    for (c, n) in title_hits {
        *score.entry(c).or_default() += 6.0 * n as f64;
    }
    for (c, n) in text_hits {
        *score.entry(c).or_default() += (n as f64).min(6.0);
    }
    if matches!(format, Format::Xlsx | Format::Ods | Format::Csv) {
        *score.entry("control-matrix").or_default() += 5.0;
    }
    if standards.iter().any(|s| s == "GDPR") {
        *score.entry("privacy").or_default() += 3.0;
    }
    let best = score.into_iter().max_by(|a, b| a.1.partial_cmp(&b.1).unwrap().then(b.0.cmp(a.0)));
    // Vocabulary ids are 'static (the vocabulary lives for the program).
    let id = best.filter(|(_, s)| *s >= 2.0).map(|(c, _)| c).unwrap_or("framework");
    v.categories.iter().find(|c| c.id == id).map(|c| c.id.as_str()).unwrap_or("framework")
}

/// A tiny stop-word language guess; enough to pick English stemming or not.
pub fn detect_language(text: &str) -> &'static str {
    const LANGS: [(&str, &[&str]); 8] = [
        ("en", &["the", "and", "of", "to", "is", "for", "that", "with"]),
        ("cs", &["a", "je", "se", "na", "pro", "které", "jsou", "podle"]),
        ("pl", &["i", "w", "się", "na", "jest", "do", "oraz", "dla"]),
        ("ro", &["și", "de", "în", "la", "pentru", "este", "care", "cu"]),
        ("fr", &["le", "les", "des", "est", "et", "pour", "dans", "une"]),
        ("it", &["il", "della", "che", "per", "sono", "delle", "nel", "di"]),
        ("de", &["der", "die", "und", "das", "ist", "nicht", "mit", "für"]),
        ("es", &["el", "los", "que", "del", "las", "por", "para", "una"]),
    ];
    let mut counts = [0usize; 8];
    for w in text.split_whitespace().take(20_000) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        for (i, (_, stop)) in LANGS.iter().enumerate() {
            if stop.contains(&w.as_str()) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..8).max_by_key(|&i| counts[i]).unwrap();
    if counts[best] == 0 {
        "en"
    } else {
        LANGS[best].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Page;

    #[test]
    fn sidecar_keeps_valid_fields_and_names_bad_ones() {
        let s = parse_sidecar(
            "title = \"Acme SOC 2\"\ncategory = \"audit-report\"\nregions = [\"eu\", \"Czechia\"]\nstandards = [\"soc2\"]\nperiod_start = 2024-10-01\nperiod_end = \"30 September 2025\"\nvalid_until = \"soon\"\ncolour = \"red\"\n",
        );
        assert_eq!(s.declared.title.as_deref(), Some("Acme SOC 2"));
        assert_eq!(s.declared.regions, ["EU", "CZ"]);
        assert_eq!(s.declared.standards, ["SOC 2"]);
        assert_eq!(s.declared.period_start.as_deref(), Some("2024-10-01"));
        assert_eq!(s.declared.period_end.as_deref(), Some("2025-09-30"));
        assert_eq!(s.errors.len(), 2, "{:?}", s.errors);
        assert!(s.errors.iter().any(|e| e.contains("`valid_until`")));
        assert!(s.errors.iter().any(|e| e.contains("`colour`")));
    }

    #[test]
    fn sidecar_rejects_hostile_values() {
        let s = parse_sidecar(&format!("title = \"a\\u0007b\"\nnotes = \"{}\"\ncategory = \"nope\"\n", "x".repeat(30_000)));
        assert_eq!(s.errors.len(), 3, "{:?}", s.errors);
        assert!(parse_sidecar("title = [").errors[0].starts_with("not valid TOML"));
    }

    #[test]
    fn one_line_fields_fold_tabs_and_line_breaks_notes_keep_them() {
        // Found by the sidecar fuzz target: a tab inside a title was accepted as is.
        let s = parse_sidecar("title = \"D\\tPS 199\\n  Standards\"\nregions = [\"US\\r\\n\"]\nnotes = \"line 1\\nline 2\"\n");
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        assert_eq!(s.declared.title.as_deref(), Some("D PS 199 Standards"));
        assert_eq!(s.declared.regions, ["US"]);
        assert_eq!(s.declared.notes.as_deref(), Some("line 1\nline 2"));
    }

    #[test]
    fn normalises_dates() {
        assert_eq!(normalise_date("1 October 2024").as_deref(), Some("2024-10-01"));
        assert_eq!(normalise_date("October 1, 2024").as_deref(), Some("2024-10-01"));
        assert_eq!(normalise_date("30.09.2025").as_deref(), Some("2025-09-30"));
        assert_eq!(normalise_date("2025-02-30"), None);
    }

    #[test]
    fn infers_a_soc2_report() {
        let text = "Independent Service Auditor's Report\nSOC 2 Type II report on controls relevant to security for the period 1 October 2024 to 30 September 2025.\nService auditor: Fictional Assurance LLP\nOur opinion... SOC 2 criteria CC6.1. The SOC 2 examination covered the United States and the European Union. United States. United States. EU EU EU";
        let ex = Extraction { pages: vec![Page { number: 1, label: "p. 1".into(), text: text.into(), ocr: None }], title: Some("Acme Cloud SOC 2 Type II Report".into()), ..Default::default() };
        let m = infer("acme-soc2.pdf", Format::Pdf, Some(&ex));
        assert_eq!(m.category.as_deref(), Some("audit-report"));
        assert_eq!(m.standards, ["SOC 2"]);
        assert!(m.regions.contains(&"US".to_string()) && m.regions.contains(&"EU".to_string()), "{:?}", m.regions);
        assert_eq!(m.period_start.as_deref(), Some("2024-10-01"));
        assert_eq!(m.period_end.as_deref(), Some("2025-09-30"));
        assert_eq!(m.issuer.as_deref(), Some("Fictional Assurance LLP"));
        assert_eq!(m.language.as_deref(), Some("en"));
    }

    #[test]
    fn detects_languages() {
        assert_eq!(detect_language("Tento dokument je pro poskytovatele a jsou podle zákona"), "cs");
        assert_eq!(detect_language("The provider is responsible for the controls and the data"), "en");
    }
}
