//! Search over the sample library: ranking, facets, phrases, control IDs, diacritics, stemming, filters, dates, sorting and paging.

use std::collections::HashMap;

use trustshelf_core::{Library, SearchRequest};

use crate::util::{worker, search, paths, sample_library, write};

#[test]
fn sample_library_puts_sp800_61_first_for_incident_response() {
    let (_data, lib) = sample_library();
    let r = search(&lib, "incident response");
    let first = &r.documents[0];
    assert_eq!(first.path, "nist/SP800-61rev2.pdf");
    assert!(first.pages.len() >= 3, "best pages: {:?}", first.pages);
    for p in &first.pages {
        assert!(p.page >= 1 && !p.snippet.is_empty() && !p.highlights.is_empty(), "{p:?}");
        let text: Vec<char> = p.snippet.chars().collect();
        let hit: String = text[p.highlights[0][0]..p.highlights[0][1]].iter().collect();
        assert!(hit.to_lowercase().starts_with("incident") || hit.to_lowercase().starts_with("respon"), "highlight {hit:?}");
    }
    // The quoted phrase ranks the same document first.
    assert_eq!(search(&lib, "\"incident response\"").documents[0].path, "nist/SP800-61rev2.pdf");
}

#[test]
fn facet_counts_match_the_documents() {
    let (_data, lib) = sample_library();
    let docs = lib.documents().unwrap();
    let facets = lib.facets().unwrap();
    let mut expected: HashMap<String, usize> = HashMap::new();
    for d in &docs {
        *expected.entry(d.metadata.category.clone().unwrap()).or_default() += 1;
    }
    assert_eq!(facets.category.iter().map(|f| f.count).sum::<usize>(), docs.len());
    for f in &facets.category {
        assert_eq!(expected[&f.value], f.count, "category {}", f.value);
    }
    let count = |v: &[trustshelf_core::FacetCount], k: &str| v.iter().find(|f| f.value == k).map(|f| f.count).unwrap_or(0);
    assert_eq!(count(&facets.category, "audit-report"), 6);
    assert_eq!(count(&facets.category, "regional"), 3);
    assert_eq!(count(&facets.region, "CZ"), docs.iter().filter(|d| d.metadata.regions.iter().any(|r| r == "CZ")).count());
    // Facets follow the query and the filters.
    let r = lib.search(&SearchRequest { query: "incident".into(), standards: vec!["soc2".into()], ..Default::default() }).unwrap();
    assert!(r.total_documents >= 1);
    assert!(r.documents.iter().all(|d| d.standards.iter().any(|s| s == "SOC 2")));
    assert_eq!(count(&r.facets.standard, "SOC 2"), r.total_documents);
    let typed = search(&lib, "incident standard:\"SOC 2\"");
    assert_eq!(typed.total_documents, r.total_documents);
}

#[test]
fn a_phrase_on_exactly_one_page_returns_that_page() {
    let (_data, lib) = sample_library();
    let r = search(&lib, "\"no restore test in Q4 2024\"");
    assert_eq!((r.total_documents, r.total_pages), (1, 1), "{:?}", paths(&r));
    let d = &r.documents[0];
    assert_eq!(d.path, "fictional/kestrel-soc2-type2-2025.pdf");
    let page = lib.page(&d.id.to_string(), d.pages[0].page).unwrap();
    let flat = page.page.text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("no restore test in Q4 2024"));
}

#[test]
fn control_ids_diacritics_and_stemming() {
    let (_data, lib) = sample_library();
    assert!(paths(&search(&lib, "AC-2(1)")).contains(&"fictional/kestrel-customer-responsibility-matrix.xlsx"));
    assert!(!paths(&search(&lib, "AC-2(1)")).contains(&"nist/SP800-61rev2.pdf"), "AC-2(1) must not match every AC/2");
    // The OSCAL component definition: the requirement's own page, its ID written as people write it.
    let oscal = search(&lib, "AC-2(1)");
    let cd = oscal.documents.iter().find(|d| d.path == "fictional/kestrel-component-definition.json").expect("the component definition matches AC-2(1)");
    assert_eq!(cd.category.as_deref(), Some("blueprint"));
    let page = lib.page("fictional/kestrel-component-definition.json", cd.pages[0].page).unwrap().page;
    assert_eq!(page.label, "Kestrel Identity · AC-2(1)");
    assert!(page.text.contains("joiner-mover-leaver"), "{}", page.text);
    assert!(paths(&search(&lib, "A.5.23")).contains(&"fictional/kestrel-iso27001-certificate.pdf"));
    assert!(paths(&search(&lib, "CC6.1")).contains(&"fictional/kestrel-soc2-type2-2026.pdf"));
    assert!(search(&lib, "800-53").total_documents >= 3);
    assert!(paths(&search(&lib, "27001")).contains(&"fictional/kestrel-iso27001-certificate.pdf"));
    // Diacritics either way.
    for q in ["bezpecnostni", "Bezpečnostní", "BEZPECNOSTNI"] {
        assert_eq!(paths(&search(&lib, q)), ["fictional/kestrel-addendum-cz.pdf"], "{q}");
    }
    assert_eq!(paths(&search(&lib, "cyberbezpieczenstwa")), ["fictional/kestrel-addendum-pl.pdf"]);
    assert_eq!(paths(&search(&lib, "securitate")), ["fictional/kestrel-addendum-ro.pdf"]);
    // English stemming: the SOC 2 report only says "exercise"; "exercises" finds it.
    assert!(paths(&search(&lib, "tabletop exercises")).contains(&"fictional/kestrel-soc2-type2-2026.pdf"));
    assert!(search(&lib, "remediated").total_documents >= 1 && search(&lib, "remediation").total_documents >= 1);
    // Typos in longer words still find something; prefixes work.
    let typo = search(&lib, "incidnet");
    // English pages are indexed stemmed ("incident" as "incid"): the typo still finds them.
    assert!(typo.fuzzy && typo.total_documents >= 10, "{} documents", typo.total_documents);
    assert!(paths(&search(&lib, "penetrat*")).contains(&"fictional/kestrel-pentest-summary-2026.pdf"));
    let typing = lib.search(&SearchRequest { query: "kestrel penetr".into(), as_you_type: true, ..Default::default() }).unwrap();
    assert_eq!(typing.documents[0].path, "fictional/kestrel-pentest-summary-2026.pdf");
}

#[test]
fn filters_dates_sorting_and_paging() {
    let (_data, lib) = sample_library();
    let r = search(&lib, "category:audit-report");
    assert_eq!(r.total_documents, 6, "the SOC 1, SOC 2 (three) and SOC 3 reports and the scanned access review: {:?}", paths(&r));
    let r = search(&lib, "region:CZ date:2026");
    assert!(r.documents.iter().all(|d| d.regions.iter().any(|x| x == "CZ") && d.date.as_deref().is_some_and(|x| x.starts_with("2026"))), "{:?}", paths(&r));
    let by_date = lib.search(&SearchRequest { query: "kestrel".into(), sort: trustshelf_core::Sort::Date, limit: 50, ..Default::default() }).unwrap();
    let dates: Vec<_> = by_date.documents.iter().filter_map(|d| d.date.clone()).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    let page1 = lib.search(&SearchRequest { query: "security".into(), limit: 3, ..Default::default() }).unwrap();
    let page2 = lib.search(&SearchRequest { query: "security".into(), limit: 3, offset: 3, ..Default::default() }).unwrap();
    assert_eq!(page1.total_documents, page2.total_documents);
    assert!(page1.documents.iter().all(|d| !page2.documents.iter().any(|e| e.id == d.id)));
    // Page after page gives exactly the order of one long list (only the shown results are sorted).
    let all = lib.search(&SearchRequest { query: "security".into(), limit: 500, ..Default::default() }).unwrap();
    let paged: Vec<i64> = (0..all.total_documents.div_ceil(3))
        .flat_map(|p| lib.search(&SearchRequest { query: "security".into(), limit: 3, offset: p * 3, ..Default::default() }).unwrap().documents)
        .map(|d| d.id)
        .collect();
    assert!(all.total_documents > 6);
    assert_eq!(paged, all.documents.iter().map(|d| d.id).collect::<Vec<_>>());
    // Junk never errors.
    for q in ["\"", "((", "NOT", "-", "title:", "date:nonsense", "***", "a OR", "\u{0}"] {
        lib.search(&SearchRequest { query: q.into(), ..Default::default() }).unwrap();
    }
    assert_eq!(search(&lib, "incident standard:nonexistent").total_documents, 0);
    assert_eq!(search(&lib, "incident region:XX").notices, ["unknown region \"XX\""]);
}

#[test]
fn documents_rank_by_their_best_page_however_many_pages_match() {
    // 1,200 short pages that match strongly, then two documents whose only matching page is weaker
    // than all of them: each still ranks by its own best page, and shows that page.
    let lib_dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let root = lib_dir.path();
    let filler = "The provider keeps records of its systems and reviews them with the customer each year. ".repeat(6);
    write(root, "many-pages.txt", &vec!["Retention retention retention schedule."; 1200].join("\x0c"));
    write(root, "a-weak.txt", &format!("Weak match\n\n{filler} Records follow the retention rule. {filler}"));
    write(root, "b-stronger.txt", &format!("Stronger match\n\n{filler} Retention periods and the retention rule. {filler}"));
    let lib = Library::open(data.path(), worker()).unwrap();
    lib.index(Some(root), &mut |_| {}).unwrap();

    let r = lib.search(&SearchRequest { query: "retention".into(), limit: 10, pages_per_document: Some(3), ..Default::default() }).unwrap();
    assert_eq!(paths(&r), ["many-pages.txt", "b-stronger.txt", "a-weak.txt"]);
    assert_eq!(r.total_pages, 1202);
    assert_eq!(r.documents[0].matching_pages, 1200);
    assert!(r.documents[1].score > r.documents[2].score && r.documents[2].score > 0.0, "{:?}", r.documents.iter().map(|d| d.score).collect::<Vec<_>>());
    for d in &r.documents[1..] {
        assert_eq!(d.pages.len(), 1);
        assert!(d.pages[0].snippet.contains("retention") && !d.pages[0].highlights.is_empty(), "{:?}", d.pages[0]);
    }
    // The first document shows its three best pages, best first, equal scores in page order.
    let shown: Vec<u32> = r.documents[0].pages.iter().map(|p| p.page).collect();
    assert_eq!(shown, [1, 2, 3]);
    // More pages per document than the ranking pass keeps: the same pages, scored the same.
    let r5 = lib.search(&SearchRequest { query: "retention".into(), limit: 10, pages_per_document: Some(5), ..Default::default() }).unwrap();
    assert_eq!(r5.documents[0].pages.iter().map(|p| p.page).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(r5.documents[1].pages[0].page, r.documents[1].pages[0].page);
    assert_eq!(r5.documents[1].pages[0].score, r.documents[1].pages[0].score);
    // Paging past the first document still ranks the rest by their best page.
    let r = lib.search(&SearchRequest { query: "retention".into(), limit: 1, offset: 1, ..Default::default() }).unwrap();
    assert_eq!(paths(&r), ["b-stronger.txt"]);
}
