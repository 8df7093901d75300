// The status pane: the status bar (indexing progress, counts, the files that need attention), the
// list of those files in the middle pane, the index events from the shell, and the library's
// maintenance actions in the sidebar (another library folder, back up, restore).
import { chooseBackupFile, chooseFolder, chooseSavePath, hasBackend, onEvent } from "../api";
import { escapeHtml } from "../logic";
import type { AppState } from "../state";
import { errorText } from "../words";
import { today, type Context } from "./context";
import { refreshBinders } from "./binders";

export async function refreshStatus(ctx: Context): Promise<void> {
  try {
    ctx.store.update({ status: await ctx.api.library_status() });
  } catch (e) {
    ctx.store.update({ status: null, message: errorText(e) });
  }
}

/** Listens to the shell's index events: progress in the bar; when a run ends, the counts and the
 * results again (keeping the user's place: how many results are shown and which is selected). */
export async function listenToIndexing(ctx: Context): Promise<void> {
  await onEvent("index-progress", (p) => {
    if (p.event === "extracted") ctx.store.update({ progress: { done: p.done, total: p.total, path: p.path } });
    if (p.event === "scanned") ctx.store.update({ progress: p.to_extract ? { done: 0, total: p.to_extract, path: "" } : null });
    if (p.event === "recognising") ctx.store.update({ progress: { done: 0, total: p.total, path: "", ocr: true } });
    if (p.event === "recognised") ctx.store.update({ progress: { done: p.done, total: p.total, path: p.path, ocr: true } });
    if (p.event === "finished") ctx.store.update({ progress: null });
  });
  await onEvent("index-finished", (f) => {
    ctx.store.update({ progress: null });
    if (f.error) ctx.notice(escapeHtml(errorText(f.error)));
    void refreshStatus(ctx);
    ctx.store.update({ refreshed: ctx.store.get().refreshed + 1 });
  });
}

export function mountStatus(ctx: Context, bar: HTMLElement, middle: HTMLElement, actions: HTMLElement): void {
  const { store, api } = ctx;
  actions.innerHTML = `<button class="link" data-act="choose-folder" title="Index another library folder">Library folder…</button>
    <button class="link" data-act="backup" title="Save bookmarks, binders and the catalog to a file">Back up…</button>
    <button class="link" data-act="restore" title="Replace the catalog with a backup">Restore…</button>`;
  actions.addEventListener("click", async (e) => {
    const act = (e.target as HTMLElement).closest<HTMLElement>("[data-act]")?.dataset.act;
    try {
      if (act === "choose-folder") {
        const folder = await chooseFolder();
        if (folder) await api.reindex(folder);
      } else if (act === "backup") {
        const dest = await chooseSavePath(`trustshelf-backup-${today()}.sqlite`, "TrustShelf backup", "sqlite");
        if (!dest) return;
        await api.backup_catalog(dest);
        ctx.notice(`Backed up to ${escapeHtml(dest)}.`);
      } else if (act === "restore") {
        const src = await chooseBackupFile();
        if (!src || !window.confirm("Replace the current bookmarks, binders and catalog with this backup?")) return;
        await api.restore_catalog(src);
        ctx.notice("Restored; the index was rebuilt.");
        await Promise.all([refreshStatus(ctx), refreshBinders(ctx)]);
        store.update({ refreshed: store.get().refreshed + 1 });
      }
    } catch (err) {
      ctx.notice(escapeHtml(errorText(err)));
    }
  });

  bar.addEventListener("click", (e) => {
    if ((e.target as HTMLElement).closest("[data-act=show-problems]")) store.update({ view: "problems" });
  });
  middle.addEventListener("click", (e) => {
    if (store.get().view === "problems" && (e.target as HTMLElement).closest("[data-act=back-to-list]")) store.update({ view: "list" });
  });

  const renderBar = (s: AppState) => {
    const st = s.status;
    const p = s.progress;
    const attention = st ? st.failed + st.partial + st.sidecar_errors + st.skipped.length : 0;
    bar.innerHTML = `${p ? `<progress data-testid="index-progress" max="${Math.max(p.total, 1)}" value="${p.done}"></progress> ${p.ocr ? "Reading scans (OCR)" : "Indexing"} ${p.done} of ${p.total}${p.path ? `: ${escapeHtml(p.path)}` : ""}` : `<progress data-testid="index-progress" hidden></progress><span class="dot"></span>`}
    ${st && !p ? `Indexed ${st.documents} documents · ${st.pages.toLocaleString("en")} pages` : ""}
    ${attention && !p ? ` · <button class="link" data-act="show-problems" id="show-problems" data-testid="show-problems">${attention} need attention</button>` : ""}
    ${!hasBackend() ? `<span class="notice">TrustShelf's library runs in the desktop app; this window was opened without it.</span>` : ""}`;
  };
  store.watch((s) => [s.status, s.progress], renderBar);
  renderBar(store.get());

  const renderProblems = (s: AppState) => {
    if (s.view !== "problems") return;
    const st = s.status;
    const items = [
      ...(st?.problems ?? []).map((p) => `<li data-testid="problem-item"><strong>${escapeHtml(p.path)}</strong> <span class="badge warn">${p.status}</span><div class="muted">${escapeHtml(p.reason)}</div></li>`),
      ...(st?.skipped ?? []).map((f) => `<li data-testid="problem-item"><strong>${escapeHtml(f.path)}</strong> <span class="badge warn">not indexed</span><div class="muted">${escapeHtml(f.reason)}</div></li>`),
    ];
    middle.innerHTML = `<header class="list-head"><div><button class="link" data-act="back-to-list" id="back-to-list">← Library</button> · <strong>Files that need attention</strong></div></header>
    <ul class="problems">${items.join("") || `<li class="empty">Everything is indexed.</li>`}</ul>`;
  };
  store.watch((s) => [s.view, s.status], renderProblems);
}
