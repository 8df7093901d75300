// App benchmark (BENCHMARKS.md): launch → usable window, and keystroke → painted results measured in
// the page, on whatever library TRUSTSHELF_DATA / TRUSTSHELF_LIBRARY name (bench/run.py points them at
// the 500,000-page scale library). Prints one JSON line; run by bench/app.sh under Xvfb.
import { readFileSync } from "node:fs";
import { findAll, KEYSTROKE_TO_PAINT as KEYSTROKE, launch, quit, scriptAsync, shot, tid, waitFor } from "./webdriver.mjs";

const APP = process.env.APP;
const STARTED_FILE = process.env.STARTED_FILE; // the app wrapper writes its exec time (ms since epoch) here
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
  await shot("bench-typed.png");
  result = { launch_to_usable_ms: usable - started, keystrokes: samples.length, keystroke_p50_ms: median(samples), keystroke_p95_ms: pct(samples, 0.95), keystroke_max_ms: Math.max(...samples) };
} finally {
  await quit();
}
console.log(JSON.stringify(result));
