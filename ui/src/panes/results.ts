// The results pane (middle, list view): the library's documents when browsing, the search results
// with their best pages and snippets when searching; the filter chips, the order, "Show more".
// The first screenful is drawn in the keystroke's own frame, the rest right after it is painted.
import type { DocumentHit } from "../bindings";
import { escapeHtml, markRanges, validity } from "../logic";
import { describeDates } from "../logic";
import { filterCount, RESULTS_PAGE, type AppState, type FacetKind } from "../state";
import { categoryLabel } from "../words";
import { $, today, type Context } from "./context";
import { searchFor, toggleFilter } from "./search";
import { openDocument, openSelected } from "./viewer";

/** The results that fill the pane when each is as short as it gets (a search result with one page
 * line ~125 px, a document ~80 px): drawn in the keystroke's own frame; the rest follow. */
function firstScreen(searching: boolean): number {
  // The window's height, not the pane's: reading a size would force a layout in the keystroke's task.
  return Math.max(4, Math.ceil(window.innerHeight / (searching ? 125 : 80)));
}

export function mountResults(ctx: Context, middle: HTMLElement): void {
  const { store } = ctx;
  const active = () => store.get().view === "list";

  middle.addEventListener("click", (e) => {
    if (!active()) return;
    const t = e.target as HTMLElement;
    const chip = t.closest<HTMLElement>(".chip");
    if (chip) return toggleFilter(ctx, chip.dataset.kind as FacetKind, chip.dataset.value!);
    if (t.closest("[data-act=clear-filters]")) return searchFor(ctx, { categories: [], regions: [], standards: [] });
    if (t.closest("[data-act=show-more]")) return store.update({ limit: store.get().limit + RESULTS_PAGE });
    const line = t.closest<HTMLElement>(".page-line");
    if (line) return void openDocument(ctx, Number(line.dataset.doc), Number(line.dataset.page));
    const item = t.closest<HTMLElement>(".result");
    if (item) {
      store.update({ selected: Number(item.dataset.index) });
      openSelected(ctx);
    }
  });
  middle.addEventListener("change", (e) => {
    const t = e.target as HTMLSelectElement;
    if (active() && t.id === "sort") searchFor(ctx, { sort: t.value as AppState["sort"] });
  });

  let token = 0;
  const render = (s: AppState) => {
    if (s.view !== "list") return;
    const res = s.response;
    const searching = s.query.trim() !== "";
    if (!res) {
      middle.innerHTML = `<div class="empty">${escapeHtml(s.message || "Loading the library…")}</div>`;
      return;
    }
    const n = filterCount(s);
    const chips = [...s.categories.map((c) => ["category", c]), ...s.regions.map((r) => ["region", r]), ...s.standards.map((x) => ["standard", x])]
      .map(([k, v]) => `<button class="chip" data-kind="${k}" data-value="${escapeHtml(v)}" title="Remove this filter">${escapeHtml(k === "category" ? categoryLabel(s.labels, v) : v)} ✕</button>`)
      .join("");
    const filters = n ? ` · ${n} ${n === 1 ? "filter" : "filters"} <button class="link" data-act="clear-filters" data-testid="clear-filters">clear all ✕</button>` : "";
    const header = `<header class="list-head">
      <div><strong>${res.total_documents}</strong> ${res.total_documents === 1 ? "document" : "documents"}${searching ? ` · ${res.total_pages} pages` : ""}${filters}</div>
      <label class="sort">Sort <select id="sort"><option value="relevance">${searching ? "Relevance" : "Title"}</option><option value="date">Date</option><option value="title">Title</option></select></label>
    </header>
    <div class="chips">${chips}</div>
    ${res.notices.map((x) => `<div class="notice">${escapeHtml(x)}</div>`).join("")}`;
    if (!res.documents.length) {
      const hint = n
        ? `<button class="link" data-act="clear-filters">Remove the ${n} ${n === 1 ? "filter" : "filters"}</button> to search the whole library.`
        : "Check the spelling, use fewer words, or try a prefix such as <code>contin*</code>.";
      middle.innerHTML = header + `<div class="empty"><p>No page matches <strong>“${escapeHtml(s.query)}”</strong>.</p><p>${hint}</p></div>`;
    } else {
      const rest = res.total_documents - res.documents.length;
      const more = rest > 0 ? `<button class="link show-more" data-act="show-more" id="show-more" data-testid="show-more">Show ${Math.min(rest, RESULTS_PAGE)} more (${rest} not shown)</button>` : "";
      const item = (d: DocumentHit, i: number) => (searching ? resultItem(s, d, i) : documentItem(s, d, i));
      const first = firstScreen(searching);
      middle.innerHTML = header + `<ol class="results" id="results">${res.documents.slice(0, first).map(item).join("")}</ol>${more}`;
      const mine = ++token;
      if (res.documents.length > first) {
        requestAnimationFrame(() =>
          setTimeout(() => {
            if (mine !== token || store.get().response !== res) return;
            $(middle, "#results")?.insertAdjacentHTML("beforeend", res.documents.slice(first).map((d, i) => item(d, i + first)).join(""));
          }, 0),
        );
      }
    }
    const sort = middle.querySelector<HTMLSelectElement>("#sort");
    if (sort) sort.value = s.sort;
  };
  store.watch((s) => [s.response, s.view, s.labels, s.message], render);

  // Moving the selection changes two items, not the list.
  store.watch((s) => [s.selected], (s) => {
    if (s.view !== "list") return;
    middle.querySelectorAll<HTMLElement>(".result").forEach((el) => {
      const on = Number(el.dataset.index) === s.selected;
      el.classList.toggle("selected", on);
      el.setAttribute("aria-selected", String(on));
      if (on) {
        const r = el.getBoundingClientRect();
        const p = middle.getBoundingClientRect();
        if (r.top < p.top + 50) middle.scrollTop -= p.top + 50 - r.top;
        else if (r.bottom > p.bottom) middle.scrollTop += r.bottom - p.bottom;
      }
    });
  });
  render(store.get());
}

export function badges(s: AppState, d: { category: string | null; regions: string[]; standards: string[] }): string {
  const cat = d.category ? `<span class="badge cat cat-${escapeHtml(d.category)}">${escapeHtml(categoryLabel(s.labels, d.category))}</span>` : "";
  return cat + d.regions.map((r) => `<span class="badge region">${escapeHtml(r)}</span>`).join("") + d.standards.map((x) => `<span class="badge std">${escapeHtml(x)}</span>`).join("");
}

function statusBadge(d: DocumentHit): string {
  const v = validity(d, today());
  const valid = v === "expired" ? `<span class="badge warn">expired</span>` : v === "expiring" ? `<span class="badge soon">expires soon</span>` : "";
  if (d.status === "failed") return valid + `<span class="badge warn" title="Only its metadata is indexed">failed</span>`;
  if (d.status === "partial") return valid + `<span class="badge warn">partially indexed</span>`;
  return valid;
}

function resultItem(s: AppState, d: DocumentHit, i: number): string {
  const pages = d.pages
    .map(
      (p) => `<li><button class="page-line" data-testid="result-page" data-doc="${d.id}" data-page="${p.page}">
        <span class="pno">${p.page ? `p. ${p.page}` : "title"}</span><span class="snippet">${markRanges(p.snippet, p.highlights as Array<[number, number]>)}</span></button></li>`,
    )
    .join("");
  return `<li class="result ${i === s.selected ? "selected" : ""}" data-testid="result-item" data-index="${i}" data-doc="${d.id}" aria-selected="${i === s.selected}">
      <div class="title-row"><span class="title">${escapeHtml(d.title)}</span>${statusBadge(d)}</div>
      <div class="badges">${badges(s, d)}<span class="muted">${d.matching_pages} matching ${d.matching_pages === 1 ? "page" : "pages"}</span></div>
      <ul class="pages">${pages}</ul></li>`;
}

function documentItem(s: AppState, d: DocumentHit, i: number): string {
  const inferred = d.inferred_fields.some((f) => ["category", "regions", "standards"].includes(f)) ? ` · <span class="inferred" title="Category, regions or standards were inferred from the text">metadata inferred</span>` : "";
  return `<li class="result doc ${i === s.selected ? "selected" : ""}" data-testid="document-item" data-index="${i}" data-doc="${d.id}" aria-selected="${i === s.selected}">
      <div class="title-row"><span class="title">${escapeHtml(d.title)}</span>${statusBadge(d)}</div>
      <div class="badges">${badges(s, d)}</div>
      <div class="muted small">${[d.issuer, describeDates(d), d.path].filter(Boolean).map((x) => escapeHtml(x!)).join(" · ")}${inferred}</div></li>`;
}
