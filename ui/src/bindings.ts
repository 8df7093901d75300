// Generated from the Rust side by src-tauri/src/bindings.rs: the core's types, the shell's commands and events.
// Do not edit: run `UPDATE_BINDINGS=1 cargo test -p trustshelf-app --lib bindings`.

export type ErrorKind = "io" | "catalog" | "migration" | "index" | "sidecar" | "library_not_found" | "no_library" | "library_in_use" | "document_not_found" | "page_out_of_range" | "document_changed" | "bookmark_not_found" | "binder_not_found" | "binder_exists" | "invalid_input" | "package" | "worker" | "disk_full" | "data_read_only";

export type IpcError = { 
/**
 * Stable machine-readable kind, see [`Error::kind`].
 */
kind: ErrorKind, 
/**
 * What went wrong, in words.
 */
message: string, };

export type Format = "pdf" | "markdown" | "html" | "text" | "docx" | "xlsx" | "ods" | "csv" | "json" | "xml" | "yaml" | "pptx" | "odt" | "image";

export type Page = { 
/**
 * 1-based page number within the document.
 */
number: number, 
/**
 * What to call this page to a person: "p. 7", a heading, "Sheet1 rows 1–40".
 */
label: string, 
/**
 * The page's text.
 */
text: string, 
/**
 * How the page was recognised, when its text comes from OCR.
 */
ocr?: Ocr, };

export type Ocr = { 
/**
 * Tesseract's mean word confidence, 0–100.
 */
confidence: number, 
/**
 * The languages it read with ("eng+ces").
 */
languages: string, 
/**
 * The recognised words with their boxes.
 */
words: Array<WordBox>, };

export type WordBox = { 
/**
 * The word as read.
 */
text: string, 
/**
 * Left edge.
 */
x: number, 
/**
 * Top edge.
 */
y: number, 
/**
 * Width.
 */
w: number, 
/**
 * Height.
 */
h: number, };

export type Source = "extracted" | "declared";

export type Fact = { 
/**
 * The value ("qualified", "2026-09-30", "Kestrel Cloud s.r.o.").
 */
value: string, 
/**
 * The 1-based page it came from (0: declared, no page).
 */
page: number, 
/**
 * The sentence or table row it came from.
 */
quote: string, 
/**
 * Extracted or declared.
 */
source: Source, 
/**
 * The text says otherwise than the declaration: what it says, on which page.
 */
conflict?: Fact, };

export type Period = { 
/**
 * The first day (ISO 8601).
 */
start: Fact, 
/**
 * The last day (ISO 8601).
 */
end: Fact, };

export type Exception = { 
/**
 * The criterion or control objective tested ("CC6.2", "Control Objective 4").
 */
control: string, 
/**
 * The page of the tests table row.
 */
page: number, 
/**
 * The row or sentence that states the result.
 */
quote: string, 
/**
 * Management's response, when the report gives one.
 */
response?: string, };

export type Cuec = { 
/**
 * The control as the report states it.
 */
text: string, 
/**
 * Its page.
 */
page: number, 
/**
 * The criteria or objectives it names.
 */
controls: Array<string>, };

export type Subservice = { 
/**
 * Its name.
 */
name: string, 
/**
 * What it provides, as the report says.
 */
service: string, 
/**
 * "carve-out" or "inclusive" ("unknown" when the report does not say).
 */
method: string, 
/**
 * The page it is named on.
 */
page: number, 
/**
 * The sentence.
 */
quote: string, };

export type Certificate = { 
/**
 * The certificate's number.
 */
number: Fact | null, 
/**
 * The standard certified ("ISO/IEC 27001").
 */
standard: Fact | null, 
/**
 * Its version ("2022").
 */
version: Fact | null, 
/**
 * The organisation certified.
 */
holder: Fact | null, 
/**
 * The certification body.
 */
body: Fact | null, 
/**
 * The scope of certification.
 */
scope: Fact | null, 
/**
 * The first (initial) certification date.
 */
first_issued: Fact | null, 
/**
 * This certificate's issue date.
 */
issued: Fact | null, 
/**
 * The expiry date.
 */
valid_until: Fact | null, 
/**
 * The Statement of Applicability's version, when named.
 */
soa: Fact | null, 
/**
 * "valid", "expires within 90 days", "expired" or "unknown" (no expiry date), as of `today`.
 */
status: string, };

export type Bridge = { 
/**
 * The end of the period of the report the letter bridges.
 */
report_period_end: Fact | null, 
/**
 * The period the letter covers.
 */
bridged: Period | null, 
/**
 * Who signed it.
 */
signed_by: Fact | null, 
/**
 * What management states (no material changes, no control failures, …).
 */
statements: Array<Fact>, };

export type Finding = { 
/**
 * Its identifier, when the report gives one ("KC-26-01").
 */
id: string | null, 
/**
 * "critical", "high", "medium", "low" or "informational".
 */
severity: string, 
/**
 * "remediated", "risk accepted", "open" or "unknown".
 */
status: string, 
/**
 * The page it is on.
 */
page: number, 
/**
 * Its row or sentence.
 */
quote: string, };

export type Facts = { 
/**
 * The document's id.
 */
document: number, 
/**
 * Its path in the library.
 */
path: string, 
/**
 * "soc2-type2", "soc2-type1", "soc1-type2", "soc1-type1", "soc3", "certificate",
 * "bridge-letter", "pen-test" or "other".
 */
kind: string, 
/**
 * The organisation the document is about (a SOC report's service organisation).
 */
provider: Fact | null, 
/**
 * The system or service in scope.
 */
system: Fact | null, 
/**
 * The service auditor, certification body or tester.
 */
auditor: Fact | null, 
/**
 * The date of the report.
 */
issued: Fact | null, 
/**
 * The period covered (Type 2 and SOC 3; a bridge letter's own period; a pen test's window).
 */
period: Period | null, 
/**
 * The "as of" date (Type 1).
 */
as_of: Fact | null, 
/**
 * "unqualified", "qualified", "adverse" or "disclaimer".
 */
opinion: Fact | null, 
/**
 * Trust services categories in scope (security, availability, processing integrity,
 * confidentiality, privacy).
 */
trust_services: Array<Fact>, 
/**
 * A SOC 1 report's control objectives ("Control Objective 1: Payroll changes are authorized.").
 */
control_objectives: Array<Fact>, 
/**
 * Exceptions noted in the tests of controls.
 */
exceptions: Array<Exception>, 
/**
 * Complementary user entity controls.
 */
cuecs: Array<Cuec>, 
/**
 * Subservice organisations.
 */
subservice: Array<Subservice>, 
/**
 * A certificate's own facts (number, standard, holder, dates, status).
 */
certificate: Certificate | null, 
/**
 * A bridge letter's own facts (the bridged report, the bridged period, signer, statements).
 */
bridge: Bridge | null, 
/**
 * A penetration test's findings, most severe first.
 */
findings: Array<Finding>, 
/**
 * What the reader looked for and did not find, said plainly ("opinion: no opinion paragraph").
 */
not_found: Array<string>, };

export type Metadata = { 
/**
 * Title.
 */
title?: string | null, 
/**
 * Category id from the vocabulary.
 */
category?: string | null, 
/**
 * Region codes.
 */
regions?: Array<string>, 
/**
 * Standard names (canonical when known to the vocabulary).
 */
standards?: Array<string>, 
/**
 * Issuer or auditor.
 */
issuer?: string | null, 
/**
 * Publication date.
 */
published?: string | null, 
/**
 * Start of the period an audit report covers.
 */
period_start?: string | null, 
/**
 * End of the period an audit report covers.
 */
period_end?: string | null, 
/**
 * Date a certificate or report stops being valid.
 */
valid_until?: string | null, 
/**
 * Version of the document.
 */
version?: string | null, 
/**
 * Language (ISO 639-1).
 */
language?: string | null, 
/**
 * Free-text notes.
 */
notes?: string | null, };

export type Status = "indexed" | "partial" | "failed";

export type Document = { 
/**
 * Stable id (survives rescans and renames).
 */
id: number, 
/**
 * Path relative to the library folder, with `/` separators.
 */
path: string, 
/**
 * SHA-256 of the file's content.
 */
hash: string, 
/**
 * Size in bytes.
 */
size: number, 
/**
 * Detected format.
 */
format: Format, 
/**
 * Extraction status.
 */
status: Status, 
/**
 * Why extraction failed or was partial, in words.
 */
reason: string | null, 
/**
 * Which extractor produced the text.
 */
extractor: string | null, 
/**
 * Number of pages (or sections).
 */
page_count: number, 
/**
 * Pages that failed, with the reason.
 */
failed_pages: Array<[number, string]>, 
/**
 * Effective metadata: declared, completed by inferred.
 */
metadata: Metadata, 
/**
 * Names of the fields in `metadata` that were inferred rather than declared.
 */
inferred_fields: Array<string>, 
/**
 * Problems with the document's sidecar, one per field.
 */
sidecar_errors: Array<string>, };

export type SkippedFile = { 
/**
 * Path relative to the library folder.
 */
path: string, 
/**
 * Why it was left out.
 */
reason: string, };

export type Sort = "relevance" | "date" | "title";

export type SearchRequest = { 
/**
 * The query text (see [`crate::query`]).
 */
query: string, 
/**
 * Category filters (OR within, AND across fields).
 */
categories: Array<string>, 
/**
 * Region filters.
 */
regions: Array<string>, 
/**
 * Standard filters.
 */
standards: Array<string>, 
/**
 * Only these documents (by id), e.g. to list every hit inside the open document.
 */
documents: Array<number>, 
/**
 * Order of documents.
 */
sort: Sort, 
/**
 * Documents to skip (paging).
 */
offset: number, 
/**
 * Documents to return.
 */
limit: number, 
/**
 * Best pages to return per document; `None`: every matching page (at most
 * [`MAX_PAGES_PER_DOCUMENT`]), as the viewer's hit list asks.
 */
pages_per_document: number | null, 
/**
 * Treat the last word as a prefix too (search-as-you-type).
 */
as_you_type: boolean, };

export type PageHit = { 
/**
 * 1-based page number (0: the document has no text; it matched by title).
 */
page: number, 
/**
 * Relevance score of this page.
 */
score: number, 
/**
 * A passage of the page around the best match.
 */
snippet: string, 
/**
 * Highlighted ranges in `snippet`, as `[start, end)` offsets in Unicode characters.
 */
highlights: Array<[number, number]>, };

export type DocumentHit = { 
/**
 * Catalog id.
 */
id: number, 
/**
 * Title.
 */
title: string, 
/**
 * Path relative to the library folder.
 */
path: string, 
/**
 * Format.
 */
format: Format, 
/**
 * Extraction status.
 */
status: Status, 
/**
 * Category id.
 */
category: string | null, 
/**
 * Region codes.
 */
regions: Array<string>, 
/**
 * Standards.
 */
standards: Array<string>, 
/**
 * Document date (end of coverage, else published), `YYYY-MM-DD`.
 */
date: string | null, 
/**
 * Issuer or auditor.
 */
issuer: string | null, 
/**
 * Coverage period start, `YYYY-MM-DD`.
 */
period_start: string | null, 
/**
 * Coverage period end, `YYYY-MM-DD`.
 */
period_end: string | null, 
/**
 * Validity end, `YYYY-MM-DD`.
 */
valid_until: string | null, 
/**
 * Metadata fields that were inferred rather than declared.
 */
inferred_fields: Array<string>, 
/**
 * Document score (0 when browsing).
 */
score: number, 
/**
 * How many of its pages match.
 */
matching_pages: number, 
/**
 * The best pages, best first.
 */
pages: Array<PageHit>, };

export type FacetCount = { 
/**
 * The value (category id, region code, standard name).
 */
value: string, 
/**
 * Matching documents with this value.
 */
count: number, };

export type Facets = { 
/**
 * By category.
 */
category: Array<FacetCount>, 
/**
 * By region.
 */
region: Array<FacetCount>, 
/**
 * By standard.
 */
standard: Array<FacetCount>, };

export type HighlightTerms = { 
/**
 * Folded, unstemmed words (and prefix expansions) as in the `text` field.
 */
plain: Array<string>, 
/**
 * English stems (and prefix expansions) as in the `text_en` field.
 */
english: Array<string>, 
/**
 * Control IDs, lower case, as in the `ids` field.
 */
ids: Array<string>, };

export type SearchResponse = { 
/**
 * The query as given.
 */
query: string, 
/**
 * Matching documents in all.
 */
total_documents: number, 
/**
 * Matching pages in all.
 */
total_pages: number, 
/**
 * The requested page of documents.
 */
documents: Array<DocumentHit>, 
/**
 * Facet counts over all matching documents.
 */
facets: Facets, 
/**
 * True when no page matched exactly and similar spellings were searched instead.
 */
fuzzy: boolean, 
/**
 * Things the user may want to know (unknown filter values, …).
 */
notices: Array<string>, 
/**
 * The terms searched for, as the index analysed them: what to highlight in the pages shown.
 */
terms: HighlightTerms, };

export type HighlightRequest = { 
/**
 * The document the texts come from: its language decides the analysis.
 */
document: number, 
/**
 * The terms of the search (its response's `terms`).
 */
terms: HighlightTerms, 
/**
 * The texts: a PDF page's text-layer runs, or a section's text.
 */
texts: Array<string>, };

export type Label = { 
/**
 * The value as stored and filtered on (category id, region code, standard name).
 */
id: string, 
/**
 * What to call it: the category's label, the region's name, the standard's name.
 */
label: string, };

export type Labels = { 
/**
 * Categories, in the vocabulary's order.
 */
categories: Array<Label>, 
/**
 * Regions (the name is the first alias, e.g. "European Union").
 */
regions: Array<Label>, 
/**
 * Standards (the label is the canonical name).
 */
standards: Array<Label>, };

export type PageView = { 
/**
 * The document.
 */
document: Document, 
/**
 * The page.
 */
page: Page, };

export type DocumentProblem = { 
/**
 * Document id.
 */
id: number, 
/**
 * Path.
 */
path: string, 
/**
 * Status.
 */
status: Status, 
/**
 * What is wrong.
 */
reason: string, };

export type LibraryStatus = { 
/**
 * The library folder, if one was indexed.
 */
root: string | null, 
/**
 * The data directory.
 */
data_dir: string, 
/**
 * Documents catalogued.
 */
documents: number, 
/**
 * Pages catalogued.
 */
pages: number, 
/**
 * Pages in the search index.
 */
indexed_pages: number, 
/**
 * Documents fully indexed.
 */
indexed: number, 
/**
 * Documents with some failed pages.
 */
partial: number, 
/**
 * Documents that failed entirely.
 */
failed: number, 
/**
 * Documents whose sidecar has errors.
 */
sidecar_errors: number, 
/**
 * Every document that needs attention.
 */
problems: Array<DocumentProblem>, 
/**
 * Files the last scan could not catalogue (unreadable, not a regular file, changed mid-scan).
 */
skipped: Array<SkippedFile>, 
/**
 * Bookmarks.
 */
bookmarks: number, 
/**
 * Binders.
 */
binders: number, };

export type Progress = { "event": "scanned", 
/**
 * Files found.
 */
files: number, 
/**
 * Files that need extraction.
 */
to_extract: number, } | { "event": "extracted", 
/**
 * Files done so far.
 */
done: number, 
/**
 * Files to do in all.
 */
total: number, 
/**
 * The file just done.
 */
path: string, 
/**
 * Why it failed, if it did.
 */
error: string | null, } | { "event": "recognising", 
/**
 * Files to read by OCR.
 */
total: number, } | { "event": "recognised", 
/**
 * Files done so far.
 */
done: number, 
/**
 * Files to do in all.
 */
total: number, 
/**
 * The file just done.
 */
path: string, 
/**
 * Why it failed, if it did.
 */
error: string | null, } | { "event": "finished" };

export type IndexReport = { 
/**
 * The library folder.
 */
root: string, 
/**
 * Files found.
 */
scanned: number, 
/**
 * New documents.
 */
added: number, 
/**
 * Documents whose content or sidecar changed.
 */
updated: number, 
/**
 * Documents unchanged.
 */
unchanged: number, 
/**
 * Documents renamed or moved (recognised by content hash).
 */
moved: number, 
/**
 * Documents whose files are gone.
 */
removed: number, 
/**
 * Files extracted in this run (the others came from the cache).
 */
extracted: number, 
/**
 * Files whose extraction failed in this run: (path, reason).
 */
failed: Array<[string, string]>, 
/**
 * Files left out: (path, reason).
 */
skipped: Array<[string, string]>, 
/**
 * Pages now in the library.
 */
pages: number, 
/**
 * Documents now in the library.
 */
documents: number, 
/**
 * Wall-clock time of the run in milliseconds.
 */
elapsed_ms: number, 
/**
 * Pages read by OCR in this run.
 */
ocr_pages: number, 
/**
 * Wall-clock time of the OCR pass in milliseconds (part of `elapsed_ms`).
 */
ocr_ms: number, };

export type BookmarkState = "current" | "changed" | "missing";

export type Bookmark = { 
/**
 * Id.
 */
id: number, 
/**
 * SHA-256 of the bookmarked document's content.
 */
document_hash: string, 
/**
 * The document's current catalog id, when it is still there.
 */
document_id: number | null, 
/**
 * Its path (current when found, else as bookmarked).
 */
document_path: string, 
/**
 * Its title when bookmarked.
 */
document_title: string, 
/**
 * 1-based page.
 */
page: number, 
/**
 * What the page is called ("p. 7", a heading).
 */
page_label: string, 
/**
 * The quoted passage.
 */
quote: string | null, 
/**
 * Note.
 */
note: string, 
/**
 * Tags.
 */
tags: Array<string>, 
/**
 * Binders holding it.
 */
binders: Array<number>, 
/**
 * Whether the document is still there as it was.
 */
state: BookmarkState, 
/**
 * What `state` means, in a sentence ([`BookmarkState::note`]); empty when current.
 */
state_note: string, 
/**
 * Created (RFC 3339).
 */
created_at: string, 
/**
 * Last changed (RFC 3339).
 */
updated_at: string, };

export type NewBookmark = { 
/**
 * The document (catalog id).
 */
document_id: number, 
/**
 * 1-based page.
 */
page: number, 
/**
 * The quoted passage, if a selection was bookmarked.
 */
quote: string | null, 
/**
 * A note.
 */
note: string, 
/**
 * Tags.
 */
tags: Array<string>, 
/**
 * Binders to put it in.
 */
binders: Array<number>, };

export type BookmarkUpdate = { 
/**
 * New note.
 */
note: string | null, 
/**
 * New tags.
 */
tags: Array<string> | null, 
/**
 * New quote (`Some(None)` removes it).
 */
quote: string | null | null, };

export type Binder = { 
/**
 * Id.
 */
id: number, 
/**
 * Name (unique).
 */
name: string, 
/**
 * Description.
 */
description: string, 
/**
 * Number of bookmarks.
 */
bookmark_count: number, 
/**
 * Created (RFC 3339).
 */
created_at: string, };

export type ExportReport = { 
/**
 * The zip written.
 */
path: string, 
/**
 * Bookmarks exported.
 */
bookmarks: number, 
/**
 * Files in the package, manifest included.
 */
files: number, 
/**
 * Bookmarks whose document changed or disappeared, and originals that could not be included.
 */
warnings: Array<string>, };

export type VerifyReport = { 
/**
 * True if and only if nothing is wrong.
 */
ok: boolean, 
/**
 * Files checked.
 */
checked: number, 
/**
 * What is wrong, one line each.
 */
problems: Array<string>, };

export type Finished = { report: IndexReport | null, error: IpcError | null, };

export type ExportProgress = { 
/**
 * Files written so far.
 */
done: number, 
/**
 * Files to write in all.
 */
total: number, };

/** Calls one command of the shell by name with its named arguments. */
export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;

/** Every command of the shell, each a typed call through `invoke`. */
export function commands(invoke: Invoke) {
  return {
    /** Searches the library. */
    search: (request: SearchRequest) => invoke<SearchResponse>("search", { request }),
    /** Where the searched terms are in texts of a document (the viewer's page). */
    highlight: (request: HighlightRequest) => invoke<Array<Array<[number, number]>>>("highlight", { request }),
    /** The vocabulary's labels for categories, regions and standards. */
    get_labels: () => invoke<Labels>("get_labels", {}),
    /** Counts, and every document that needs attention. */
    library_status: () => invoke<LibraryStatus>("library_status", {}),
    /** A document's metadata and status. */
    get_document: (id: number) => invoke<Document>("get_document", { id }),
    /** One page of a document. */
    get_page: (id: number, page: number) => invoke<PageView>("get_page", { id, page }),
    /** Every page of a document. */
    get_pages: (id: number) => invoke<Array<Page>>("get_pages", { id }),
    /** What an audit document says, each fact with its page and quote. */
    get_facts: (id: number) => invoke<Facts>("get_facts", { id }),
    /** A document's file, checked against the catalog's hash. */
    read_document: (id: number) => invoke<ArrayBuffer>("read_document", { id }),
    /** Indexes `folder` (or the library folder used last) in the background, then watches it. */
    reindex: (folder: string | null) => invoke<null>("reindex", { folder }),
    /** Creates a bookmark. */
    add_bookmark: (bookmark: NewBookmark) => invoke<Bookmark>("add_bookmark", { bookmark }),
    /** Bookmarks, all or one binder's. */
    list_bookmarks: (binder: number | null) => invoke<Array<Bookmark>>("list_bookmarks", { binder }),
    /** Changes a bookmark's note, tags or quote. */
    update_bookmark: (id: number, update: BookmarkUpdate) => invoke<Bookmark>("update_bookmark", { id, update }),
    /** Deletes a bookmark and returns it (for undo). */
    remove_bookmark: (id: number) => invoke<Bookmark>("remove_bookmark", { id }),
    /** Every binder. */
    list_binders: () => invoke<Array<Binder>>("list_binders", {}),
    /** Creates a binder. */
    create_binder: (name: string, description: string) => invoke<Binder>("create_binder", { name, description }),
    /** Renames a binder. */
    rename_binder: (id: number, name: string) => invoke<Binder>("rename_binder", { id, name }),
    /** Deletes a binder; its bookmarks stay. */
    delete_binder: (id: number) => invoke<null>("delete_binder", { id }),
    /** Puts a bookmark into a binder. */
    add_to_binder: (binder: number, bookmark: number) => invoke<null>("add_to_binder", { binder, bookmark }),
    /** Takes a bookmark out of a binder. */
    remove_from_binder: (binder: number, bookmark: number) => invoke<null>("remove_from_binder", { binder, bookmark }),
    /** Sets the order of a binder's bookmarks. */
    reorder_binder: (binder: number, order: Array<number>) => invoke<null>("reorder_binder", { binder, order }),
    /** Exports a binder as an evidence package, reporting progress as `export-progress`. */
    export_binder: (binder: number, dest: string, originals: boolean) => invoke<ExportReport>("export_binder", { binder, dest, originals }),
    /** Writes a backup of the catalog. */
    backup_catalog: (dest: string) => invoke<null>("backup_catalog", { dest }),
    /** Replaces the catalog with a backup and rebuilds the index. */
    restore_catalog: (src: string) => invoke<null>("restore_catalog", { src }),
    /** Verifies an evidence package against its manifest. */
    verify_package: (path: string) => invoke<VerifyReport>("verify_package", { path }),
  };
}

/** The commands as an object type. */
export type Commands = ReturnType<typeof commands>;

/** Every event the shell sends to the window, by name, with its payload. */
export type Events = {
  /** Progress of an index run or of the folder watch. */
  "index-progress": Progress;
  /** An index run finished. */
  "index-finished": Finished;
  /** Progress of an evidence-package export. */
  "export-progress": ExportProgress;
};

/** The names of the events. */
export const EVENT_NAMES = ["index-progress", "index-finished", "export-progress"] as const;
