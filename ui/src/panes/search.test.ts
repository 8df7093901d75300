// The search pane: facets drawn from the store with the core's labels; typing and ticking facets
// become store updates and search commands.
import { beforeEach, describe, expect, it } from "vitest";
import { context, hit, LABELS, rejects, response, settle } from "../test-helpers";
import { mountSearch, startSearcher } from "./search";

function mount(ctx = context({ search: response([hit(1, "Kestrel SOC 2")]) })) {
  document.body.innerHTML = `<div id="box"></div><nav id="facets"></nav>`;
  const pane = mountSearch(ctx, document.querySelector("#box")!, document.querySelector("#facets")!);
  return { ctx, pane, input: document.querySelector<HTMLInputElement>("[data-testid=search-input]")! };
}

describe("search pane", () => {
  beforeEach(() => (document.body.innerHTML = ""));

  it("draws the facets of the response with the vocabulary's labels", () => {
    const { ctx } = mount();
    ctx.store.update({ labels: LABELS, response: response([hit(1, "A")], { facets: { category: [{ value: "pen-test", count: 4 }], region: [{ value: "CZ", count: 2 }], standard: [] } }) });
    const category = document.querySelector("[data-testid=facet-category]")!;
    expect(category.textContent).toContain("Penetration test");
    expect(category.querySelector(".count")!.textContent).toBe("4");
    expect(document.querySelector("[data-testid=facet-region] label")!.getAttribute("title")).toBe("Czechia");
    expect(document.querySelector("[data-testid=facet-standard]")!.textContent).toContain("none");
  });

  it("keeps the checkboxes and changes only the counts while typing", () => {
    const { ctx } = mount();
    ctx.store.update({ response: response([hit(1, "A")]) });
    const box = document.querySelector("[data-testid=facet-category] input");
    ctx.store.update({ response: response([hit(1, "A"), hit(2, "B")]) });
    expect(document.querySelector("[data-testid=facet-category] input")).toBe(box);
    expect(document.querySelector("[data-testid=facet-category] .count")!.textContent).toBe("2");
  });

  it("searches on every keystroke with the query, the filters and the first results only", async () => {
    const { ctx, input } = mount();
    startSearcher(ctx);
    ctx.store.update({ limit: 40, categories: ["audit-report"] });
    await settle();
    input.value = "incid";
    input.dispatchEvent(new Event("input"));
    expect(ctx.store.get().query).toBe("incid");
    expect(ctx.store.get().limit).toBe(10);
    await settle();
    const last = ctx.api.calls.filter(([name]) => name === "search").at(-1)![1][0] as { query: string; categories: string[]; limit: number; as_you_type: boolean };
    expect(last).toMatchObject({ query: "incid", categories: ["audit-report"], limit: 10, as_you_type: true });
    expect(ctx.store.get().response!.documents[0].title).toBe("Kestrel SOC 2");
  });

  it("ticking a facet filters by it; ↓ moves the selection", async () => {
    const { ctx, input } = mount();
    ctx.store.update({ response: response([hit(1, "A"), hit(2, "B")]) });
    const box = document.querySelector<HTMLInputElement>("[data-testid=facet-region] input")!;
    box.checked = true;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    expect(ctx.store.get().regions).toEqual(["EU"]);
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown" }));
    expect(ctx.store.get().selected).toBe(1);
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown" }));
    expect(ctx.store.get().selected).toBe(1);
  });

  it("says the error in words, with what to do, when the search fails", async () => {
    const { ctx } = mount(context({ search: rejects({ kind: "disk_full", message: "No space left on the disk holding /data." }) }));
    startSearcher(ctx);
    ctx.store.update({ query: "a" });
    await settle();
    expect(ctx.store.get().response).toBeNull();
    expect(ctx.store.get().message).toMatch(/^No space left on the disk holding \/data\. Free some space/);
  });
});
