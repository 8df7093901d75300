// The status pane: the bar drawn from the store (progress, counts, files that need attention) and
// the list of those files.
import { beforeEach, describe, expect, it } from "vitest";
import type { LibraryStatus } from "../bindings";
import { context } from "../test-helpers";
import { mountStatus } from "./status";

const STATUS = {
  root: "/lib", data_dir: "/data", documents: 60, pages: 2494, indexed_pages: 2494, indexed: 58, partial: 1, failed: 1, sidecar_errors: 0, bookmarks: 2, binders: 1,
  problems: [{ id: 9, path: "scan.pdf", status: "failed", reason: "This PDF has no text (likely scanned)." }],
  skipped: [{ path: "pipe.pdf", reason: "not a regular file (a named pipe)" }],
} as unknown as LibraryStatus;

function mount() {
  document.body.innerHTML = `<footer id="bar"></footer><main id="middle"></main><div id="actions"></div>`;
  const ctx = context();
  mountStatus(ctx, document.querySelector("#bar")!, document.querySelector("#middle")!, document.querySelector("#actions")!);
  return { ctx, bar: document.querySelector<HTMLElement>("#bar")!, middle: document.querySelector<HTMLElement>("#middle")! };
}

describe("status pane", () => {
  beforeEach(() => (document.body.innerHTML = ""));

  it("shows progress while indexing, then the counts and what needs attention", () => {
    const { ctx, bar } = mount();
    ctx.store.update({ progress: { done: 3, total: 10, path: "nist/a.pdf" } });
    expect(bar.textContent).toContain("Indexing 3 of 10: nist/a.pdf");
    ctx.store.update({ progress: null, status: STATUS });
    expect(bar.textContent).toContain("Indexed 60 documents · 2,494 pages");
    expect(bar.querySelector("[data-testid=show-problems]")!.textContent).toBe("3 need attention");
  });

  it("lists the files that need attention", () => {
    const { ctx, bar, middle } = mount();
    ctx.store.update({ status: STATUS });
    bar.querySelector<HTMLElement>("[data-testid=show-problems]")!.click();
    expect(ctx.store.get().view).toBe("problems");
    const items = middle.querySelectorAll("[data-testid=problem-item]");
    expect(items.length).toBe(2);
    expect(items[0].textContent).toContain("likely scanned");
    expect(items[1].textContent).toContain("not indexed");
    middle.querySelector<HTMLElement>("[data-act=back-to-list]")!.click();
    expect(ctx.store.get().view).toBe("list");
  });
});
