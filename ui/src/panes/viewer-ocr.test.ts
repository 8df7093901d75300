// The viewer on a page read by OCR: the scan drawn as an image, the recognised words laid over it
// at their boxes, a hit marked as its word's whole box, and the OCR badge with the confidence.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { context, doc } from "../test-helpers";
import { mountViewer } from "./viewer";

// jsdom decodes no images: the scan is drawn as an empty page of the same size.
vi.mock("../render", async (original) => {
  const real = await original<typeof import("../render")>();
  return {
    ...real,
    renderImagePage: async (container: HTMLElement, bytes: ArrayBuffer) => {
      if (new Uint8Array(bytes)[0] !== 0x89) return null;
      const page = document.createElement("div");
      page.className = "pdf-page";
      container.replaceChildren(page);
      return page;
    },
  };
});

const OCR = {
  confidence: 91.4,
  languages: "ces+eng",
  words: [
    { text: "Bezpečnostní", x: 0.1, y: 0.2, w: 0.3, h: 0.02 },
    { text: "opatření", x: 0.42, y: 0.2, w: 0.2, h: 0.02 },
  ],
};
const VIEW = { document: doc(4, { format: "image" }), page: { number: 1, label: "p. 1", text: "Bezpečnostní opatření", ocr: OCR } };
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47]).buffer;
const TIFF = new Uint8Array([0x49, 0x49, 0x2a, 0x00]).buffer;

function mount(bytes: ArrayBuffer) {
  document.body.innerHTML = `<section id="viewer"></section>`;
  // The core marks the first word (bezpecnostni) and nothing in the second.
  const ctx = context({ get_page: VIEW, read_document: bytes, highlight: [[[0, 12]], []] });
  const viewer = document.querySelector<HTMLElement>("#viewer")!;
  mountViewer(ctx, viewer);
  return { ctx, viewer };
}

describe("viewer on an OCR'd page", () => {
  beforeEach(() => (document.body.innerHTML = ""));

  it("lays the words over the scan at their boxes and marks a hit as its word's box", async () => {
    const { ctx, viewer } = mount(PNG);
    const terms = { plain: ["bezpecnostni"], english: [], ids: [] };
    ctx.store.update({ doc: doc(4, { format: "image", page_count: 1 }), page: 1, pageCount: 1, terms });
    await vi.waitFor(() => expect(viewer.querySelector(".ocr-layer span.hit")).not.toBeNull(), { timeout: 5000 });
    const words = Array.from(viewer.querySelectorAll<HTMLElement>(".ocr-layer span"));
    expect(words.map((w) => w.textContent)).toEqual(["Bezpečnostní", "opatření"]);
    expect([words[0].style.left, words[0].style.top, words[0].style.width]).toEqual(["10%", "20%", "30%"]);
    expect(words.map((w) => w.classList.contains("hit"))).toEqual([true, false]);
    expect(viewer.querySelector("[data-testid=ocr-badge]")!.textContent).toBe("OCR · 91 % confidence · ces, eng");
    const call = ctx.api.calls.find(([name]) => name === "highlight")![1][0] as { texts: string[] };
    expect(call.texts).toEqual(["Bezpečnostní", "opatření"]);
  });

  it("shows the recognised text, with the badge, where the webview cannot draw the image (TIFF)", async () => {
    const { ctx, viewer } = mount(TIFF);
    ctx.store.update({ doc: doc(4, { format: "image", page_count: 1 }), page: 1, pageCount: 1 });
    await vi.waitFor(() => expect(viewer.querySelector(".text-body")).not.toBeNull(), { timeout: 5000 });
    expect(viewer.querySelector(".text-body")!.textContent).toBe("Bezpečnostní opatření");
    expect(viewer.querySelector("[data-testid=ocr-badge]")).not.toBeNull();
  });
});
