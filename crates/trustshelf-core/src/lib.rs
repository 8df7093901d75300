//! TrustShelf core: the offline library engine for trust documents.
//!
//! The modules are private; what the CLI, the app shell, the benchmarks and the fuzz targets may use
//! is re-exported here, so the public surface is this list. [`Library`] is the handle for almost
//! everything; the lower layers (catalog, page index, search over a searcher, the extraction worker's
//! protocol) are public for the benchmarks, the fuzz targets and the worker binaries.
#![warn(missing_docs)]

mod bookmarks;
mod catalog;
mod error;
mod export;
mod extract;
mod facts;
mod files;
mod index;
mod ingest;
mod jobs;
mod library;
mod metadata;
mod query;
mod search;
mod text;
mod vocab;
mod worker;

pub use bookmarks::{Binder, Bookmark, BookmarkState, BookmarkUpdate, NewBookmark};
pub use catalog::{Catalog, Document, SkippedFile, Status};
pub use error::{Error, ErrorKind, ExtractError, IpcError, Result};
pub use export::{verify_package, ExportReport, VerifyReport};
pub use facts::{find_dates, parse_date, read_on as read_facts_on, Bridge, Certificate, Cuec, Exception, Fact, Facts, Finding, FoundDate, Period, Source, Subservice};
pub use extract::{extract, ocr_languages, recognise, tesseract_language, Extraction, Format, Ocr, Page, WordBox, MAX_OCR_PAGES, MAX_OCR_PIXELS};
pub use index::{IndexedDocument, PageIndex};
pub use ingest::{IndexReport, Progress, UNSUPPORTED};
pub use jobs::{spawn_index, watch, LibraryWatch};
pub use library::{DocumentProblem, Library, LibraryStatus, PageView};
pub use metadata::{parse_sidecar, Metadata, Sidecar};
pub use query::{parse as parse_query, Clause, ParsedQuery, QueryFilters};
pub use search::{highlight, search, DocTable, DocumentHit, FacetCount, Facets, HighlightRequest, HighlightTerms, PageHit, SearchRequest, SearchResponse, Sort, MAX_PAGES_PER_DOCUMENT};
pub use vocab::{vocabulary, Category, Label, Labels, Region, Standard, Vocabulary};
pub use worker::{answer as worker_answer, parse_answer as parse_worker_answer, run_worker, Job, WorkerConfig, WORKER_FLAG};
