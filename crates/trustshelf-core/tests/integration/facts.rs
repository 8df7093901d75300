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

/// The labelled audit documents of the sample library: what each fact should be ("-": not there).
/// Prints the accuracy per fact type; every fact must be right (these are the documents the
/// readers were written against; the unseen set is measured separately).
const LABELS: &[(&str, &[(&str, &str)])] = &[
    ("fictional/kestrel-soc2-type2-2026.pdf", &[("kind", "soc2-type2"), ("provider", "Kestrel Cloud s.r.o."), ("auditor", "Fictional Assurance Partners LLP"), ("issued", "2026-11-06"), ("period", "2025-10-01/2026-09-30"), ("as_of", "-"), ("opinion", "unqualified"), ("trust_services", "security,availability,confidentiality"), ("exceptions", "CC6.2,CC6.3"), ("cuecs", "4"), ("subservice", "Fictional Hosting GmbH:carve-out")]),
    ("fictional/kestrel-soc2-type2-2025.pdf", &[("kind", "soc2-type2"), ("provider", "Kestrel Cloud"), ("period", "2024-10-01/2025-06-30"), ("as_of", "-"), ("opinion", "qualified"), ("trust_services", "security,availability"), ("exceptions", "A1.3")]),
    ("fictional/harbor-ledger-soc1-type2-2026.pdf", &[("kind", "soc1-type2"), ("provider", "Harbor Ledger, Inc."), ("auditor", "Northgate & Co. LLP"), ("issued", "2026-08-14"), ("period", "2026-01-01/2026-06-30"), ("as_of", "-"), ("opinion", "qualified"), ("exceptions", "Control Objective 1"), ("control_objectives", "4"), ("cuecs", "3"), ("subservice", "Pinecrest Data Centers LLC:inclusive")]),
    ("fictional/kestrel-soc2-type1-2024.pdf", &[("kind", "soc2-type1"), ("provider", "Kestrel Cloud s.r.o."), ("auditor", "Fictional Assurance Partners LLP"), ("issued", "2024-08-02"), ("period", "-"), ("as_of", "2024-06-30"), ("opinion", "unqualified"), ("trust_services", "security"), ("exceptions", "")]),
    ("fictional/kestrel-soc3-2026.pdf", &[("kind", "soc3"), ("provider", "Kestrel Cloud s.r.o."), ("period", "2025-10-01/2026-09-30"), ("opinion", "unqualified"), ("trust_services", "security,availability,confidentiality")]),
    ("fictional/kestrel-iso27001-certificate.pdf", &[("kind", "certificate"), ("provider", "Kestrel Cloud s.r.o."), ("auditor", "Fictional Certification Ltd"), ("certificate.number", "FC-ISMS-204117"), ("certificate.standard", "ISO/IEC 27001:2022"), ("certificate.valid_until", "2027-03-14")]),
    ("fictional/kestrel-certyfikat-iso27001-pl-2021.pdf", &[("kind", "certificate"), ("provider", "Kestrel Cloud Polska Sp. z o.o."), ("certificate.number", "PL-ISMS-0772/2021"), ("certificate.standard", "ISO/IEC 27001:2013"), ("certificate.valid_until", "2024-10-31"), ("certificate.status", "expired")]),
    ("fictional/kestrel-certifikat-iso27701-cz-2024.pdf", &[("kind", "certificate"), ("provider", "Kestrel Cloud s.r.o."), ("certificate.number", "CZ-PIMS-1187"), ("certificate.standard", "ISO/IEC 27701:2019"), ("certificate.valid_until", "2027-06-30"), ("certificate.status", "valid")]),
    ("fictional/kestrel-bridge-letter-2026q4.pdf", &[("kind", "bridge-letter"), ("provider", "Kestrel Cloud s.r.o."), ("period", "2026-10-01/2026-12-31"), ("bridge.report_period_end", "2026-09-30")]),
    ("fictional/kestrel-pentest-summary-2026.pdf", &[("kind", "pen-test"), ("auditor", "Fictional Offensive Security s.r.o."), ("period", "2026-05-04/2026-05-22"), ("findings", "high:remediated,medium:remediated,medium:remediated,low:risk accepted,informational:open")]),
];

fn actual(f: &trustshelf_core::Facts, field: &str) -> String {
    let v = |x: &Option<trustshelf_core::Fact>| x.as_ref().map_or("-".to_string(), |f| f.value.clone());
    let c = f.certificate.as_ref();
    match field {
        "kind" => f.kind.clone(),
        "provider" => v(&f.provider),
        "auditor" => v(&f.auditor),
        "issued" => v(&f.issued),
        "period" => f.period.as_ref().map_or("-".into(), |p| format!("{}/{}", p.start.value, p.end.value)),
        "as_of" => v(&f.as_of),
        "opinion" => v(&f.opinion),
        "trust_services" => f.trust_services.iter().map(|t| t.value.as_str()).collect::<Vec<_>>().join(","),
        "exceptions" => f.exceptions.iter().map(|e| e.control.as_str()).collect::<Vec<_>>().join(","),
        "cuecs" => f.cuecs.len().to_string(),
        "control_objectives" => f.control_objectives.len().to_string(),
        "subservice" => f.subservice.iter().map(|s| format!("{}:{}", s.name, s.method)).collect::<Vec<_>>().join(","),
        "certificate.number" => c.map_or("-".into(), |c| v(&c.number)),
        "certificate.standard" => c.map_or("-".into(), |c| format!("{}:{}", v(&c.standard), v(&c.version))),
        "certificate.valid_until" => c.map_or("-".into(), |c| v(&c.valid_until)),
        "certificate.status" => c.map_or("-".into(), |c| c.status.clone()),
        "bridge.report_period_end" => f.bridge.as_ref().map_or("-".into(), |b| v(&b.report_period_end)),
        "findings" => f.findings.iter().map(|x| format!("{}:{}", x.severity, x.status)).collect::<Vec<_>>().join(","),
        other => panic!("no field {other}"),
    }
}

#[test]
fn the_labelled_audit_documents_read_right_fact_by_fact() {
    let (_data, lib) = sample_library();
    let mut tally: std::collections::BTreeMap<&str, (usize, usize)> = std::collections::BTreeMap::new();
    let mut wrong = Vec::new();
    for (path, labels) in LABELS {
        let f = lib.facts(path).unwrap();
        for (field, expected) in *labels {
            let got = actual(&f, field);
            let entry = tally.entry(field).or_default();
            entry.1 += 1;
            if got == *expected {
                entry.0 += 1;
            } else {
                wrong.push(format!("{path} {field}: expected {expected:?}, read {got:?}"));
            }
        }
        // Every extracted scalar is traceable: its quote is on its page.
        let pages = lib.pages(f.document).unwrap();
        let on_page = |fact: &trustshelf_core::Fact| {
            let text = pages.iter().find(|p| p.number == fact.page).map(|p| p.text.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
            text.contains(&fact.quote.split_whitespace().collect::<Vec<_>>().join(" "))
        };
        for fact in [&f.provider, &f.auditor, &f.issued, &f.opinion, &f.as_of].into_iter().flatten().filter(|f| f.source == Source::Extracted) {
            assert!(on_page(fact), "{path}: {fact:?} is not on its page");
        }
    }
    eprintln!("fact accuracy on the {} labelled sample audit documents:", LABELS.len());
    for (field, (right, all)) in &tally {
        eprintln!("  {field:<26} {right}/{all}");
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
