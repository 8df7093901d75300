// The viewer pane: metadata and the page drawn from the store, the searched terms marked where the
// core's highlight command says; navigation and the bookmark form become store updates and commands.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { context, doc, LABELS, settle } from "../test-helpers";
import { mountViewer } from "./viewer";

const PAGE = { document: doc(3), page: { number: 2, label: "Section 2", text: "Policies require MFA <always>." } };

function mount(answers = {}) {
  document.body.innerHTML = `<section id="viewer"></section>`;
  const ctx = context({ get_page: PAGE, highlight: [[[0, 8]]], ...answers });
  const viewer = document.querySelector<HTMLElement>("#viewer")!;
  mountViewer(ctx, viewer);
  return { ctx, viewer };
}

describe("viewer pane", () => {
  beforeEach(() => (document.body.innerHTML = ""));

  it("asks to open a result until a document is open, and says why one could not be", () => {
    const { ctx, viewer } = mount();
    expect(viewer.textContent).toContain("Open a result");
    ctx.store.update({ docError: "No such document: 9." });
    expect(viewer.textContent).toContain("No such document: 9.");
  });

  it("draws the metadata with labels, the page as text, and marks what the core highlights", async () => {
    const { ctx, viewer } = mount();
    const terms = { plain: ["policies"], english: ["polici"], ids: [] };
    ctx.store.update({ labels: LABELS, doc: doc(3, { inferred_fields: ["issuer"] }), page: 2, pageCount: 3, terms, hitPages: [2, 3] });
    await vi.waitFor(() => expect(viewer.querySelector(".text-body mark")).not.toBeNull(), { timeout: 5000 });
    expect(viewer.querySelector("h1")!.textContent).toBe("Kestrel SOC 2");
    expect(viewer.textContent).toContain("Audit report");
    expect(viewer.querySelector(".inferred")!.textContent).toBe("Example LLP");
    expect(viewer.textContent).toContain("hit 1 of 2");
    expect(viewer.querySelector(".text-body")!.innerHTML).toBe("<mark>Policies</mark> require MFA &lt;always&gt;.");
    const call = ctx.api.calls.find(([name]) => name === "highlight")![1][0];
    expect(call).toEqual({ document: 3, terms, texts: ["Policies require MFA <always>."] });
  });

  it("asks for no highlights without terms", async () => {
    const { ctx, viewer } = mount();
    ctx.store.update({ doc: doc(3), page: 1, pageCount: 3 });
    await vi.waitFor(() => expect(viewer.querySelector(".text-body")).not.toBeNull(), { timeout: 5000 });
    expect(viewer.querySelector(".text-body")!.textContent).toBe("Policies require MFA <always>.");
    expect(ctx.api.calls.some(([name]) => name === "highlight")).toBe(false);
  });

  it("moves between pages and hits", () => {
    const { ctx, viewer } = mount();
    ctx.store.update({ doc: doc(3), page: 1, pageCount: 3, hitPages: [3] });
    viewer.querySelector<HTMLElement>("[data-act=next-page]")!.click();
    expect(ctx.store.get().page).toBe(2);
    viewer.querySelector<HTMLElement>("[data-act=next-hit]")!.click();
    expect(ctx.store.get().page).toBe(3);
    viewer.querySelector<HTMLElement>("[data-act=next-page]")!.click();
    expect(ctx.store.get().page).toBe(3);
  });

  it("bookmarks the page with a note, tags and a new binder", async () => {
    const { ctx, viewer } = mount({ create_binder: { id: 8, name: "Vendor Q3" }, add_bookmark: { id: 1, page_label: "p. 2" } });
    ctx.store.update({ doc: doc(3), page: 2, pageCount: 3 });
    viewer.querySelector<HTMLElement>("[data-testid=bookmark-button]")!.click();
    viewer.querySelector<HTMLTextAreaElement>("[data-testid=bookmark-note]")!.value = "proves MFA";
    viewer.querySelector<HTMLInputElement>("[data-testid=bookmark-tags]")!.value = "mfa, cc6.1";
    viewer.querySelector<HTMLInputElement>("[data-testid=new-binder-name]")!.value = "Vendor Q3";
    viewer.querySelector<HTMLFormElement>("[data-testid=bookmark-form]")!.requestSubmit();
    await settle();
    await settle();
    const add = ctx.api.calls.find(([name]) => name === "add_bookmark")![1][0];
    expect(add).toEqual({ document_id: 3, page: 2, quote: null, note: "proves MFA", tags: ["mfa", "cc6.1"], binders: [8] });
    expect(ctx.store.get().bookmarksChanged).toBe(1);
    expect(ctx.notices[0]).toBe("Bookmarked p. 2 into 1 binder.");
  });
});
