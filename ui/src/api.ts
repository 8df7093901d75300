// Typed calls into the Tauri shell. Every function maps to one #[tauri::command]; the types come from
// bindings.ts, generated from the Rust types. In a plain browser (no Tauri) every call fails with the
// kind "no_backend" and the UI says so instead of crashing.
import type {
  Binder,
  Bookmark,
  BookmarkUpdate,
  Document,
  ExportReport,
  IndexReport,
  IpcError,
  LibraryStatus,
  NewBookmark,
  Page,
  PageView,
  Progress,
  SearchRequest,
  SearchResponse,
  VerifyReport,
} from "./bindings";

export function hasBackend(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && "kind" in e && "message" in e;
}

export function errorText(e: unknown): string {
  if (isIpcError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  if (!hasBackend()) {
    const err: IpcError = { kind: "no_backend", message: "TrustShelf's library runs in the desktop app; this page was opened without it." };
    throw err;
  }
  const { invoke } = await import("@tauri-apps/api/core");
  return invoke<T>(cmd, args);
}

export const api = {
  search: (request: SearchRequest) => call<SearchResponse>("search", { request }),
  status: () => call<LibraryStatus>("library_status"),
  document: (id: number) => call<Document>("get_document", { id }),
  page: (id: number, page: number) => call<PageView>("get_page", { id, page }),
  pages: (id: number) => call<Page[]>("get_pages", { id }),
  readDocument: (id: number) => call<ArrayBuffer>("read_document", { id }),
  reindex: (folder: string | null) => call<void>("reindex", { folder }),
  addBookmark: (bookmark: NewBookmark) => call<Bookmark>("add_bookmark", { bookmark }),
  bookmarks: (binder: number | null) => call<Bookmark[]>("list_bookmarks", { binder }),
  updateBookmark: (id: number, update: BookmarkUpdate) => call<Bookmark>("update_bookmark", { id, update }),
  removeBookmark: (id: number) => call<Bookmark>("remove_bookmark", { id }),
  binders: () => call<Binder[]>("list_binders"),
  createBinder: (name: string, description = "") => call<Binder>("create_binder", { name, description }),
  renameBinder: (id: number, name: string) => call<Binder>("rename_binder", { id, name }),
  deleteBinder: (id: number) => call<void>("delete_binder", { id }),
  addToBinder: (binder: number, bookmark: number) => call<void>("add_to_binder", { binder, bookmark }),
  removeFromBinder: (binder: number, bookmark: number) => call<void>("remove_from_binder", { binder, bookmark }),
  reorderBinder: (binder: number, order: number[]) => call<void>("reorder_binder", { binder, order }),
  exportBinder: (binder: number, dest: string, originals: boolean) => call<ExportReport>("export_binder", { binder, dest, originals }),
  verifyPackage: (path: string) => call<VerifyReport>("verify_package", { path }),
  backup: (dest: string) => call<void>("backup_catalog", { dest }),
  restore: (src: string) => call<void>("restore_catalog", { src }),
};

export type Finished = { report: IndexReport | null; error: IpcError | null };

export async function onEvent<T>(name: "index-progress" | "index-finished" | "export-progress", handler: (payload: T) => void): Promise<void> {
  if (!hasBackend()) return;
  const { listen } = await import("@tauri-apps/api/event");
  await listen<T>(name, (e) => handler(e.payload));
}

export type { Progress };

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
