//! Certificates (ISO/IEC 27001, 27017, 27018, 27701, 22301, 9001, CSA STAR, C5, PCI DSS AOC): the
//! number, the standard and its version, the holder, the certification body, the scope, the
//! first-issue, issue and expiry dates, the Statement of Applicability's version, and the status
//! today. Labelled values are read as certificates print them: "Label: value", or the label on a
//! line and its value on the next (a two-column table), in the product's languages.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::dates::find;
use super::{re, sentence_at, window, Fact, Facts};
use crate::extract::Page;

/// A certificate's facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Certificate {
    /// The certificate's number.
    pub number: Option<Fact>,
    /// The standard certified ("ISO/IEC 27001").
    pub standard: Option<Fact>,
    /// Its version ("2022").
    pub version: Option<Fact>,
    /// The organisation certified.
    pub holder: Option<Fact>,
    /// The certification body.
    pub body: Option<Fact>,
    /// The scope of certification.
    pub scope: Option<Fact>,
    /// The first (initial) certification date.
    pub first_issued: Option<Fact>,
    /// This certificate's issue date.
    pub issued: Option<Fact>,
    /// The expiry date.
    pub valid_until: Option<Fact>,
    /// The Statement of Applicability's version, when named.
    pub soa: Option<Fact>,
    /// "valid", "expires within 90 days", "expired" or "unknown" (no expiry date), as of `today`.
    pub status: String,
}

/// The certified standard: ISO management-system standards with their version year, CSA STAR,
/// BSI C5, PCI DSS.
const STANDARD: &str = r"(?i)\b(ISO/IEC\s+(?:27001|27017|27018|27701|22301|20000-1|27002)|ISO\s+(?:9001|22301|14001|27001))(?::\s?(\d{4}))?|\b(CSA\s+STAR)\b|\b(C5)\b:?(\d{4})?|\b(PCI\s+DSS)\b(?:\s+v?(\d(?:\.\d)?))?";

/// True when the document is a certificate: its title or first page says so and names a standard.
pub(super) fn is_certificate(title: &str, pages: &[Page]) -> bool {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| re(r"(?i)\bcertificate\b|\bcertificat\b|\bcertificato\b|\bcertificado\b|\bcertifikát|\bcertyfikat|\bzertifikat|attestation of compliance"));
    static STD: OnceLock<Regex> = OnceLock::new();
    let standard = STD.get_or_init(|| re(STANDARD));
    let first = pages.iter().take(2).map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    (word.is_match(title) && standard.is_match(title)) || (word.is_match(&first.chars().take(1500).collect::<String>()) && standard.is_match(&first) && !first.to_lowercase().contains("service auditor"))
}

/// The labels of each field, in English, Czech, Polish, Romanian, German, French, Spanish, Italian.
const NUMBER: &[&str] = &["certificate number", "certificate no", "certificate no.", "registration number", "číslo certifikátu", "numer certyfikatu", "număr certificat", "zertifikat-nr", "zertifikatsnummer", "certificat n°", "n° de certificat", "número de certificado", "numero certificato"];
const BODY: &[&str] = &["certification body", "certifying body", "issued by", "certifikační orgán", "jednostka certyfikująca", "organism de certificare", "zertifizierungsstelle", "organisme de certification", "organismo de certificación"];
const FIRST: &[&str] = &["initial certification date", "original certification date", "first issued", "first issue date", "date of initial certification", "datum první certifikace", "data pierwszej certyfikacji", "erstzertifizierung"];
const ISSUED: &[&str] = &["issue date", "date of issue", "issued on", "certificate date", "datum vydání", "data wydania", "data emiterii", "ausstellungsdatum", "date d'émission", "fecha de emisión"];
const EXPIRY: &[&str] = &["expiry date", "expiration date", "valid until", "valid to", "valid through", "expires", "platný do", "platnost do", "ważny do", "data ważności", "valabil până la", "gültig bis", "valable jusqu'au", "válido hasta", "valido fino al", "geldig tot"];
const HOLDER: &[&str] = &["certificate holder", "holder", "organisation", "organization", "držitel", "posiadacz", "titular", "inhaber", "titulaire"];

/// Fills `facts` from a certificate's pages; `today` decides the status.
pub(super) fn read(pages: &[Page], month_first: bool, today: time::Date, facts: &mut Facts) {
    let front = &pages[..pages.len().min(4)];
    let label = |labels: &[&str]| labelled(front, labels);
    let date_of = |labels: &[&str]| {
        let (value, page, quote) = label(labels)?;
        let d = find(&value, month_first).into_iter().next()?;
        Some(Fact::extracted(d.date.to_string(), page, &quote))
    };
    let text_of = |labels: &[&str]| label(labels).map(|(value, page, quote)| Fact::extracted(value, page, &quote));
    let mut c = Certificate {
        number: text_of(NUMBER),
        standard: None,
        version: None,
        holder: text_of(HOLDER).or_else(|| certified(front)),
        body: text_of(BODY),
        scope: scope(front),
        first_issued: date_of(FIRST),
        issued: date_of(ISSUED),
        valid_until: date_of(EXPIRY),
        soa: None,
        status: "unknown".into(),
    };
    // The certified standard: the one it "conforms to" (or the first one the certificate names).
    static STD: OnceLock<Regex> = OnceLock::new();
    let standard = STD.get_or_init(|| re(STANDARD));
    static CONFORMS: OnceLock<Regex> = OnceLock::new();
    let conforms = CONFORMS.get_or_init(|| re(r"(?i)(?:conform(?:s|ing)? to|requirements of|in accordance with|complies with|standard)\b"));
    'found: for p in front {
        for m in conforms.find_iter(&p.text) {
            if let Some(s) = standard.captures(window(&p.text, m.end(), 80)) {
                set_standard(&s, p, &mut c);
                break 'found;
            }
        }
    }
    if c.standard.is_none() {
        if let Some((s, p)) = front.iter().find_map(|p| standard.captures(&p.text).map(|s| (s, p))) {
            set_standard(&s, p, &mut c);
        }
    }
    static SOA: OnceLock<Regex> = OnceLock::new();
    let soa = SOA.get_or_init(|| re(r"(?i)statement of applicability\W{0,20}(?:version|ver\.|v)\s*(\d+(?:\.\d+)*)"));
    for p in front {
        if let Some(m) = soa.captures(&p.text) {
            c.soa = Some(Fact::extracted(&m[1], p.number, sentence_at(&p.text, m.get(0).expect("match").start())));
            break;
        }
    }
    c.status = status(c.valid_until.as_ref(), today);
    for (name, missing) in [("certificate number", c.number.is_none()), ("standard", c.standard.is_none()), ("holder", c.holder.is_none()), ("valid until", c.valid_until.is_none())] {
        if missing {
            facts.not_found.push(format!("{name}: not on the certificate's first pages"));
        }
    }
    facts.provider = c.holder.clone();
    facts.auditor = c.body.clone();
    facts.issued = c.issued.clone();
    facts.certificate = Some(c);
}

/// A certificate's status on `today` from its expiry date.
pub(super) fn status(valid_until: Option<&Fact>, today: time::Date) -> String {
    match valid_until.and_then(|v| time::Date::parse(&v.value, &time::format_description::well_known::Iso8601::DATE).ok()) {
        Some(until) if until < today => "expired".into(),
        Some(until) if (until - today).whole_days() <= 90 => "expires within 90 days".into(),
        Some(_) => "valid".into(),
        None => "unknown".into(),
    }
}

fn set_standard(s: &regex::Captures, p: &Page, c: &mut Certificate) {
    let whole = s.get(0).expect("match");
    let (name, version) = if let Some(n) = s.get(1) {
        (n.as_str(), s.get(2))
    } else if let Some(n) = s.get(3) {
        (n.as_str(), None)
    } else if let Some(n) = s.get(4) {
        (n.as_str(), s.get(5))
    } else {
        (s.get(6).map_or("", |m| m.as_str()), s.get(7))
    };
    let quote = sentence_at(&p.text, whole.start());
    c.standard = Some(Fact::extracted(name.split_whitespace().collect::<Vec<_>>().join(" "), p.number, quote));
    c.version = version.map(|v| Fact::extracted(v.as_str(), p.number, quote));
}

/// The value labelled by one of `labels`: after the label on its line ("Label: value"), else the
/// next non-empty line (a table's second column). (value, page, quote).
fn labelled(pages: &[Page], labels: &[&str]) -> Option<(String, u32, String)> {
    for p in pages {
        let lines: Vec<&str> = p.text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let lower = line.trim().to_lowercase();
            let Some(label) = labels.iter().find(|l| lower.starts_with(*l) && lower[l.len()..].trim_start().chars().next().is_none_or(|c| !c.is_alphabetic())) else { continue };
            // Lower-casing can change a line's length ("İ"): take the value from the lower-cased
            // line's offset only where it is one in the line too.
            let Some(rest) = line.trim().get(label.len()..) else { continue };
            let rest = rest.trim_start_matches([':', ' ', '\t', '-', '–', '#']).trim();
            if !rest.is_empty() {
                return Some((rest.to_string(), p.number, line.trim().to_string()));
            }
            if let Some(next) = lines[i + 1..].iter().map(|l| l.trim()).find(|l| !l.is_empty()) {
                return Some((next.to_string(), p.number, format!("{} {next}", line.trim())));
            }
        }
    }
    None
}

/// The organisation "this is to certify that … of" names, on the lines that follow.
fn certified(pages: &[Page]) -> Option<Fact> {
    static CERTIFY: OnceLock<Regex> = OnceLock::new();
    let certify = CERTIFY.get_or_init(|| re(r"(?i)(?:this is to certify that|hereby certif(?:y|ies) that|certifies that|potvrzuje,? že|zaświadcza(?:\s+się)?,? że|bescheinigt,? dass|certifie que)"));
    for p in pages {
        let Some(m) = certify.find(&p.text) else { continue };
        let after = &p.text[m.end()..];
        // The first line that names an organisation (starts with a capital, not "the").
        for line in after.lines().map(str::trim).filter(|l| !l.is_empty()).take(4) {
            if line.starts_with(char::is_uppercase) && !line.to_lowercase().starts_with("the ") {
                let name = line.split(", ").next().unwrap_or(line).trim_end_matches(',');
                let name = if name.ends_with("s.r.o") || name.ends_with("Inc") || name.ends_with("Ltd") { format!("{name}.") } else { name.to_string() };
                return Some(Fact::extracted(name, p.number, line));
            }
        }
    }
    None
}

/// The scope of certification: the text after its label or heading, to the end of the paragraph.
fn scope(pages: &[Page]) -> Option<Fact> {
    static SCOPE: OnceLock<Regex> = OnceLock::new();
    let scope = SCOPE.get_or_init(|| re(r"(?im)^\s*(?:scope(?: of (?:certification|registration))?|rozsah certifikace|zakres certyfikacji|geltungsbereich|périmètre|domaine d'application)\s*:?\s*"));
    for p in pages {
        let Some(m) = scope.find(&p.text) else { continue };
        let rest = &p.text[m.end()..];
        let end = rest.find("\n\n").unwrap_or(rest.len()).min(1200);
        let mut end = end;
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let text = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        if text.len() >= 10 {
            return Some(Fact::extracted(text.clone(), p.number, &text));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: u32, text: &str) -> Page {
        Page { number, label: format!("p. {number}"), text: text.into(), ocr: None }
    }

    fn read_at(pages: &[Page], today: &str) -> Facts {
        let mut f = super::super::empty(1, "c.pdf");
        read(pages, false, time::Date::parse(today, &time::format_description::well_known::Iso8601::DATE).unwrap(), &mut f);
        f
    }

    const TABLE: &str = "Certificate of Registration\nThis is to certify that the information security management system of\n\nKestrel Cloud s.r.o., Na Příkopě 1, Praha\n\nhas been assessed and found to conform to the requirements of ISO/IEC 27001:2022, with the controls of ISO/IEC 27017:2015.\n\nCertification body\nFictional Certification Ltd\n\nCertificate number\nFC-ISMS-204117\n\nInitial certification date\n15 March 2021\n\nIssue date\n15 March 2024\n\nExpiry date\n14 March 2027\n\nStatement of applicability\nVersion 4.2, 2 February 2024\n\nScope of certification\nThe provision of infrastructure-as-a-service\nfrom Prague.\n\nConditions";

    #[test]
    fn reads_a_certificate_printed_as_a_table() {
        assert!(is_certificate("", &[page(1, TABLE)]));
        let f = read_at(&[page(1, TABLE)], "2026-12-01");
        let c = f.certificate.as_ref().unwrap();
        let v = |f: &Option<Fact>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
        assert_eq!(v(&c.number), "FC-ISMS-204117");
        assert_eq!((v(&c.standard), v(&c.version)), ("ISO/IEC 27001".into(), "2022".into()));
        assert_eq!(v(&c.holder), "Kestrel Cloud s.r.o.");
        assert_eq!(v(&c.body), "Fictional Certification Ltd");
        assert_eq!((v(&c.first_issued), v(&c.issued), v(&c.valid_until)), ("2021-03-15".into(), "2024-03-15".into(), "2027-03-14".into()));
        assert_eq!(v(&c.soa), "4.2");
        assert_eq!(v(&c.scope), "The provision of infrastructure-as-a-service from Prague.");
        assert_eq!(c.status, "valid");
        assert_eq!(read_at(&[page(1, TABLE)], "2027-01-20").certificate.unwrap().status, "expires within 90 days");
        assert_eq!(read_at(&[page(1, TABLE)], "2027-03-15").certificate.unwrap().status, "expired");
        assert!(f.not_found.is_empty(), "{:?}", f.not_found);
    }

    #[test]
    fn reads_certificates_in_czech_and_polish_with_labels_on_the_line() {
        let cz = "CERTIFIKÁT\nCertifikační orgán potvrzuje, že\nKestrel Cloud s.r.o.\nsplňuje požadavky normy ISO/IEC 27001:2013.\nČíslo certifikátu: CZ-0042\nPlatný do: 30. června 2025";
        let f = read_at(&[page(1, cz)], "2026-12-01");
        let c = f.certificate.unwrap();
        assert_eq!(c.number.unwrap().value, "CZ-0042");
        assert_eq!(c.version.unwrap().value, "2013");
        assert_eq!(c.valid_until.unwrap().value, "2025-06-30");
        assert_eq!(c.status, "expired");
        let pl = "CERTYFIKAT\nNumer certyfikatu: PL/77/2023\nISO/IEC 27001:2022\nWażny do: 31 października 2027 r.";
        let c = read_at(&[page(1, pl)], "2026-12-01").certificate.unwrap();
        assert_eq!((c.number.unwrap().value.as_str(), c.valid_until.unwrap().value.as_str(), c.status.as_str()), ("PL/77/2023", "2027-10-31", "valid"));
    }

    #[test]
    fn text_that_is_not_ascii_at_any_offset_never_breaks_the_reader() {
        // A first page whose 1,500th byte falls inside "č", and a label after a character that
        // changes length when lower-cased.
        for pad in 1497..1503 {
            let text = format!("{}čertificate ISO/IEC 27001 İssue date: 1 May 2026", "a".repeat(pad));
            let pages = [page(1, &text)];
            let _ = is_certificate("", &pages);
            let _ = read_at(&pages, "2026-12-01");
        }
        let f = read_at(&[page(1, "İİİ\nCertificate number: X-1\nIssue date: 1 May 2026")], "2026-12-01");
        assert_eq!(f.certificate.unwrap().number.unwrap().value, "X-1");
    }

    #[test]
    fn a_guide_that_mentions_iso_27001_is_not_a_certificate() {
        assert!(!is_certificate("Guide to ISO 27001 certification", &[page(1, "How to prepare for your ISO/IEC 27001 audit. Certification bodies check the scope.")]));
        let f = read_at(&[page(1, "A certificate of nothing.")], "2026-12-01");
        assert!(f.certificate.unwrap().number.is_none() && f.not_found.iter().any(|n| n.starts_with("certificate number")));
    }
}
