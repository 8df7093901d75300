// The results pane: search results and the library list drawn from the store; chips, "Show more",
// the order and a click on a page line become store updates and commands.
import { beforeEach, describe, expect, it } from "vitest";
import { context, doc, hit, LABELS, response, settle } from "../test-helpers";
import { mountResults } from "./results";

function mount(answers = {}) {
  document.body.innerHTML = `<main id="middle"></main>`;
  const ctx = context(answers);
  const middle = document.querySelector<HTMLElement>("#middle")!;
  mountResults(ctx, middle);
  return { ctx, middle };
}

describe("results pane", () => {
  beforeEach(() => (document.body.innerHTML = ""));

  it("draws each result with its best pages, the snippet's highlights and the chips' labels", () => {
    const { ctx, middle } = mount();
    ctx.store.update({ labels: LABELS, query: "incident", categories: ["pen-test"], response: response([hit(1, "Kestrel SOC 2 <Type II>")], { total_documents: 31 }) });
    const item = middle.querySelector("[data-testid=result-item]")!;
    expect(item.querySelector(".title")!.textContent).toBe("Kestrel SOC 2 <Type II>");
    expect(item.querySelector(".snippet")!.innerHTML).toBe("the <mark>incident</mark> response plan");
    expect(item.textContent).toContain("Audit report");
    expect(middle.querySelector(".chip")!.textContent).toContain("Penetration test");
    expect(middle.querySelector("[data-testid=show-more]")!.textContent).toBe("Show 30 more (30 not shown)");
    expect(middle.textContent).toContain("1 filter");
  });

  it("lists documents with issuer and dates when browsing", () => {
    const { ctx, middle } = mount();
    ctx.store.update({ response: response([hit(4, "Kestrel ISO 27001", { valid_until: "2000-01-01", period_start: null, period_end: null })]) });
    const item = middle.querySelector("[data-testid=document-item]")!;
    expect(item.textContent).toContain("Example LLP");
    expect(item.textContent).toContain("valid until 1 Jan 2000");
    expect(item.querySelector(".badge.warn")!.textContent).toBe("expired");
  });

  it("says why nothing matched and offers to drop the filters", () => {
    const { ctx, middle } = mount();
    ctx.store.update({ query: "zebra", regions: ["CZ"], response: response([]) });
    expect(middle.textContent).toContain("No page matches “zebra”");
    middle.querySelector<HTMLElement>("[data-act=clear-filters]")!.click();
    expect(ctx.store.get().regions).toEqual([]);
  });

  it("Show more asks for 30 more; a chip removes its filter; the order is kept", () => {
    const { ctx, middle } = mount();
    ctx.store.update({ query: "x", standards: ["SOC 2"], response: response([hit(1, "A")], { total_documents: 50 }) });
    middle.querySelector<HTMLElement>("[data-testid=show-more]")!.click();
    expect(ctx.store.get().limit).toBe(40);
    middle.querySelector<HTMLElement>(".chip")!.click();
    expect(ctx.store.get().standards).toEqual([]);
    expect(ctx.store.get().limit).toBe(10);
    const sort = middle.querySelector<HTMLSelectElement>("#sort")!;
    sort.value = "date";
    sort.dispatchEvent(new Event("change", { bubbles: true }));
    expect(ctx.store.get().sort).toBe("date");
  });

  it("a page line opens the viewer at that page with the document's hit pages and terms", async () => {
    const hits = response([hit(1, "A", { pages: [{ page: 9, score: 1, snippet: "", highlights: [] }, { page: 2, score: 1, snippet: "", highlights: [] }] })]);
    const { ctx, middle } = mount({ get_document: doc(1, { page_count: 12 }), search: hits });
    ctx.store.update({ query: "incident", response: response([hit(1, "A")]) });
    middle.querySelector<HTMLElement>("[data-testid=result-page]")!.click();
    await settle();
    await settle();
    const s = ctx.store.get();
    expect(s.doc!.id).toBe(1);
    expect(s.page).toBe(7);
    expect(s.hitPages).toEqual([2, 9]);
    expect(s.terms).toEqual(hits.terms);
    const search = ctx.api.calls.find(([name]) => name === "search")![1][0] as { documents: number[]; pages_per_document: number | null };
    expect(search).toMatchObject({ documents: [1], pages_per_document: null });
  });

  it("the selection moves without redrawing the list", () => {
    const { ctx, middle } = mount();
    ctx.store.update({ query: "x", response: response([hit(1, "A"), hit(2, "B")]) });
    const second = middle.querySelectorAll("[data-testid=result-item]")[1];
    ctx.store.update({ selected: 1 });
    expect(middle.querySelectorAll("[data-testid=result-item]")[1]).toBe(second);
    expect(second.getAttribute("aria-selected")).toBe("true");
  });
});
