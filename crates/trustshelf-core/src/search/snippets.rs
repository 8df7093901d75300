//! Snippets and highlights: a passage of each page shown around its best match, with the matched
//! words' ranges, and the ranges of the searched terms in any text the viewer shows (a PDF page's
//! text layer, a section of a text document). Both analyse text with the index's own analyzers, so
//! what is highlighted is exactly what was searched for.

use std::collections::{BTreeMap, HashSet};
use std::sync::{LazyLock, PoisonError, RwLock, RwLockReadGuard};

use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{SimpleTokenStream, SimpleTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::Score;

use crate::index::{analyzer, tokens_of, ANALYZER_EN, ANALYZER_IDS, ANALYZER_PLAIN, MAX_WORD_BYTES};

use super::build::Builder;
use super::HighlightTerms;

/// Snippet generators for English pages, other pages and control IDs.
pub(super) struct Snippets {
    en: SnippetGenerator,
    plain: SnippetGenerator,
    ids: Option<SnippetGenerator>,
}

/// Characters of context in a snippet.
pub(super) const SNIPPET_CHARS: usize = 220;
/// A snippet whose first hit starts later than this is trimmed to start shortly before it.
pub(super) const SNIPPET_LEAD_CHARS: usize = 80;

impl Snippets {
    pub(super) fn new(b: &Builder) -> Snippets {
        let make = |terms: &BTreeMap<String, Score>, name: &str, field| SnippetGenerator::new(terms.clone(), snippet_analyzer(name, terms.keys().map(String::as_str)), field, SNIPPET_CHARS);
        Snippets {
            en: make(&b.highlight_en, ANALYZER_EN, b.f.text_en),
            plain: make(&b.highlight_plain, ANALYZER_PLAIN, b.f.text),
            ids: (!b.highlight_ids.is_empty()).then(|| make(&b.highlight_ids, ANALYZER_IDS, b.f.ids)),
        }
    }

    pub(super) fn make(&self, text: &str, english: bool) -> (String, Vec<[usize; 2]>) {
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

/// Analyzer `name` for the snippets of search results that highlight `terms` (tokens of that
/// analyzer): the same tokens as [`analyzer`] for every word that could become one of `terms`, and
/// each word's analysis (lower-casing, folding, stemming) is remembered. Result pages share most of
/// their words with each other and with the results of the searches before (as you type); analysing
/// every word of every page again was most of the snippet time (perf, 500k pages).
pub(crate) fn snippet_analyzer<'t>(name: &str, terms: impl IntoIterator<Item = &'t str>) -> TextAnalyzer {
    let words = match name {
        ANALYZER_EN => &EN_WORDS,
        ANALYZER_PLAIN => &PLAIN_WORDS,
        _ => return analyzer(name),
    };
    TextAnalyzer::builder(RememberedWords::new(words, analyzer(name), Initials::of(terms))).build()
}

/// The ASCII letters and digits that highlighted tokens start with. A word starting with another
/// ASCII character cannot become one of them: lower-casing, ASCII folding and English stemming all
/// keep an ASCII first character (the stemmer only rewrites endings), so such a word needs no
/// analysis — it is passed on as written, which matches no token (tokens are lower case).
#[derive(Clone)]
struct Initials([bool; 128]);

impl Initials {
    fn of<'t>(terms: impl IntoIterator<Item = &'t str>) -> Initials {
        let mut initials = [false; 128];
        for t in terms {
            match t.bytes().next() {
                Some(b) if b.is_ascii() => initials[b as usize] = true,
                // A token starting with a non-ASCII character: every word is analysed.
                _ => return Initials([true; 128]),
            }
        }
        Initials(initials)
    }

    /// Whether `word` (as split) may become a highlighted token; words longer than the analyzers'
    /// limit always go through them (they drop such words).
    fn may_match(&self, word: &str) -> bool {
        match word.bytes().next() {
            Some(b) if b.is_ascii() && word.len() < MAX_WORD_BYTES => self.0[b.to_ascii_lowercase() as usize],
            _ => true,
        }
    }
}

/// Word as split → its token (`None`: the analyzer drops it), for the whole process: the analysis
/// depends on the word alone, so every search and every library can share it. Forgotten when full.
type Words = LazyLock<RwLock<foldhash::HashMap<String, Option<String>>>>;
static EN_WORDS: Words = LazyLock::new(RwLock::default);
static PLAIN_WORDS: Words = LazyLock::new(RwLock::default);
/// Words remembered at most, per analyzer (some 80 bytes each).
const WORDS_REMEMBERED: usize = 200_000;

/// Splits like the analyzers (they all start with [`SimpleTokenizer`], whose words the filters only
/// change or drop), then looks each word up in `words`, running `analyzer` on the words not seen yet.
/// Snippets are made on several threads at once: each page reads the shared words under one read
/// lock and adds the words it had to analyse when it is done.
#[derive(Clone)]
struct RememberedWords {
    words: &'static Words,
    analyzer: TextAnalyzer,
    split: SimpleTokenizer,
    initials: Initials,
}

impl RememberedWords {
    fn new(words: &'static Words, analyzer: TextAnalyzer, initials: Initials) -> RememberedWords {
        RememberedWords { words, analyzer, split: SimpleTokenizer::default(), initials }
    }
}

impl Tokenizer for RememberedWords {
    type TokenStream<'a> = RememberedWordsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> RememberedWordsStream<'a> {
        RememberedWordsStream {
            words: self.words,
            known: Some(self.words.read().unwrap_or_else(PoisonError::into_inner)),
            new: foldhash::HashMap::default(),
            analyzer: &mut self.analyzer,
            tail: self.split.token_stream(text),
            initials: &self.initials,
        }
    }
}

struct RememberedWordsStream<'a> {
    words: &'static Words,
    /// The shared words, read-locked for the page (always `Some` until dropped).
    known: Option<RwLockReadGuard<'static, foldhash::HashMap<String, Option<String>>>>,
    /// Words of this page not known yet, added to the shared ones when the page is done.
    new: foldhash::HashMap<String, Option<String>>,
    analyzer: &'a mut TextAnalyzer,
    tail: SimpleTokenStream<'a>,
    initials: &'a Initials,
}

impl TokenStream for RememberedWordsStream<'_> {
    fn advance(&mut self) -> bool {
        let known = self.known.as_ref().expect("read lock held until drop");
        while self.tail.advance() {
            let token = self.tail.token_mut();
            if !self.initials.may_match(&token.text) {
                return true;
            }
            let analysed = match known.get(&token.text) {
                Some(analysed) => analysed,
                None => self.new.entry(token.text.clone()).or_insert_with(|| tokens_of(self.analyzer, &token.text).into_iter().next()),
            };
            if let Some(analysed) = analysed {
                // Copied into the token's own buffer: no allocation per word.
                token.text.clear();
                token.text.push_str(analysed);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

impl Drop for RememberedWordsStream<'_> {
    fn drop(&mut self) {
        drop(self.known.take());
        if self.new.is_empty() {
            return;
        }
        let mut words = self.words.write().unwrap_or_else(PoisonError::into_inner);
        if words.len() + self.new.len() > WORDS_REMEMBERED {
            words.clear();
        }
        words.extend(self.new.drain());
    }
}

/// The ranges of `terms` in each of `texts` as `[start, end)` offsets in Unicode characters: English
/// stems when `english`, else folded words; control IDs in both. Overlapping ranges are merged.
pub(super) fn highlight(terms: &HighlightTerms, texts: &[String], english: bool) -> Vec<Vec<[usize; 2]>> {
    let (words, name) = if english { (&terms.english, ANALYZER_EN) } else { (&terms.plain, ANALYZER_PLAIN) };
    let mut analyses: Vec<(TextAnalyzer, HashSet<&str>)> = Vec::new();
    if !words.is_empty() {
        analyses.push((snippet_analyzer(name, words.iter().map(String::as_str)), words.iter().map(String::as_str).collect()));
    }
    if !terms.ids.is_empty() {
        analyses.push((analyzer(ANALYZER_IDS), terms.ids.iter().map(String::as_str).collect()));
    }
    texts
        .iter()
        .map(|text| {
            let mut bytes: Vec<(usize, usize)> = Vec::new();
            for (analyzer, wanted) in &mut analyses {
                let mut stream = analyzer.token_stream(text);
                while stream.advance() {
                    let t = stream.token();
                    if wanted.contains(t.text.as_str()) {
                        bytes.push((t.offset_from, t.offset_to));
                    }
                }
            }
            bytes.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::new();
            for (s, e) in bytes {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            to_char_ranges(text, &merged)
        })
        .collect()
}

/// Byte ranges of `text` (sorted, disjoint, on character boundaries) as character ranges.
fn to_char_ranges(text: &str, bytes: &[(usize, usize)]) -> Vec<[usize; 2]> {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut at_byte, mut at_char) = (0, 0);
    let mut chars_to = |byte: usize| {
        at_char += text[at_byte..byte].chars().count();
        at_byte = byte;
        at_char
    };
    for &(s, e) in bytes {
        let start = chars_to(s);
        out.push([start, chars_to(e)]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{tokens, PageIndex};

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

    #[test]
    fn snippet_analyzers_give_the_index_tokens_from_memory_too() {
        let pages = [
            "Encryption keys are rotated; encrypted backups, encrypting agents. Policies & policy: happy cries.",
            "Policies cried: keys ENCRYPTED again — Bezpečnostní opatření, 27001 controls, CC6.1 tested.",
            "A word too long for the index: Pneumonoultramicroscopicsilicovolcanoconiosispneumonoultramicroscopic ends.",
        ];
        for name in [ANALYZER_EN, ANALYZER_PLAIN, ANALYZER_IDS] {
            // Highlighting every token of the pages: every word is analysed.
            let all: Vec<String> = pages.iter().flat_map(|p| tokens(name, p)).collect();
            let remembered = snippet_analyzer(name, all.iter().map(String::as_str));
            for _ in 0..2 {
                for page in pages {
                    // Each snippet clones the analyzer; the second round comes from memory.
                    assert_eq!(tokens_of(&mut remembered.clone(), page), tokens(name, page), "{name}: {page}");
                }
            }
        }
    }

    #[test]
    fn snippets_are_the_same_when_words_that_cannot_match_are_not_analysed() {
        use std::collections::BTreeMap;
        use tantivy::snippet::SnippetGenerator;
        let index = PageIndex::in_ram().unwrap();
        let page = "Policies and procedures. ".repeat(20)
            + "Encryption keys are rotated; ENCRYPTED backups, encrypting agents — Šifrování klíčů, 27001 controls. "
            + &"Zebra yaks quietly graze. ".repeat(20)
            + "Policy: happy cries. Über Ärger 800-53.";
        for (name, field, queries) in [
            (ANALYZER_EN, index.fields.text_en, vec!["encryption", "policy", "happy cry", "800", "sifrovani", "uber"]),
            (ANALYZER_PLAIN, index.fields.text, vec!["encrypted", "policies", "ärger", "klíčů", "27001", "zebra yaks"]),
        ] {
            for q in queries {
                let terms: BTreeMap<String, f32> = tokens(name, q).into_iter().map(|t| (t, 1.0)).collect();
                let make = |a: TextAnalyzer| SnippetGenerator::new(terms.clone(), a, field, 150).snippet(&page);
                let (full, quick) = (make(analyzer(name)), make(snippet_analyzer(name, terms.keys().map(String::as_str))));
                assert!(!full.highlighted().is_empty(), "{name}: {q}");
                assert_eq!((quick.fragment(), quick.highlighted()), (full.fragment(), full.highlighted()), "{name}: {q}");
            }
        }
    }

    #[test]
    fn highlight_marks_the_searched_terms_as_the_index_reads_them() {
        let terms = HighlightTerms { plain: vec!["controls".into(), "bezpecnostni".into()], english: vec!["control".into(), "polici".into()], ids: vec!["cc6.1".into()] };
        let texts = vec!["Controlled policies: CC6.1 — Bezpečnostní controls.".to_string(), "nothing here".to_string(), String::new()];
        let mark = |ranges: &[[usize; 2]], text: &str| -> Vec<String> {
            let chars: Vec<char> = text.chars().collect();
            ranges.iter().map(|r| chars[r[0]..r[1]].iter().collect()).collect()
        };
        let en = highlight(&terms, &texts, true);
        assert_eq!(mark(&en[0], &texts[0]), ["Controlled", "policies", "CC6.1", "controls"]);
        assert!(en[1].is_empty() && en[2].is_empty());
        let plain = highlight(&terms, &texts, false);
        assert_eq!(mark(&plain[0], &texts[0]), ["CC6.1", "Bezpečnostní", "controls"]);
        assert!(highlight(&HighlightTerms::default(), &texts, true).iter().all(Vec::is_empty));
    }
}
