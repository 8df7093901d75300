//! The query parser and everything a query reaches: tantivy query building, filters, facets and
//! snippets, over a small fixed index. Any panic is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustshelf_core::Catalog;
use trustshelf_core::{Extraction, Format, Page};
use trustshelf_core::{IndexedDocument, PageIndex};
use trustshelf_core::{Metadata, Sidecar};
use trustshelf_core::{DocTable, SearchRequest, Sort};

struct Fixture {
    index: PageIndex,
    table: DocTable,
}

const PAGES: &[&str] = &[
    "Incident response: the duty officer escalates within 24 hours (CC7.3, A.5.24, IR-4(1)).",
    "Přístupová práva se přezkoumávají čtvrtletně. Zásady ochrany osobních údajů — GDPR čl. 33.",
    "Encryption at rest uses AES-256; keys rotate yearly per NIST SP 800-57 and ISO/IEC 27001:2022.",
];

fn fixture() -> Fixture {
    let dir = std::env::temp_dir().join(format!("trustshelf-fuzz-query-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let catalog = Catalog::open_in_memory().unwrap();
    let mut index = PageIndex::open(&dir, &catalog, 0).unwrap();
    for (i, text) in PAGES.iter().enumerate() {
        let hash = format!("{i:064}");
        let pages = vec![Page { number: 1, label: "1".into(), text: text.to_string(), ocr: None }, Page { number: 2, label: "2".into(), text: text.chars().rev().collect(), ocr: None }];
        catalog.put_content(&hash, Format::Text, &Ok(Extraction { pages: pages.clone(), extractor: "text".into(), ..Default::default() })).unwrap();
        let inferred = Metadata { title: Some(format!("Document {i}")), category: Some(["audit-report", "policy", "regional"][i].into()), regions: vec![["EU", "CZ", "US"][i].into()], standards: vec![["SOC 2", "GDPR", "ISO 27001"][i].into()], ..Default::default() };
        let id = catalog.upsert_document(&format!("d{i}.txt"), &hash, 1, 1, None, &Sidecar::default(), &inferred).unwrap();
        let doc = catalog.document(id).unwrap();
        index.put_document(&IndexedDocument { id, metadata: &doc.metadata, path: &doc.path }, &pages).unwrap();
    }
    index.commit(1).unwrap();
    index.reader().reload().unwrap();
    Fixture { table: DocTable::new(catalog.documents().unwrap()), index }
}

thread_local! {
    static FIXTURE: Fixture = fixture();
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else { return };
    let parsed = trustshelf_core::parse_query(query, true);
    let _ = parsed.is_browse();
    FIXTURE.with(|f| {
        let searcher = f.index.reader().searcher();
        for (sort, as_you_type) in [(Sort::Relevance, true), (Sort::Date, false)] {
            let req = SearchRequest { query: query.to_string(), limit: 10, sort, as_you_type, ..Default::default() };
            if let Ok(r) = trustshelf_core::search(&searcher, f.index.fields, &f.table, &req) {
                for d in &r.documents {
                    for p in &d.pages {
                        for &[start, end] in &p.highlights {
                            assert!(start <= end && end <= p.snippet.chars().count(), "highlight outside its snippet");
                        }
                    }
                }
            }
        }
    });
});
