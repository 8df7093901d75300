// The binders pane: the binder list in the sidebar (with "New binder…"), and the open binder in the
// middle pane — its bookmarks as citation cards (open at the page, edit, reorder by drag or ▲▼,
// move to another binder, delete with undo) and the evidence-package export with its verification.
import type { Binder, Bookmark } from "../bindings";
import { chooseSavePath } from "../api";
import { escapeHtml, move, parseTags } from "../logic";
import type { AppState } from "../state";
import { errorText } from "../words";
import { $, type Context } from "./context";
import { openDocument } from "./viewer";

/** Reads the binder list again (counts change with every bookmark). */
export async function refreshBinders(ctx: Context): Promise<void> {
  try {
    ctx.store.update({ binders: await ctx.api.list_binders() });
  } catch (e) {
    ctx.store.update({ binders: [] });
    ctx.notice(escapeHtml(errorText(e)));
  }
}

export function openBinder(ctx: Context, id: number): void {
  ctx.store.update({ view: "binder", binderId: id });
}

export function mountBinders(ctx: Context, sidebar: HTMLElement, middle: HTMLElement): void {
  const { store, api } = ctx;
  sidebar.innerHTML = `<h2>Binders</h2>
    <ul data-testid="binder-list" id="binders"></ul>
    <form id="new-binder" class="inline-form"><input id="new-binder-input" data-testid="sidebar-new-binder" placeholder="New binder…" aria-label="New binder name" /></form>`;
  const list = $(sidebar, "#binders");
  const active = () => store.get().view === "binder";
  /** The bookmarks of the binder drawn last, by card index. */
  let bookmarks: Bookmark[] = [];

  list.addEventListener("click", (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>("[data-binder]");
    if (b) openBinder(ctx, Number(b.dataset.binder));
  });
  $(sidebar, "#new-binder").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $<HTMLInputElement>(sidebar, "#new-binder-input");
    try {
      const b = await api.create_binder(input.value, "");
      input.value = "";
      await refreshBinders(ctx);
      openBinder(ctx, b.id);
    } catch (err) {
      ctx.notice(escapeHtml(errorText(err)));
    }
  });

  const changed = () => store.update({ bookmarksChanged: store.get().bookmarksChanged + 1 });

  middle.addEventListener("click", (e) => {
    if (!active()) return;
    const t = e.target as HTMLElement;
    if (t.closest("[data-act=back-to-list]")) return store.update({ view: "list" });
    if (t.closest("[data-act=export]")) return void exportBinder(ctx, middle);
    if (t.closest("[data-act=export-choose]")) {
      void chooseSavePath("evidence.zip").then((p) => p && ($<HTMLInputElement>(middle, "#export-path").value = p));
      return;
    }
    const act = t.closest<HTMLElement>(".card button[data-act]");
    if (act) void bookmarkAction(ctx, middle, bookmarks, act.dataset.act!, Number(act.closest<HTMLElement>(".card")!.dataset.index), changed);
  });
  middle.addEventListener("change", async (e) => {
    const t = e.target as HTMLSelectElement;
    const s = store.get();
    if (!active() || t.dataset.act !== "move" || s.binderId === null) return;
    const target = Number(t.value);
    const b = bookmarks[Number(t.closest<HTMLElement>(".card")!.dataset.index)];
    if (!target || !b) return;
    try {
      await api.add_to_binder(target, b.id);
      await api.remove_from_binder(s.binderId, b.id);
      ctx.notice(`Moved to ${escapeHtml(s.binders.find((x) => x.id === target)?.name ?? "")}.`);
    } catch (err) {
      ctx.notice(escapeHtml(errorText(err)));
    }
    changed();
  });
  // Drag to reorder bookmarks in a binder.
  let dragFrom = -1;
  middle.addEventListener("dragstart", (e) => (dragFrom = Number((e.target as HTMLElement).closest<HTMLElement>(".card")?.dataset.index ?? -1)));
  middle.addEventListener("dragover", (e) => active() && e.preventDefault());
  middle.addEventListener("drop", async (e) => {
    const binderId = store.get().binderId;
    if (!active() || binderId === null) return;
    e.preventDefault();
    const to = Number((e.target as HTMLElement).closest<HTMLElement>(".card")?.dataset.index ?? -1);
    if (dragFrom < 0 || to < 0) return;
    await api.reorder_binder(binderId, move(bookmarks.map((b) => b.id), dragFrom, to));
    changed();
  });

  const renderList = (s: AppState) => {
    list.innerHTML =
      s.binders.map((b) => `<li><button class="binder ${s.view === "binder" && s.binderId === b.id ? "on" : ""}" data-testid="binder-item" data-binder="${b.id}">${escapeHtml(b.name)}<span class="count">${b.bookmark_count}</span></button></li>`).join("") ||
      `<li class="muted small">Bookmark a page to start a binder.</li>`;
  };
  store.watch((s) => [s.binders, s.view, s.binderId], renderList);
  renderList(store.get());

  // The binder list changes with bookmarks (its counts); the open binder is drawn again.
  store.watch((s) => [s.bookmarksChanged], () => void refreshBinders(ctx));
  let drawing = 0;
  const renderBinder = async (s: AppState) => {
    if (s.view !== "binder") return;
    const binder = s.binders.find((b) => b.id === s.binderId);
    if (!binder) return;
    const mine = ++drawing;
    try {
      const loaded = await api.list_bookmarks(binder.id);
      if (mine !== drawing || !active()) return;
      bookmarks = loaded;
      middle.innerHTML = binderView(s, binder, bookmarks);
    } catch (e) {
      if (mine === drawing) middle.innerHTML = `<div class="empty">${escapeHtml(errorText(e))}</div>`;
    }
  };
  store.watch((s) => [s.view, s.binderId, s.binders], (s) => void renderBinder(s));
}

function binderView(s: AppState, binder: Binder, bookmarks: Bookmark[]): string {
  const cards = bookmarks
    .map((b, i) => {
      const others = s.binders.filter((x) => x.id !== binder.id);
      return `<li class="card" data-testid="bookmark-card" draggable="true" data-index="${i}" data-id="${b.id}">
        <div class="cite"><strong>${escapeHtml(b.document_title)}</strong> · ${escapeHtml(b.page_label)}</div>
        ${b.state_note ? `<div class="notice">${escapeHtml(b.state_note)}</div>` : ""}
        ${b.quote ? `<blockquote>${escapeHtml(b.quote)}</blockquote>` : ""}
        <div class="note" data-testid="bookmark-card-note">${escapeHtml(b.note)}</div>
        <div class="badges">${b.tags.map((t) => `<span class="badge tag">${escapeHtml(t)}</span>`).join("")}</div>
        <div class="row actions">
          <button data-act="open" ${b.document_id === null ? "disabled" : ""}>Open at ${escapeHtml(b.page_label)}</button>
          <button data-act="edit">Edit</button>
          <button data-act="up" ${i === 0 ? "disabled" : ""} title="Move up">▲</button><button data-act="down" ${i === bookmarks.length - 1 ? "disabled" : ""} title="Move down">▼</button>
          ${others.length ? `<select data-act="move" aria-label="Move to binder"><option value="">Move to…</option>${others.map((x) => `<option value="${x.id}">${escapeHtml(x.name)}</option>`).join("")}</select>` : ""}
          <button data-act="delete" class="danger">Delete</button>
        </div></li>`;
    })
    .join("");
  return `<header class="list-head"><div><button class="link" data-act="back-to-list" id="back-to-list">← Library</button> · <strong>${escapeHtml(binder.name)}</strong> · ${binder.bookmark_count} bookmarks</div></header>
    <div class="export-row"><input id="export-path" data-testid="export-path" aria-label="Export to" placeholder="Export to… (.zip)" /><button data-act="export-choose">Choose…</button>
      <label><input type="checkbox" id="export-originals" checked /> include original files</label>
      <button class="primary" data-testid="binder-export" data-act="export">Export evidence package</button></div>
    <div id="export-status" data-testid="export-status"></div>
    <ol class="cards">${cards || `<li class="empty">No bookmarks yet. Open a document and use ☆ Bookmark page.</li>`}</ol>`;
}

async function exportBinder(ctx: Context, middle: HTMLElement): Promise<void> {
  const s = ctx.store.get();
  const binder = s.binders.find((b) => b.id === s.binderId);
  if (!binder) return;
  let dest = $<HTMLInputElement>(middle, "#export-path").value.trim();
  if (!dest) dest = (await chooseSavePath(`${binder.name.replace(/[^\p{L}\p{N}._-]+/gu, "-")}.zip`)) ?? "";
  if (!dest) return;
  if (!dest.toLowerCase().endsWith(".zip")) dest += ".zip";
  const status = $(middle, "#export-status");
  status.innerHTML = `<progress data-testid="export-progress"></progress> Exporting…`;
  try {
    const report = await ctx.api.export_binder(binder.id, dest, $<HTMLInputElement>(middle, "#export-originals").checked);
    const verify = await ctx.api.verify_package(dest);
    status.innerHTML = `<div class="${verify.ok ? "ok" : "notice"}">Exported ${report.bookmarks} bookmarks to <code>${escapeHtml(report.path)}</code> — ${verify.ok ? `verified: ${verify.checked} files match the manifest ✓` : `verification failed: ${escapeHtml(verify.problems.join("; "))}`}</div>
      ${report.warnings.map((w) => `<div class="notice">${escapeHtml(w)}</div>`).join("")}`;
  } catch (e) {
    status.innerHTML = `<div class="notice">${escapeHtml(errorText(e))}</div>`;
  }
}

async function bookmarkAction(ctx: Context, middle: HTMLElement, bookmarks: Bookmark[], act: string, index: number, changed: () => void): Promise<void> {
  const { api } = ctx;
  const b = bookmarks[index];
  const binderId = ctx.store.get().binderId;
  if (!b || binderId === null) return;
  try {
    if (act === "open" && b.document_id !== null) return await openDocument(ctx, b.document_id, b.page);
    if (act === "up" || act === "down") {
      await api.reorder_binder(binderId, move(bookmarks.map((x) => x.id), index, act === "up" ? index - 1 : index + 1));
      return changed();
    }
    if (act === "delete") {
      const removed = await api.remove_bookmark(b.id);
      changed();
      ctx.notice(`Deleted the bookmark on ${escapeHtml(removed.page_label)}.`, async () => {
        if (removed.document_id === null) return ctx.notice("Its document is gone; the bookmark cannot be restored.");
        await api.add_bookmark({ document_id: removed.document_id, page: removed.page, quote: removed.quote, note: removed.note, tags: removed.tags, binders: removed.binders });
        changed();
      });
      return;
    }
    if (act === "edit") {
      const card = middle.querySelector(`.card[data-index="${index}"]`)!;
      card.querySelector(".note")!.innerHTML = `<form class="inline-edit"><textarea rows="2">${escapeHtml(b.note)}</textarea><input value="${escapeHtml(b.tags.join(", "))}" /><button class="primary">Save</button></form>`;
      const form = card.querySelector("form")!;
      form.onsubmit = async (e) => {
        e.preventDefault();
        try {
          await api.update_bookmark(b.id, { note: form.querySelector("textarea")!.value, tags: parseTags(form.querySelector("input")!.value), quote: null });
          changed();
        } catch (err) {
          ctx.notice(escapeHtml(errorText(err)));
        }
      };
    }
  } catch (e) {
    ctx.notice(escapeHtml(errorText(e)));
  }
}
