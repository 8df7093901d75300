// The viewer pane (right): the open document's metadata, the page (pdf.js for PDFs, text for the
// rest) with the searched terms marked where the core says they are, page and hit navigation,
// zoom, and the inline bookmark form.
import type { Document, Ocr } from "../bindings";
import { describeDates, escapeHtml, markRanges, parseTags, validity } from "../logic";
import { NO_TERMS, type AppState } from "../state";
import { categoryLabel, errorText } from "../words";
import { $, today, type Context } from "./context";
import { listenToReport, markQuote, reportHtml } from "./report";

/** Opens document `id` at `page`, with the pages that match the current query for hit navigation. */
export async function openDocument(ctx: Context, id: number, page: number): Promise<void> {
  const { store, api } = ctx;
  try {
    const doc = await api.get_document(id);
    const query = store.get().query;
    let hitPages: number[] = [];
    let terms = NO_TERMS;
    if (query.trim()) {
      // Every matching page of this document (pages_per_document null: all of them).
      const hits = await api.search({ query, categories: [], regions: [], standards: [], documents: [id], sort: "relevance", offset: 0, limit: 1, pages_per_document: null, as_you_type: true });
      hitPages = (hits.documents[0]?.pages ?? []).map((p) => p.page).filter((p) => p > 0).sort((a, b) => a - b);
      terms = hits.terms;
    }
    store.update({ doc, docError: "", page: Math.max(1, page || 1), pageCount: doc.page_count, hitPages, terms, facts: null, quote: null });
    // The Report panel's facts come after the page: opening never waits for the reader, and a
    // document it cannot read still opens.
    const facts = await api.get_facts(id).catch(() => null);
    if (store.get().doc?.id === id) store.update({ facts });
  } catch (e) {
    store.update({ doc: null, docError: errorText(e) });
  }
}

/** Opens the selected result at its best page. */
export function openSelected(ctx: Context): void {
  const s = ctx.store.get();
  const d = s.response?.documents[s.selected];
  if (d) void openDocument(ctx, d.id, d.pages[0]?.page || 1);
}

export function gotoPage(ctx: Context, p: number): void {
  const s = ctx.store.get();
  if (!s.doc) return;
  ctx.store.update({ page: Math.min(Math.max(1, p), Math.max(1, s.pageCount)), quote: null });
}

export function mountViewer(ctx: Context, viewer: HTMLElement): void {
  const { store } = ctx;

  viewer.addEventListener("click", (e) => {
    const t = e.target as HTMLElement;
    const s = store.get();
    const act = t.closest<HTMLElement>("[data-act]")?.dataset.act;
    if (act === "prev-page") gotoPage(ctx, s.page - 1);
    else if (act === "next-page") gotoPage(ctx, s.page + 1);
    else if (act === "zoom-in") store.update({ zoom: Math.min(3, s.zoom + 0.2) });
    else if (act === "zoom-out") store.update({ zoom: Math.max(0.4, s.zoom - 0.2) });
    else if (act === "bookmark-page") showBookmarkForm(ctx, viewer, null);
    else if (act === "bookmark-quote") {
      const quote = window.getSelection()?.toString().trim() ?? "";
      if (!quote) ctx.notice("Select a passage on the page first, then bookmark it.");
      else showBookmarkForm(ctx, viewer, quote);
    } else if (act === "next-hit" || act === "prev-hit") {
      const hits = s.hitPages;
      const target = act === "next-hit" ? hits.find((p) => p > s.page) ?? hits[0] : [...hits].reverse().find((p) => p < s.page) ?? hits[hits.length - 1];
      if (target) gotoPage(ctx, target);
    }
  });
  viewer.addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    if (t.id === "page-input") gotoPage(ctx, Number(t.value) || 1);
  });
  document.addEventListener("keydown", (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    const s = store.get();
    if (e.key === "Escape") viewer.querySelector("#bookmark-form-slot")?.replaceChildren();
    else if (!typing && s.doc && (e.key === "ArrowRight" || e.key === "PageDown")) gotoPage(ctx, s.page + 1);
    else if (!typing && s.doc && (e.key === "ArrowLeft" || e.key === "PageUp")) gotoPage(ctx, s.page - 1);
  });

  let drawing = 0;
  const render = async (s: AppState) => {
    const mine = ++drawing;
    const d = s.doc;
    if (!d) {
      viewer.innerHTML = `<div class="empty">${escapeHtml(s.docError || "Open a result to read it here, at the page that matched.")}</div>`;
      return;
    }
    viewer.innerHTML = head(s, d) + `<div class="viewer-body"><div class="page-area" id="page-area"><div class="empty">Loading p. ${s.page}…</div></div>${reportHtml(s.facts)}</div>`;
    const area = $(viewer, "#page-area");
    try {
      // pdf.js loads on first use, keeping start-up light.
      const { hasPdf, openPdf, renderImagePage, renderOcrWords, renderPdfPage, renderTextPage } = await import("../render");
      let texts: HTMLElement[];
      let ocr: Ocr | undefined;
      if (d.format === "pdf" && d.status !== "failed") {
        if (!hasPdf(d.id)) {
          const pages = await openPdf(d.id, await ctx.api.read_document(d.id));
          if (pages !== s.pageCount) store.update({ pageCount: pages }); // draws again with the real count
          if (mine !== drawing) return;
        }
        texts = await renderPdfPage(area, s.page, s.zoom);
        // A page without a text layer may have been read by OCR: its words go over the scan.
        if (!texts.length && d.page_count > 0) {
          ocr = (await ctx.api.get_page(d.id, s.page)).page.ocr;
          if (mine !== drawing) return;
          const page = area.querySelector<HTMLElement>(".pdf-page");
          if (ocr && page) texts = renderOcrWords(page, ocr.words);
        }
      } else if (d.format === "image" && d.page_count > 0) {
        const [view, bytes] = await Promise.all([ctx.api.get_page(d.id, s.page), ctx.api.read_document(d.id)]);
        if (mine !== drawing) return;
        ocr = view.page.ocr;
        const page = await renderImagePage(area, bytes, s.zoom);
        if (mine !== drawing) return;
        texts = page && ocr ? renderOcrWords(page, ocr.words) : [renderTextPage(area, view.page.label, view.page.text)];
      } else if (d.page_count > 0) {
        const view = await ctx.api.get_page(d.id, s.page);
        if (mine !== drawing) return;
        texts = [renderTextPage(area, view.page.label, view.page.text)];
      } else {
        area.innerHTML = `<div class="empty">This document has no extracted text. ${escapeHtml(d.reason ?? "")}</div>`;
        return;
      }
      if (mine !== drawing) return;
      if (ocr) (area.querySelector(".pdf-page") ?? area).prepend(ocrBadge(ocr));
      const first = s.quote ? markQuote(texts, s.quote) : await markTerms(ctx, s, d.id, texts);
      if (first && mine === drawing) {
        // Scroll only the page area (scrollIntoView would move every scrollable ancestor).
        const a = area.getBoundingClientRect();
        const m = first.getBoundingClientRect();
        area.scrollTop += m.top - a.top - a.height / 3;
        area.scrollLeft += Math.max(0, m.left - a.left - a.width / 2);
      }
    } catch (e) {
      if (mine === drawing) area.innerHTML = `<div class="empty">${escapeHtml(errorText(e))}</div>`;
    }
  };
  store.watch((s) => [s.doc, s.docError, s.page, s.pageCount, s.zoom, s.hitPages, s.terms, s.labels, s.facts, s.quote], (s) => void render(s));
  listenToReport(ctx, viewer);
  void render(store.get());
}

/** Marks the searched terms in `elements` (their text) where the core finds them; returns the
 * first mark. */
async function markTerms(ctx: Context, s: AppState, document: number, elements: HTMLElement[]): Promise<HTMLElement | null> {
  const { plain, english, ids } = s.terms;
  if (!elements.length || !(plain.length || english.length || ids.length)) return null;
  const texts = elements.map((el) => el.textContent ?? "");
  const ranges = await ctx.api.highlight({ document, terms: s.terms, texts });
  let first: HTMLElement | null = null;
  elements.forEach((el, i) => {
    const r = ranges[i] ?? [];
    if (!r.length) return;
    el.innerHTML = markRanges(texts[i], r as Array<[number, number]>);
    // An OCR word is marked as its whole box on the scan.
    if (el.parentElement?.classList.contains("ocr-layer")) el.classList.add("hit");
    first ??= el.querySelector("mark");
  });
  return first;
}

/** Says that the page's text was read by OCR, with Tesseract's confidence and languages. */
function ocrBadge(ocr: Ocr): HTMLElement {
  const badge = document.createElement("div");
  badge.className = "ocr-badge";
  badge.dataset.testid = "ocr-badge";
  badge.title = "This page is a scan: its text was read by OCR (Tesseract) and may contain misread words.";
  badge.textContent = `OCR · ${Math.round(ocr.confidence)} % confidence · ${ocr.languages.replaceAll("+", ", ")}`;
  return badge;
}

function head(s: AppState, d: Document): string {
  const hitIdx = s.hitPages.indexOf(s.page);
  const hitNav = s.hitPages.length
    ? `<span class="hits">${hitIdx >= 0 ? `hit ${hitIdx + 1} of ${s.hitPages.length}` : `${s.hitPages.length} pages with hits`}</span>
       <button data-testid="prev-hit" data-act="prev-hit" title="Previous page with a hit">▲</button><button data-testid="next-hit" data-act="next-hit" title="Next page with a hit">▼</button>`
    : "";
  return `<header class="viewer-head">
      <h1>${escapeHtml(d.metadata.title ?? d.path)}</h1>
      ${metaRow(s, d)}
      <div class="toolbar">
        <button data-act="prev-page" title="Previous page" ${s.page <= 1 ? "disabled" : ""}>◀</button>
        <span>p. <input id="page-input" class="page-input" value="${s.page}" aria-label="Page number" /> <span data-testid="viewer-page-number" id="page-number">${s.page}</span> / ${s.pageCount}</span>
        <button data-act="next-page" title="Next page" ${s.page >= s.pageCount ? "disabled" : ""}>▶</button>
        ${hitNav}
        <span class="spacer"></span>
        <button data-act="zoom-out" title="Zoom out">−</button><button data-act="zoom-in" title="Zoom in">+</button>
        <button data-testid="bookmark-button" data-act="bookmark-page" class="primary">☆ Bookmark page</button>
        <button data-testid="bookmark-quote" data-act="bookmark-quote">❝ Bookmark quote</button>
      </div>
      <div id="bookmark-form-slot"></div>
    </header>`;
}

function metaRow(s: AppState, d: Document): string {
  const inferred = new Set(d.inferred_fields);
  const mark = (field: string, html: string) => (inferred.has(field) ? `<span class="inferred" title="Inferred from the document's text; not declared in a sidecar">${html}</span>` : html);
  const m = d.metadata;
  const v = validity(m, today());
  const parts = [
    mark("category", `<span class="badge cat cat-${escapeHtml(m.category ?? "")}">${escapeHtml(categoryLabel(s.labels, m.category))}</span>`),
    ...(m.regions ?? []).map((r) => mark("regions", `<span class="badge region">${escapeHtml(r)}</span>`)),
    ...(m.standards ?? []).map((x) => mark("standards", `<span class="badge std">${escapeHtml(x)}</span>`)),
  ];
  const dates = describeDates(m);
  const dateField = m.period_start || m.period_end ? "period_end" : m.valid_until ? "valid_until" : "published";
  return `<div class="badges">${parts.join("")}</div>
    <div class="meta-line muted">${m.issuer ? mark("issuer", escapeHtml(m.issuer)) + " · " : ""}${dates ? mark(dateField, escapeHtml(dates)) : ""}${v === "expired" ? ` <span class="badge warn">expired</span>` : v === "expiring" ? ` <span class="badge soon">expires soon</span>` : ""}</div>
    ${d.status !== "indexed" ? `<div class="notice">${escapeHtml(d.reason ?? "")}</div>` : ""}
    ${d.sidecar_errors.length ? `<div class="notice">Sidecar: ${escapeHtml(d.sidecar_errors.join("; "))}</div>` : ""}`;
}

/** The inline form that bookmarks the open page (with `quote` when a passage was selected). */
function showBookmarkForm(ctx: Context, viewer: HTMLElement, quote: string | null): void {
  const s = ctx.store.get();
  const doc = s.doc;
  if (!doc) return;
  const page = s.page;
  const boxes = s.binders.map((b) => `<label><input type="checkbox" name="binder" value="${b.id}" ${b.id === s.binderId ? "checked" : ""}/> ${escapeHtml(b.name)}</label>`).join("");
  const slot = $(viewer, "#bookmark-form-slot");
  slot.innerHTML = `<form class="bookmark-form" data-testid="bookmark-form" id="bookmark-form">
      <div class="muted">${escapeHtml(doc.metadata.title ?? doc.path)} · p. ${page}</div>
      ${quote ? `<blockquote>${escapeHtml(quote)}</blockquote>` : ""}
      <textarea data-testid="bookmark-note" id="bm-note" rows="2" placeholder="Note (what this page proves)"></textarea>
      <input id="bm-tags" data-testid="bookmark-tags" placeholder="Tags, comma-separated" />
      <div class="binder-choice">${boxes}<input id="bm-new-binder" data-testid="new-binder-name" placeholder="…or a new binder" /></div>
      <div class="row"><button type="submit" class="primary" data-testid="bookmark-save">Save bookmark</button><button type="button" id="bm-cancel">Cancel</button></div>
    </form>`;
  const form = $<HTMLFormElement>(slot, "#bookmark-form");
  const note = $<HTMLTextAreaElement>(slot, "#bm-note");
  note.focus();
  note.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  $(slot, "#bm-cancel").onclick = () => slot.replaceChildren();
  form.onsubmit = async (e) => {
    e.preventDefault();
    try {
      const binders = Array.from(form.querySelectorAll<HTMLInputElement>("input[name=binder]:checked")).map((i) => Number(i.value));
      const newName = $<HTMLInputElement>(slot, "#bm-new-binder").value.trim();
      if (newName) binders.push((await ctx.api.create_binder(newName, "")).id);
      const b = await ctx.api.add_bookmark({ document_id: doc.id, page, quote, note: note.value, tags: parseTags($<HTMLInputElement>(slot, "#bm-tags").value), binders });
      slot.replaceChildren();
      ctx.notice(`Bookmarked ${escapeHtml(b.page_label)}${binders.length ? ` into ${binders.length} binder${binders.length > 1 ? "s" : ""}` : ""}.`);
      ctx.store.update({ bookmarksChanged: ctx.store.get().bookmarksChanged + 1 });
    } catch (err) {
      ctx.notice(escapeHtml(errorText(err)));
    }
  };
}
