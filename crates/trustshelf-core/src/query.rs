//! The lenient query language. Parsing never fails: a stray quote closes at the end, an unknown
//! operator is a word, an empty query browses. Understood:
//!
//! - words (all must match), `"exact phrases"`, `"phrase prefix"*`, `prefix*`
//! - `OR` between two clauses (`a OR b`), `NOT x` or `-x` to exclude, `AND`/`+` (the default)
//! - filters `category:`, `region:`, `standard:`, `title:` (value may be quoted), and dates:
//!   `date:2024`, `date:2024-01-01..2025-06-30`, `date:>=2024-01-01`, `after:2024-01-01`, `before:2025`
//! - control IDs and publication numbers as typed: `CC6.1`, `A.5.23`, `AC-2(1)`, `800-53`

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use crate::index::ID_PATTERN;
use crate::text::fold;

/// One thing a page must (or must not) contain.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Clause {
    /// A word, as typed.
    Word(String),
    /// Words that must appear in this order.
    Phrase(Vec<String>),
    /// A phrase whose last word is a prefix.
    PhrasePrefix(Vec<String>),
    /// A word prefix.
    Prefix(String),
    /// A control ID or publication number, lower-cased.
    Id(String),
    /// A word that may also be a prefix (the word being typed in search-as-you-type).
    WordOrPrefix(String),
}

/// Filters given in the query text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueryFilters {
    /// `category:` values, as typed.
    pub categories: Vec<String>,
    /// `region:` values, as typed.
    pub regions: Vec<String>,
    /// `standard:` values, as typed.
    pub standards: Vec<String>,
    /// Title words that must match.
    pub title: Vec<String>,
    /// Inclusive lower date bound, `YYYY-MM-DD`.
    pub date_from: Option<String>,
    /// Inclusive upper date bound, `YYYY-MM-DD`.
    pub date_to: Option<String>,
}

/// A parsed query: groups of alternatives that must match, groups that must not, and filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParsedQuery {
    /// Each inner list is an OR group; every group must match.
    pub must: Vec<Vec<Clause>>,
    /// Groups that must not match.
    pub must_not: Vec<Vec<Clause>>,
    /// Filters.
    pub filters: QueryFilters,
}

impl ParsedQuery {
    /// Returns true if and only if the query has no text clauses (browse by filters only).
    pub fn is_browse(&self) -> bool {
        self.must.is_empty()
    }
}

fn id_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(&format!("^(?:{ID_PATTERN})$")).unwrap())
}

/// Returns true if and only if `word` should be looked up as a control ID rather than as words.
pub fn is_control_id(word: &str) -> bool {
    id_regex().is_match(word) && word.chars().any(|c| c.is_ascii_digit()) && (word.chars().any(|c| !c.is_ascii_alphanumeric()) || word.chars().any(|c| c.is_ascii_alphabetic()) || word.len() >= 4)
}

enum Token {
    Word(String),
    Phrase(String, bool),
    Field(String, String),
    And,
    Or,
    Not,
}

fn lex(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '"' || c == '“' || c == '”' {
            let start = i + 1;
            let mut j = start;
            while j < chars.len() && !matches!(chars[j], '"' | '“' | '”') {
                j += 1;
            }
            let phrase: String = chars[start..j.min(chars.len())].iter().collect();
            i = j + 1;
            let prefix = i < chars.len() && chars[i] == '*';
            if prefix {
                i += 1;
            }
            tokens.push(Token::Phrase(phrase, prefix));
            continue;
        }
        if (c == '-' || c == '!') && i + 1 < chars.len() && !chars[i + 1].is_whitespace() && (tokens.is_empty() || i == 0 || chars[i - 1].is_whitespace()) {
            tokens.push(Token::Not);
            i += 1;
            continue;
        }
        if c == '+' {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
            i += 1;
        }
        let mut word: String = chars[start..i].iter().collect();
        // Strip unbalanced grouping parentheses but keep those of IDs such as AC-2(1).
        while word.starts_with('(') && word.matches('(').count() > word.matches(')').count() {
            word.remove(0);
        }
        while word.ends_with(')') && word.matches(')').count() > word.matches('(').count() {
            word.pop();
        }
        if word.starts_with('(') && word.ends_with(')') && word.len() >= 2 && !is_control_id(&word) {
            word = word[1..word.len() - 1].to_string();
        }
        match word.as_str() {
            "" => {}
            "AND" | "&&" => tokens.push(Token::And),
            "OR" | "||" | "|" => tokens.push(Token::Or),
            "NOT" => tokens.push(Token::Not),
            _ => {
                if let Some((field, value)) = word.split_once(':') {
                    let field = field.to_ascii_lowercase();
                    if matches!(field.as_str(), "category" | "cat" | "region" | "standard" | "std" | "title" | "date" | "year" | "after" | "before" | "from" | "to") {
                        let value = if value.is_empty() && i < chars.len() && chars[i] == '"' {
                            let start = i + 1;
                            let mut j = start;
                            while j < chars.len() && chars[j] != '"' {
                                j += 1;
                            }
                            let v: String = chars[start..j.min(chars.len())].iter().collect();
                            i = j + 1;
                            v
                        } else {
                            value.to_string()
                        };
                        tokens.push(Token::Field(field, value));
                        continue;
                    }
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    tokens
}

/// Splits text into folded words the way the plain analyzer would (letters and digits).
pub fn words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

fn clause_for_word(word: &str) -> Option<Clause> {
    if let Some(p) = word.strip_suffix('*') {
        let p = words(p).join("");
        return (p.chars().count() >= 2).then_some(Clause::Prefix(p));
    }
    if is_control_id(word) {
        return Some(Clause::Id(word.to_lowercase()));
    }
    let w = words(word);
    match w.len() {
        0 => None,
        1 => Some(Clause::Word(w.into_iter().next().unwrap())),
        _ => Some(Clause::Phrase(w)),
    }
}

/// Parses `input`. When `as_you_type` is set, the last bare word (3+ characters) also matches as a prefix.
pub fn parse(input: &str, as_you_type: bool) -> ParsedQuery {
    let mut q = ParsedQuery::default();
    let mut negate = false;
    let mut or_next = false;
    let tokens = lex(input);
    let last_word = tokens.iter().rposition(|t| matches!(t, Token::Word(_)));
    let ends_with_space = input.ends_with(char::is_whitespace);
    for (i, t) in tokens.into_iter().enumerate() {
        let clause = match t {
            Token::And => continue,
            Token::Or => {
                or_next = true;
                continue;
            }
            Token::Not => {
                negate = true;
                continue;
            }
            Token::Field(field, value) => {
                apply_filter(&mut q.filters, &field, &value);
                continue;
            }
            Token::Phrase(p, prefix) => {
                let w = words(&p);
                match (w.len(), prefix) {
                    (0, _) => None,
                    (1, false) => Some(Clause::Word(w.into_iter().next().unwrap())),
                    (1, true) => Some(Clause::Prefix(w.into_iter().next().unwrap())),
                    (_, false) => Some(Clause::Phrase(w)),
                    (_, true) => Some(Clause::PhrasePrefix(w)),
                }
            }
            Token::Word(w) => {
                let c = clause_for_word(&w);
                match c {
                    Some(Clause::Word(x)) if as_you_type && Some(i) == last_word && !ends_with_space && x.chars().count() >= 3 => Some(Clause::WordOrPrefix(x)),
                    other => other,
                }
            }
        };
        let Some(clause) = clause else {
            negate = false;
            or_next = false;
            continue;
        };
        let target = if negate { &mut q.must_not } else { &mut q.must };
        if or_next && !target.is_empty() {
            target.last_mut().unwrap().push(clause);
        } else {
            target.push(vec![clause]);
        }
        negate = false;
        or_next = false;
    }
    q
}

fn apply_filter(f: &mut QueryFilters, field: &str, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let values = || value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    match field {
        "category" | "cat" => f.categories.extend(values()),
        "region" => f.regions.extend(values()),
        "standard" | "std" => f.standards.extend(values()),
        "title" => f.title.extend(words(value)),
        "after" | "from" => f.date_from = date_bound(value, false),
        "before" | "to" => f.date_to = date_bound(value, true),
        _ => {
            // date / year
            let (lo, hi) = if let Some((a, b)) = value.split_once("..") {
                (date_bound(a, false), date_bound(b, true))
            } else if let Some(v) = value.strip_prefix(">=").or_else(|| value.strip_prefix('>')) {
                (date_bound(v, false), None)
            } else if let Some(v) = value.strip_prefix("<=").or_else(|| value.strip_prefix('<')) {
                (None, date_bound(v, true))
            } else {
                (date_bound(value, false), date_bound(value, true))
            };
            if lo.is_some() {
                f.date_from = lo;
            }
            if hi.is_some() {
                f.date_to = hi;
            }
        }
    }
}

/// "2024" → 2024-01-01 (or 2024-12-31 as an upper bound); "2024-06" likewise; full dates as they are.
fn date_bound(v: &str, upper: bool) -> Option<String> {
    let v = v.trim();
    if let Some(d) = crate::metadata::normalise_date(v) {
        return Some(d);
    }
    let parts: Vec<&str> = v.split('-').collect();
    match parts.as_slice() {
        [y] if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()) => Some(if upper { format!("{y}-12-31") } else { format!("{y}-01-01") }),
        [y, m] if y.len() == 4 => {
            let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            let last = time::util::days_in_month(time::Month::try_from(m as u8).ok()?, y.parse().ok()?);
            Some(if upper { format!("{y}-{m:02}-{last:02}") } else { format!("{y}-{m:02}-01") })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Clause {
        Clause::Word(s.into())
    }

    #[test]
    fn words_phrases_and_operators() {
        let q = parse("incident \"response plan\" OR playbook -draft NOT template", false);
        assert_eq!(q.must, vec![vec![w("incident")], vec![Clause::Phrase(vec!["response".into(), "plan".into()]), w("playbook")]]);
        assert_eq!(q.must_not, vec![vec![w("draft")], vec![w("template")]]);
    }

    #[test]
    fn control_ids_stay_whole() {
        let q = parse("CC6.1 A.5.23 AC-2(1) 800-53 (access", false);
        assert_eq!(q.must, vec![vec![Clause::Id("cc6.1".into())], vec![Clause::Id("a.5.23".into())], vec![Clause::Id("ac-2(1)".into())], vec![Clause::Id("800-53".into())], vec![w("access")]]);
    }

    #[test]
    fn filters_and_dates() {
        let q = parse("encryption standard:soc2 region:\"EU\" category:audit-report date:2024..2025-06 title:policy", false);
        assert_eq!(q.must, vec![vec![w("encryption")]]);
        assert_eq!(q.filters.standards, ["soc2"]);
        assert_eq!(q.filters.regions, ["EU"]);
        assert_eq!(q.filters.categories, ["audit-report"]);
        assert_eq!(q.filters.title, ["policy"]);
        assert_eq!(q.filters.date_from.as_deref(), Some("2024-01-01"));
        assert_eq!(q.filters.date_to.as_deref(), Some("2025-06-30"));
    }

    #[test]
    fn never_fails_on_junk() {
        for junk in ["\"", "\"unclosed phrase", "OR", "NOT", "-", "((()", "a:b:c", "***", "date:garbage", "\u{0}\u{7}", "title:", "\"\"*"] {
            let _ = parse(junk, true);
        }
        assert!(parse("", false).is_browse());
        assert_eq!(parse("\"unclosed phrase", false).must, vec![vec![Clause::Phrase(vec!["unclosed".into(), "phrase".into()])]]);
    }

    #[test]
    fn as_you_type_makes_the_last_word_a_prefix() {
        assert_eq!(parse("incident resp", true).must[1], vec![Clause::WordOrPrefix("resp".into())]);
        assert_eq!(parse("incident resp ", true).must[1], vec![w("resp")]);
        assert_eq!(parse("incident re", true).must[1], vec![w("re")]);
        assert_eq!(parse("contin*", false).must[0], vec![Clause::Prefix("contin".into())]);
    }

    #[test]
    fn diacritics_fold() {
        assert_eq!(parse("Bezpečnostní", false).must[0], vec![w("bezpecnostni")]);
    }
}
