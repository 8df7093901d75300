// A minimal WebDriver client for the real app (WebKitWebDriver on 127.0.0.1:4445), shared by the
// end-to-end test (e2e.mjs) and the app benchmark (bench-app.mjs).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ARTIFACTS = process.env.ARTIFACTS ?? "test-artifacts/e2e";
const PORT = 4445;
const BASE = `http://127.0.0.1:${PORT}`;
export const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
mkdirSync(ARTIFACTS, { recursive: true });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function http(method, path, body) {
  const res = await fetch(BASE + path, { method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

export async function waitFor(what, fn, timeout = 30000, every = 200) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(every);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

export const driver = spawn("WebKitWebDriver", [`--port=${PORT}`, "--host=127.0.0.1"], { env: { ...process.env, TAURI_WEBVIEW_AUTOMATION: "true" }, stdio: "inherit" });
let session;
/** Starts the app at `binary` in a new WebDriver session. */
export async function launch(binary) {
  await waitFor("WebKitWebDriver", () => http("GET", "/status").then((s) => s.ready !== false));
  const created = await http("POST", "/session", { capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary, args: [] } } } });
  session = created.sessionId;
  return session;
}
export async function quit() {
  if (session) await http("DELETE", S()).catch(() => {});
  driver.kill();
}
export const S = () => `/session/${session}`;
export const find = async (css) => (await http("POST", `${S()}/element`, { using: "css selector", value: css }))[ELEMENT];
export const findAll = async (css) => (await http("POST", `${S()}/elements`, { using: "css selector", value: css })).map((e) => e[ELEMENT]);
export const tid = (id) => `[data-testid="${id}"]`;
export const click = async (css) => http("POST", `${S()}/element/${await find(css)}/click`, {});
export const type = async (css, text) => http("POST", `${S()}/element/${await find(css)}/value`, { text });
export const text = async (css) => http("GET", `${S()}/element/${await find(css)}/text`);
export const script = (body, args = []) => http("POST", `${S()}/execute/sync`, { script: body, args });
export const scriptAsync = (body, args = []) => http("POST", `${S()}/execute/async`, { script: body, args });
export async function shot(name) {
  const png = await http("GET", `${S()}/screenshot`);
  writeFileSync(join(ARTIFACTS, name), Buffer.from(png, "base64"));
}

/**
 * In-page latency of one keystroke: sets the search box to `query`, fires its input event, and
 * resolves once the results pane has changed and the next frame has been painted, with where the
 * time went (ms from the input event): `dom` the pane's first change (search and IPC done, list
 * built), `task` the end of the task that changed it, `frame` the start of the next animation
 * frame, `total` after that frame was painted.
 */
export const KEYSTROKE_TO_PAINT = `
  const [query, done] = [arguments[0], arguments[arguments.length - 1]];
  const input = document.querySelector('[data-testid="search-input"]');
  const pane = document.querySelector('#middle');
  const t0 = performance.now();
  const t = {};
  const observer = new MutationObserver(() => {
    observer.disconnect();
    t.dom = performance.now() - t0;
    setTimeout(() => (t.task ??= performance.now() - t0), 0);
    requestAnimationFrame(() => {
      t.frame = performance.now() - t0;
      t.task ??= t.frame;
      setTimeout(() => done({ ...t, total: performance.now() - t0 }), 0);
    });
  });
  observer.observe(pane, { childList: true, subtree: true, characterData: true });
  input.value = query;
  input.dispatchEvent(new Event('input'));`;
