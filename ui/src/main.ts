// TrustShelf's window: the panes (search + facets, results, viewer, binders, status) over one store.
// Each pane owns its part of the window, its rendering and its listeners (ui/src/panes/); this file
// lays the window out, mounts them and starts.
import "./style.css";
import { api, hasBackend } from "./api";
import { createStore } from "./state";
import { $, type Context } from "./panes/context";
import { mountNotice } from "./panes/notice";
import { mountSearch, startSearcher } from "./panes/search";
import { mountResults } from "./panes/results";
import { mountViewer } from "./panes/viewer";
import { mountBinders, refreshBinders } from "./panes/binders";
import { listenToIndexing, mountStatus, refreshStatus } from "./panes/status";
import { errorText } from "./words";

function layout(app: HTMLElement) {
  app.innerHTML = `
  <div class="shell">
    <aside class="sidebar">
      <div class="search-box" id="search-pane"></div>
      <nav id="facets" aria-label="Filters"></nav>
      <section class="binders" id="binders-pane"></section>
      <div class="row small" id="library-actions"></div>
    </aside>
    <main class="middle" id="middle" tabindex="-1"></main>
    <section class="viewer" data-testid="viewer" id="viewer" tabindex="-1"></section>
  </div>
  <footer class="statusbar" id="statusbar"></footer>
  <div class="toast" id="toast" role="status" hidden></div>`;
}

async function start() {
  const root = $(document, "#app");
  layout(root);
  const store = createStore();
  const ctx: Context = { store, api, notice: mountNotice($(root, "#toast")) };
  const middle = $(root, "#middle");
  const search = mountSearch(ctx, $(root, "#search-pane"), $(root, "#facets"));
  mountBinders(ctx, $(root, "#binders-pane"), middle);
  mountViewer(ctx, $(root, "#viewer"));
  mountStatus(ctx, $(root, "#statusbar"), middle, $(root, "#library-actions"));
  if (!hasBackend()) {
    middle.innerHTML = `<div class="empty"><h2>TrustShelf</h2><p>This is TrustShelf's window opened in a plain browser. The library, search and binders run in the desktop app: start it with <code>make run</code>.</p></div>`;
    return;
  }
  mountResults(ctx, middle);
  const runSearch = startSearcher(ctx);
  await listenToIndexing(ctx);
  try {
    store.update({ labels: await api.get_labels() });
  } catch (e) {
    ctx.notice(errorText(e));
  }
  await Promise.all([refreshStatus(ctx), refreshBinders(ctx), runSearch()]);
  search.focus();
}

void start();
