// The window must load in a plain browser (no Tauri backend) without crashing, and say why it is empty.
import { describe, expect, it } from "vitest";

describe("plain browser", () => {
  it("renders the shell and explains that the desktop app is needed", async () => {
    document.body.innerHTML = `<div id="app"></div>`;
    expect("__TAURI_INTERNALS__" in window).toBe(false);
    await import("./main");
    await new Promise((r) => setTimeout(r, 50));
    expect(document.querySelector('[data-testid="search-input"]')).not.toBeNull();
    expect(document.querySelector('[data-testid="facet-category"]')).not.toBeNull();
    expect(document.querySelector('[data-testid="binder-list"]')).not.toBeNull();
    expect(document.querySelector('[data-testid="viewer"]')!.textContent).toContain("Open a result");
    expect(document.body.textContent).toContain("desktop app");
  });
});
