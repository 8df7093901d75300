// Pure UI logic, kept apart from the DOM so vitest can check it.
import type { Metadata } from "./bindings";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Snippet HTML with <mark> around the highlight ranges ([start, end) in Unicode characters). */
export function highlightSnippet(snippet: string, ranges: Array<[number, number]>): string {
  const chars = Array.from(snippet);
  let out = "";
  let i = 0;
  for (const [s0, e0] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const s = Math.max(i, Math.min(s0, chars.length));
    const e = Math.min(e0, chars.length);
    if (e <= s) continue;
    out += escapeHtml(chars.slice(i, s).join("")) + "<mark>" + escapeHtml(chars.slice(s, e).join("")) + "</mark>";
    i = e;
  }
  return out + escapeHtml(chars.slice(i).join(""));
}

/** Drops stale responses: only the latest request's answer is applied. */
export class Latest {
  private seq = 0;
  next(): number {
    return ++this.seq;
  }
  isCurrent(n: number): boolean {
    return n === this.seq;
  }
}

/**
 * Runs `fn` at once when idle; calls made while it runs collapse into one more run after it, so the
 * latest input is always searched and no keystroke waits for a timer.
 */
export function coalesce(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const trigger = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await fn();
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  };
  return trigger;
}

/** Lower-case, no diacritics, one output char per input char (so ranges map back). */
export function foldChar(c: string): string {
  const base = c.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  const special: Record<string, string> = { ł: "l", đ: "d", ø: "o" };
  const f = special[c.toLowerCase()] ?? base;
  return f.length === 1 ? f : c.toLowerCase();
}

export function fold(s: string): string {
  return Array.from(s).map(foldChar).join("");
}

/** The words of a query worth highlighting in a document: no operators, filters or short words. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  const cleaned = query.replace(/\b(category|cat|region|standard|std|date|year|after|before|from|to|title):("[^"]*"|\S*)/gi, " ");
  for (const raw of cleaned.split(/[\s"]+/)) {
    if (!raw || raw === "OR" || raw === "AND" || raw === "NOT") continue;
    const w = raw.replace(/^[-+!(]+|[)*]+$/g, "");
    if (/^[A-Za-z]{0,8}[.-]?\d/.test(w)) {
      terms.add(fold(w));
      continue;
    }
    for (const part of fold(w).split(/[^\p{L}\p{N}]+/u)) if (part.length >= 2) terms.add(part);
  }
  return [...terms];
}

/** Ranges of `text` (UTF-16 offsets) where a term (or a word starting with it, for stems) occurs. */
export function findTerms(text: string, terms: string[]): Array<[number, number]> {
  if (!terms.length) return [];
  const folded = fold(text);
  const ranges: Array<[number, number]> = [];
  for (const term of terms) {
    // Match the word's stem-like prefix: "controls" highlights "control", "controlled".
    const stem = term.length > 5 && /^\p{L}+$/u.test(term) ? term.slice(0, term.length - 2) : term;
    let from = 0;
    for (;;) {
      const at = folded.indexOf(stem, from);
      if (at < 0) break;
      const before = at === 0 ? "" : folded[at - 1];
      if (!before || !/[\p{L}\p{N}]/u.test(before)) {
        let end = at + stem.length;
        while (end < folded.length && /[\p{L}\p{N}]/u.test(folded[end]) && /^\p{L}+$/u.test(stem)) end++;
        ranges.push([at, end]);
      }
      from = at + stem.length;
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Text as HTML with <mark>s from `findTerms`. */
export function markText(text: string, terms: string[]): string {
  let out = "";
  let i = 0;
  for (const [s, e] of findTerms(text, terms)) {
    out += escapeHtml(text.slice(i, s)) + "<mark>" + escapeHtml(text.slice(s, e)) + "</mark>";
    i = e;
  }
  return out + escapeHtml(text.slice(i));
}

export function toggle<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

export function move<T>(list: T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return list;
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

const CATEGORY_LABELS: Record<string, string> = {
  "audit-report": "Audit report",
  certificate: "Certificate",
  "bridge-letter": "Bridge letter",
  "pen-test": "Pen test",
  whitepaper: "Whitepaper",
  "data-protection-guide": "Data-protection guide",
  faq: "FAQ",
  blueprint: "Blueprint",
  "control-matrix": "Control matrix",
  "policy-template": "Policy / template",
  privacy: "Privacy (GDPR)",
  regional: "Regional",
  framework: "Framework / standard",
};

export function categoryLabel(id: string | null | undefined): string {
  return id ? (CATEGORY_LABELS[id] ?? id) : "Uncategorised";
}

/** "1 Oct 2025 – 30 Sep 2026", "valid until 14 Mar 2027", or the publication date. */
export function describeDates(m: Pick<Metadata, "period_start" | "period_end" | "valid_until" | "published">): string {
  const d = (s?: string | null) => {
    if (!s) return "";
    const [y, mo, da] = s.split("-").map(Number);
    const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][mo - 1];
    return `${da} ${month} ${y}`;
  };
  if (m.period_start || m.period_end) return `${d(m.period_start) || "…"} – ${d(m.period_end) || "…"}`;
  if (m.valid_until) return `valid until ${d(m.valid_until)}`;
  return d(m.published);
}

/** Validity of a document on `today` (YYYY-MM-DD): expired, expiring within 60 days, or current. */
export function validity(m: Pick<Metadata, "valid_until">, today: string): "expired" | "expiring" | "current" | null {
  const end = m.valid_until ?? null;
  if (!end) return null;
  if (end < today) return "expired";
  const soon = new Date(today + "T00:00:00Z");
  soon.setUTCDate(soon.getUTCDate() + 60);
  return end <= soon.toISOString().slice(0, 10) ? "expiring" : "current";
}

export function parseTags(input: string): string[] {
  return [...new Set(input.split(",").map((t) => t.trim()).filter(Boolean))];
}

/** A facet's rows: its values with their counts, then the selected values that no longer match (0). */
export function facetRows(values: Array<{ value: string; count: number }>, selected: string[]): Array<{ value: string; count: number }> {
  const rows = [...values];
  for (const s of selected) if (!rows.some((v) => v.value === s)) rows.push({ value: s, count: 0 });
  return rows;
}

/** What identifies a drawn facet panel apart from its counts: the rows, in order, and the selection. */
export function facetLayout(groups: Array<{ rows: Array<{ value: string }>; selected: string[] }>): string {
  return JSON.stringify(groups.map((g) => [g.rows.map((r) => r.value), g.selected]));
}
