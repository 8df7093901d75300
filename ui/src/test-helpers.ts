// What the pane tests share: a store, commands that record their calls and answer from a table,
// and small documents and responses to draw.
import { vi } from "vitest";
import type { Api } from "./api";
import type { Binder, Bookmark, Document, DocumentHit, Labels, SearchResponse } from "./bindings";
import { createStore } from "./state";
import type { Context } from "./panes/context";

export const LABELS: Labels = {
  categories: [
    { id: "audit-report", label: "Audit report" },
    { id: "pen-test", label: "Penetration test" },
    { id: "regional", label: "Regional compliance" },
  ],
  regions: [{ id: "EU", label: "European Union" }, { id: "CZ", label: "Czechia" }],
  standards: [{ id: "SOC 2", label: "SOC 2" }],
};

export function hit(id: number, title: string, extra: Partial<DocumentHit> = {}): DocumentHit {
  return {
    id, title, path: `${title}.pdf`, format: "pdf", status: "indexed", category: "audit-report", regions: ["EU"], standards: ["SOC 2"], date: "2026-03-31",
    issuer: "Example LLP", period_start: "2025-04-01", period_end: "2026-03-31", valid_until: null, inferred_fields: [], score: 1, matching_pages: 2,
    pages: [{ page: 7, score: 1, snippet: "the incident response plan", highlights: [[4, 12]] }],
    ...extra,
  };
}

export function response(documents: DocumentHit[], extra: Partial<SearchResponse> = {}): SearchResponse {
  return {
    query: "incident", total_documents: documents.length, total_pages: documents.length * 2, documents,
    facets: { category: [{ value: "audit-report", count: documents.length }], region: [{ value: "EU", count: documents.length }], standard: [{ value: "SOC 2", count: 1 }] },
    fuzzy: false, notices: [], terms: { plain: ["incident"], english: ["incid"], ids: [] }, ...extra,
  };
}

export function doc(id: number, extra: Partial<Document> = {}): Document {
  return {
    id, path: "kestrel/soc2.md", hash: "ab", format: "markdown", size: 10, status: "indexed", reason: null, page_count: 3, failed_pages: [],
    metadata: { title: "Kestrel SOC 2", category: "audit-report", regions: ["EU"], standards: ["SOC 2"], issuer: "Example LLP" },
    inferred_fields: [], sidecar_errors: [], ...extra,
  } as Document;
}

export const BINDER: Binder = { id: 1, name: "SOC 2 2026", description: "", bookmark_count: 1, created_at: "2026-11-01" } as Binder;

export function bookmark(extra: Partial<Bookmark> = {}): Bookmark {
  return {
    id: 5, document_id: 3, document_title: "Kestrel SOC 2", document_path: "kestrel/soc2.md", document_hash: "ab", page: 2, page_label: "p. 2",
    quote: "MFA everywhere", note: "proves CC6.1", tags: ["mfa"], binders: [1], state: "current", state_note: "", created_at: "2026-11-01", ...extra,
  } as Bookmark;
}

/** An answer that fails with `error` (what the shell rejects with: `{kind, message}`). */
export class Rejected {
  constructor(readonly error: unknown) {}
}
export const rejects = (error: unknown) => new Rejected(error);

/** Commands that answer from `answers` (by command name) and record every call. */
export function mockApi(answers: Partial<Record<keyof Api, unknown>>): Api & { calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = [];
  const api = new Proxy({} as Record<string, unknown>, {
    get(_, name: string) {
      if (name === "calls") return calls;
      return vi.fn(async (...args: unknown[]) => {
        calls.push([name, args]);
        const a = answers[name as keyof Api];
        if (a instanceof Rejected) throw a.error;
        return typeof a === "function" ? (a as (...x: unknown[]) => unknown)(...args) : a;
      });
    },
  });
  return api as unknown as Api & { calls: Array<[string, unknown[]]> };
}

export function context(answers: Partial<Record<keyof Api, unknown>> = {}): Context & { api: ReturnType<typeof mockApi>; notices: string[] } {
  const notices: string[] = [];
  return { store: createStore(), api: mockApi(answers), notice: (html) => notices.push(html), notices };
}

/** Lets pending promises (mocked commands) settle. */
export const settle = () => new Promise((r) => setTimeout(r, 0));
