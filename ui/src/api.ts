// The window's line to the shell: the generated command table (bindings.ts) called through Tauri's
// invoke, the generated event table, and the open/save dialogs. Nothing here names a command or an
// argument by hand. In a plain browser (no Tauri) every call fails with the kind "no_backend" and
// the UI says so instead of crashing.
import { commands, type Commands, type Events, type IpcError } from "./bindings";

/** An error as the window sees it: the core's, or "no_backend" in a plain browser. */
export type UiError = IpcError | { kind: "no_backend"; message: string };

export function hasBackend(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export function isUiError(e: unknown): e is UiError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

async function invoke<T>(command: string, args: Record<string, unknown>): Promise<T> {
  if (!hasBackend()) {
    const err: UiError = { kind: "no_backend", message: "TrustShelf's library runs in the desktop app; this page was opened without it." };
    throw err;
  }
  const tauri = await import("@tauri-apps/api/core");
  return tauri.invoke<T>(command, args);
}

/** Every command of the shell. */
export const api: Commands = commands(invoke);

export type Api = Commands;

/** Calls `handler` with each payload of event `name`. */
export async function onEvent<K extends keyof Events & string>(name: K, handler: (payload: Events[K]) => void): Promise<void> {
  if (!hasBackend()) return;
  const { listen } = await import("@tauri-apps/api/event");
  await listen<Events[K]>(name, (e) => handler(e.payload));
}

export async function chooseSavePath(defaultName: string, kind = "Evidence package", extension = "zip"): Promise<string | null> {
  const { save } = await import("@tauri-apps/plugin-dialog");
  return save({ defaultPath: defaultName, filters: [{ name: kind, extensions: [extension] }] });
}

export async function chooseBackupFile(): Promise<string | null> {
  const { open } = await import("@tauri-apps/plugin-dialog");
  const r = await open({ multiple: false, directory: false });
  return typeof r === "string" ? r : null;
}

export async function chooseFolder(): Promise<string | null> {
  const { open } = await import("@tauri-apps/plugin-dialog");
  const r = await open({ directory: true, multiple: false });
  return typeof r === "string" ? r : null;
}
