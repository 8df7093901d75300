// End-to-end test of the real TrustShelf binary through WebKitWebDriver (run under Xvfb by run.sh).
// Path: start on the sample library → facets with counts → type a query → highlighted results → open a
// result → the viewer shows the hit's page → bookmark it with a note into a new binder → the binder
// lists it → export the binder → the zip exists and verifies. A screenshot of each screen is saved.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { click, ELEMENT, find, findAll, http, launch, quit, S, script, shot, sleep, text, tid, type, waitFor } from "./webdriver.mjs";

const APP = process.env.APP;
const CLI = process.env.CLI;
const EXPORT_ZIP = process.env.EXPORT_ZIP;

let passed = 0;
let failed = 0;

async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message}`);
    await shot(`FAILED-${name.replace(/\W+/g, "-")}.png`).catch(() => {});
    throw e;
  }
}

try {
  const launched = Date.now();
  await launch(APP);

  await step("starts on the sample library with facet counts", async () => {
    await waitFor("facet counts", async () => (await findAll(`${tid("facet-category")} .count`)).length >= 5, 60000);
    console.log(`     window usable ${Date.now() - launched} ms after the session request`);
    await waitFor("the first documents of the sample library", async () => (await findAll(tid("document-item"))).length >= 10, 120000);
    const counts = await script(`return Array.from(document.querySelectorAll('[data-testid="facet-category"] .count')).map(e => Number(e.textContent))`);
    if (!counts.every((n) => n > 0)) throw new Error(`facet counts ${counts}`);
    // Labels come from the core's vocabulary (data/vocab.toml), not from a copy in the UI.
    const categories = await script(`return document.querySelector('[data-testid="facet-category"]').textContent`);
    for (const label of ["Penetration test", "Regional compliance", "Framework or standard"]) if (!categories.includes(label)) throw new Error(`no category labelled ${label}: ${categories}`);
    // Every sample and fixture is indexed: nothing needs attention, and the pages are all there.
    const status = await waitFor("the indexed status", async () => ((await text("#statusbar")).match(/Indexed 44 documents · ([\d,]+) pages/) ? await text("#statusbar") : null), 60000);
    if (status.includes("need attention") || Number(status.match(/([\d,]+) pages/)[1].replace(/,/g, "")) < 500) throw new Error(`status bar: ${status}`);
    const docs = await findAll(tid("document-item"));
    if (docs.length !== 10) throw new Error(`${docs.length} documents listed, expected the first 10`);
    await script("document.querySelector('[data-testid=\"show-more\"]').scrollIntoView({block: 'center'})");
    await click(tid("show-more"));
    // 10 first, 30 more per "Show more".
    await waitFor("40 documents after Show more", async () => (await findAll(tid("document-item"))).length === 40);
    await script("document.querySelector('[data-testid=\"show-more\"]').scrollIntoView({block: 'center'})");
    await click(tid("show-more"));
    await waitFor("the rest of the library after Show more again", async () => (await findAll(tid("document-item"))).length === 44);
    await shot("01-library.png");
  });

  await step("search shows highlighted results, best document first", async () => {
    const t0 = Date.now();
    await type(tid("search-input"), "incident response");
    await waitFor("results", async () => (await findAll(tid("result-item"))).length > 0 && (await text(`${tid("result-item")} .title`)).includes("800-61"));
    console.log(`     typed query to painted results: ${Date.now() - t0} ms (includes WebDriver round trips)`);
    const marks = await findAll(`${tid("result-item")} mark`);
    if (marks.length < 2) throw new Error("no highlighted terms in snippets");
    await shot("02-results.png");
  });

  let hitPage;
  await step("opening a result shows the hit's page", async () => {
    hitPage = await script(`return document.querySelector('[data-testid="result-page"]').dataset.page`);
    await click(tid("result-page"));
    await waitFor("viewer page number", async () => (await script(`return document.querySelector('[data-testid="viewer-page-number"]')?.textContent`)) === hitPage);
    await waitFor("rendered PDF page", async () => script(`const c = document.querySelector('.pdf-page canvas'); return !!c && c.width > 100 && document.querySelectorAll('.textLayer span').length > 20`), 30000);
    await waitFor("highlighted terms on the page", async () => (await findAll(".textLayer mark")).length > 0, 10000);
    const input = await script(`return document.querySelector('#page-input').value`);
    if (input !== hitPage) throw new Error(`viewer shows p. ${input}, hit is on p. ${hitPage}`);
    await shot("03-viewer.png");
  });

  await step("bookmark the page with a note into a new binder", async () => {
    await click(tid("bookmark-button"));
    await type(tid("bookmark-note"), "IR plan requirements for the SOC 2 audit");
    await type(tid("new-binder-name"), "E2E Audit 2026");
    await shot("04-bookmark-form.png");
    await click(tid("bookmark-save"));
    await waitFor("binder in the sidebar", async () => (await text(tid("binder-list"))).includes("E2E Audit 2026"));
  });

  await step("the binder lists the bookmark with its citation", async () => {
    const items = await findAll(tid("binder-item"));
    await script("arguments[0].scrollIntoView({block: 'center'})", [{ [ELEMENT]: items[0] }]);
    await http("POST", `${S()}/element/${items[0]}/click`, {});
    await waitFor("bookmark card", async () => (await text(tid("bookmark-card"))).includes("IR plan requirements"));
    const card = await text(tid("bookmark-card"));
    if (!card.includes(`p. ${hitPage}`) || !card.includes("800-61")) throw new Error(`card: ${card}`);
    await shot("05-binder.png");
  });

  await step("export the binder; the package verifies", async () => {
    await type(tid("export-path"), EXPORT_ZIP);
    await click(tid("binder-export"));
    await waitFor("export result", async () => (await text(tid("export-status"))).includes("verified"), 30000);
    await shot("06-exported.png");
    if (!existsSync(EXPORT_ZIP)) throw new Error(`${EXPORT_ZIP} does not exist`);
    const out = execFileSync(CLI, ["verify", EXPORT_ZIP], { encoding: "utf8" });
    if (!out.startsWith("OK")) throw new Error(out);
  });

  await step("a Markdown policy opens as text with the control ID marked", async () => {
    await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
    await type(tid("search-input"), "CC6.1");
    await waitFor("results for CC6.1", async () => (await text(`${tid("result-item")} .title`)).length > 0);
    await script(`Array.from(document.querySelectorAll('[data-testid="result-item"]')).find(e => e.textContent.includes('Access Onboarding')).querySelector('[data-testid="result-page"]').click()`);
    await waitFor("text page", async () => (await findAll(".text-page mark")).length > 0);
    const marked = await text(".text-page mark");
    if (marked !== "CC6.1") throw new Error(`marked ${marked}`);
    await shot("07-markdown.png");
  });

  await step("an OSCAL component definition opens at the requirement's page with its control ID marked", async () => {
    await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
    await type(tid("search-input"), "AC-2(1)");
    await waitFor("the component definition among the results", async () => (await text("#middle")).includes("OSCAL Component Definition"));
    await script(`Array.from(document.querySelectorAll('[data-testid="result-item"]')).find(e => e.textContent.includes('OSCAL Component Definition')).querySelector('[data-testid="result-page"]').click()`);
    await waitFor("the requirement's page", async () => (await findAll(".text-page mark")).length > 0 && (await text(".section-label")) === "Kestrel Identity · AC-2(1)");
    const marked = await text(".text-page mark");
    if (marked !== "AC-2(1)") throw new Error(`marked ${marked}`);
    if (!(await text("#viewer")).includes("Blueprint")) throw new Error("no Blueprint badge in the viewer");
    await shot("08-oscal.png");
  });

  await step("a scanned PDF is read by OCR: the hit is marked over the scan at its words, with the OCR badge", async () => {
    await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
    await type(tid("search-input"), "badge access logs");
    await waitFor("the scanned access review among the results", async () => (await text("#middle")).includes("Data Centre Access Review"));
    await script(`Array.from(document.querySelectorAll('[data-testid="result-item"]')).find(e => e.textContent.includes('Data Centre Access Review')).querySelector('[data-testid="result-page"]').click()`);
    await waitFor("the scan drawn with the hits over it", async () => (await findAll("#viewer canvas")).length > 0 && (await findAll("#viewer .ocr-layer span.hit")).length >= 3, 30000);
    const hits = await script(`return Array.from(document.querySelectorAll('#viewer .ocr-layer span.hit')).map(e => e.textContent.toLowerCase())`);
    for (const word of ["badge", "access", "logs"]) if (!hits.some((h) => h.startsWith(word))) throw new Error(`no hit on ${word}: ${hits}`);
    // The marks sit on the page, where the words are: inside the drawn scan, not all at one spot.
    const boxes = await script(`const page = document.querySelector('#viewer .pdf-page').getBoundingClientRect(); return Array.from(document.querySelectorAll('#viewer .ocr-layer span.hit')).map(e => { const r = e.getBoundingClientRect(); return [r.left - page.left, r.top - page.top, r.width, r.height, page.width, page.height]; })`);
    if (!boxes.every(([x, y, w, h, pw, ph]) => x >= 0 && y >= 0 && w > 5 && h > 5 && x + w <= pw + 1 && y + h <= ph + 1)) throw new Error(`hit boxes ${JSON.stringify(boxes)}`);
    if (new Set(boxes.map((b) => Math.round(b[0]))).size < 2) throw new Error(`hit boxes ${JSON.stringify(boxes)}`);
    const badge = await text(tid("ocr-badge"));
    if (!/^OCR · \d+ % confidence · eng$/.test(badge)) throw new Error(`badge: ${badge}`);
    await shot("11-ocr.png");
  });

  await step("a SOC 2 report opens with the Report panel; an exception's citation marks its sentence on its page; a CUEC is bookmarked with its quote", async () => {
    await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
    await type(tid("search-input"), "complementary user entity controls");
    await waitFor("the 2026 SOC 2 report among the results", async () => (await text("#middle")).includes("SOC 2 Type II Report (1 October 2025"));
    await script(`Array.from(document.querySelectorAll('[data-testid="result-item"]')).find(e => e.textContent.includes('SOC 2 Type II Report (1 October 2025')).querySelector('[data-testid="result-page"]').click()`);
    await waitFor("the Report panel", async () => (await findAll(tid("report-panel"))).length > 0, 30000);
    const panel = await text(tid("report-panel"));
    for (const expected of ["SOC 2 Type 2 report", "Kestrel Cloud s.r.o.", "unqualified", "2025-10-01 – 2026-09-30", "CC6.2", "CC6.3", "Fictional Hosting GmbH", "carve-out"]) {
      if (!panel.includes(expected)) throw new Error(`Report panel lacks ${expected}: ${panel}`);
    }
    await script(`document.querySelector('[data-testid="report-exceptions"] [data-act="cite"]').click()`);
    await waitFor("page 5 with the exception's sentence marked", async () => (await script(`return document.querySelector('[data-testid="viewer-page-number"]').textContent`)) === "5" && (await findAll("#viewer .textLayer .quote-run")).length > 0, 30000);
    const marked = await script(`return Array.from(document.querySelectorAll('#viewer .textLayer .quote-run')).map(e => e.textContent).join(' ')`);
    if (!marked.includes("Exception: 2 of 25")) throw new Error(`marked: ${marked}`);
    await shot("12-report.png");
    await script(`document.querySelector('[data-testid="report-cuecs"] [data-act="cite-bookmark"]').click()`);
    await waitFor("the bookmark notice", async () => (await text("body")).includes("with the quote"));
    const bookmarks = JSON.parse(execFileSync(CLI, ["bookmark", "list", "--json"], { encoding: "utf8" }));
    if (!bookmarks.some((b) => b.page === 7 && (b.quote ?? "").startsWith("Customers manage their own users"))) throw new Error(JSON.stringify(bookmarks));
  });

  await step("no results explain what to do", async () => {
    await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
    await type(tid("search-input"), "zzqxjv");
    await waitFor("empty state", async () => (await text("#middle")).includes("No page matches"));
    await shot("08-no-results.png");
  });

  await step("hostile HTML and Markdown show as text; nothing runs or loads", async () => {
    for (const name of ["Hostile quarantine report", "Hostile quarantine policy"]) {
      await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
      await type(tid("search-input"), "xylophone");
      await waitFor("hostile results", async () => (await findAll(tid("result-item"))).length >= 2);
      await script(`Array.from(document.querySelectorAll('[data-testid="result-item"] [data-testid="result-page"]')).find(e => e.closest('[data-testid="result-item"]').textContent.includes(arguments[0])).click()`, [name]);
      await waitFor("text page", async () => (await findAll(".text-page mark")).length > 0);
      await sleep(500);
      const state = await script(`return { pwned: window.__pwned ?? null, active: document.querySelectorAll('#viewer img, #viewer iframe, #viewer object, #viewer script, #viewer a[href^="javascript"], #viewer svg').length, url: location.href }`);
      if (state.pwned !== null || state.active !== 0 || state.url.includes("evil")) throw new Error(JSON.stringify(state));
    }
    const body = await text(".text-page");
    if (!body.includes("xylophone")) throw new Error(body);
    await shot("09-hostile.png");
  });

  await step("a PDF with JavaScript, launch and link actions opens; nothing runs, opens or connects", async () => {
    await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
    await type(tid("search-input"), "pelican");
    await waitFor("the hostile PDF", async () => (await text("#middle")).includes("Hostile PDF actions fixture"));
    await click(`${tid("result-item")} ${tid("result-page")}`);
    await waitFor("the PDF page drawn with the hit marked", async () => (await findAll("#viewer canvas")).length > 0 && (await findAll("#viewer mark")).length > 0);
    await sleep(1500); // time for any action to fire
    const state = await script(`return { pwned: window.__pwned ?? null, url: location.href, links: document.querySelectorAll('#viewer a[href]').length }`);
    if (state.pwned !== null || state.links !== 0 || !/^(tauri|http:\/\/tauri\.localhost)/.test(state.url)) throw new Error(JSON.stringify(state));
    const windows = await http("GET", `${S()}/window/handles`);
    if (windows.length !== 1) throw new Error(`${windows.length} windows`);
    const alert = await http("GET", `${S()}/alert/text`).then((t) => `alert open: ${t}`, () => null);
    if (alert) throw new Error(alert);
    await shot("10-hostile-pdf.png");
  });

  await step("keyboard: / focuses search, ArrowDown moves the selection", async () => {
    const key = (value) => http("POST", `${S()}/actions`, { actions: [{ type: "key", id: "kb", actions: [{ type: "keyDown", value }, { type: "keyUp", value }] }] });
    await script(`const i = document.querySelector('[data-testid="search-input"]'); i.value = ''; i.dispatchEvent(new Event('input'))`);
    await type(tid("search-input"), "incident");
    // The previous query ("xylophone") had 2 results; wait for this one's, then let the list settle.
    await waitFor("the results for incident", async () => (await findAll(tid("result-item"))).length >= 5);
    await sleep(300);
    await click(tid("viewer"));
    await key("/");
    const focused = await script(`return document.activeElement?.dataset?.testid`);
    if (focused !== "search-input") throw new Error(`focus on ${focused}`);
    await type(tid("search-input"), "\uE015"); // ArrowDown, sent to the focused box
    const selected = await script(`return document.querySelector('[data-testid="result-item"].selected')?.dataset.index`);
    if (selected !== "1") throw new Error(`selected result ${selected}`);
  });
} catch (e) {
  if (!failed) {
    failed++;
    console.log(`FAIL setup: ${e.message}`);
  }
} finally {
  await quit();
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
