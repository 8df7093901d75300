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
//!
//! The parts: [`build`] turns parsed clauses into tantivy queries, [`filters`] adds the filters,
//! [`collect`] gathers matching pages per document, [`table`] counts facets, [`snippets`] makes the
//! passages shown and the viewer's highlights.

mod build;
mod collect;
mod filters;
mod snippets;
mod table;

use serde::{Deserialize, Serialize};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermSetQuery};
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument, Term};

use crate::catalog::{Document, Status};
use crate::error::Result;
use crate::extract::Format;
use crate::index::Fields;
use crate::query::{parse, Clause};

use build::Builder;
use collect::{BestPages, BestPagesCollector, MatchesCollector, FIRST_PASS_PAGES};
use filters::filters;
use snippets::Snippets;
pub use table::DocTable;

/// How to order documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
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
    /// Best pages to return per document; `None`: every matching page (at most
    /// [`MAX_PAGES_PER_DOCUMENT`]), as the viewer's hit list asks.
    pub pages_per_document: Option<usize>,
    /// Treat the last word as a prefix too (search-as-you-type).
    pub as_you_type: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest { query: String::new(), categories: vec![], regions: vec![], standards: vec![], documents: vec![], sort: Sort::Relevance, offset: 0, limit: 20, pages_per_document: Some(3), as_you_type: false }
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
    /// The terms searched for, as the index analysed them: what to highlight in the pages shown.
    pub terms: HighlightTerms,
}

/// The terms a search looked up, by the analysis that produced them, for highlighting them in any
/// text with [`highlight`]: the viewer marks them on the page it shows without knowing how the
/// query was read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct HighlightTerms {
    /// Folded, unstemmed words (and prefix expansions) as in the `text` field.
    pub plain: Vec<String>,
    /// English stems (and prefix expansions) as in the `text_en` field.
    pub english: Vec<String>,
    /// Control IDs, lower case, as in the `ids` field.
    pub ids: Vec<String>,
}

/// Pages listed per document at most (a document's whole hit list in the viewer asks for this many).
pub const MAX_PAGES_PER_DOCUMENT: usize = 1000;

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
        return Ok(browse(table, &filters, req, limit, notices));
    }
    let per_document = req.pages_per_document.unwrap_or(MAX_PAGES_PER_DOCUMENT).clamp(1, MAX_PAGES_PER_DOCUMENT);
    let first_pass = MatchesCollector { per_document: per_document.min(FIRST_PASS_PAGES) };

    let mut b = Builder::new(f, searcher, false);
    let mut query = b.query(&parsed, &filters);
    let mut matches = searcher.search(&query, &first_pass)?;
    // No page matches exactly: similar spellings of the longer words are searched instead.
    let fuzzy = matches.is_empty() && parsed.must.iter().flatten().any(|c| matches!(c, Clause::Word(w) | Clause::WordOrPrefix(w) if w.chars().count() >= 5));
    if fuzzy {
        b = Builder::new(f, searcher, true);
        query = b.query(&parsed, &filters);
        matches = searcher.search(&query, &first_pass)?;
        if !matches.is_empty() {
            notices.push("no exact matches; showing similar spellings".into());
        }
    }

    let matched: Vec<usize> = matches.iter().filter_map(|(id, _)| table.position(id)).collect();
    let total_pages = matches.iter().map(|(_, n)| n as usize).sum();
    let mut candidates: Vec<Candidate> = matched
        .iter()
        .map(|&i| {
            let d = table.at(i);
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
    let terms = b.terms();
    let snippets = Snippets::new(&b);
    let shown_pages: Vec<(usize, collect::BestPage, bool)> = shown
        .iter()
        .enumerate()
        .flat_map(|(i, h)| {
            let english = table.get(h.id).is_some_and(is_english);
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
    Ok(SearchResponse { query: req.query.clone(), total_documents, total_pages, documents: shown, facets, fuzzy, notices, terms })
}

/// Whether a document's pages are analysed as English (stemmed): its declared or inferred language,
/// English when unknown.
fn is_english(d: &Document) -> bool {
    d.metadata.language.as_deref().unwrap_or("en") == "en"
}

/// No query words, only filters: the matching documents, in title or date order.
fn browse(table: &DocTable, filters: &filters::Filters, req: &SearchRequest, limit: usize, notices: Vec<String>) -> SearchResponse {
    let matching: Vec<usize> = table.iter().enumerate().filter(|(_, d)| filters.accepts(d)).map(|(i, _)| i).collect();
    let mut candidates: Vec<Candidate> = matching.iter().map(|&i| Candidate { doc: table.at(i), score: 0.0, matching_pages: 0 }).collect();
    rank(&mut candidates, req.sort, true, req.offset.saturating_add(limit));
    let total_pages = candidates.iter().map(|c| c.doc.page_count as usize).sum();
    SearchResponse {
        query: req.query.clone(),
        total_documents: candidates.len(),
        total_pages,
        facets: table.facets(matching.into_iter()),
        documents: candidates.iter().skip(req.offset).take(limit).map(Candidate::hit).collect(),
        fuzzy: false,
        notices,
        terms: HighlightTerms::default(),
    }
}

/// Texts of one document to mark the searched terms in (the viewer's page).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct HighlightRequest {
    /// The document the texts come from: its language decides the analysis.
    pub document: i64,
    /// The terms of the search (its response's `terms`).
    pub terms: HighlightTerms,
    /// The texts: a PDF page's text-layer runs, or a section's text.
    pub texts: Vec<String>,
}

/// The ranges of `terms` in each of `texts` (a PDF page's text-layer runs, a text section), as
/// `[start, end)` offsets in Unicode characters; `english` picks the stemmed analysis.
pub fn highlight(terms: &HighlightTerms, texts: &[String], english: bool) -> Vec<Vec<[usize; 2]>> {
    snippets::highlight(terms, texts, english)
}

/// [`highlight`] for a request: English analysis when the document is English.
pub fn highlight_in(table: &DocTable, req: &HighlightRequest) -> Vec<Vec<[usize; 2]>> {
    let english = table.get(req.document).is_none_or(is_english);
    highlight(&req.terms, &req.texts, english)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Page;
    use crate::index::{IndexedDocument, PageIndex};
    use crate::metadata::Metadata;

    /// A document of the table: id, title, category, regions, standards, end of coverage.
    fn document(id: i64, title: &str, category: &str, regions: &[&str], standards: &[&str], period_end: &str, pages: u32) -> Document {
        Document {
            id,
            path: format!("{title}.pdf"),
            hash: format!("{id:064}"),
            size: 1,
            format: Format::Pdf,
            status: Status::Indexed,
            reason: None,
            extractor: None,
            page_count: pages,
            failed_pages: vec![],
            metadata: Metadata {
                title: Some(title.into()),
                category: Some(category.into()),
                regions: regions.iter().map(|r| r.to_string()).collect(),
                standards: standards.iter().map(|s| s.to_string()).collect(),
                period_end: Some(period_end.into()),
                ..Default::default()
            },
            inferred_fields: vec![],
            sidecar_errors: vec![],
        }
    }

    /// Four documents in an in-RAM index: two SOC 2 reports, a pen test with a control ID, and a
    /// Czech addendum.
    fn library() -> (PageIndex, DocTable) {
        let docs = vec![
            document(1, "Kestrel SOC 2 2025", "audit-report", &["EU"], &["SOC 2"], "2025-09-30", 3),
            document(2, "Kestrel SOC 2 2026", "audit-report", &["EU", "US"], &["SOC 2"], "2026-09-30", 2),
            document(3, "Harbor pen test", "pen-test", &["US"], &[], "2026-03-31", 2),
            document(4, "Kestrel CZ addendum", "regional", &["CZ"], &[], "2024-12-31", 1),
        ];
        let texts: [&[&str]; 4] = [
            &["Encryption of data at rest.", "Incident response plan tested quarterly.", "Continuity and continuous monitoring."],
            &["Incident response runbooks; incident response exercises.", "Encryption keys rotate."],
            &["Finding CC6.1: weak authentication on the admin portal.", "Retest passed."],
            &["Bezpečnostní opatření a šifrování dat."],
        ];
        let mut index = PageIndex::in_ram().unwrap();
        for (d, pages) in docs.iter().zip(texts) {
            let pages: Vec<Page> = pages.iter().enumerate().map(|(i, t)| Page { number: i as u32 + 1, label: format!("p. {}", i + 1), text: t.to_string(), ocr: None }).collect();
            index.put_document(&IndexedDocument { id: d.id, metadata: &d.metadata, path: &d.path }, &pages).unwrap();
        }
        index.commit(1).unwrap();
        index.reader().reload().unwrap();
        (index, DocTable::new(docs))
    }

    fn run(index: &PageIndex, table: &DocTable, req: SearchRequest) -> SearchResponse {
        search(&index.reader().searcher(), index.fields, table, &req).unwrap()
    }

    fn ids(r: &SearchResponse) -> Vec<i64> {
        r.documents.iter().map(|d| d.id).collect()
    }

    #[test]
    fn words_find_their_pages_with_snippets_and_terms_to_highlight() {
        let (index, table) = library();
        let r = run(&index, &table, SearchRequest { query: "incident response".into(), ..Default::default() });
        assert_eq!(ids(&r), [2, 1], "the document with two matching pages first");
        assert_eq!((r.total_documents, r.total_pages), (2, 2));
        assert_eq!(r.documents[1].pages[0].page, 2);
        let hit = &r.documents[0].pages[0];
        let marked: Vec<String> = hit.highlights.iter().map(|h| hit.snippet.chars().skip(h[0]).take(h[1] - h[0]).collect()).collect();
        assert!(marked.iter().all(|m| m.eq_ignore_ascii_case("incident") || m.eq_ignore_ascii_case("response")), "{marked:?}");
        assert!(r.terms.english.contains(&"incid".to_string()) && r.terms.plain.contains(&"incident".to_string()), "{:?}", r.terms);
        assert!(!r.fuzzy);
    }

    #[test]
    fn the_last_word_is_a_prefix_while_typing_and_a_star_makes_one() {
        let (index, table) = library();
        let typing = run(&index, &table, SearchRequest { query: "contin".into(), as_you_type: true, ..Default::default() });
        assert_eq!(ids(&typing), [1]);
        assert!(typing.terms.plain.iter().any(|t| t.starts_with("contin")), "{:?}", typing.terms);
        assert!(!typing.fuzzy);
        // Not typing, the word is a word: no page has it, so only similar spellings match.
        assert!(run(&index, &table, SearchRequest { query: "contin".into(), ..Default::default() }).fuzzy);
        assert_eq!(ids(&run(&index, &table, SearchRequest { query: "encrypt*".into(), ..Default::default() })).len(), 2);
    }

    #[test]
    fn a_misspelt_longer_word_falls_back_to_similar_spellings() {
        let (index, table) = library();
        let r = run(&index, &table, SearchRequest { query: "encyrption".into(), ..Default::default() });
        assert!(r.fuzzy);
        assert_eq!(r.documents.len(), 2);
        assert_eq!(r.notices, ["no exact matches; showing similar spellings"]);
        // Short words are not guessed at.
        let short = run(&index, &table, SearchRequest { query: "kyes".into(), ..Default::default() });
        assert!(!short.fuzzy && short.documents.is_empty());
    }

    #[test]
    fn control_ids_and_folded_diacritics() {
        let (index, table) = library();
        let r = run(&index, &table, SearchRequest { query: "CC6.1".into(), ..Default::default() });
        assert_eq!(ids(&r), [3]);
        assert_eq!(r.terms.ids, ["cc6.1"]);
        assert_eq!(ids(&run(&index, &table, SearchRequest { query: "bezpecnostni".into(), ..Default::default() })), [4]);
    }

    #[test]
    fn filters_from_the_request_and_the_query_count_facets_over_what_matches() {
        let (index, table) = library();
        let r = run(&index, &table, SearchRequest { query: "encryption".into(), regions: vec!["us".into()], ..Default::default() });
        assert_eq!(ids(&r), [2]);
        assert_eq!(r.facets.category, [FacetCount { value: "audit-report".into(), count: 1 }]);
        let typed = run(&index, &table, SearchRequest { query: "encryption standard:soc2 date:2025".into(), ..Default::default() });
        assert_eq!(ids(&typed), [1]);
        let unknown = run(&index, &table, SearchRequest { query: "encryption".into(), regions: vec!["XX".into()], ..Default::default() });
        assert!(unknown.documents.is_empty());
        assert_eq!(unknown.notices, ["unknown region \"XX\""]);
        let only = run(&index, &table, SearchRequest { query: "encryption".into(), documents: vec![1], ..Default::default() });
        assert_eq!(ids(&only), [1]);
    }

    #[test]
    fn browsing_pages_and_sorts_documents() {
        let (index, table) = library();
        let all = run(&index, &table, SearchRequest::default());
        assert_eq!(all.total_documents, 4);
        assert_eq!(all.total_pages, 8);
        assert_eq!(all.documents[0].title, "Harbor pen test", "browsing is in title order");
        assert_eq!(all.facets.region.iter().find(|f| f.value == "EU").map(|f| f.count), Some(2));
        let by_date = run(&index, &table, SearchRequest { sort: Sort::Date, ..Default::default() });
        assert_eq!(ids(&by_date), [2, 3, 1, 4]);
        let page = |offset| ids(&run(&index, &table, SearchRequest { sort: Sort::Date, offset, limit: 2, ..Default::default() }));
        assert_eq!([page(0), page(2)].concat(), ids(&by_date));
        assert!(page(4).is_empty());
    }

    #[test]
    fn every_matching_page_when_asked_for_all_of_them() {
        let (index, table) = library();
        let req = |pages| SearchRequest { query: "encryption OR incident OR continuity".into(), documents: vec![1], pages_per_document: pages, ..Default::default() };
        let one = run(&index, &table, req(Some(1)));
        assert_eq!(one.documents[0].pages.len(), 1);
        assert_eq!(one.documents[0].matching_pages, 3);
        let all = run(&index, &table, req(None));
        let mut pages: Vec<u32> = all.documents[0].pages.iter().map(|p| p.page).collect();
        pages.sort();
        assert_eq!(pages, [1, 2, 3]);
    }

    #[test]
    fn highlight_in_uses_the_documents_language() {
        let (_, table) = library();
        let terms = HighlightTerms { plain: vec!["tested".into()], english: vec!["test".into()], ids: vec![] };
        let req = HighlightRequest { document: 1, terms, texts: vec!["Tests tested testing".into()] };
        assert_eq!(highlight_in(&table, &req), [vec![[0, 5], [6, 12], [13, 20]]]);
    }
}
