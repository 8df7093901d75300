//! Filters: the category / region / standard / document filters of a request and those typed in the
//! query (`standard:soc2`, `date:2025`, `title:policy`), canonicalised through the vocabulary, as
//! tantivy clauses for searches and as a predicate for browsing.

use std::ops::Bound;

use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::catalog::Document;
use crate::index::{date_days, Fields};
use crate::query::ParsedQuery;
use crate::vocab::vocabulary;

use super::SearchRequest;

/// The effective filters: request filters plus those typed in the query, canonicalised.
pub(super) struct Filters {
    categories: Vec<String>,
    regions: Vec<String>,
    standards: Vec<String>,
    title: Vec<String>,
    date_from: Option<String>,
    date_to: Option<String>,
    documents: Vec<i64>,
}

pub(super) fn filters(req: &SearchRequest, parsed: &ParsedQuery, notices: &mut Vec<String>) -> Filters {
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
    pub(super) fn accepts(&self, d: &Document) -> bool {
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

    pub(super) fn queries(&self, f: &Fields) -> Vec<(Occur, Box<dyn Query>)> {
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
