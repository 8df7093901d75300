//! Dates as trust documents write them, in the product's languages: "30 September 2026",
//! "September 30, 2026", "30. září 2026", "30 września 2026 r.", "30 septembrie 2026",
//! "30. September 2026", "30 septembre 2026", "30 de septiembre de 2026", "30 settembre 2026",
//! "30 september 2026", "2026-09-30", "30.09.2026" and "09/30/2026" (month first when the first
//! number can be a month and the document is English, as US auditors write it; day first
//! otherwise).

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use time::{Date, Month};

/// Month names and their inflected forms, by month, in English, Czech, Polish, Romanian, German,
/// French, Spanish, Italian and Dutch (lower case; abbreviations for English and German).
const MONTH_NAMES: [&[&str]; 12] = [
    &["january", "jan", "leden", "ledna", "styczeń", "stycznia", "ianuarie", "januar", "jänner", "janvier", "enero", "gennaio", "januari"],
    &["february", "feb", "únor", "února", "luty", "lutego", "februarie", "februar", "février", "fevrier", "febrero", "febbraio", "februari"],
    &["march", "mar", "březen", "března", "marzec", "marca", "martie", "märz", "maerz", "mars", "marzo", "maart"],
    &["april", "apr", "duben", "dubna", "kwiecień", "kwietnia", "aprilie", "avril", "abril", "aprile"],
    &["may", "květen", "května", "maj", "maja", "mai", "mayo", "maggio", "mei"],
    &["june", "jun", "červen", "června", "czerwiec", "czerwca", "iunie", "juni", "juin", "junio", "giugno"],
    &["july", "jul", "červenec", "července", "lipiec", "lipca", "iulie", "juli", "juillet", "julio", "luglio"],
    &["august", "aug", "srpen", "srpna", "sierpień", "sierpnia", "août", "aout", "agosto", "augustus"],
    &["september", "sep", "sept", "září", "wrzesień", "września", "septembrie", "septembre", "septiembre", "setiembre", "settembre"],
    &["october", "oct", "říjen", "října", "październik", "października", "octombrie", "oktober", "okt", "octobre", "octubre", "ottobre"],
    &["november", "nov", "listopad", "listopadu", "listopada", "noiembrie", "novembre", "noviembre"],
    &["december", "dec", "prosinec", "prosince", "grudzień", "grudnia", "decembrie", "dezember", "dez", "décembre", "decembre", "diciembre", "dicembre"],
];

/// A date found in a text, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The date.
    pub date: Date,
    /// Its bytes in the text.
    pub span: Range<usize>,
}

fn month_number(name: &str) -> Option<u8> {
    let name = name.trim_end_matches('.').to_lowercase();
    MONTH_NAMES.iter().position(|names| names.contains(&name.as_str())).map(|i| i as u8 + 1)
}

struct Patterns {
    day_month: Regex,
    month_day: Regex,
    iso: Regex,
    dotted: Regex,
    slashed: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let mut names: Vec<&str> = MONTH_NAMES.iter().flat_map(|n| n.iter().copied()).collect();
        // Longest first, so "september" wins over "sep" and "listopadu" over "listopad".
        names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        let months = names.iter().map(|n| regex::escape(n)).collect::<Vec<_>>().join("|");
        Patterns {
            day_month: Regex::new(&format!(r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?({months})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})\b")).expect("valid day-month pattern"),
            month_day: Regex::new(&format!(r"(?i)\b({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")).expect("valid month-day pattern"),
            iso: Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("valid iso pattern"),
            dotted: Regex::new(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b").expect("valid dotted pattern"),
            slashed: Regex::new(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b").expect("valid slashed pattern"),
        }
    })
}

fn date(y: &str, m: u8, d: &str) -> Option<Date> {
    let y: i32 = y.parse().ok()?;
    let d: u8 = d.parse().ok()?;
    (1950..=2150).contains(&y).then_some(())?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// Every date in `text`, in order. `month_first`: read "09/10/2026" as September 10 (US English).
pub fn find(text: &str, month_first: bool) -> Vec<Found> {
    let p = patterns();
    let mut out: Vec<Found> = Vec::new();
    let mut push = |date: Option<Date>, span: Range<usize>| {
        if let Some(date) = date {
            if !out.iter().any(|f| f.span.start < span.end && span.start < f.span.end) {
                out.push(Found { date, span });
            }
        }
    };
    for c in p.day_month.captures_iter(text) {
        push(month_number(&c[2]).and_then(|m| date(&c[3], m, &c[1])), c.get(0).expect("match").range());
    }
    for c in p.month_day.captures_iter(text) {
        push(month_number(&c[1]).and_then(|m| date(&c[3], m, &c[2])), c.get(0).expect("match").range());
    }
    for c in p.iso.captures_iter(text) {
        push(c[2].parse().ok().and_then(|m| date(&c[1], m, &c[3])), c.get(0).expect("match").range());
    }
    for c in p.dotted.captures_iter(text) {
        push(c[2].parse().ok().and_then(|m| date(&c[3], m, &c[1])), c.get(0).expect("match").range());
    }
    for c in p.slashed.captures_iter(text) {
        let (a, b): (u8, u8) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        let (m, d) = if (month_first && a <= 12) || b > 12 { (a, &c[2]) } else { (b, &c[1]) };
        push(date(&c[3], m, d), c.get(0).expect("match").range());
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// The one date `s` is (nothing else but punctuation around it).
pub fn parse(s: &str, month_first: bool) -> Option<Date> {
    let found = find(s, month_first);
    let [one] = found.as_slice() else { return None };
    let rest = format!("{}{}", &s[..one.span.start], &s[one.span.end..]);
    rest.chars().all(|c| !c.is_alphanumeric() || c == 'r').then_some(one.date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str, month_first: bool) -> Vec<String> {
        find(text, month_first).iter().map(|f| f.date.to_string()).collect()
    }

    #[test]
    fn reads_dates_in_every_language_and_order() {
        for (text, expected) in [
            ("throughout the period 1 October 2025 to 30 September 2026", vec!["2025-10-01", "2026-09-30"]),
            ("for the period October 1, 2025 through September 30, 2026", vec!["2025-10-01", "2026-09-30"]),
            ("as of Sept. 30, 2026", vec!["2026-09-30"]),
            ("platný do 14. března 2027", vec!["2027-03-14"]),
            ("ważny do 31 października 2024 r.", vec!["2024-10-31"]),
            ("valabil până la 1 decembrie 2026", vec!["2026-12-01"]),
            ("gültig bis 28. Februar 2027", vec!["2027-02-28"]),
            ("valable jusqu'au 1er août 2026", vec!["2026-08-01"]),
            ("válido hasta el 15 de noviembre de 2026", vec!["2026-11-15"]),
            ("valido fino al 3 settembre 2026", vec!["2026-09-03"]),
            ("geldig tot 12 maart 2027", vec!["2027-03-12"]),
            ("issued 2026-11-06; valid until 14.03.2027", vec!["2026-11-06", "2027-03-14"]),
        ] {
            assert_eq!(iso(text, true), expected, "{text}");
        }
    }

    #[test]
    fn slashed_dates_month_first_in_english_day_first_otherwise() {
        assert_eq!(iso("10/01/2025", true), ["2025-10-01"]);
        assert_eq!(iso("10/01/2025", false), ["2025-01-10"]);
        // A first number over 12 can only be a day.
        assert_eq!(iso("30/09/2026", true), ["2026-09-30"]);
    }

    #[test]
    fn rejects_impossible_and_partial_dates() {
        assert!(iso("31 February 2026, 2026-13-01, 45.10.2026, version 1.2.3", true).is_empty());
        assert!(iso("May we, in 2026", true).is_empty());
        assert_eq!(parse("6 November 2026", true).map(|d| d.to_string()), Some("2026-11-06".into()));
        assert_eq!(parse("6 November 2026 and 7 November 2026", true), None);
        assert_eq!(parse("before 6 November 2026", true), None);
    }
}
