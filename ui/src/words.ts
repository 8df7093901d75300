// What the window says to people beyond what the core says itself (labels, bookmark state notes,
// error messages come from the core): how to look labels up, and the help for each kind of error.
import type { ErrorKind, Labels } from "./bindings";
import { isUiError, type UiError } from "./api";

/** A category's label from the core's vocabulary (its id when the vocabulary does not know it). */
export function categoryLabel(labels: Labels | null, id: string | null | undefined): string {
  if (!id) return "Uncategorised";
  return labels?.categories.find((c) => c.id === id)?.label ?? id;
}

/** A region's name ("European Union" for EU), for tooltips beside its code. */
export function regionName(labels: Labels | null, id: string): string {
  return labels?.regions.find((r) => r.id === id)?.label ?? id;
}

/** What a person can do about an error of this kind, when there is something to do. */
export function errorHelp(kind: UiError["kind"]): string {
  const help: Partial<Record<ErrorKind | "no_backend", string>> = {
    disk_full: "Free some space on that disk, then try again — nothing already saved was lost, and indexing resumes where it stopped.",
    data_read_only: "TrustShelf cannot write its data folder. Make it writable, or start TrustShelf with TRUSTSHELF_DATA set to a folder you own.",
    library_in_use: "Another TrustShelf window or command is indexing this library. Wait for it to finish, then try again.",
    no_backend: "Start the desktop app with make run.",
  };
  return help[kind] ?? "";
}

/** The sentence for an error: its message, and what to do when there is advice for its kind. */
export function errorText(e: unknown): string {
  if (isUiError(e)) {
    const help = errorHelp(e.kind);
    return help ? `${e.message} ${help}` : e.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}
