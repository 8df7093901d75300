// Draws one page of a document: PDFs through the bundled pdf.js (scripting and eval off, canvas plus
// a selectable text layer), every other format as its extracted text. Marking the searched terms is
// the viewer pane's: these return the elements whose text can be marked.
import type { WordBox } from "./bindings";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import "pdfjs-dist/web/pdf_viewer.css";

let pdfWorker: pdfjs.PDFWorker | null = null;
// One pdf.js worker for the app's lifetime, passed explicitly to every document so that closing a
// document never tears down the worker the next one needs.
function ensureWorker(): pdfjs.PDFWorker {
  pdfWorker ??= pdfjs.PDFWorker.create({ port: new Worker(new URL("pdfjs-dist/legacy/build/pdf.worker.min.mjs", import.meta.url), { type: "module" }) });
  return pdfWorker;
}

type PdfDoc = Awaited<ReturnType<typeof pdfjs.getDocument>["promise"]>;
let cached: { id: number; doc: PdfDoc } | null = null;

export async function openPdf(id: number, bytes: ArrayBuffer): Promise<number> {
  if (cached?.id === id) return cached.doc.numPages;
  if (cached) {
    const old = cached.doc;
    cached = null;
    await old.destroy();
  }
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    worker: ensureWorker(),
    isEvalSupported: false,
    enableXfa: false,
    stopAtErrors: false,
  }).promise;
  cached = { id, doc };
  return doc.numPages;
}

export function hasPdf(id: number): boolean {
  return cached?.id === id;
}

/** Draws page `n` into `container` at `zoom`; returns the text layer's runs. */
export async function renderPdfPage(container: HTMLElement, n: number, zoom: number): Promise<HTMLElement[]> {
  if (!cached) return [];
  const page = await cached.doc.getPage(n);
  // Fit the page's width to the pane at zoom 1.
  const natural = page.getViewport({ scale: 1 });
  const fit = Math.max(0.3, (container.clientWidth - 32) / natural.width);
  const viewport = page.getViewport({ scale: fit * zoom });
  const ratio = window.devicePixelRatio || 1;
  const wrap = document.createElement("div");
  wrap.className = "pdf-page";
  wrap.style.width = `${viewport.width}px`;
  wrap.style.height = `${viewport.height}px`;
  wrap.style.setProperty("--scale-factor", String(viewport.scale));
  wrap.style.setProperty("--total-scale-factor", String(viewport.scale));
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width * ratio);
  canvas.height = Math.floor(viewport.height * ratio);
  canvas.style.width = `${viewport.width}px`;
  canvas.style.height = `${viewport.height}px`;
  const text = document.createElement("div");
  text.className = "textLayer";
  wrap.append(canvas, text);
  container.replaceChildren(wrap);
  const ctx = canvas.getContext("2d")!;
  await page.render({ canvas, canvasContext: ctx, viewport, transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined }).promise;
  const layer = new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport });
  await layer.render();
  return Array.from(text.querySelectorAll<HTMLElement>("span")).filter((span) => span.childElementCount === 0 && span.textContent);
}

/** Shows extracted text (Markdown, HTML, DOCX, spreadsheets) as text, never as markup; returns the
 * element holding it. */
export function renderTextPage(container: HTMLElement, label: string, body: string): HTMLElement {
  const article = document.createElement("article");
  article.className = "text-page";
  const h = document.createElement("div");
  h.className = "section-label";
  h.textContent = label;
  const pre = document.createElement("div");
  pre.className = "text-body";
  pre.textContent = body;
  article.append(h, pre);
  container.replaceChildren(article);
  return pre;
}

/** Draws an image file (a scanned PNG or JPEG) into `container`, fitted to its width at `zoom`;
 * returns the page element (for the OCR word layer), or null when the webview cannot show the
 * format (TIFF). */
export async function renderImagePage(container: HTMLElement, bytes: ArrayBuffer, zoom: number): Promise<HTMLElement | null> {
  const head = new Uint8Array(bytes.slice(0, 4));
  const type = head[0] === 0x89 ? "image/png" : head[0] === 0xff ? "image/jpeg" : null;
  if (!type) return null;
  const img = new Image();
  img.src = URL.createObjectURL(new Blob([bytes], { type }));
  await img.decode();
  const width = Math.max(200, (container.clientWidth - 32) * zoom);
  const wrap = document.createElement("div");
  wrap.className = "pdf-page";
  wrap.style.width = `${width}px`;
  wrap.style.height = `${(width * img.naturalHeight) / Math.max(1, img.naturalWidth)}px`;
  img.style.width = "100%";
  img.style.height = "100%";
  img.style.display = "block";
  wrap.append(img);
  container.replaceChildren(wrap);
  return wrap;
}

/** Lays the words OCR read over `page` at their boxes (fractions of the page), as transparent,
 * selectable text: what pdf.js's text layer is for a page with text. Returns the words' elements. */
export function renderOcrWords(page: HTMLElement, words: WordBox[]): HTMLElement[] {
  const layer = document.createElement("div");
  layer.className = "ocr-layer";
  const spans = words.map((w) => {
    const span = document.createElement("span");
    span.textContent = w.text;
    span.style.left = `${w.x * 100}%`;
    span.style.top = `${w.y * 100}%`;
    span.style.width = `${w.w * 100}%`;
    span.style.height = `${w.h * 100}%`;
    span.style.fontSize = `${Math.max(6, w.h * page.clientHeight * 0.9)}px`;
    layer.append(span, " ");
    return span;
  });
  page.append(layer);
  return spans;
}
