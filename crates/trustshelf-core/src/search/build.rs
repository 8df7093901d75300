//! Query building: parsed clauses become tantivy queries over the page fields (exact words in the
//! folded and the stemmed field, prefixes expanded from the index's dictionary, phrases, control IDs,
//! similar spellings when asked), and the builder remembers every term it searched for, which is
//! what snippets and the viewer highlight.

use std::collections::{BTreeMap, HashMap};

use tantivy::query::{BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Score, Searcher, Term};

use crate::index::{tokens, Fields, ANALYZER_EN, ANALYZER_PLAIN};
use crate::query::{Clause, ParsedQuery};

use super::filters::Filters;
use super::HighlightTerms;

/// How many dictionary terms a prefix expands to: the most frequent ones (measured: 30 → 5
/// expansions cut a two-letter prefix from 105 to 8.5 ms at 500k pages).
pub(super) const PREFIX_EXPANSIONS: usize = 8;

/// Builds tantivy queries from parsed clauses and remembers the terms to highlight.
pub(super) struct Builder<'a> {
    searcher: &'a Searcher,
    fuzzy: bool,
    /// Terms to highlight, with the weight snippets give them (prefix expansions weigh less).
    pub(super) highlight_plain: BTreeMap<String, Score>,
    pub(super) highlight_en: BTreeMap<String, Score>,
    pub(super) highlight_ids: BTreeMap<String, Score>,
    pub(super) f: Fields,
}

impl<'a> Builder<'a> {
    /// A builder over `searcher`'s dictionary; `fuzzy` adds similar spellings of longer words.
    pub(super) fn new(f: Fields, searcher: &'a Searcher, fuzzy: bool) -> Builder<'a> {
        Builder { f, searcher, fuzzy, highlight_plain: BTreeMap::new(), highlight_en: BTreeMap::new(), highlight_ids: BTreeMap::new() }
    }

    /// The whole query: every must group, title words adding to the score, the must-not groups and
    /// the filters.
    pub(super) fn query(&mut self, parsed: &ParsedQuery, filters: &Filters) -> BooleanQuery {
        let f = self.f;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = parsed.must.iter().map(|g| (Occur::Must, self.group(g))).collect();
        // Title words add to the score of every page of a matching document, never match alone.
        let title_words = parsed.must.iter().flatten().filter_map(|c| if let Clause::Word(w) | Clause::WordOrPrefix(w) = c { Some(w) } else { None });
        for w in title_words {
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(TermQuery::new(Term::from_field_text(f.title, w), IndexRecordOption::WithFreqs)), 0.2))));
        }
        let must_not: Vec<(Occur, Box<dyn Query>)> = parsed.must_not.iter().map(|g| (Occur::MustNot, self.group(g))).collect();
        clauses.extend(must_not);
        clauses.extend(filters.queries(&f));
        BooleanQuery::new(clauses)
    }

    /// The terms searched for, to highlight.
    pub(super) fn terms(&self) -> HighlightTerms {
        let keys = |m: &BTreeMap<String, Score>| m.keys().cloned().collect();
        HighlightTerms { plain: keys(&self.highlight_plain), english: keys(&self.highlight_en), ids: keys(&self.highlight_ids) }
    }

    fn term(&self, field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
    }

    fn word(&mut self, w: &str) -> Box<dyn Query> {
        let stem = tokens(ANALYZER_EN, w).into_iter().next().unwrap_or_else(|| w.to_string());
        self.highlight_plain.insert(w.to_string(), 1.0);
        self.highlight_en.insert(stem.clone(), 1.0);
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, self.term(self.f.text, w)), (Occur::Should, self.term(self.f.text_en, &stem))];
        let len = w.chars().count();
        if self.fuzzy && len >= 5 {
            let distance = if len >= 9 { 2 } else { 1 };
            alternatives.push((Occur::Should, Box::new(FuzzyTermQuery::new(Term::from_field_text(self.f.text, w), distance, true))));
            alternatives.push((Occur::Should, Box::new(FuzzyTermQuery::new(Term::from_field_text(self.f.text_en, &stem), distance, true))));
            // A typo's stem is rarely near the right word's ("incidnet" stays "incidnet"; "incident" is
            // indexed as "incid"): stems the typed word begins with, give or take `distance` edits.
            for t in self.stems_typed(w, usize::from(distance), 8) {
                self.highlight_en.insert(t.clone(), 0.5);
                alternatives.push((Occur::Should, self.term(self.f.text_en, &t)));
            }
        }
        Box::new(BooleanQuery::new(alternatives))
    }

    fn expand_prefix(&self, field: tantivy::schema::Field, prefix: &str, n: usize) -> Vec<String> {
        self.terms_where(field, prefix, n, |_| true)
    }

    /// Up to `n` terms of `field` that start with `prefix` and that `keep` accepts (checked as the
    /// dictionary is read, before anything is copied), the most frequent first.
    fn terms_where(&self, field: tantivy::schema::Field, prefix: &str, n: usize, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let mut freq: HashMap<String, u64> = HashMap::new();
        let mut end = prefix.as_bytes().to_vec();
        end.push(0xff);
        for seg in self.searcher.segment_readers() {
            let Ok(inv) = seg.inverted_index(field) else { continue };
            let Ok(mut stream) = inv.terms().range().ge(prefix.as_bytes()).lt(&end).into_stream() else { continue };
            while stream.advance() {
                if let Some(k) = std::str::from_utf8(stream.key()).ok().filter(|k| keep(k)) {
                    *freq.entry(k.to_string()).or_default() += stream.value().doc_freq as u64;
                }
            }
        }
        let mut terms: Vec<(String, u64)> = freq.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        terms.into_iter().take(n).map(|(t, _)| t).collect()
    }

    /// Up to `n` terms of the stemmed field (the most frequent first) that the start of `w` spells
    /// within `distance` edits (a transposition is one): the stems of the words `w` may be a typo of.
    fn stems_typed(&self, w: &str, distance: usize, n: usize) -> Vec<String> {
        let typed: Vec<char> = w.chars().collect();
        let Some(first) = typed.first() else { return Vec::new() };
        self.terms_where(self.f.text_en, &first.to_string(), n, |t| {
            // A stem longer than the typed word plus one cannot start it (a cheap test first).
            let len = t.chars().count();
            if len < 4 || len * 2 < typed.len() || len > typed.len() + 1 {
                return false;
            }
            let stem: Vec<char> = t.chars().collect();
            (len.saturating_sub(1)..=len + 1).any(|k| k >= 1 && k <= typed.len() && edit_distance(&typed[..k], &stem) <= distance)
        })
    }

    fn prefix(&mut self, p: &str, n: usize) -> Box<dyn Query> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Stemmed terms can be shorter than the typed prefix ("penetrat…" is indexed as "penetr"): in the
        // stemmed field, look a few characters back and keep terms that extend the prefix or that the
        // prefix extends.
        let chars: Vec<char> = p.chars().collect();
        let back: String = chars[..chars.len().saturating_sub(3).max(3.min(chars.len()))].iter().collect();
        for (field, en) in [(self.f.text, false), (self.f.text_en, true)] {
            let candidates = if en { self.expand_prefix(field, &back, n * 4) } else { self.expand_prefix(field, p, n) };
            let terms = candidates.into_iter().filter(|t| !en || t.starts_with(p) || (p.starts_with(t.as_str()) && t.len() + 3 >= p.len())).take(n);
            for t in terms {
                if en {
                    self.highlight_en.insert(t.clone(), 0.5);
                } else {
                    self.highlight_plain.insert(t.clone(), 0.5);
                }
                alternatives.push((Occur::Should, self.term(field, &t)));
            }
        }
        if alternatives.is_empty() {
            Box::new(EmptyQuery)
        } else {
            Box::new(BooleanQuery::new(alternatives))
        }
    }

    fn phrase(&mut self, words: &[String], prefix: bool) -> Box<dyn Query> {
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, analyzer_name) in [(self.f.text, ANALYZER_PLAIN), (self.f.text_en, ANALYZER_EN)] {
            let tokens: Vec<String> = words.iter().map(|w| if prefix && Some(w) == words.last() { w.clone() } else { tokens(analyzer_name, w).into_iter().next().unwrap_or_else(|| w.clone()) }).collect();
            let highlight = if field == self.f.text { &mut self.highlight_plain } else { &mut self.highlight_en };
            for t in &tokens {
                highlight.insert(t.clone(), 1.0);
            }
            let terms: Vec<Term> = tokens.iter().map(|t| Term::from_field_text(field, t)).collect();
            if prefix {
                alternatives.push((Occur::Should, Box::new(PhrasePrefixQuery::new(terms))));
            } else {
                alternatives.push((Occur::Should, Box::new(PhraseQuery::new(terms))));
            }
        }
        Box::new(BooleanQuery::new(alternatives))
    }

    fn clause(&mut self, c: &Clause) -> Box<dyn Query> {
        match c {
            Clause::Word(w) => self.word(w),
            Clause::Prefix(p) => self.prefix(p, PREFIX_EXPANSIONS),
            Clause::WordOrPrefix(w) => {
                let exact = self.word(w);
                let prefix = self.prefix(w, 5);
                Box::new(BooleanQuery::new(vec![(Occur::Should, Box::new(BoostQuery::new(exact, 2.0))), (Occur::Should, prefix)]))
            }
            Clause::Phrase(words) => self.phrase(words, false),
            Clause::PhrasePrefix(words) => self.phrase(words, true),
            Clause::Id(id) => {
                self.highlight_ids.insert(id.clone(), 1.0);
                self.term(self.f.ids, id)
            }
        }
    }

    fn group(&mut self, group: &[Clause]) -> Box<dyn Query> {
        if group.len() == 1 {
            return self.clause(&group[0]);
        }
        Box::new(BooleanQuery::new(group.iter().map(|c| (Occur::Should, self.clause(c))).collect()))
    }
}

/// Edits (insertions, deletions, substitutions, transpositions of neighbours) from `a` to `b`.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut rows = vec![(0..=b.len()).collect::<Vec<usize>>()];
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (rows[i - 1][j] + 1).min(row[j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(rows[i - 2][j - 2] + 1);
            }
        }
        rows.push(row);
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod edit_tests {
    use super::edit_distance;

    #[test]
    fn counts_transpositions_as_one_edit() {
        let d = |a: &str, b: &str| edit_distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>());
        assert_eq!(d("incidnet", "incident"), 1);
        assert_eq!(d("securty", "security"), 1);
        assert_eq!(d("incid", "incid"), 0);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
    }
}
