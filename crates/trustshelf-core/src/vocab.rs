//! The vocabularies of the domain — categories, standards and regions with their aliases — loaded from
//! the one data file `data/vocab.toml`, and the matchers that find them in text and in user input.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

const VOCAB_TOML: &str = include_str!("../data/vocab.toml");

/// A document category, e.g. `audit-report`.
#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    /// Stable id used in filters and the index.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Phrases that, in a title, point to this category.
    #[serde(default)]
    pub title_keywords: Vec<String>,
    /// Phrases that, in the first pages, point to this category.
    #[serde(default)]
    pub text_keywords: Vec<String>,
}

/// A standard, law or framework, e.g. `SOC 2`.
#[derive(Debug, Clone, Deserialize)]
pub struct Standard {
    /// Canonical name used in filters and the index.
    pub id: String,
    /// Ways the text or a user may write it.
    pub aliases: Vec<String>,
    /// The region the standard implies, if any.
    #[serde(default)]
    pub region: Option<String>,
}

/// A region: an ISO 3166 code, `EU` or `Global`.
#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    /// Canonical code.
    pub id: String,
    /// Names by which the text mentions it.
    pub aliases: Vec<String>,
}

#[derive(Deserialize)]
struct VocabFile {
    category: Vec<Category>,
    standard: Vec<Standard>,
    region: Vec<Region>,
}

/// A set of phrases found on word boundaries, case-insensitively (ASCII), except short all-caps
/// codes ("EU", "UK", "DORA") which must match their case exactly.
struct PhraseMatcher {
    automaton: AhoCorasick,
    /// For each pattern: (owner index, exact-case text if case-sensitive).
    owners: Vec<(usize, Option<String>)>,
}

impl PhraseMatcher {
    fn new<'a>(entries: impl Iterator<Item = (usize, &'a str)>) -> Self {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (owner, alias) in entries {
            let case_sensitive = alias.len() <= 5
                && alias.chars().any(|c| c.is_ascii_uppercase())
                && !alias.chars().any(|c| c.is_ascii_lowercase());
            patterns.push(alias.to_ascii_lowercase());
            owners.push((owner, case_sensitive.then(|| alias.to_string())));
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("vocabulary patterns are valid");
        PhraseMatcher { automaton, owners }
    }

    /// Counts matches per owner in `text`.
    fn count(&self, text: &str, counts: &mut HashMap<usize, usize>) {
        let lower = text.to_ascii_lowercase();
        let bytes = lower.as_bytes();
        for m in self.automaton.find_iter(&lower) {
            // A letter/digit change is a boundary too: "SP800-61rev2" names 800-61.
            let (first, last) = (bytes[m.start()], bytes[m.end() - 1]);
            let before_ok = m.start() == 0 || !is_word_byte(bytes[m.start() - 1]) || (first.is_ascii_digit() && bytes[m.start() - 1].is_ascii_alphabetic());
            let after_ok = m.end() == bytes.len() || !is_word_byte(bytes[m.end()]) || (last.is_ascii_digit() && bytes[m.end()].is_ascii_alphabetic());
            if !before_ok || !after_ok {
                continue;
            }
            let (owner, exact) = &self.owners[m.pattern().as_usize()];
            if let Some(exact) = exact {
                if &text[m.start()..m.end()] != exact {
                    continue;
                }
            }
            *counts.entry(*owner).or_default() += 1;
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// The loaded vocabularies and their matchers.
pub struct Vocabulary {
    /// All categories, in file order.
    pub categories: Vec<Category>,
    /// All standards, in file order.
    pub standards: Vec<Standard>,
    /// All regions, in file order.
    pub regions: Vec<Region>,
    standard_matcher: PhraseMatcher,
    region_matcher: PhraseMatcher,
    category_title_matcher: PhraseMatcher,
    category_text_matcher: PhraseMatcher,
}

/// The vocabulary, parsed once from the embedded data file.
pub fn vocabulary() -> &'static Vocabulary {
    static VOCAB: OnceLock<Vocabulary> = OnceLock::new();
    VOCAB.get_or_init(|| {
        let file: VocabFile = toml::from_str(VOCAB_TOML).expect("data/vocab.toml is valid");
        let standard_matcher = PhraseMatcher::new(
            file.standard.iter().enumerate().flat_map(|(i, s)| s.aliases.iter().map(move |a| (i, a.as_str()))),
        );
        let region_matcher = PhraseMatcher::new(
            file.region.iter().enumerate().flat_map(|(i, r)| r.aliases.iter().map(move |a| (i, a.as_str()))),
        );
        let category_title_matcher = PhraseMatcher::new(
            file.category.iter().enumerate().flat_map(|(i, c)| c.title_keywords.iter().map(move |a| (i, a.as_str()))),
        );
        let category_text_matcher = PhraseMatcher::new(
            file.category.iter().enumerate().flat_map(|(i, c)| c.text_keywords.iter().map(move |a| (i, a.as_str()))),
        );
        Vocabulary {
            categories: file.category,
            standards: file.standard,
            regions: file.region,
            standard_matcher,
            region_matcher,
            category_title_matcher,
            category_text_matcher,
        }
    })
}

/// A vocabulary value as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Label {
    /// The value as stored and filtered on (category id, region code, standard name).
    pub id: String,
    /// What to call it: the category's label, the region's name, the standard's name.
    pub label: String,
}

/// Every category, region and standard of the vocabulary with its label, for the UI to show
/// values without a copy of the vocabulary of its own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Labels {
    /// Categories, in the vocabulary's order.
    pub categories: Vec<Label>,
    /// Regions (the name is the first alias, e.g. "European Union").
    pub regions: Vec<Label>,
    /// Standards (the label is the canonical name).
    pub standards: Vec<Label>,
}

/// Folds a user-written name to a comparison key: lower-case ASCII letters and digits only.
fn key(s: &str) -> String {
    crate::text::fold(s).chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

impl Vocabulary {
    /// Every value with its label.
    pub fn labels(&self) -> Labels {
        let label = |id: &str, label: &str| Label { id: id.to_string(), label: label.to_string() };
        Labels {
            categories: self.categories.iter().map(|c| label(&c.id, &c.label)).collect(),
            regions: self.regions.iter().map(|r| label(&r.id, r.aliases.first().unwrap_or(&r.id))).collect(),
            standards: self.standards.iter().map(|s| label(&s.id, &s.id)).collect(),
        }
    }

    /// Mentions of each standard (by canonical id) in `text`.
    pub fn count_standards(&self, text: &str) -> HashMap<&str, usize> {
        let mut counts = HashMap::new();
        self.standard_matcher.count(text, &mut counts);
        counts.into_iter().map(|(i, n)| (self.standards[i].id.as_str(), n)).collect()
    }

    /// Mentions of each region (by code) in `text`.
    pub fn count_regions(&self, text: &str) -> HashMap<&str, usize> {
        let mut counts = HashMap::new();
        self.region_matcher.count(text, &mut counts);
        counts.into_iter().map(|(i, n)| (self.regions[i].id.as_str(), n)).collect()
    }

    /// Keyword hits per category id in a title and in body text.
    pub fn count_category_keywords(&self, title: &str, text: &str) -> (HashMap<&str, usize>, HashMap<&str, usize>) {
        let mut t = HashMap::new();
        self.category_title_matcher.count(title, &mut t);
        let mut b = HashMap::new();
        self.category_text_matcher.count(text, &mut b);
        let name = |m: HashMap<usize, usize>| m.into_iter().map(|(i, n)| (self.categories[i].id.as_str(), n)).collect();
        (name(t), name(b))
    }

    /// The canonical standard for a user-written name or alias ("soc2" → "SOC 2"), if known.
    pub fn canonical_standard(&self, name: &str) -> Option<&str> {
        let k = key(name);
        if k.is_empty() {
            return None;
        }
        self.standards
            .iter()
            .find(|s| key(&s.id) == k || s.aliases.iter().any(|a| key(a) == k))
            .map(|s| s.id.as_str())
    }

    /// The canonical region code for a code or name ("czechia" → "CZ"), if known.
    pub fn canonical_region(&self, name: &str) -> Option<&str> {
        let k = key(name);
        if k.is_empty() {
            return None;
        }
        self.regions
            .iter()
            .find(|r| key(&r.id) == k || r.aliases.iter().any(|a| key(a) == k))
            .map(|r| r.id.as_str())
    }

    /// The category id for an id or label ("Audit report" → "audit-report"), if known.
    pub fn canonical_category(&self, name: &str) -> Option<&str> {
        let k = key(name);
        self.categories
            .iter()
            .find(|c| key(&c.id) == k || key(&c.label) == k)
            .map(|c| c.id.as_str())
    }

    /// The region a standard implies, if any.
    pub fn region_of_standard(&self, standard: &str) -> Option<&str> {
        self.standards.iter().find(|s| s.id == standard).and_then(|s| s.region.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_standards_on_word_boundaries_with_aliases() {
        let v = vocabulary();
        let c = v.count_standards("Our SOC2 report and ISO/IEC 27001:2022 certificate; see NIST SP 800-53. SOC 20 is not one.");
        assert_eq!(c.get("SOC 2"), Some(&1));
        assert_eq!(c.get("ISO/IEC 27001"), Some(&1));
        assert_eq!(c.get("NIST SP 800-53"), Some(&1));
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn short_codes_match_only_in_capitals() {
        let v = vocabulary();
        let c = v.count_regions("data in the EU and the eu-west region; Czech Republic");
        assert_eq!(c.get("EU"), Some(&1));
        assert_eq!(c.get("CZ"), Some(&1));
    }

    #[test]
    fn canonicalises_user_input() {
        let v = vocabulary();
        assert_eq!(v.canonical_standard("soc2"), Some("SOC 2"));
        assert_eq!(v.canonical_standard("iso 27001"), Some("ISO/IEC 27001"));
        assert_eq!(v.canonical_region("czechia"), Some("CZ"));
        assert_eq!(v.canonical_region("cz"), Some("CZ"));
        assert_eq!(v.canonical_category("Audit report"), Some("audit-report"));
        assert_eq!(v.canonical_standard("nonsense"), None);
    }
}
