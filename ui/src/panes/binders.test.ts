// The binders pane: the sidebar list and the open binder's citation cards drawn from the store and
// the core; opening, deleting with undo and reordering become store updates and commands.
import { beforeEach, describe, expect, it } from "vitest";
import { BINDER, bookmark, context, settle } from "../test-helpers";
import { mountBinders } from "./binders";

function mount(answers = {}) {
  document.body.innerHTML = `<section id="side"></section><main id="middle"></main>`;
  const ctx = context({ list_bookmarks: [bookmark(), bookmark({ id: 6, page: 9, page_label: "p. 9", state: "changed", state_note: "The document changed after this bookmark was made; the page may say something else now.", quote: null })], list_binders: [BINDER], ...answers });
  const middle = document.querySelector<HTMLElement>("#middle")!;
  mountBinders(ctx, document.querySelector("#side")!, middle);
  return { ctx, middle };
}

describe("binders pane", () => {
  beforeEach(() => (document.body.innerHTML = ""));

  it("lists binders with their counts and opens one", async () => {
    const { ctx, middle } = mount();
    expect(document.querySelector("[data-testid=binder-list]")!.textContent).toContain("Bookmark a page to start a binder.");
    ctx.store.update({ binders: [BINDER] });
    const item = document.querySelector<HTMLElement>("[data-testid=binder-item]")!;
    expect(item.textContent).toBe("SOC 2 20261");
    item.click();
    expect(ctx.store.get()).toMatchObject({ view: "binder", binderId: 1 });
    await settle();
    const cards = middle.querySelectorAll("[data-testid=bookmark-card]");
    expect(cards.length).toBe(2);
    expect(cards[0].textContent).toContain("proves CC6.1");
    expect(cards[0].querySelector("blockquote")!.textContent).toBe("MFA everywhere");
    expect(cards[1].querySelector(".notice")!.textContent).toBe("The document changed after this bookmark was made; the page may say something else now.");
  });

  it("deletes a bookmark with undo, and reorders", async () => {
    const { ctx, middle } = mount({ remove_bookmark: bookmark() });
    ctx.store.update({ binders: [BINDER], view: "binder", binderId: 1 });
    await settle();
    middle.querySelectorAll<HTMLElement>("[data-act=down]")[0].click();
    await settle();
    expect(ctx.api.calls.find(([n]) => n === "reorder_binder")![1]).toEqual([1, [6, 5]]);
    middle.querySelector<HTMLElement>("[data-act=delete]")!.click();
    await settle();
    expect(ctx.api.calls.find(([n]) => n === "remove_bookmark")![1]).toEqual([5]);
    expect(ctx.notices.at(-1)).toBe("Deleted the bookmark on p. 2.");
    expect(ctx.store.get().bookmarksChanged).toBe(2);
  });

  it("goes back to the library", async () => {
    const { ctx, middle } = mount();
    ctx.store.update({ binders: [BINDER], view: "binder", binderId: 1 });
    await settle();
    middle.querySelector<HTMLElement>("[data-act=back-to-list]")!.click();
    expect(ctx.store.get().view).toBe("list");
  });
});
