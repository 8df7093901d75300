// The window's state: what every pane draws from. Panes change it only through the store.
import type { Binder, Document, Facts, HighlightTerms, Labels, LibraryStatus, SearchResponse, Sort } from "./bindings";
import { Store } from "./store";

/** What the middle pane shows. */
export type View = "list" | "binder" | "problems";

/** Results a new query asks for: a screenful and a little more. Each keystroke's answer stays small
 * (snippets are made, sent and drawn for these only); "Show more" asks for RESULTS_PAGE more. */
export const FIRST_RESULTS = 10;
/** Results each "Show more" adds. */
export const RESULTS_PAGE = 30;

export type Filters = { categories: string[]; regions: string[]; standards: string[] };
export type FacetKind = "category" | "region" | "standard";

export type AppState = Filters & {
  query: string;
  sort: Sort;
  /** Documents asked for: RESULTS_PAGE more per "Show more"; back to FIRST_RESULTS per new query. */
  limit: number;
  /** Bumped to search again with the same request (the library changed). */
  refreshed: number;
  response: SearchResponse | null;
  /** The result the keyboard moves. */
  selected: number;
  /** Why there is no response (an error, said in words). */
  message: string;
  view: View;
  binderId: number | null;
  binders: Binder[];
  /** Bumped when bookmarks changed (the open binder is drawn again). */
  bookmarksChanged: number;
  doc: Document | null;
  /** Why the document asked for could not be opened. */
  docError: string;
  page: number;
  pageCount: number;
  /** Pages of the open document that match the query, in page order. */
  hitPages: number[];
  /** What to highlight in the open document (from the core's answer for it). */
  terms: HighlightTerms;
  /** What the open document says, if it is an audit report (the Report panel). */
  facts: Facts | null;
  /** A fact's sentence to mark on the page (a citation was followed), instead of the terms. */
  quote: string | null;
  zoom: number;
  status: LibraryStatus | null;
  progress: { done: number; total: number; path: string; ocr?: boolean } | null;
  /** The core's labels for categories, regions and standards. */
  labels: Labels | null;
};

export const NO_TERMS: HighlightTerms = { plain: [], english: [], ids: [] };

export function initialState(): AppState {
  return {
    query: "",
    categories: [],
    regions: [],
    standards: [],
    sort: "relevance",
    limit: FIRST_RESULTS,
    refreshed: 0,
    response: null,
    selected: 0,
    message: "",
    view: "list",
    binderId: null,
    binders: [],
    bookmarksChanged: 0,
    doc: null,
    docError: "",
    page: 1,
    pageCount: 0,
    hitPages: [],
    terms: NO_TERMS,
    facts: null,
    quote: null,
    zoom: 1,
    status: null,
    progress: null,
    labels: null,
  };
}

export type AppStore = Store<AppState>;

export function createStore(): AppStore {
  return new Store(initialState());
}

/** The filter list a facet kind toggles. */
export function filterKey(kind: FacetKind): keyof Filters {
  return kind === "category" ? "categories" : kind === "region" ? "regions" : "standards";
}

export function filterCount(s: Filters): number {
  return s.categories.length + s.regions.length + s.standards.length;
}
