import { describe, expect, it } from "vitest";
import { coalesce, describeDates, facetLayout, facetRows, Latest, markRanges, move, parseTags, toggle, validity } from "./logic";

describe("marking ranges (snippets, page text)", () => {
  it("marks highlight ranges in characters and escapes HTML", () => {
    expect(markRanges("an <incident> response", [[4, 12], [14, 22]])).toBe("an &lt;<mark>incident</mark>&gt; <mark>response</mark>");
  });
  it("counts characters, not UTF-16 units", () => {
    expect(markRanges("😀 bezpečnostní x", [[2, 14]])).toBe("😀 <mark>bezpečnostní</mark> x");
  });
  it("ignores ranges past the end", () => {
    expect(markRanges("abc", [[1, 99]])).toBe("a<mark>bc</mark>");
  });
});

describe("stale responses", () => {
  it("only the latest request is current", () => {
    const l = new Latest();
    const a = l.next();
    const b = l.next();
    expect(l.isCurrent(a)).toBe(false);
    expect(l.isCurrent(b)).toBe(true);
  });
});

describe("small helpers", () => {
  it("toggles and moves", () => {
    expect(toggle(["a", "b"], "a")).toEqual(["b"]);
    expect(toggle(["a"], "b")).toEqual(["a", "b"]);
    expect(move([1, 2, 3], 0, 2)).toEqual([2, 3, 1]);
    expect(move([1, 2, 3], 0, 9)).toEqual([1, 2, 3]);
  });
  it("dates", () => {
    expect(describeDates({ period_start: "2025-10-01", period_end: "2026-09-30" })).toBe("1 Oct 2025 – 30 Sep 2026");
    expect(describeDates({ valid_until: "2027-03-14" })).toBe("valid until 14 Mar 2027");
    expect(validity({ valid_until: "2026-12-31" }, "2026-11-29")).toBe("expiring");
    expect(validity({ valid_until: "2025-06-30" }, "2026-11-29")).toBe("expired");
    expect(validity({ valid_until: "2027-06-30" }, "2026-11-29")).toBe("current");
    expect(parseTags(" ir, soc2,ir ,")).toEqual(["ir", "soc2"]);
  });
});

describe("search on every keystroke", () => {
  it("runs at once when idle and collapses keystrokes during a run into one more run", async () => {
    const seen: string[] = [];
    let input = "a";
    let release: () => void = () => {};
    const run = coalesce(async () => {
      seen.push(input);
      await new Promise<void>((r) => (release = r));
    });
    const first = run();
    expect(seen).toEqual(["a"]); // no timer: the first keystroke searches immediately
    input = "ab";
    void run();
    input = "abc";
    void run();
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual(["a", "abc"]); // one more run, with the latest input
    release();
    await first;
    expect(seen).toEqual(["a", "abc"]);
  });
});

describe("facet panel", () => {
  it("keeps selected values that no longer match, with 0", () => {
    expect(facetRows([{ value: "US", count: 3 }], ["US", "CZ"])).toEqual([{ value: "US", count: 3 }, { value: "CZ", count: 0 }]);
  });
  it("is redrawn only when rows or selection change, not counts", () => {
    const at = (a: number, b: number, selected: string[] = []) => facetLayout([{ rows: facetRows([{ value: "US", count: a }, { value: "EU", count: b }], selected), selected }]);
    expect(at(5, 3)).toBe(at(9, 1));
    expect(at(5, 3)).not.toBe(at(5, 3, ["EU"]));
    expect(facetLayout([{ rows: [{ value: "US" }, { value: "EU" }], selected: [] }])).not.toBe(facetLayout([{ rows: [{ value: "EU" }, { value: "US" }], selected: [] }]));
  });
});
