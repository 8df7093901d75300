//! Search: a parsed query run against the page index, hits grouped per document (best pages first,
//! each with a snippet and highlight ranges), facet counts for category / region / standard over the
//! documents that match, filters, paging and sorting.
//!
//! Facets are counted at document level: the query's matching pages are collected as document ids
//! from a single-valued fast field, in one pass that also keeps each document's best page score
//! (its rank), and counted against the in-memory [`DocTable`] (measured in
//! ../shared/SEARCH-FLOOR.md as the cheapest design). The same pass keeps each document's best 3
//! pages, which are the pages shown; asking for more per document (the viewer's hit list) takes a
//! second pass restricted to the documents shown.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Score, Searcher, SegmentReader, TantivyDocument, Term};

use crate::catalog::{Document, Status};
use crate::error::Result;
use crate::extract::Format;
use crate::index::{date_days, snippet_analyzer, tokens, Fields, ANALYZER_EN, ANALYZER_IDS, ANALYZER_PLAIN};
use crate::query::{parse, Clause, ParsedQuery};
use crate::vocab::vocabulary;

/// How to order documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (title order when browsing).
    #[default]
    Relevance,
    /// Newest first.
    Date,
    /// Alphabetical by title.
    Title,
}

/// A search as the UI or CLI asks for it.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct SearchRequest {
    /// The query text (see [`crate::query`]).
    pub query: String,
    /// Category filters (OR within, AND across fields).
    pub categories: Vec<String>,
    /// Region filters.
    pub regions: Vec<String>,
    /// Standard filters.
    pub standards: Vec<String>,
    /// Only these documents (by id), e.g. to list every hit inside the open document.
    pub documents: Vec<i64>,
    /// Order of documents.
    pub sort: Sort,
    /// Documents to skip (paging).
    pub offset: usize,
    /// Documents to return.
    pub limit: usize,
    /// Best pages to return per document.
    pub pages_per_document: usize,
    /// Treat the last word as a prefix too (search-as-you-type).
    pub as_you_type: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest { query: String::new(), categories: vec![], regions: vec![], standards: vec![], documents: vec![], sort: Sort::Relevance, offset: 0, limit: 20, pages_per_document: 3, as_you_type: false }
    }
}

/// One matching page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PageHit {
    /// 1-based page number (0: the document has no text; it matched by title).
    pub page: u32,
    /// Relevance score of this page.
    pub score: f32,
    /// A passage of the page around the best match.
    pub snippet: String,
    /// Highlighted ranges in `snippet`, as `[start, end)` offsets in Unicode characters.
    pub highlights: Vec<[usize; 2]>,
}

/// One matching document with its best pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DocumentHit {
    /// Catalog id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Path relative to the library folder.
    pub path: String,
    /// Format.
    pub format: Format,
    /// Extraction status.
    pub status: Status,
    /// Category id.
    pub category: Option<String>,
    /// Region codes.
    pub regions: Vec<String>,
    /// Standards.
    pub standards: Vec<String>,
    /// Document date (end of coverage, else published), `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Issuer or auditor.
    pub issuer: Option<String>,
    /// Coverage period start, `YYYY-MM-DD`.
    pub period_start: Option<String>,
    /// Coverage period end, `YYYY-MM-DD`.
    pub period_end: Option<String>,
    /// Validity end, `YYYY-MM-DD`.
    pub valid_until: Option<String>,
    /// Metadata fields that were inferred rather than declared.
    pub inferred_fields: Vec<String>,
    /// Document score (0 when browsing).
    pub score: f32,
    /// How many of its pages match.
    pub matching_pages: u32,
    /// The best pages, best first.
    pub pages: Vec<PageHit>,
}

/// A facet value and how many matching documents carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FacetCount {
    /// The value (category id, region code, standard name).
    pub value: String,
    /// Matching documents with this value.
    pub count: usize,
}

/// Facet counts for the current query and filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Facets {
    /// By category.
    pub category: Vec<FacetCount>,
    /// By region.
    pub region: Vec<FacetCount>,
    /// By standard.
    pub standard: Vec<FacetCount>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// Matching documents in all.
    pub total_documents: usize,
    /// Matching pages in all.
    pub total_pages: usize,
    /// The requested page of documents.
    pub documents: Vec<DocumentHit>,
    /// Facet counts over all matching documents.
    pub facets: Facets,
    /// True when no page matched exactly and similar spellings were searched instead.
    pub fuzzy: bool,
    /// Things the user may want to know (unknown filter values, …).
    pub notices: Vec<String>,
}

/// What search needs to know of every document, held in memory.
#[derive(Debug, Clone, Default)]
pub struct DocTable {
    /// Sorted by id: a lookup is a binary search, iteration is in a stable order.
    docs: Vec<Document>,
    /// Every value of each facet (category, region, standard), numbered for counting.
    facet_values: [Vec<String>; 3],
    /// Per document, in the order of `docs`: its facet values as (facet, value number).
    facet_numbers: Vec<Vec<(usize, usize)>>,
    /// Position in `docs` by id (catalog ids are small and dense); `u32::MAX` for none.
    positions: Vec<u32>,
}

impl DocTable {
    /// Builds the table from catalog documents.
    pub fn new(mut docs: Vec<Document>) -> DocTable {
        docs.sort_by_key(|d| d.id);
        let mut facet_values: [Vec<String>; 3] = Default::default();
        let mut numbers: [HashMap<String, usize>; 3] = Default::default();
        let facet_numbers = docs
            .iter()
            .map(|d| {
                let m = &d.metadata;
                let values = m.category.iter().map(|c| (0, c)).chain(m.regions.iter().map(|r| (1, r))).chain(m.standards.iter().map(|s| (2, s)));
                values
                    .map(|(facet, value)| {
                        let n = *numbers[facet].entry(value.clone()).or_insert_with(|| {
                            facet_values[facet].push(value.clone());
                            facet_values[facet].len() - 1
                        });
                        (facet, n)
                    })
                    .collect()
            })
            .collect();
        let mut positions = vec![u32::MAX; docs.last().map_or(0, |d| usize::try_from(d.id).unwrap_or(0) + 1)];
        for (i, d) in docs.iter().enumerate() {
            if let Ok(id) = usize::try_from(d.id) {
                positions[id] = i as u32;
            }
        }
        DocTable { docs, facet_values, facet_numbers, positions }
    }

    /// A document by id.
    pub fn get(&self, id: i64) -> Option<&Document> {
        self.position(id).map(|i| &self.docs[i])
    }

    fn position(&self, id: i64) -> Option<usize> {
        let i = *self.positions.get(usize::try_from(id).ok()?)?;
        (i != u32::MAX).then_some(i as usize)
    }

    /// Every document.
    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.docs.iter()
    }

    /// Facet counts over the documents at `positions` (each counted once).
    fn facets(&self, positions: impl Iterator<Item = usize>) -> Facets {
        let mut counts: [Vec<usize>; 3] = std::array::from_fn(|f| vec![0; self.facet_values[f].len()]);
        for i in positions {
            for &(facet, n) in &self.facet_numbers[i] {
                counts[facet][n] += 1;
            }
        }
        let sorted = |facet: usize| {
            let mut v: Vec<FacetCount> = counts[facet]
                .iter()
                .enumerate()
                .filter(|(_, &count)| count > 0)
                .map(|(n, &count)| FacetCount { value: self.facet_values[facet][n].clone(), count })
                .collect();
            v.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
            v
        };
        Facets { category: sorted(0), region: sorted(1), standard: sorted(2) }
    }
}

/// Collects every matching page into [`Matches`]: per document, how many pages match and the best
/// `per_document` of them.
struct MatchesCollector {
    per_document: usize,
}

/// A page kept for a document's results.
#[derive(Clone, Copy)]
struct BestPage {
    score: Score,
    page: u64,
    addr: DocAddress,
}

impl Default for BestPage {
    fn default() -> Self {
        BestPage { score: 0.0, page: 0, addr: DocAddress::new(0, 0) }
    }
}

/// Whether `a` is shown before `b`: better score, equal scores in page order (whatever the index
/// layout).
fn ahead(a: &BestPage, b: &BestPage) -> bool {
    a.score.total_cmp(&b.score).then(b.page.cmp(&a.page)).is_gt()
}

/// Puts `p` among the best pages in `kept` (its first `filled` best first) if it belongs there.
fn keep_best(kept: &mut [BestPage], filled: usize, p: BestPage) {
    let at = kept[..filled].partition_point(|q| ahead(q, &p));
    if at < kept.len() {
        let end = filled.min(kept.len() - 1);
        kept.copy_within(at..end, at + 1);
        kept[at] = p;
    }
}

/// Per document id: how many pages match and the best `per_document` pages (catalog ids are small
/// and dense, so flat vectors beat a hash map on the hot path). Every page is scored, so a document
/// ranks by its real best page however many pages match.
struct Matches {
    per_document: usize,
    pages: Vec<u32>,
    best: Vec<BestPage>,
}

impl Matches {
    fn new(per_document: usize) -> Matches {
        Matches { per_document, pages: Vec::new(), best: Vec::new() }
    }
    fn grow(&mut self, id: usize) {
        if id >= self.pages.len() {
            self.pages.resize(id + 1, 0);
            self.best.resize((id + 1) * self.per_document, BestPage::default());
        }
    }
    fn kept(&self, id: i64) -> &[BestPage] {
        let n = (self.pages(id) as usize).min(self.per_document);
        let at = id as usize * self.per_document;
        self.best.get(at..at + n).unwrap_or_default()
    }
    fn pages(&self, id: i64) -> u32 {
        usize::try_from(id).ok().and_then(|i| self.pages.get(i)).copied().unwrap_or(0)
    }
    fn best(&self, id: i64) -> f32 {
        self.kept(id).first().map_or(0.0, |p| p.score)
    }
    /// (document id, matching pages) of every document with at least one.
    fn iter(&self) -> impl Iterator<Item = (i64, u32)> + '_ {
        self.pages.iter().enumerate().filter(|(_, &n)| n > 0).map(|(i, &n)| (i as i64, n))
    }
    fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

struct MatchesSegmentCollector {
    doc_id: tantivy::columnar::Column<u64>,
    page: tantivy::columnar::Column<u64>,
    segment: u32,
    matches: Matches,
}

impl Collector for MatchesCollector {
    type Fruit = Matches;
    type Child = MatchesSegmentCollector;

    fn for_segment(&self, ord: u32, segment: &SegmentReader) -> tantivy::Result<MatchesSegmentCollector> {
        let fast = segment.fast_fields();
        Ok(MatchesSegmentCollector { doc_id: fast.u64("doc_id")?, page: fast.u64("page")?, segment: ord, matches: Matches::new(self.per_document) })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Matches>) -> tantivy::Result<Matches> {
        let k = self.per_document;
        let mut all = Matches::new(k);
        for f in fruits {
            for (id, n) in f.iter() {
                let i = id as usize;
                all.grow(i);
                let filled = (all.pages[i] as usize).min(k);
                let mut kept = filled;
                for p in f.kept(id) {
                    keep_best(&mut all.best[i * k..(i + 1) * k], kept, *p);
                    kept = (kept + 1).min(k);
                }
                all.pages[i] += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for MatchesSegmentCollector {
    type Fruit = Matches;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        let Some(id) = self.doc_id.first(doc) else { return };
        let (i, k) = (id as usize, self.matches.per_document);
        let m = &mut self.matches;
        m.grow(i);
        let filled = (m.pages[i] as usize).min(k);
        m.pages[i] += 1;
        let kept = &mut m.best[i * k..(i + 1) * k];
        // Most pages of a document with many matches score below its worst kept page.
        if filled == k && score < kept[k - 1].score {
            return;
        }
        let page = BestPage { score, page: self.page.first(doc).unwrap_or(0), addr: DocAddress::new(self.segment, doc) };
        keep_best(kept, filled, page);
    }

    fn harvest(self) -> Matches {
        self.matches
    }
}

/// Pages kept per document in the pass that ranks documents; asking for more pages per document (a
/// document's whole hit list) takes a second pass restricted to the documents shown.
const FIRST_PASS_PAGES: usize = 3;

/// The best `per_document` pages of each document a query matches (run restricted to the
/// documents shown, when they need more pages than the first pass kept), best first.
struct BestPagesCollector {
    per_document: usize,
}

type BestPages = foldhash::HashMap<i64, Vec<BestPage>>;

struct BestPagesSegmentCollector {
    doc_id: tantivy::columnar::Column<u64>,
    page: tantivy::columnar::Column<u64>,
    segment: u32,
    per_document: usize,
    pages: BestPages,
}

/// Like [`keep_best`], for a list that grows up to `n` pages.
fn keep_best_in(pages: &mut Vec<BestPage>, p: BestPage, n: usize) {
    let filled = pages.len();
    if filled < n {
        pages.push(p); // room for one more
    }
    keep_best(pages, filled, p);
}

impl Collector for BestPagesCollector {
    type Fruit = BestPages;
    type Child = BestPagesSegmentCollector;

    fn for_segment(&self, ord: u32, segment: &SegmentReader) -> tantivy::Result<BestPagesSegmentCollector> {
        let fast = segment.fast_fields();
        Ok(BestPagesSegmentCollector { doc_id: fast.u64("doc_id")?, page: fast.u64("page")?, segment: ord, per_document: self.per_document, pages: BestPages::default() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<BestPages>) -> tantivy::Result<BestPages> {
        let mut all = BestPages::default();
        for f in fruits {
            for (id, pages) in f {
                let kept = all.entry(id).or_default();
                for p in pages {
                    keep_best_in(kept, p, self.per_document);
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for BestPagesSegmentCollector {
    type Fruit = BestPages;

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        if let Some(id) = self.doc_id.first(doc) {
            let page = BestPage { score, page: self.page.first(doc).unwrap_or(0), addr: DocAddress::new(self.segment, doc) };
            keep_best_in(self.pages.entry(id as i64).or_default(), page, self.per_document);
        }
    }

    fn harvest(self) -> BestPages {
        self.pages
    }
}

/// How many dictionary terms a prefix expands to: the most frequent ones (measured: 30 → 5
/// expansions cut a two-letter prefix from 105 to 8.5 ms at 500k pages).
const PREFIX_EXPANSIONS: usize = 8;
/// Pages listed per document at most (a document's whole hit list in the viewer asks for this many).
const MAX_PAGES_PER_DOCUMENT: usize = 1000;

/// Builds tantivy queries from parsed clauses and remembers the terms to highlight.
struct Builder<'a> {
    f: Fields,
    searcher: &'a Searcher,
    fuzzy: bool,
    highlight_plain: BTreeMap<String, Score>,
    highlight_en: BTreeMap<String, Score>,
    highlight_ids: BTreeMap<String, Score>,
}

impl Builder<'_> {
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
        }
        Box::new(BooleanQuery::new(alternatives))
    }

    fn expand_prefix(&self, field: tantivy::schema::Field, prefix: &str, n: usize) -> Vec<String> {
        let mut freq: HashMap<String, u64> = HashMap::new();
        let mut end = prefix.as_bytes().to_vec();
        end.push(0xff);
        for seg in self.searcher.segment_readers() {
            let Ok(inv) = seg.inverted_index(field) else { continue };
            let Ok(mut stream) = inv.terms().range().ge(prefix.as_bytes()).lt(&end).into_stream() else { continue };
            while stream.advance() {
                if let Ok(k) = std::str::from_utf8(stream.key()) {
                    *freq.entry(k.to_string()).or_default() += stream.value().doc_freq as u64;
                }
            }
        }
        let mut terms: Vec<(String, u64)> = freq.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        terms.into_iter().take(n).map(|(t, _)| t).collect()
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

/// The effective filters: request filters plus those typed in the query, canonicalised.
struct Filters {
    categories: Vec<String>,
    regions: Vec<String>,
    standards: Vec<String>,
    title: Vec<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    documents: Vec<i64>,
}

fn filters(req: &SearchRequest, parsed: &ParsedQuery, notices: &mut Vec<String>) -> Filters {
    let v = vocabulary();
    let mut canon = |values: Vec<&String>, kind: &str, f: &dyn Fn(&str) -> Option<String>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for raw in values {
            let c = f(raw).unwrap_or_else(|| {
                notices.push(format!("unknown {kind} {raw:?}"));
                raw.clone()
            });
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    };
    let categories = canon(req.categories.iter().chain(&parsed.filters.categories).collect(), "category", &|s| v.canonical_category(s).map(str::to_string));
    let regions = canon(req.regions.iter().chain(&parsed.filters.regions).collect(), "region", &|s| v.canonical_region(s).map(str::to_string));
    let standards = canon(req.standards.iter().chain(&parsed.filters.standards).collect(), "standard", &|s| {
        // Standards outside the vocabulary are valid when a sidecar declared them.
        Some(v.canonical_standard(s).map(str::to_string).unwrap_or_else(|| s.to_string()))
    });
    Filters { categories, regions, standards, title: parsed.filters.title.clone(), date_from: parsed.filters.date_from.clone(), date_to: parsed.filters.date_to.clone(), documents: req.documents.clone() }
}

impl Filters {
    fn accepts(&self, d: &Document) -> bool {
        let m = &d.metadata;
        let any = |wanted: &[String], have: &[String]| wanted.is_empty() || wanted.iter().any(|w| have.contains(w));
        let cat: Vec<String> = m.category.iter().cloned().collect();
        let date = m.sort_date();
        let title = crate::query::words(m.title.as_deref().unwrap_or(""));
        (self.documents.is_empty() || self.documents.contains(&d.id))
            && any(&self.categories, &cat)
            && any(&self.regions, &m.regions)
            && any(&self.standards, &m.standards)
            && self.title.iter().all(|t| title.contains(t))
            && self.date_from.as_deref().is_none_or(|lo| date.is_some_and(|d| d >= lo))
            && self.date_to.as_deref().is_none_or(|hi| date.is_some_and(|d| d <= hi))
    }

    fn queries(&self, f: &Fields) -> Vec<(Occur, Box<dyn Query>)> {
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, values) in [(f.category, &self.categories), (f.region, &self.regions), (f.standard, &self.standards)] {
            if values.is_empty() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| (Occur::Should, Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) as Box<dyn Query>))
                .collect();
            out.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if !self.documents.is_empty() {
            let ids: Vec<(Occur, Box<dyn Query>)> = self.documents.iter().map(|id| (Occur::Should, Box::new(TermQuery::new(Term::from_field_u64(f.doc_id, *id as u64), IndexRecordOption::Basic)) as Box<dyn Query>)).collect();
            out.push((Occur::Must, Box::new(BooleanQuery::new(ids))));
        }
        for t in &self.title {
            out.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.title, t), IndexRecordOption::Basic))));
        }
        if self.date_from.is_some() || self.date_to.is_some() {
            let bound = |d: &Option<String>| match d.as_deref().and_then(date_days) {
                Some(days) => Bound::Included(Term::from_field_i64(f.date, days)),
                None => Bound::Unbounded,
            };
            out.push((Occur::Must, Box::new(RangeQuery::new(bound(&self.date_from), bound(&self.date_to)))));
        }
        out
    }
}

fn hit_of(d: &Document) -> DocumentHit {
    DocumentHit {
        id: d.id,
        title: d.metadata.title.clone().unwrap_or_else(|| d.path.clone()),
        path: d.path.clone(),
        format: d.format,
        status: d.status,
        category: d.metadata.category.clone(),
        regions: d.metadata.regions.clone(),
        standards: d.metadata.standards.clone(),
        date: d.metadata.sort_date().map(str::to_string),
        issuer: d.metadata.issuer.clone(),
        period_start: d.metadata.period_start.clone(),
        period_end: d.metadata.period_end.clone(),
        valid_until: d.metadata.valid_until.clone(),
        inferred_fields: d.inferred_fields.clone(),
        score: 0.0,
        matching_pages: 0,
        pages: Vec::new(),
    }
}

/// A matched document while it is ranked: references only, so ranking thousands of matches copies
/// nothing; only the page of results shown becomes [`DocumentHit`]s.
struct Candidate<'a> {
    doc: &'a Document,
    score: f32,
    matching_pages: u32,
}

impl Candidate<'_> {
    fn hit(&self) -> DocumentHit {
        DocumentHit { score: self.score, matching_pages: self.matching_pages, ..hit_of(self.doc) }
    }
}

fn title_key(d: &Document) -> String {
    d.metadata.title.as_deref().unwrap_or(&d.path).to_lowercase()
}

/// Orders `candidates` so that the first `shown` are the right ones in the right order (the rest
/// only by relevance is left unordered: thousands of matches, a page of results shown).
fn rank(candidates: &mut [Candidate], sort: Sort, browsing: bool, shown: usize) {
    match sort {
        Sort::Relevance if !browsing => {
            let order = |a: &Candidate, b: &Candidate| b.score.total_cmp(&a.score).then(a.doc.id.cmp(&b.doc.id));
            if shown < candidates.len() {
                candidates.select_nth_unstable_by(shown, order);
            }
            let n = shown.min(candidates.len());
            candidates[..n].sort_unstable_by(order);
        }
        Sort::Date => candidates.sort_by_cached_key(|c| (std::cmp::Reverse(c.doc.metadata.sort_date().map(str::to_string)), title_key(c.doc))),
        _ => candidates.sort_by_cached_key(|c| (title_key(c.doc), c.doc.id)),
    }
}

/// Runs a search on `searcher` (an index with the schema's `fields`).
pub fn search(searcher: &Searcher, f: Fields, table: &DocTable, req: &SearchRequest) -> Result<SearchResponse> {
    let parsed = parse(&req.query, req.as_you_type);
    let mut notices = Vec::new();
    let filters = filters(req, &parsed, &mut notices);
    let limit = req.limit.clamp(1, 500);

    if parsed.is_browse() {
        let matching: Vec<usize> = table.iter().enumerate().filter(|(_, d)| filters.accepts(d)).map(|(i, _)| i).collect();
        let mut candidates: Vec<Candidate> = matching.iter().map(|&i| Candidate { doc: &table.docs[i], score: 0.0, matching_pages: 0 }).collect();
        rank(&mut candidates, req.sort, true, req.offset.saturating_add(limit));
        let total_pages = candidates.iter().map(|c| c.doc.page_count as usize).sum();
        return Ok(SearchResponse {
            query: req.query.clone(),
            total_documents: candidates.len(),
            total_pages,
            facets: table.facets(matching.into_iter()),
            documents: candidates.iter().skip(req.offset).take(limit).map(Candidate::hit).collect(),
            fuzzy: false,
            notices,
        });
    }

    let searcher = searcher.clone();
    let mut fuzzy = false;
    loop {
        let mut b = Builder { f, searcher: &searcher, fuzzy, highlight_plain: BTreeMap::new(), highlight_en: BTreeMap::new(), highlight_ids: BTreeMap::new() };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = parsed.must.iter().map(|g| (Occur::Must, b.group(g))).collect();
        // Title words add to the score of every page of a matching document, never match alone.
        let title_words: Vec<&String> = parsed.must.iter().flatten().filter_map(|c| if let Clause::Word(w) | Clause::WordOrPrefix(w) = c { Some(w) } else { None }).collect();
        for w in title_words {
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(TermQuery::new(Term::from_field_text(f.title, w), IndexRecordOption::WithFreqs)), 0.2))));
        }
        let must_not: Vec<(Occur, Box<dyn Query>)> = parsed.must_not.iter().map(|g| (Occur::MustNot, b.group(g))).collect();
        clauses.extend(must_not);
        clauses.extend(filters.queries(&f));
        let query = BooleanQuery::new(clauses);

        let per_document = req.pages_per_document.clamp(1, MAX_PAGES_PER_DOCUMENT);
        let matches = searcher.search(&query, &MatchesCollector { per_document: per_document.min(FIRST_PASS_PAGES) })?;
        if matches.is_empty() && !fuzzy && parsed.must.iter().flatten().any(|c| matches!(c, Clause::Word(w) | Clause::WordOrPrefix(w) if w.chars().count() >= 5)) {
            fuzzy = true;
            continue;
        }
        if fuzzy && !matches.is_empty() {
            notices.push("no exact matches; showing similar spellings".into());
        }

        let matched: Vec<usize> = matches.iter().filter_map(|(id, _)| table.position(id)).collect();
        let total_pages = matches.iter().map(|(_, n)| n as usize).sum();
        let mut candidates: Vec<Candidate> = matched
            .iter()
            .map(|&i| {
                let d = &table.docs[i];
                let matching_pages = matches.pages(d.id);
                // Many matching pages make a document more about the query than one lucky page.
                Candidate { doc: d, score: matches.best(d.id) * (1.0 + 0.25 * (matching_pages as f32).ln_1p()), matching_pages }
            })
            .collect();
        rank(&mut candidates, req.sort, false, req.offset.saturating_add(limit));
        let total_documents = candidates.len();
        let mut shown: Vec<DocumentHit> = candidates.iter().skip(req.offset).take(limit).map(Candidate::hit).collect();
        let facets = table.facets(matched.into_iter());

        // The best pages of the documents shown: kept by the first pass, or (more pages per document
        // than it keeps) the same query again, restricted to the documents shown.
        let by_doc: BestPages = if per_document <= FIRST_PASS_PAGES || shown.is_empty() {
            shown.iter().map(|h| (h.id, matches.kept(h.id).to_vec())).collect()
        } else {
            let ids: Vec<Term> = shown.iter().map(|h| Term::from_field_u64(f.doc_id, h.id as u64)).collect();
            let only_shown = ConstScoreQuery::new(Box::new(TermSetQuery::new(ids)), 0.0);
            let q = BooleanQuery::new(vec![(Occur::Must, Box::new(query.clone()) as Box<dyn Query>), (Occur::Must, Box::new(only_shown))]);
            searcher.search(&q, &BestPagesCollector { per_document })?
        };

        // Pages shown, with snippets made on the search threads (the cores are idle once the
        // pages are collected; snippets were a third of a search at 500k pages).
        let snippets = Snippets::new(&b);
        let shown_pages: Vec<(usize, BestPage, bool)> = shown
            .iter()
            .enumerate()
            .flat_map(|(i, h)| {
                let english = table.get(h.id).and_then(|d| d.metadata.language.as_deref()).unwrap_or("en") == "en";
                by_doc.get(&h.id).into_iter().flatten().map(move |p| (i, *p, english))
            })
            .collect();
        let page_hits = searcher.index().search_executor().map(
            |(i, p, english)| {
                let stored: TantivyDocument = searcher.doc(p.addr)?;
                let body = stored.get_first(f.body).and_then(|v| v.as_str()).unwrap_or("");
                let (snippet, highlights) = snippets.make(body, english);
                Ok((i, PageHit { page: p.page as u32, score: p.score, snippet, highlights }))
            },
            shown_pages.into_iter(),
        )?;
        for (i, hit) in page_hits {
            shown[i].pages.push(hit);
        }
        return Ok(SearchResponse { query: req.query.clone(), total_documents, total_pages, documents: shown, facets, fuzzy, notices });
    }
}

/// Snippet generators for English pages, other pages and control IDs.
struct Snippets {
    en: SnippetGenerator,
    plain: SnippetGenerator,
    ids: Option<SnippetGenerator>,
}

/// Characters of context in a snippet.
const SNIPPET_CHARS: usize = 220;
/// A snippet whose first hit starts later than this is trimmed to start shortly before it.
const SNIPPET_LEAD_CHARS: usize = 80;

impl Snippets {
    fn new(b: &Builder) -> Snippets {
        let make = |terms: &BTreeMap<String, Score>, name: &str, field| SnippetGenerator::new(terms.clone(), snippet_analyzer(name, terms.keys().map(String::as_str)), field, SNIPPET_CHARS);
        Snippets {
            en: make(&b.highlight_en, ANALYZER_EN, b.f.text_en),
            plain: make(&b.highlight_plain, ANALYZER_PLAIN, b.f.text),
            ids: (!b.highlight_ids.is_empty()).then(|| make(&b.highlight_ids, ANALYZER_IDS, b.f.ids)),
        }
    }

    fn make(&self, text: &str, english: bool) -> (String, Vec<[usize; 2]>) {
        let main = if english { &self.en } else { &self.plain };
        let mut s = main.snippet(text);
        if s.highlighted().is_empty() {
            if let Some(ids) = &self.ids {
                let alt = ids.snippet(text);
                if !alt.highlighted().is_empty() {
                    s = alt;
                }
            }
        }
        if s.fragment().is_empty() {
            let head = crate::text::truncate_chars(text, SNIPPET_CHARS);
            return (head, Vec::new());
        }
        let fragment = s.fragment();
        let to_chars = |byte: usize| fragment[..byte.min(fragment.len())].chars().count();
        let mut highlights: Vec<[usize; 2]> = s.highlighted().iter().map(|r| [to_chars(r.start), to_chars(r.end)]).collect();
        let mut text: Vec<char> = fragment.chars().collect();
        // Keep the first hit near the start, where a three-line preview shows it.
        if let Some(first) = highlights.first().map(|h| h[0]).filter(|&f| f > SNIPPET_LEAD_CHARS) {
            let mut cut = first - SNIPPET_LEAD_CHARS / 2;
            while cut < first && !text[cut - 1].is_whitespace() {
                cut += 1;
            }
            text = std::iter::once('…').chain(text[cut..].iter().copied()).collect();
            for h in &mut highlights {
                h[0] = h[0] + 1 - cut;
                h[1] = h[1] + 1 - cut;
            }
        }
        (text.into_iter().collect(), highlights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analyzer;

    #[test]
    fn best_pages_are_kept_best_first_with_ties_in_page_order() {
        let pages: Vec<BestPage> = [(2.0, 7), (5.0, 3), (2.0, 1), (9.0, 4), (5.0, 2), (1.0, 5), (9.0, 8), (2.0, 6)]
            .iter()
            .map(|&(score, page)| BestPage { score, page, addr: DocAddress::new(0, page as u32) })
            .collect();
        let mut expected = pages.clone();
        expected.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.page.cmp(&b.page)));
        let order = |kept: &[BestPage]| kept.iter().map(|p| p.page).collect::<Vec<_>>();
        for n in [1, 3, 5, 8, 12] {
            let mut grown = Vec::new();
            let mut fixed = vec![BestPage::default(); n];
            for (filled, p) in pages.iter().enumerate() {
                keep_best_in(&mut grown, *p, n);
                keep_best(&mut fixed, filled.min(n), *p);
            }
            let want = order(&expected[..n.min(expected.len())]);
            assert_eq!(order(&grown), want, "growing list, n = {n}");
            assert_eq!(order(&fixed[..n.min(pages.len())]), want, "fixed slots, n = {n}");
        }
    }

    #[test]
    fn id_snippets_highlight_the_id() {
        let text = "FICTIONAL SAMPLE for TrustShelf — Kestrel Cloud. Page 4\n\nSection III — Controls, Tests and Results\n\nCriterion Kestrel Cloud control Auditor's test Result\n\nCC6.1 Production access requires\nSSO and multi-factor\nauthentication.";
        let index = crate::index::PageIndex::in_ram().unwrap();
        let mut terms = BTreeMap::new();
        terms.insert("cc6.1".to_string(), 1.0);
        let g = SnippetGenerator::new(terms, analyzer(ANALYZER_IDS), index.fields.ids, SNIPPET_CHARS);
        let s = g.snippet(text);
        assert!(!s.highlighted().is_empty(), "{:?}", s.fragment());
        let make = || {
            let mut terms = BTreeMap::new();
            terms.insert("cc6.1".to_string(), 1.0);
            SnippetGenerator::new(terms, analyzer(ANALYZER_IDS), index.fields.ids, SNIPPET_CHARS)
        };
        let snippets = Snippets { en: make(), plain: make(), ids: None };
        let (snippet, highlights) = snippets.make(text, true);
        assert!(snippet.starts_with('…') && highlights[0][0] < SNIPPET_LEAD_CHARS, "{snippet:?} {highlights:?}");
        let chars: Vec<char> = snippet.chars().collect();
        assert_eq!(chars[highlights[0][0]..highlights[0][1]].iter().collect::<String>(), "CC6.1");
    }
}
