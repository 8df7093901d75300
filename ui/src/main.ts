// TrustShelf's window: library and search (left and middle panes), the viewer (right), binders, and
// the indexing status bar. State lives here; every operation is a call into the core through api.ts.
import "./style.css";
import { api, chooseBackupFile, chooseFolder, chooseSavePath, errorText, Finished, hasBackend, onEvent } from "./api";
import type { Binder, Bookmark, Document, DocumentHit, FacetCount, LibraryStatus, Progress, SearchResponse, Sort } from "./bindings";
import { categoryLabel, coalesce, describeDates, escapeHtml, facetLayout, facetRows, highlightSnippet, Latest, move, parseTags, queryTerms, toggle, validity } from "./logic";

type View = "list" | "binder" | "problems";

/** Results a new query asks for: a screenful and a little more. Each keystroke's answer stays small
 * (snippets are made, sent and drawn for these only); "Show more" asks for RESULTS_PAGE more. */
const FIRST_RESULTS = 10;
/** Results each "Show more" adds. */
const RESULTS_PAGE = 30;

const state = {
  query: "",
  categories: [] as string[],
  regions: [] as string[],
  standards: [] as string[],
  sort: "relevance" as Sort,
  /** Documents asked for: RESULTS_PAGE more per "Show more"; back to FIRST_RESULTS per new query. */
  limit: FIRST_RESULTS,
  response: null as SearchResponse | null,
  selected: 0,
  view: "list" as View,
  binderId: null as number | null,
  binders: [] as Binder[],
  bookmarks: [] as Bookmark[],
  doc: null as Document | null,
  page: 1,
  pageCount: 0,
  hitPages: [] as number[],
  zoom: 1,
  status: null as LibraryStatus | null,
  progress: null as { done: number; total: number; path: string } | null,
  message: "",
};

const latest = new Latest();
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector(sel) as T;
const today = new Date().toISOString().slice(0, 10);

function layout() {
  $("#app").innerHTML = `
  <div class="shell">
    <aside class="sidebar">
      <div class="search-box">
        <input data-testid="search-input" id="search" type="search" placeholder="Search every page…  ( / )" autocomplete="off" spellcheck="false" aria-label="Search" />
      </div>
      <nav id="facets" aria-label="Filters"></nav>
      <section class="binders">
        <h2>Binders</h2>
        <ul data-testid="binder-list" id="binders"></ul>
        <form id="new-binder" class="inline-form"><input id="new-binder-input" data-testid="sidebar-new-binder" placeholder="New binder…" aria-label="New binder name" /></form>
      </section>
      <div class="row small"><button class="link" id="choose-folder" title="Index another library folder">Library folder…</button>
        <button class="link" id="backup" title="Save bookmarks, binders and the catalog to a file">Back up…</button>
        <button class="link" id="restore" title="Replace the catalog with a backup">Restore…</button></div>
    </aside>
    <main class="middle" id="middle" tabindex="-1"></main>
    <section class="viewer" data-testid="viewer" id="viewer" tabindex="-1"></section>
  </div>
  <footer class="statusbar" id="statusbar"></footer>
  <div class="toast" id="toast" role="status" hidden></div>`;
}

function notice(html: string, undo?: () => void) {
  const t = $("#toast");
  t.innerHTML = html + (undo ? ` <button class="link" id="undo">Undo</button>` : "");
  t.hidden = false;
  if (undo) $("#undo").onclick = () => { undo(); t.hidden = true; };
  clearTimeout((notice as unknown as { timer?: number }).timer);
  (notice as unknown as { timer?: number }).timer = window.setTimeout(() => (t.hidden = true), undo ? 8000 : 4000);
}

// ---------- search ----------

async function runSearch(more = false) {
  if (!more) state.limit = FIRST_RESULTS;
  const seq = latest.next();
  try {
    const res = await api.search({
      query: state.query,
      categories: state.categories,
      regions: state.regions,
      standards: state.standards,
      documents: [],
      sort: state.sort,
      offset: 0,
      limit: state.limit,
      pages_per_document: 3,
      as_you_type: true,
    });
    if (!latest.isCurrent(seq)) return; // a newer keystroke already asked
    state.response = res;
    if (!more) state.selected = 0;
    state.message = "";
  } catch (e) {
    if (!latest.isCurrent(seq)) return;
    state.response = null;
    state.message = errorText(e);
  }
  renderFacets();
  if (state.view === "list") renderList();
}

// Search on every keystroke (a search takes milliseconds); keystrokes during one collapse into one more.
const searchSoon = coalesce(() => runSearch());

function facetGroup(title: string, kind: "category" | "region" | "standard", rows: FacetCount[], selected: string[]) {
  const items = rows
    .map((v) => {
      const label = kind === "category" ? categoryLabel(v.value) : v.value;
      const on = selected.includes(v.value);
      return `<li><label class="facet ${on ? "on" : ""}"><input type="checkbox" data-kind="${kind}" data-value="${escapeHtml(v.value)}" ${on ? "checked" : ""}/> <span>${escapeHtml(label)}</span><span class="count">${v.count}</span></label></li>`;
    })
    .join("");
  return `<section data-testid="facet-${kind}"><h2>${title}</h2><ul>${items || `<li class="muted">none</li>`}</ul></section>`;
}

/** The facet panel as last drawn (see facetLayout). */
let facetsDrawn = "";

function renderFacets() {
  const f = state.response?.facets ?? { category: [], region: [], standard: [] };
  const groups = [
    { rows: facetRows(f.category, state.categories), selected: state.categories },
    { rows: facetRows(f.region, state.regions), selected: state.regions },
    { rows: facetRows(f.standard, state.standards), selected: state.standards },
  ];
  const layout = facetLayout(groups);
  const counts = $("#facets").querySelectorAll<HTMLElement>(".count");
  const rows = groups.flatMap((g) => g.rows);
  if (layout === facetsDrawn && counts.length === rows.length) {
    // While typing, the same rows usually come back with new counts: change only the numbers
    // (rebuilding two dozen checkboxes per keystroke is paid in the keystroke's frame).
    rows.forEach((r, i) => {
      const text = String(r.count);
      if (counts[i].textContent !== text) counts[i].textContent = text;
    });
    return;
  }
  facetsDrawn = layout;
  $("#facets").innerHTML =
    facetGroup("Category", "category", groups[0].rows, state.categories) +
    facetGroup("Region", "region", groups[1].rows, state.regions) +
    facetGroup("Standard", "standard", groups[2].rows, state.standards);
}

function filterCount() {
  return state.categories.length + state.regions.length + state.standards.length;
}

function badges(d: { category: string | null; regions: string[]; standards: string[] }) {
  const cat = d.category ? `<span class="badge cat cat-${escapeHtml(d.category)}">${escapeHtml(categoryLabel(d.category))}</span>` : "";
  return cat + d.regions.map((r) => `<span class="badge region">${escapeHtml(r)}</span>`).join("") + d.standards.map((s) => `<span class="badge std">${escapeHtml(s)}</span>`).join("");
}

function statusBadge(d: DocumentHit) {
  const v = validity(d, today);
  const valid = v === "expired" ? `<span class="badge warn">expired</span>` : v === "expiring" ? `<span class="badge soon">expires soon</span>` : "";
  if (d.status === "failed") return valid + `<span class="badge warn" title="Only its metadata is indexed">failed</span>`;
  if (d.status === "partial") return valid + `<span class="badge warn">partially indexed</span>`;
  return valid;
}

/** The results that fill the pane when each is as short as it gets (a search result with one page
 * line ~125 px, a document ~80 px): drawn in the keystroke's own frame; the rest follow. */
function firstScreen(searching: boolean) {
  // The window's height, not the pane's: reading a size would force a layout in the keystroke's task.
  return Math.max(4, Math.ceil(window.innerHeight / (searching ? 125 : 80)));
}
let listToken = 0;

function renderList() {
  const m = $("#middle");
  const res = state.response;
  const searching = state.query.trim() !== "";
  if (!res) {
    m.innerHTML = `<div class="empty">${escapeHtml(state.message || "Loading the library…")}</div>`;
    return;
  }
  const chips = [...state.categories.map((c) => ["category", c]), ...state.regions.map((r) => ["region", r]), ...state.standards.map((s) => ["standard", s])]
    .map(([k, v]) => `<button class="chip" data-kind="${k}" data-value="${escapeHtml(v)}" title="Remove this filter">${escapeHtml(k === "category" ? categoryLabel(v) : v)} ✕</button>`)
    .join("");
  const header = `<header class="list-head">
      <div><strong>${res.total_documents}</strong> ${res.total_documents === 1 ? "document" : "documents"}${searching ? ` · ${res.total_pages} pages` : ""}
      ${filterCount() ? ` · ${filterCount()} ${filterCount() === 1 ? "filter" : "filters"} <button class="link" id="clear-filters" data-testid="clear-filters">clear all ✕</button>` : ""}</div>
      <label class="sort">Sort <select id="sort"><option value="relevance">${searching ? "Relevance" : "Title"}</option><option value="date">Date</option><option value="title">Title</option></select></label>
    </header>
    <div class="chips">${chips}</div>
    ${res.notices.map((n) => `<div class="notice">${escapeHtml(n)}</div>`).join("")}`;
  if (!res.documents.length) {
    const hint = filterCount()
      ? `<button class="link" id="clear-filters-2">Remove the ${filterCount()} ${filterCount() === 1 ? "filter" : "filters"}</button> to search the whole library.`
      : "Check the spelling, use fewer words, or try a prefix such as <code>contin*</code>.";
    m.innerHTML = header + `<div class="empty"><p>No page matches <strong>“${escapeHtml(state.query)}”</strong>.</p><p>${hint}</p></div>`;
  } else {
    const rest = res.total_documents - res.documents.length;
    const more = rest > 0 ? `<button class="link show-more" id="show-more" data-testid="show-more">Show ${Math.min(rest, RESULTS_PAGE)} more (${rest} not shown)</button>` : "";
    // The first screenful is drawn with this keystroke's frame; the rest right after it is painted.
    const item = (d: DocumentHit, i: number) => (searching ? resultItem(d, i) : documentItem(d, i));
    const first = firstScreen(searching);
    m.innerHTML = header + `<ol class="results" id="results">${res.documents.slice(0, first).map(item).join("")}</ol>${more}`;
    const token = ++listToken;
    if (res.documents.length > first) {
      requestAnimationFrame(() =>
        setTimeout(() => {
          if (token !== listToken || state.response !== res) return;
          $("#results")?.insertAdjacentHTML("beforeend", res.documents.slice(first).map((d, i) => item(d, i + first)).join(""));
        }, 0),
      );
    }
  }
  const sel = $("#sort") as HTMLSelectElement | null;
  if (sel) sel.value = state.sort;
}

function resultItem(d: DocumentHit, i: number) {
  const pages = d.pages
    .map(
      (p) => `<li><button class="page-line" data-testid="result-page" data-doc="${d.id}" data-page="${p.page}">
        <span class="pno">${p.page ? `p. ${p.page}` : "title"}</span><span class="snippet">${highlightSnippet(p.snippet, p.highlights as Array<[number, number]>)}</span></button></li>`,
    )
    .join("");
  return `<li class="result ${i === state.selected ? "selected" : ""}" data-testid="result-item" data-index="${i}" data-doc="${d.id}" aria-selected="${i === state.selected}">
      <div class="title-row"><span class="title">${escapeHtml(d.title)}</span>${statusBadge(d)}</div>
      <div class="badges">${badges(d)}<span class="muted">${d.matching_pages} matching ${d.matching_pages === 1 ? "page" : "pages"}</span></div>
      <ul class="pages">${pages}</ul></li>`;
}

function documentItem(d: DocumentHit, i: number) {
  return `<li class="result doc ${i === state.selected ? "selected" : ""}" data-testid="document-item" data-index="${i}" data-doc="${d.id}" aria-selected="${i === state.selected}">
      <div class="title-row"><span class="title">${escapeHtml(d.title)}</span>${statusBadge(d)}</div>
      <div class="badges">${badges(d)}</div>
      <div class="muted small">${[d.issuer, describeDates(d), d.path].filter(Boolean).map((x) => escapeHtml(x!)).join(" · ")}${d.inferred_fields.some((f) => ["category", "regions", "standards"].includes(f)) ? ` · <span class="inferred" title="Category, regions or standards were inferred from the text">metadata inferred</span>` : ""}</div></li>`;
}

// ---------- viewer ----------

async function openDocument(id: number, page: number) {
  try {
    const doc = await api.document(id);
    state.doc = doc;
    state.page = Math.max(1, page || 1);
    state.pageCount = doc.page_count;
    state.hitPages = [];
    if (state.query.trim()) {
      const hits = await api.search({ query: state.query, categories: [], regions: [], standards: [], documents: [id], sort: "relevance", offset: 0, limit: 1, pages_per_document: 1000, as_you_type: true });
      state.hitPages = (hits.documents[0]?.pages ?? []).map((p) => p.page).filter((p) => p > 0).sort((a, b) => a - b);
    }
    await renderViewer();
  } catch (e) {
    $("#viewer").innerHTML = `<div class="empty">${escapeHtml(errorText(e))}</div>`;
  }
}

function metaRow(d: Document) {
  const inferred = new Set(d.inferred_fields);
  const mark = (field: string, html: string) => (inferred.has(field) ? `<span class="inferred" title="Inferred from the document's text; not declared in a sidecar">${html}</span>` : html);
  const m = d.metadata;
  const v = validity(m, today);
  const parts = [
    mark("category", `<span class="badge cat cat-${escapeHtml(m.category ?? "")}">${escapeHtml(categoryLabel(m.category))}</span>`),
    ...(m.regions ?? []).map((r) => mark("regions", `<span class="badge region">${escapeHtml(r)}</span>`)),
    ...(m.standards ?? []).map((s) => mark("standards", `<span class="badge std">${escapeHtml(s)}</span>`)),
  ];
  const dates = describeDates(m);
  const dateField = m.period_start || m.period_end ? "period_end" : m.valid_until ? "valid_until" : "published";
  return `<div class="badges">${parts.join("")}</div>
    <div class="meta-line muted">${m.issuer ? mark("issuer", escapeHtml(m.issuer)) + " · " : ""}${dates ? mark(dateField, escapeHtml(dates)) : ""}${v === "expired" ? ` <span class="badge warn">expired</span>` : v === "expiring" ? ` <span class="badge soon">expires soon</span>` : ""}</div>
    ${d.status !== "indexed" ? `<div class="notice">${escapeHtml(d.reason ?? "")}</div>` : ""}
    ${d.sidecar_errors.length ? `<div class="notice">Sidecar: ${escapeHtml(d.sidecar_errors.join("; "))}</div>` : ""}`;
}

async function renderViewer() {
  const v = $("#viewer");
  const d = state.doc;
  if (!d) {
    v.innerHTML = `<div class="empty">Open a result to read it here, at the page that matched.</div>`;
    return;
  }
  const hitIdx = state.hitPages.indexOf(state.page);
  const hitNav = state.hitPages.length
    ? `<span class="hits">${hitIdx >= 0 ? `hit ${hitIdx + 1} of ${state.hitPages.length}` : `${state.hitPages.length} pages with hits`}</span>
       <button data-testid="prev-hit" id="prev-hit" title="Previous page with a hit">▲</button><button data-testid="next-hit" id="next-hit" title="Next page with a hit">▼</button>`
    : "";
  v.innerHTML = `<header class="viewer-head">
      <h1>${escapeHtml(d.metadata.title ?? d.path)}</h1>
      ${metaRow(d)}
      <div class="toolbar">
        <button id="prev-page" title="Previous page" ${state.page <= 1 ? "disabled" : ""}>◀</button>
        <span>p. <input id="page-input" class="page-input" value="${state.page}" aria-label="Page number" /> <span data-testid="viewer-page-number" id="page-number">${state.page}</span> / ${state.pageCount}</span>
        <button id="next-page" title="Next page" ${state.page >= state.pageCount ? "disabled" : ""}>▶</button>
        ${hitNav}
        <span class="spacer"></span>
        <button id="zoom-out" title="Zoom out">−</button><button id="zoom-in" title="Zoom in">+</button>
        <button data-testid="bookmark-button" id="bookmark-page" class="primary">☆ Bookmark page</button>
        <button data-testid="bookmark-quote" id="bookmark-quote">❝ Bookmark quote</button>
      </div>
      <div id="bookmark-form-slot"></div>
    </header>
    <div class="page-area" id="page-area"><div class="empty">Loading p. ${state.page}…</div></div>`;
  const area = $("#page-area");
  const terms = queryTerms(state.query);
  try {
    // pdf.js loads on first use, keeping start-up light.
    const { hasPdf, openPdf, renderPdfPage, renderTextPage } = await import("./viewer");
    let first: HTMLElement | null;
    if (d.format === "pdf" && d.status !== "failed") {
      if (!hasPdf(d.id)) state.pageCount = await openPdf(d.id, await api.readDocument(d.id));
      first = await renderPdfPage(area, state.page, state.zoom, terms);
    } else if (d.page_count > 0) {
      const view = await api.page(d.id, state.page);
      first = renderTextPage(area, view.page.label, view.page.text, terms);
    } else {
      area.innerHTML = `<div class="empty">This document has no extracted text. ${escapeHtml(d.reason ?? "")}</div>`;
      first = null;
    }
    if (first) {
      // Scroll only the page area (scrollIntoView would move every scrollable ancestor).
      const a = area.getBoundingClientRect();
      const m = first.getBoundingClientRect();
      area.scrollTop += m.top - a.top - a.height / 3;
      area.scrollLeft += Math.max(0, m.left - a.left - a.width / 2);
    }
  } catch (e) {
    area.innerHTML = `<div class="empty">${escapeHtml(errorText(e))}</div>`;
  }
}

function gotoPage(p: number) {
  if (!state.doc) return;
  state.page = Math.min(Math.max(1, p), Math.max(1, state.pageCount));
  void renderViewer();
}

function showBookmarkForm(quote: string | null) {
  if (!state.doc) return;
  const boxes = state.binders.map((b) => `<label><input type="checkbox" name="binder" value="${b.id}" ${b.id === state.binderId ? "checked" : ""}/> ${escapeHtml(b.name)}</label>`).join("");
  $("#bookmark-form-slot").innerHTML = `<form class="bookmark-form" data-testid="bookmark-form" id="bookmark-form">
      <div class="muted">${escapeHtml(state.doc.metadata.title ?? state.doc.path)} · p. ${state.page}</div>
      ${quote ? `<blockquote>${escapeHtml(quote)}</blockquote>` : ""}
      <textarea data-testid="bookmark-note" id="bm-note" rows="2" placeholder="Note (what this page proves)"></textarea>
      <input id="bm-tags" data-testid="bookmark-tags" placeholder="Tags, comma-separated" />
      <div class="binder-choice">${boxes}<input id="bm-new-binder" data-testid="new-binder-name" placeholder="…or a new binder" /></div>
      <div class="row"><button type="submit" class="primary" data-testid="bookmark-save">Save bookmark</button><button type="button" id="bm-cancel">Cancel</button></div>
    </form>`;
  const form = $("#bookmark-form") as HTMLFormElement;
  ($("#bm-note") as HTMLTextAreaElement).focus();
  $("#bm-note").addEventListener("keydown", (e) => {
    if ((e as KeyboardEvent).key === "Enter" && !(e as KeyboardEvent).shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  $("#bm-cancel").onclick = () => ($("#bookmark-form-slot").innerHTML = "");
  form.onsubmit = async (e) => {
    e.preventDefault();
    try {
      const binders = Array.from(form.querySelectorAll<HTMLInputElement>("input[name=binder]:checked")).map((i) => Number(i.value));
      const newName = ($("#bm-new-binder") as HTMLInputElement).value.trim();
      if (newName) binders.push((await api.createBinder(newName)).id);
      const b = await api.addBookmark({
        document_id: state.doc!.id,
        page: state.page,
        quote,
        note: ($("#bm-note") as HTMLTextAreaElement).value,
        tags: parseTags(($("#bm-tags") as HTMLInputElement).value),
        binders,
      });
      $("#bookmark-form-slot").innerHTML = "";
      notice(`Bookmarked ${escapeHtml(b.page_label)}${binders.length ? ` into ${binders.length} binder${binders.length > 1 ? "s" : ""}` : ""}.`);
      await refreshBinders();
    } catch (err) {
      notice(escapeHtml(errorText(err)));
    }
  };
}

// ---------- binders ----------

async function refreshBinders() {
  try {
    state.binders = await api.binders();
  } catch {
    state.binders = [];
  }
  $("#binders").innerHTML = state.binders
    .map((b) => `<li><button class="binder ${state.view === "binder" && state.binderId === b.id ? "on" : ""}" data-testid="binder-item" data-binder="${b.id}">${escapeHtml(b.name)}<span class="count">${b.bookmark_count}</span></button></li>`)
    .join("") || `<li class="muted small">Bookmark a page to start a binder.</li>`;
  if (state.view === "binder") await renderBinder();
}

async function openBinder(id: number) {
  state.view = "binder";
  state.binderId = id;
  await refreshBinders();
}

function stateWarning(b: Bookmark) {
  if (b.state === "changed") return `<div class="notice">This document changed after it was bookmarked; the page may say something else now.</div>`;
  if (b.state === "missing") return `<div class="notice">This document is no longer in the library.</div>`;
  return "";
}

async function renderBinder() {
  const binder = state.binders.find((b) => b.id === state.binderId);
  const m = $("#middle");
  if (!binder) {
    state.view = "list";
    renderList();
    return;
  }
  state.bookmarks = await api.bookmarks(binder.id);
  const cards = state.bookmarks
    .map(
      (b, i) => `<li class="card" data-testid="bookmark-card" draggable="true" data-index="${i}" data-id="${b.id}">
        <div class="cite"><strong>${escapeHtml(b.document_title)}</strong> · ${escapeHtml(b.page_label)}</div>
        ${stateWarning(b)}
        ${b.quote ? `<blockquote>${escapeHtml(b.quote)}</blockquote>` : ""}
        <div class="note" data-testid="bookmark-card-note">${escapeHtml(b.note)}</div>
        <div class="badges">${b.tags.map((t) => `<span class="badge tag">${escapeHtml(t)}</span>`).join("")}</div>
        <div class="row actions">
          <button data-act="open" ${b.document_id === null ? "disabled" : ""}>Open at ${escapeHtml(b.page_label)}</button>
          <button data-act="edit">Edit</button>
          <button data-act="up" ${i === 0 ? "disabled" : ""} title="Move up">▲</button><button data-act="down" ${i === state.bookmarks.length - 1 ? "disabled" : ""} title="Move down">▼</button>
          ${state.binders.length > 1 ? `<select data-act="move" aria-label="Move to binder"><option value="">Move to…</option>${state.binders.filter((x) => x.id !== binder.id).map((x) => `<option value="${x.id}">${escapeHtml(x.name)}</option>`).join("")}</select>` : ""}
          <button data-act="delete" class="danger">Delete</button>
        </div></li>`,
    )
    .join("");
  m.innerHTML = `<header class="list-head"><div><button class="link" id="back-to-list">← Library</button> · <strong>${escapeHtml(binder.name)}</strong> · ${binder.bookmark_count} bookmarks</div></header>
    <div class="export-row"><input id="export-path" data-testid="export-path" aria-label="Export to" placeholder="Export to… (.zip)" /><button id="export-choose">Choose…</button>
      <label><input type="checkbox" id="export-originals" checked /> include original files</label>
      <button class="primary" data-testid="binder-export" id="export">Export evidence package</button></div>
    <div id="export-status" data-testid="export-status"></div>
    <ol class="cards">${cards || `<li class="empty">No bookmarks yet. Open a document and use ☆ Bookmark page.</li>`}</ol>`;
}

async function exportBinder() {
  const binder = state.binders.find((b) => b.id === state.binderId);
  if (!binder) return;
  let dest = ($("#export-path") as HTMLInputElement).value.trim();
  if (!dest) dest = (await chooseSavePath(`${binder.name.replace(/[^\p{L}\p{N}._-]+/gu, "-")}.zip`)) ?? "";
  if (!dest) return;
  if (!dest.toLowerCase().endsWith(".zip")) dest += ".zip";
  const status = $("#export-status");
  status.innerHTML = `<progress data-testid="export-progress"></progress> Exporting…`;
  try {
    const report = await api.exportBinder(binder.id, dest, ($("#export-originals") as HTMLInputElement).checked);
    const verify = await api.verifyPackage(dest);
    status.innerHTML = `<div class="${verify.ok ? "ok" : "notice"}">Exported ${report.bookmarks} bookmarks to <code>${escapeHtml(report.path)}</code> — ${verify.ok ? `verified: ${verify.checked} files match the manifest ✓` : `verification failed: ${escapeHtml(verify.problems.join("; "))}`}</div>
      ${report.warnings.map((w) => `<div class="notice">${escapeHtml(w)}</div>`).join("")}`;
  } catch (e) {
    status.innerHTML = `<div class="notice">${escapeHtml(errorText(e))}</div>`;
  }
}

async function bookmarkAction(act: string, index: number) {
  const b = state.bookmarks[index];
  if (!b) return;
  if (act === "open" && b.document_id !== null) return openDocument(b.document_id, b.page);
  if (act === "up" || act === "down") {
    const order = move(state.bookmarks.map((x) => x.id), index, act === "up" ? index - 1 : index + 1);
    await api.reorderBinder(state.binderId!, order);
    return renderBinder();
  }
  if (act === "delete") {
    const removed = await api.removeBookmark(b.id);
    await refreshBinders();
    notice(`Deleted the bookmark on ${escapeHtml(removed.page_label)}.`, async () => {
      if (removed.document_id === null) return notice("Its document is gone; the bookmark cannot be restored.");
      await api.addBookmark({ document_id: removed.document_id, page: removed.page, quote: removed.quote, note: removed.note, tags: removed.tags, binders: removed.binders });
      await refreshBinders();
    });
    return;
  }
  if (act === "edit") {
    const card = document.querySelector(`.card[data-index="${index}"]`)!;
    card.querySelector(".note")!.innerHTML = `<form class="inline-edit"><textarea rows="2">${escapeHtml(b.note)}</textarea><input value="${escapeHtml(b.tags.join(", "))}" /><button class="primary">Save</button></form>`;
    const form = card.querySelector("form")!;
    form.onsubmit = async (e) => {
      e.preventDefault();
      await api.updateBookmark(b.id, { note: form.querySelector("textarea")!.value, tags: parseTags(form.querySelector("input")!.value), quote: null });
      await renderBinder();
    };
  }
}

// ---------- status ----------

async function refreshStatus() {
  try {
    state.status = await api.status();
  } catch (e) {
    state.status = null;
    state.message = errorText(e);
  }
  renderStatus();
}

function renderStatus() {
  const s = state.status;
  const p = state.progress;
  const attention = s ? s.failed + s.partial + s.sidecar_errors + s.skipped.length : 0;
  $("#statusbar").innerHTML = `${p ? `<progress data-testid="index-progress" max="${Math.max(p.total, 1)}" value="${p.done}"></progress> Indexing ${p.done} of ${p.total}: ${escapeHtml(p.path)}` : `<progress data-testid="index-progress" hidden></progress><span class="dot"></span>`}
    ${s && !p ? `Indexed ${s.documents} documents · ${s.pages.toLocaleString("en")} pages` : ""}
    ${attention && !p ? ` · <button class="link" id="show-problems" data-testid="show-problems">${attention} need attention</button>` : ""}
    ${!hasBackend() ? `<span class="notice">TrustShelf's library runs in the desktop app; this window was opened without it.</span>` : ""}`;
}

function renderProblems() {
  const s = state.status;
  state.view = "problems";
  $("#middle").innerHTML = `<header class="list-head"><div><button class="link" id="back-to-list">← Library</button> · <strong>Files that need attention</strong></div></header>
    <ul class="problems">${(s?.problems ?? []).map((p) => `<li data-testid="problem-item"><strong>${escapeHtml(p.path)}</strong> <span class="badge warn">${p.status}</span><div class="muted">${escapeHtml(p.reason)}</div></li>`)
      .concat((s?.skipped ?? []).map((f) => `<li data-testid="problem-item"><strong>${escapeHtml(f.path)}</strong> <span class="badge warn">not indexed</span><div class="muted">${escapeHtml(f.reason)}</div></li>`))
      .join("") || `<li class="empty">Everything is indexed.</li>`}</ul>`;
}

// ---------- wiring ----------

function selectResult(i: number) {
  const n = state.response?.documents.length ?? 0;
  if (!n) return;
  state.selected = Math.max(0, Math.min(n - 1, i));
  document.querySelectorAll(".result").forEach((el) => {
    const on = Number((el as HTMLElement).dataset.index) === state.selected;
    el.classList.toggle("selected", on);
    el.setAttribute("aria-selected", String(on));
    if (on) {
      const pane = $("#middle");
      const r = el.getBoundingClientRect();
      const p = pane.getBoundingClientRect();
      if (r.top < p.top + 50) pane.scrollTop -= p.top + 50 - r.top;
      else if (r.bottom > p.bottom) pane.scrollTop += r.bottom - p.bottom;
    }
  });
}

function openSelected() {
  const d = state.response?.documents[state.selected];
  if (d) void openDocument(d.id, d.pages[0]?.page || 1);
}

function wire() {
  const search = $("#search") as HTMLInputElement;
  search.addEventListener("input", () => {
    state.query = search.value;
    if (state.view !== "list") state.view = "list";
    void searchSoon();
  });
  search.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") (e.preventDefault(), selectResult(state.selected + 1));
    else if (e.key === "ArrowUp") (e.preventDefault(), selectResult(state.selected - 1));
    else if (e.key === "Enter") (e.preventDefault(), openSelected());
  });
  document.addEventListener("keydown", (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if ((e.key === "k" && (e.ctrlKey || e.metaKey)) || (e.key === "/" && !typing)) {
      e.preventDefault();
      search.focus();
      search.select();
    } else if (e.key === "Escape") {
      $("#bookmark-form-slot")?.replaceChildren();
      search.focus();
    } else if (!typing && state.doc && (e.key === "ArrowRight" || e.key === "PageDown")) gotoPage(state.page + 1);
    else if (!typing && state.doc && (e.key === "ArrowLeft" || e.key === "PageUp")) gotoPage(state.page - 1);
  });
  $("#facets").addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    const k = t.dataset.kind as "category" | "region" | "standard";
    if (k === "category") state.categories = toggle(state.categories, t.dataset.value!);
    if (k === "region") state.regions = toggle(state.regions, t.dataset.value!);
    if (k === "standard") state.standards = toggle(state.standards, t.dataset.value!);
    state.view = "list";
    void runSearch();
  });
  $("#middle").addEventListener("click", (e) => {
    const t = e.target as HTMLElement;
    const chip = t.closest<HTMLElement>(".chip");
    if (chip) {
      const k = chip.dataset.kind!;
      const v = chip.dataset.value!;
      if (k === "category") state.categories = toggle(state.categories, v);
      if (k === "region") state.regions = toggle(state.regions, v);
      if (k === "standard") state.standards = toggle(state.standards, v);
      return void runSearch();
    }
    if (t.closest("#clear-filters") || t.closest("#clear-filters-2")) {
      state.categories = [];
      state.regions = [];
      state.standards = [];
      return void runSearch();
    }
    if (t.closest("#show-more")) {
      state.limit += RESULTS_PAGE;
      return void runSearch(true);
    }
    if (t.closest("#back-to-list")) {
      state.view = "list";
      void refreshBinders();
      return renderList();
    }
    if (t.closest("#export")) return void exportBinder();
    if (t.closest("#export-choose")) {
      void chooseSavePath("evidence.zip").then((p) => p && (($("#export-path") as HTMLInputElement).value = p));
      return;
    }
    const act = t.closest<HTMLElement>("button[data-act]");
    if (act) return void bookmarkAction(act.dataset.act!, Number(act.closest<HTMLElement>(".card")!.dataset.index));
    const line = t.closest<HTMLElement>(".page-line");
    if (line) return void openDocument(Number(line.dataset.doc), Number(line.dataset.page));
    const item = t.closest<HTMLElement>(".result");
    if (item) {
      selectResult(Number(item.dataset.index));
      openSelected();
    }
  });
  $("#middle").addEventListener("change", async (e) => {
    const t = e.target as HTMLElement;
    if (t.dataset.act === "move" && state.binderId !== null) {
      const target = Number((t as HTMLSelectElement).value);
      const b = state.bookmarks[Number(t.closest<HTMLElement>(".card")!.dataset.index)];
      if (!target || !b) return;
      await api.addToBinder(target, b.id);
      await api.removeFromBinder(state.binderId, b.id);
      notice(`Moved to ${escapeHtml(state.binders.find((x) => x.id === target)?.name ?? "")}.`);
      return void refreshBinders();
    }
    if (t.id === "sort") {
      state.sort = (t as HTMLSelectElement).value as Sort;
      void runSearch();
    }
  });
  // Drag to reorder bookmarks in a binder.
  let dragFrom = -1;
  $("#middle").addEventListener("dragstart", (e) => (dragFrom = Number((e.target as HTMLElement).closest<HTMLElement>(".card")?.dataset.index ?? -1)));
  $("#middle").addEventListener("dragover", (e) => e.preventDefault());
  $("#middle").addEventListener("drop", async (e) => {
    e.preventDefault();
    const to = Number((e.target as HTMLElement).closest<HTMLElement>(".card")?.dataset.index ?? -1);
    if (dragFrom < 0 || to < 0 || state.binderId === null) return;
    await api.reorderBinder(state.binderId, move(state.bookmarks.map((b) => b.id), dragFrom, to));
    await renderBinder();
  });
  $("#viewer").addEventListener("click", (e) => {
    const t = e.target as HTMLElement;
    if (t.closest("#prev-page")) gotoPage(state.page - 1);
    else if (t.closest("#next-page")) gotoPage(state.page + 1);
    else if (t.closest("#zoom-in")) ((state.zoom = Math.min(3, state.zoom + 0.2)), void renderViewer());
    else if (t.closest("#zoom-out")) ((state.zoom = Math.max(0.4, state.zoom - 0.2)), void renderViewer());
    else if (t.closest("#bookmark-page")) showBookmarkForm(null);
    else if (t.closest("#bookmark-quote")) {
      const quote = window.getSelection()?.toString().trim() ?? "";
      if (!quote) notice("Select a passage on the page first, then bookmark it.");
      else showBookmarkForm(quote);
    } else if (t.closest("#next-hit") || t.closest("#prev-hit")) {
      const next = t.closest("#next-hit") !== null;
      const hits = state.hitPages;
      const target = next ? hits.find((p) => p > state.page) ?? hits[0] : [...hits].reverse().find((p) => p < state.page) ?? hits[hits.length - 1];
      if (target) gotoPage(target);
    }
  });
  $("#viewer").addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    if (t.id === "page-input") gotoPage(Number(t.value) || 1);
  });
  $("#binders").addEventListener("click", (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>("[data-binder]");
    if (b) void openBinder(Number(b.dataset.binder));
  });
  $("#new-binder").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $("#new-binder-input") as HTMLInputElement;
    try {
      const b = await api.createBinder(input.value);
      input.value = "";
      await openBinder(b.id);
    } catch (err) {
      notice(escapeHtml(errorText(err)));
    }
  });
  $("#statusbar").addEventListener("click", (e) => {
    if ((e.target as HTMLElement).closest("#show-problems")) renderProblems();
  });
  $("#backup").addEventListener("click", async () => {
    const dest = await chooseSavePath(`trustshelf-backup-${today}.sqlite`, "TrustShelf backup", "sqlite");
    if (!dest) return;
    try {
      await api.backup(dest);
      notice(`Backed up to ${escapeHtml(dest)}.`);
    } catch (e) {
      notice(escapeHtml(errorText(e)));
    }
  });
  $("#restore").addEventListener("click", async () => {
    const src = await chooseBackupFile();
    if (!src || !window.confirm("Replace the current bookmarks, binders and catalog with this backup?")) return;
    try {
      await api.restore(src);
      notice("Restored; the index was rebuilt.");
      await Promise.all([refreshStatus(), refreshBinders(), runSearch()]);
    } catch (e) {
      notice(escapeHtml(errorText(e)));
    }
  });
  $("#choose-folder").addEventListener("click", async () => {
    const folder = await chooseFolder();
    if (folder) await api.reindex(folder);
  });
}

async function start() {
  layout();
  wire();
  renderFacets();
  void renderViewer();
  renderStatus();
  if (!hasBackend()) {
    $("#middle").innerHTML = `<div class="empty"><h2>TrustShelf</h2><p>This is TrustShelf's window opened in a plain browser. The library, search and binders run in the desktop app: start it with <code>make run</code>.</p></div>`;
    return;
  }
  await onEvent<Progress>("index-progress", (p) => {
    if (p.event === "extracted") state.progress = { done: p.done, total: p.total, path: p.path };
    if (p.event === "scanned") state.progress = p.to_extract ? { done: 0, total: p.to_extract, path: "" } : null;
    if (p.event === "finished") state.progress = null;
    renderStatus();
  });
  await onEvent<Finished>("index-finished", (f) => {
    state.progress = null;
    if (f.error) notice(escapeHtml(f.error.message));
    void refreshStatus();
    void runSearch(true); // keep the user's place: how many results are shown and which is selected
  });
  await Promise.all([refreshStatus(), refreshBinders(), runSearch()]);
  ($("#search") as HTMLInputElement).focus();
}

void start();
