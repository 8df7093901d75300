//! The page index: tantivy, derived from the catalog, one tantivy document per page.
//!
//! Fields: the document id and page number (fast), the page text analysed twice over — English pages
//! with stemming (`text_en`), other languages folded but unstemmed (`text`) — control IDs kept whole
//! (`ids`: `CC6.1`, `A.5.23`, `AC-2(1)`, `800-53`), the title, the document's category / regions /
//! standards as raw terms for filtering, and the document date. The index can be deleted at any time:
//! [`PageIndex::open`] rebuilds it from the catalog without re-extracting. A commit records the
//! catalog generation it reflects and [`SCHEMA_VERSION`]; a mismatch on open triggers a rebuild.

use std::path::Path;
use std::sync::{LazyLock, PoisonError, RwLock, RwLockReadGuard};

use tantivy::schema::{Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RegexTokenizer, RemoveLongFilter, SimpleTokenStream, SimpleTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::extract::Page;
use crate::metadata::Metadata;

/// Bump when the schema or analysis changes: existing indexes are rebuilt from the catalog on open.
pub const SCHEMA_VERSION: u32 = 1;

/// Analyzer for English pages: folded, lower-cased, stemmed.
pub const ANALYZER_EN: &str = "trustshelf_en";
/// Analyzer for other languages and titles: folded and lower-cased.
pub const ANALYZER_PLAIN: &str = "trustshelf_plain";
/// Analyzer that keeps control IDs and publication numbers whole.
pub const ANALYZER_IDS: &str = "trustshelf_ids";

/// What a control ID or publication number looks like: `CC6.1`, `A.5.23`, `AC-2(1)`, `800-53`, `27001`.
pub const ID_PATTERN: &str = r"[A-Za-z]{1,8}[.\-]?\d+(?:[.\-]\d+)*(?:\(\d+\))?|\d+(?:[.\-]\d+)+(?:\(\d+\))?|\d{4,6}";

/// Indexing memory budget: tantivy's writer flushes a segment when it is reached (measured: 100 MB
/// keeps peak RSS near 600 MiB at 500k pages with no loss of throughput).
const WRITER_HEAP_BYTES: usize = 100_000_000;

/// The schema's fields.
#[derive(Clone, Copy)]
pub struct Fields {
    /// Catalog document id.
    pub doc_id: Field,
    /// 1-based page number (0 for the metadata-only entry of a document without text).
    pub page: Field,
    /// Text of non-English pages.
    pub text: Field,
    /// Text of English pages, stemmed.
    pub text_en: Field,
    /// Control IDs.
    pub ids: Field,
    /// Document title.
    pub title: Field,
    /// Category id.
    pub category: Field,
    /// Region codes.
    pub region: Field,
    /// Standard names.
    pub standard: Field,
    /// Document date (days since the epoch; missing dates are not set).
    pub date: Field,
    /// The page text as stored for snippets.
    pub body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let doc_id = b.add_u64_field("doc_id", INDEXED | FAST | STORED);
    let page = b.add_u64_field("page", FAST | STORED);
    let positions = |analyzer: &str| TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions));
    let text = b.add_text_field("text", positions(ANALYZER_PLAIN));
    let text_en = b.add_text_field("text_en", positions(ANALYZER_EN));
    let ids = b.add_text_field("ids", TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(ANALYZER_IDS).set_index_option(IndexRecordOption::WithFreqs)));
    let title = b.add_text_field("title", positions(ANALYZER_PLAIN));
    let category = b.add_text_field("category", STRING);
    let region = b.add_text_field("region", STRING);
    let standard = b.add_text_field("standard", STRING);
    let date = b.add_i64_field("date", NumericOptions::default().set_indexed().set_fast());
    let body = b.add_text_field("body", STORED);
    (b.build(), Fields { doc_id, page, text, text_en, ids, title, category, region, standard, date, body })
}

/// Words of this many bytes or more are dropped by the text analyzers (not indexed, never
/// highlighted).
const MAX_WORD_BYTES: usize = 60;

/// Builds one of our analyzers by name.
pub fn analyzer(name: &str) -> TextAnalyzer {
    match name {
        ANALYZER_EN => TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(tantivy::tokenizer::Language::English))
            .build(),
        ANALYZER_IDS => TextAnalyzer::builder(RegexTokenizer::new(ID_PATTERN).expect("valid id pattern")).filter(LowerCaser).build(),
        _ => TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(MAX_WORD_BYTES)).filter(LowerCaser).filter(AsciiFoldingFilter).build(),
    }
}

/// Analyzer `name` for the snippets of search results that highlight `terms` (tokens of that
/// analyzer): the same tokens as [`analyzer`] for every word that could become one of `terms`, and
/// each word's analysis (lower-casing, folding, stemming) is remembered. Result pages share most of
/// their words with each other and with the results of the searches before (as you type); analysing
/// every word of every page again was most of the snippet time (perf, 500k pages).
pub fn snippet_analyzer<'t>(name: &str, terms: impl IntoIterator<Item = &'t str>) -> TextAnalyzer {
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

/// The tokens `text` becomes under analyzer `name` (what the index stores, what a query looks up).
pub fn tokens(name: &str, text: &str) -> Vec<String> {
    tokens_of(&mut analyzer(name), text)
}

fn tokens_of(a: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut s = a.token_stream(text);
    let mut out = Vec::new();
    while s.advance() {
        out.push(s.token().text.clone());
    }
    out
}

fn register_analyzers(index: &Index) {
    for name in [ANALYZER_EN, ANALYZER_PLAIN, ANALYZER_IDS] {
        index.tokenizers().register(name, analyzer(name));
    }
}

/// What the index needs to know of a document besides its pages.
pub struct IndexedDocument<'a> {
    /// Catalog id.
    pub id: i64,
    /// Effective metadata.
    pub metadata: &'a Metadata,
    /// Path, used as text for documents without pages.
    pub path: &'a str,
}

/// Days since 1970-01-01 for a `YYYY-MM-DD` date.
pub fn date_days(date: &str) -> Option<i64> {
    let d = time::Date::parse(date, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some((d - time::Date::from_calendar_date(1970, time::Month::January, 1).unwrap()).whole_days())
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CommitPayload {
    schema_version: u32,
    generation: u64,
}

/// The tantivy index of pages.
pub struct PageIndex {
    index: Index,
    /// The schema's fields.
    pub fields: Fields,
    reader: IndexReader,
    writer: Option<IndexWriter>,
}

impl PageIndex {
    /// Opens the index in `dir`, rebuilding it from `catalog` when it is missing, from another schema
    /// version, or behind the catalog's `generation`.
    pub fn open(dir: &Path, catalog: &Catalog, generation: u64) -> Result<PageIndex> {
        let (schema, fields) = schema();
        let existing = dir.join("meta.json").exists().then(|| Index::open_in_dir(dir).ok()).flatten();
        let up_to_date = existing.as_ref().and_then(|i| i.load_metas().ok()).and_then(|m| m.payload).and_then(|p| serde_json::from_str::<CommitPayload>(&p).ok());
        let usable = matches!(&up_to_date, Some(p) if p.schema_version == SCHEMA_VERSION && p.generation == generation);
        let index = match existing {
            Some(index) if usable && index.schema() == schema => index,
            _ => {
                if dir.exists() {
                    std::fs::remove_dir_all(dir).map_err(|e| Error::io(format!("removing stale index {}", dir.display()), e))?;
                }
                std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
                let index = Index::create_in_dir(dir, schema)?;
                register_analyzers(&index);
                let mut pi = PageIndex::from_index(index, fields)?;
                pi.rebuild(catalog, generation)?;
                return Ok(pi);
            }
        };
        register_analyzers(&index);
        PageIndex::from_index(index, fields)
    }

    /// An in-memory index, for tests.
    pub fn in_ram() -> Result<PageIndex> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        register_analyzers(&index);
        PageIndex::from_index(index, fields)
    }

    fn from_index(mut index: Index, fields: Fields) -> Result<PageIndex> {
        // Searches visit the segments on every core: at 500k pages (8 segments) p99 went from 23–28 to
        // 18–19 ms in an A/B run on 2 cores; p50 stayed at 8–9 ms.
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
        if cores > 1 {
            index.set_multithread_executor(cores)?;
        }
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(PageIndex { index, fields, reader, writer: None })
    }

    /// The reader (reload it after another process committed).
    pub fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// The catalog generation this index reflects, as recorded by its last commit.
    pub fn generation(&self) -> Option<u64> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str::<CommitPayload>(&metas.payload?).ok().map(|p| p.generation)
    }

    fn writer(&mut self) -> Result<&mut IndexWriter> {
        if self.writer.is_none() {
            let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 4);
            let w = self.index.writer_with_num_threads(threads, WRITER_HEAP_BYTES).map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::LibraryInUse(std::path::PathBuf::from("index")),
                other => Error::Index(other),
            })?;
            self.writer = Some(w);
        }
        Ok(self.writer.as_mut().unwrap())
    }

    /// Removes every page of a document (effective at the next commit).
    pub fn delete_document(&mut self, id: i64) -> Result<()> {
        let f = self.fields.doc_id;
        self.writer()?.delete_term(Term::from_field_u64(f, id as u64));
        Ok(())
    }

    /// Replaces a document's pages (effective at the next commit). A document without pages gets one
    /// metadata-only entry (page 0) so it can still be found by title.
    pub fn put_document(&mut self, doc: &IndexedDocument, pages: &[Page]) -> Result<()> {
        self.delete_document(doc.id)?;
        let f = self.fields;
        let m = doc.metadata;
        let english = m.language.as_deref().unwrap_or("en") == "en";
        let title = m.title.clone().unwrap_or_default();
        let date = m.sort_date().and_then(date_days);
        let make = |page: u64, text: &str| {
            let mut d = TantivyDocument::default();
            d.add_u64(f.doc_id, doc.id as u64);
            d.add_u64(f.page, page);
            d.add_text(if english { f.text_en } else { f.text }, text);
            d.add_text(f.ids, text);
            d.add_text(f.title, &title);
            d.add_text(f.body, text);
            if let Some(c) = &m.category {
                d.add_text(f.category, c);
            }
            for r in &m.regions {
                d.add_text(f.region, r);
            }
            for s in &m.standards {
                d.add_text(f.standard, s);
            }
            if let Some(days) = date {
                d.add_i64(f.date, days);
            }
            d
        };
        let writer = self.writer()?;
        if pages.iter().all(|p| p.text.trim().is_empty()) {
            writer.add_document(make(0, &format!("{title}\n{}", doc.path)))?;
        } else {
            for p in pages.iter().filter(|p| !p.text.trim().is_empty()) {
                writer.add_document(make(p.number as u64, &p.text))?;
            }
        }
        Ok(())
    }

    /// Commits pending changes, recording the catalog generation they bring the index to.
    pub fn commit(&mut self, generation: u64) -> Result<()> {
        let payload = serde_json::to_string(&CommitPayload { schema_version: SCHEMA_VERSION, generation }).unwrap();
        let writer = self.writer()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Releases the writer (and its lock and memory) until the next change.
    pub fn close_writer(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            w.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Rebuilds the whole index from the catalog's cached pages (no re-extraction).
    pub fn rebuild(&mut self, catalog: &Catalog, generation: u64) -> Result<()> {
        self.writer()?.delete_all_documents()?;
        for d in catalog.documents()? {
            let pages = catalog.pages(&d.hash)?;
            self.put_document(&IndexedDocument { id: d.id, metadata: &d.metadata, path: &d.path }, &pages)?;
        }
        self.commit(generation)?;
        self.close_writer()
    }

    /// Number of indexed pages (tantivy documents).
    pub fn page_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kept_whole() {
        assert_eq!(tokens(ANALYZER_IDS, "See CC6.1, A.5.23 and AC-2(1) of SP 800-53 / ISO 27001."), ["cc6.1", "a.5.23", "ac-2(1)", "800-53", "27001"]);
    }

    #[test]
    fn english_is_stemmed_and_folded() {
        assert_eq!(tokens(ANALYZER_EN, "Controls Bezpečnostní"), ["control", "bezpecnostni"]);
        assert_eq!(tokens(ANALYZER_PLAIN, "Controls Bezpečnostní"), ["controls", "bezpecnostni"]);
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
}
