// App benchmark (BENCHMARKS.md): launch → usable window, and keystroke → painted results measured in
// the page, on whatever library TRUSTSHELF_DATA / TRUSTSHELF_LIBRARY name (bench/run.py points them at
// the 500,000-page scale library). Prints one JSON line; run by bench/app.sh under Xvfb.
import { readFileSync } from "node:fs";
import { findAll, KEYSTROKE_TO_PAINT as KEYSTROKE, launch, quit, scriptAsync, shot, tid, waitFor } from "./webdriver.mjs";

const APP = process.env.APP;
const STARTED_FILE = process.env.STARTED_FILE; // the app wrapper writes its exec time (ms since epoch) here
const IPC_SEARCH = `
  const [query, done] = [arguments[0], arguments[arguments.length - 1]];
  const request = { query, categories: [], regions: [], standards: [], documents: [], sort: "relevance", offset: 0, limit: 10, pages_per_document: 3, as_you_type: true };
  const t0 = performance.now();
  window.__TAURI_INTERNALS__.invoke("search", { request }).then(() => done(performance.now() - t0), (e) => done(-1));`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.round((xs.length - 1) * p))];

let result = {};
try {
  await launch(APP);
  // Usable: the facet counts and the first documents of the library are on screen.
  await waitFor("a usable window", async () => (await findAll(`${tid("facet-category")} .count`)).length > 0 && (await findAll(tid("document-item"))).length > 0, 120000, 10);
  const usable = Date.now();
  const started = Number(readFileSync(STARTED_FILE, "utf8").trim());
  await shot("bench-usable.png");
  // Type queries one character at a time, as a person would; each keystroke is timed in the page.
  const words = ["encryption", "incident response", "access review", "audit logging", "personal data"];
  const samples = [];
  for (const w of words) {
    for (let i = 1; i <= w.length; i++) samples.push(await scriptAsync(KEYSTROKE, [w.slice(0, i)]));
  }
  await waitFor("results", async () => (await findAll(tid("result-item"))).length > 0);
  // The same keystrokes through IPC only (search + serialisation, no rendering; as many results as
  // the app asks for per keystroke), to split the time.
  const ipc = [];
  for (const w of words) {
    for (let i = 1; i <= w.length; i++) ipc.push(await scriptAsync(IPC_SEARCH, [w.slice(0, i)]));
  }
  await shot("bench-typed.png");
  const total = samples.map((s) => s.total);
  const phase = (k) => median(samples.map((s) => s[k]));
  result = {
    launch_to_usable_ms: usable - started,
    keystrokes: samples.length,
    keystroke_p50_ms: median(total),
    keystroke_p95_ms: pct(total, 0.95),
    keystroke_max_ms: Math.max(...total),
    keystroke_dom_p50_ms: phase("dom"),
    keystroke_task_p50_ms: phase("task"),
    keystroke_frame_p50_ms: phase("frame"),
    ipc_p50_ms: median(ipc),
    ipc_p95_ms: pct(ipc, 0.95),
  };
} finally {
  await quit();
}
console.log(JSON.stringify(result));
