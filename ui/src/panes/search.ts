// The search pane: the search box, the facets with their counts, and the searcher that asks the core
// whenever the query, the filters or the order change. Every keystroke searches (a search takes
// milliseconds); keystrokes during one collapse into one more.
import type { FacetCount } from "../bindings";
import { coalesce, escapeHtml, facetLayout, facetRows, Latest, toggle } from "../logic";
import { FIRST_RESULTS, filterKey, type AppState, type FacetKind } from "../state";
import { categoryLabel, errorText, regionName } from "../words";
import { $, type Context } from "./context";
import { openSelected } from "./viewer";

/** A new search: the patch, the first results only, in the list view. */
export function searchFor(ctx: Context, patch: Partial<AppState>): void {
  ctx.store.update({ ...patch, limit: FIRST_RESULTS, view: "list" });
}

/** Toggles one facet value's filter. */
export function toggleFilter(ctx: Context, kind: FacetKind, value: string): void {
  const key = filterKey(kind);
  searchFor(ctx, { [key]: toggle(ctx.store.get()[key], value) });
}

/** Runs searches as the request changes; returns the function that runs one now. */
export function startSearcher(ctx: Context): () => Promise<void> {
  const latest = new Latest();
  // More of the same results, or the library changed: keep the selection.
  let keepPlace = false;
  const run = coalesce(async () => {
    const s = ctx.store.get();
    const keep = keepPlace;
    keepPlace = false;
    const seq = latest.next();
    try {
      const response = await ctx.api.search({
        query: s.query,
        categories: s.categories,
        regions: s.regions,
        standards: s.standards,
        documents: [],
        sort: s.sort,
        offset: 0,
        limit: s.limit,
        pages_per_document: 3,
        as_you_type: true,
      });
      if (!latest.isCurrent(seq)) return; // a newer keystroke already asked
      ctx.store.update(keep ? { response, message: "" } : { response, message: "", selected: 0 });
    } catch (e) {
      if (!latest.isCurrent(seq)) return;
      ctx.store.update({ response: null, message: errorText(e) });
    }
  });
  ctx.store.watch((s) => [s.query, s.categories, s.regions, s.standards, s.sort], () => void run());
  ctx.store.watch((s) => [s.limit, s.refreshed], () => {
    keepPlace = true;
    void run();
  });
  return run;
}

const GROUPS: Array<{ kind: FacetKind; title: string }> = [
  { kind: "category", title: "Category" },
  { kind: "region", title: "Region" },
  { kind: "standard", title: "Standard" },
];

/** Draws the search box into `box` and the facets into `facets`; wires both. */
export function mountSearch(ctx: Context, box: HTMLElement, facets: HTMLElement): { focus: () => void } {
  box.innerHTML = `<input data-testid="search-input" id="search" type="search" placeholder="Search every page…  ( / )" autocomplete="off" spellcheck="false" aria-label="Search" />`;
  const input = $<HTMLInputElement>(box, "#search");
  const focus = () => {
    input.focus();
    input.select();
  };

  input.addEventListener("input", () => searchFor(ctx, { query: input.value }));
  input.addEventListener("keydown", (e) => {
    const s = ctx.store.get();
    const n = s.response?.documents.length ?? 0;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (n) ctx.store.update({ selected: Math.max(0, Math.min(n - 1, s.selected + (e.key === "ArrowDown" ? 1 : -1))) });
    } else if (e.key === "Enter") {
      e.preventDefault();
      openSelected(ctx);
    }
  });
  document.addEventListener("keydown", (e) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if ((e.key === "k" && (e.ctrlKey || e.metaKey)) || (e.key === "/" && !typing)) {
      e.preventDefault();
      focus();
    } else if (e.key === "Escape") {
      input.focus();
    }
  });

  facets.addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    if (t.dataset.kind) toggleFilter(ctx, t.dataset.kind as FacetKind, t.dataset.value!);
  });

  /** The facet panel as last drawn (see facetLayout). */
  let drawn = "";
  const render = (s: AppState) => {
    const f = s.response?.facets ?? { category: [], region: [], standard: [] };
    const groups = GROUPS.map((g) => {
      const selected = s[filterKey(g.kind)];
      return { ...g, selected, rows: facetRows(f[g.kind], selected) };
    });
    const layout = facetLayout(groups) + (s.labels ? "+labels" : "");
    const counts = facets.querySelectorAll<HTMLElement>(".count");
    const rows = groups.flatMap((g) => g.rows);
    if (layout === drawn && counts.length === rows.length) {
      // While typing, the same rows usually come back with new counts: change only the numbers
      // (rebuilding two dozen checkboxes per keystroke is paid in the keystroke's frame).
      rows.forEach((r, i) => {
        const text = String(r.count);
        if (counts[i].textContent !== text) counts[i].textContent = text;
      });
      return;
    }
    drawn = layout;
    facets.innerHTML = groups.map((g) => facetGroup(s, g.title, g.kind, g.rows, g.selected)).join("");
  };
  ctx.store.watch((s) => [s.response, s.categories, s.regions, s.standards, s.labels], render);
  render(ctx.store.get());
  return { focus };
}

function facetGroup(s: AppState, title: string, kind: FacetKind, rows: FacetCount[], selected: string[]): string {
  const items = rows
    .map((v) => {
      const label = kind === "category" ? categoryLabel(s.labels, v.value) : v.value;
      const tip = kind === "region" ? ` title="${escapeHtml(regionName(s.labels, v.value))}"` : "";
      const on = selected.includes(v.value);
      return `<li><label class="facet ${on ? "on" : ""}"${tip}><input type="checkbox" data-kind="${kind}" data-value="${escapeHtml(v.value)}" ${on ? "checked" : ""}/> <span>${escapeHtml(label)}</span><span class="count">${v.count}</span></label></li>`;
    })
    .join("");
  return `<section data-testid="facet-${kind}"><h2>${title}</h2><ul>${items || `<li class="muted">none</li>`}</ul></section>`;
}
