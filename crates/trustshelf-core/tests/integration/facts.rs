//! The audit report reader on the sample library's fictional SOC 2 reports: every fact with its
//! page and a quote that contains it; declarations override, and what is missing is said.

use trustshelf_core::Source;

use crate::util::sample_library;

#[test]
fn soc2_reports_give_their_facts_with_page_citations() {
    let (_data, lib) = sample_library();
    let f = lib.facts("fictional/kestrel-soc2-type2-2026.pdf").unwrap();
    assert_eq!(f.kind, "soc2-type2");
    let provider = f.provider.as_ref().unwrap();
    assert_eq!((provider.value.as_str(), provider.page), ("Kestrel Cloud s.r.o.", 2));
    assert!(provider.quote.contains("Kestrel Cloud s.r.o."));
    let opinion = f.opinion.as_ref().unwrap();
    assert_eq!((opinion.value.as_str(), opinion.page), ("unqualified", 2));
    assert!(opinion.quote.starts_with("In our opinion, in all material respects"), "{}", opinion.quote);
    // The declared auditor agrees with the signature, so the citation is kept.
    let auditor = f.auditor.as_ref().unwrap();
    assert_eq!((auditor.value.as_str(), auditor.source, auditor.page), ("Fictional Assurance Partners LLP", Source::Extracted, 2));
    assert_eq!(f.issued.as_ref().unwrap().value, "2026-11-06");
    let period = f.period.as_ref().unwrap();
    assert_eq!((period.start.value.as_str(), period.end.value.as_str()), ("2025-10-01", "2026-09-30"));
    assert_eq!(f.trust_services.iter().map(|t| t.value.as_str()).collect::<Vec<_>>(), ["security", "availability", "confidentiality"]);
    assert_eq!(f.exceptions.iter().map(|e| e.control.as_str()).collect::<Vec<_>>(), ["CC6.2", "CC6.3"]);
    assert!(f.exceptions.iter().all(|e| e.page == 5 && e.quote.starts_with("Exception:") && e.response.is_some()));
    assert!(f.exceptions[0].response.as_deref().unwrap().starts_with("the approvals were given verbally"), "{:?}", f.exceptions[0].response);
    assert_eq!(f.cuecs.len(), 4);
    assert!(f.cuecs.iter().all(|c| c.page == 7 && c.text.starts_with("Customers")));
    assert_eq!(f.subservice.len(), 1);
    assert_eq!((f.subservice[0].name.as_str(), f.subservice[0].method.as_str()), ("Fictional Hosting GmbH", "carve-out"));
    assert!(f.not_found.is_empty(), "{:?}", f.not_found);
    // Each extracted value stands in its page's text.
    let pages = lib.pages(f.document).unwrap();
    let text = |n: u32| pages.iter().find(|p| p.number == n).unwrap().text.split_whitespace().collect::<Vec<_>>().join(" ");
    for fact in [provider, opinion, auditor] {
        assert!(text(fact.page).contains(&fact.quote.split_whitespace().collect::<Vec<_>>().join(" ")), "{fact:?}");
    }

    let older = lib.facts("fictional/kestrel-soc2-type2-2025.pdf").unwrap();
    assert_eq!(older.opinion.as_ref().unwrap().value, "qualified");
    assert!(older.opinion.as_ref().unwrap().quote.contains("except for"));
    assert_eq!(older.exceptions.iter().map(|e| e.control.as_str()).collect::<Vec<_>>(), ["A1.3"]);
    // No signature after the opinion: the declared auditor, and the gap said.
    assert_eq!(older.auditor.as_ref().unwrap().source, Source::Declared);
    assert!(older.not_found.iter().any(|n| n.starts_with("auditor")), "{:?}", older.not_found);

    // A certificate: its number, standard and version, holder, body, dates and status on a day.
    let doc = lib.document("fictional/kestrel-iso27001-certificate.pdf").unwrap();
    let pages = lib.pages(doc.id).unwrap();
    let day = |d: &str| time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE).unwrap();
    let cert = trustshelf_core::read_facts_on(&doc, &pages, day("2026-12-01"));
    assert_eq!(cert.kind, "certificate");
    let c = cert.certificate.as_ref().unwrap();
    let v = |f: &Option<trustshelf_core::Fact>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
    assert_eq!((v(&c.number), v(&c.standard), v(&c.version)), ("FC-ISMS-204117".into(), "ISO/IEC 27001".into(), "2022".into()));
    assert_eq!((v(&c.holder), v(&c.body)), ("Kestrel Cloud s.r.o.".into(), "Fictional Certification Ltd".into()));
    assert_eq!((v(&c.first_issued), v(&c.issued), v(&c.valid_until), v(&c.soa)), ("2021-03-15".into(), "2024-03-15".into(), "2027-03-14".into(), "4.2".into()));
    assert_eq!(c.status, "valid");
    assert_eq!(trustshelf_core::read_facts_on(&doc, &pages, day("2027-02-01")).certificate.unwrap().status, "expires within 90 days");
    assert_eq!(trustshelf_core::read_facts_on(&doc, &pages, day("2027-03-15")).certificate.unwrap().status, "expired");

    // A bridge letter: the provider that writes it, the report it bridges, its own period, the signer.
    let bridge = lib.facts("fictional/kestrel-bridge-letter-2026q4.pdf").unwrap();
    assert_eq!(bridge.kind, "bridge-letter");
    assert_eq!(v(&bridge.provider), "Kestrel Cloud s.r.o.");
    let b = bridge.bridge.as_ref().unwrap();
    assert_eq!(v(&b.report_period_end), "2026-09-30");
    let bridged = b.bridged.as_ref().unwrap();
    assert_eq!((bridged.start.value.as_str(), bridged.end.value.as_str()), ("2026-10-01", "2026-12-31"));
    assert!(v(&b.signed_by).contains("Jana Dvořáková, Chief Executive Officer"));
    assert_eq!(b.statements.len(), 3);

    // Not an audit report: nothing made up.
    let guide = lib.facts("nist/SP800-61rev2.pdf").unwrap();
    assert_eq!(guide.kind, "other");
    assert!(guide.opinion.is_none() && guide.exceptions.is_empty() && guide.provider.is_none());
}
