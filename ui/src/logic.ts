// Pure UI logic, kept apart from the DOM so vitest can check it. Nothing here knows how a query is
// read or a word analysed: the core says what to highlight, as ranges.
import type { Metadata } from "./bindings";

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Text as HTML with <mark> around the ranges ([start, end) in Unicode characters, as the core
 * gives them for snippets and highlights). */
export function markRanges(snippet: string, ranges: Array<[number, number]>): string {
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
