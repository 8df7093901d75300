// What the window says: labels from the core's vocabulary, help by error kind.
import { describe, expect, it } from "vitest";
import { categoryLabel, errorHelp, errorText, regionName } from "./words";
import { LABELS } from "./test-helpers";

describe("words", () => {
  it("labels come from the core's vocabulary", () => {
    expect(categoryLabel(LABELS, "pen-test")).toBe("Penetration test");
    expect(categoryLabel(LABELS, "regional")).toBe("Regional compliance");
    expect(categoryLabel(LABELS, "unknown-id")).toBe("unknown-id");
    expect(categoryLabel(null, null)).toBe("Uncategorised");
    expect(regionName(LABELS, "EU")).toBe("European Union");
  });
  it("kind-specific help for a full disk, a read-only data folder and a library in use", () => {
    for (const kind of ["disk_full", "data_read_only", "library_in_use"] as const) expect(errorHelp(kind)).not.toBe("");
    expect(errorText({ kind: "library_in_use", message: "library in use by another TrustShelf process (/d)" })).toMatch(/^library in use .* Wait for it to finish/);
    expect(errorText({ kind: "binder_exists", message: "a binder named \"X\" already exists" })).toBe("a binder named \"X\" already exists");
    expect(errorText(new Error("boom"))).toBe("boom");
  });
});
