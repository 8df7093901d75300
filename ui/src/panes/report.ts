// The Report panel beside the viewer's page: what an audit report says (the core's facts), each
// fact with its page; a click opens that page with the fact's sentence marked, and a CUEC or an
// exception becomes a bookmark with its page and quote in one click.
import type { Fact, Facts } from "../bindings";
import { escapeHtml } from "../logic";
import { errorText } from "../words";
import type { Context } from "./context";

const KINDS: Record<string, string> = {
  "soc2-type2": "SOC 2 Type 2",
  "soc2-type1": "SOC 2 Type 1",
  "soc1-type2": "SOC 1 Type 2",
  "soc1-type1": "SOC 1 Type 1",
  soc3: "SOC 3",
  certificate: "Certificate",
  "bridge-letter": "Bridge letter",
  "pen-test": "Penetration test",
};

/** A cited place: the page and the sentence to mark there. */
export type Citation = { page: number; quote: string };

/** The citations of `facts` in panel order; the panel's `data-cite` indexes into it. */
export function citations(facts: Facts): Citation[] {
  const out: Citation[] = [];
  const scalar = (f: Fact | null) => f && f.source === "extracted" && out.push({ page: f.page, quote: f.quote });
  [facts.provider, facts.system, facts.auditor, facts.issued, facts.as_of, facts.opinion].forEach(scalar);
  if (facts.period) scalar(facts.period.end);
  if (facts.trust_services[0]) scalar(facts.trust_services[0]);
  facts.control_objectives.forEach(scalar);
  const c = facts.certificate;
  if (c) [c.number, c.standard, c.body, c.first_issued, c.valid_until, c.soa, c.scope].forEach(scalar);
  const b = facts.bridge;
  if (b) [b.report_period_end, b.signed_by].forEach(scalar);
  facts.exceptions.forEach((e) => out.push({ page: e.page, quote: e.quote }));
  facts.cuecs.forEach((c) => out.push({ page: c.page, quote: c.text }));
  facts.subservice.forEach((s) => out.push({ page: s.page, quote: s.quote }));
  (b?.statements ?? []).forEach((s) => out.push({ page: s.page, quote: s.quote }));
  facts.findings.forEach((x) => out.push({ page: x.page, quote: x.quote }));
  return out;
}

/** The panel's HTML for `facts`, or "" when the document is not an audit report. */
export function reportHtml(facts: Facts | null): string {
  if (!facts || facts.kind === "other") return "";
  let n = 0;
  const cite = (f: Fact | null) => (f && f.source === "extracted" ? n++ : -1);
  const where = (f: Fact, i: number) =>
    f.source === "declared"
      ? `<span class="muted" title="Declared in the document's sidecar">declared</span>${f.conflict ? ` <span class="badge warn" title="${escapeHtml(`The text says ${f.conflict.value} on p. ${f.conflict.page}: ${f.conflict.quote}`)}">text differs</span>` : ""}`
      : `<button class="link" data-act="cite" data-cite="${i}" title="${escapeHtml(f.quote)}">p. ${f.page}</button>`;
  const row = (label: string, f: Fact | null, value?: string) => {
    if (!f) return "";
    const i = cite(f);
    return `<div class="fact" data-testid="fact-${label.toLowerCase().replace(/\W+/g, "-")}"><span class="fact-label">${label}</span><span class="fact-value">${value ?? escapeHtml(f.value)}</span>${where(f, i)}</div>`;
  };
  const opinion = facts.opinion?.value;
  const parts = [
    row("Provider", facts.provider),
    row("System", facts.system),
    row("Auditor", facts.auditor),
    row("Report date", facts.issued),
    row("As of", facts.as_of),
    row("Opinion", facts.opinion, opinion ? `<span class="badge ${opinion === "unqualified" ? "ok" : "warn"}">${escapeHtml(opinion)}</span>` : undefined),
  ];
  if (facts.period) {
    const i = cite(facts.period.end);
    parts.push(`<div class="fact" data-testid="fact-period"><span class="fact-label">Period</span><span class="fact-value">${escapeHtml(facts.period.start.value)} – ${escapeHtml(facts.period.end.value)}</span>${where(facts.period.end, i)}</div>`);
  }
  if (facts.trust_services.length) {
    const i = cite(facts.trust_services[0]);
    parts.push(`<div class="fact"><span class="fact-label">Criteria</span><span class="fact-value">${facts.trust_services.map((t) => escapeHtml(t.value)).join(", ")}</span>${where(facts.trust_services[0], i)}</div>`);
  }
  if (facts.control_objectives.length) {
    parts.push(`<h3>Control objectives <span class="count">${facts.control_objectives.length}</span></h3>`, ...facts.control_objectives.map((o) => `<div class="fact">${where(o, cite(o))}<span class="fact-value">${escapeHtml(o.value)}</span></div>`));
  }
  const c = facts.certificate;
  if (c) {
    const status = c.status === "valid" ? "ok" : c.status === "unknown" ? "" : "warn";
    parts.push(
      row("Number", c.number),
      row("Standard", c.standard, c.standard ? escapeHtml(c.standard.value + (c.version ? `:${c.version.value}` : "")) : undefined),
      row("Body", c.body),
      row("First issued", c.first_issued),
      row("Valid until", c.valid_until, c.valid_until ? `${escapeHtml(c.valid_until.value)} <span class="badge ${status}" data-testid="certificate-status">${escapeHtml(c.status)}</span>` : undefined),
      row("SoA", c.soa),
      row("Scope", c.scope),
    );
  }
  const b = facts.bridge;
  if (b) parts.push(row("Bridges", b.report_period_end, b.report_period_end ? `the report ending ${escapeHtml(b.report_period_end.value)}` : undefined), row("Signed", b.signed_by));
  const list = (title: string, testid: string, items: string[]) =>
    items.length ? `<h3>${title} <span class="count">${items.length}</span></h3><ul class="fact-list" data-testid="${testid}">${items.join("")}</ul>` : "";
  const item = (page: number, head: string, text: string, extra = "") => {
    const i = n++;
    return `<li><button class="link" data-act="cite" data-cite="${i}">p. ${page}</button> ${head}<div>${escapeHtml(text)}</div>${extra}<button class="link small" data-act="cite-bookmark" data-cite="${i}" title="Bookmark this page with this quote">☆ Bookmark</button></li>`;
  };
  const exceptions = facts.exceptions.map((e) => item(e.page, `<strong>${escapeHtml(e.control)}</strong>`, e.quote, e.response ? `<div class="muted">Management's response: ${escapeHtml(e.response)}</div>` : ""));
  const cuecs = facts.cuecs.map((c) => item(c.page, c.controls.map((x) => `<strong>${escapeHtml(x)}</strong>`).join(" "), c.text));
  const subservice = facts.subservice.map((s) => item(s.page, `<strong>${escapeHtml(s.name)}</strong> <span class="badge">${escapeHtml(s.method)}</span>`, s.service));
  const statements = (b?.statements ?? []).map((st) => item(st.page, "", st.value));
  const findings = facts.findings.map((x) => item(x.page, `<strong>${escapeHtml(x.id ?? "")}</strong> <span class="badge ${["critical", "high"].includes(x.severity) ? "warn" : ""}">${escapeHtml(x.severity)}</span> <span class="badge ${x.status === "remediated" ? "ok" : ""}">${escapeHtml(x.status)}</span>`, x.quote));
  const missing = facts.not_found.length ? `<details class="muted"><summary>Not found (${facts.not_found.length})</summary><ul>${facts.not_found.map((m) => `<li>${escapeHtml(m)}</li>`).join("")}</ul></details>` : "";
  return `<aside class="report" data-testid="report-panel">
    <h2>${escapeHtml(KINDS[facts.kind] ?? facts.kind)} report</h2>
    ${parts.join("")}
    ${list("Exceptions", "report-exceptions", exceptions)}
    ${list("Complementary user entity controls", "report-cuecs", cuecs)}
    ${list("Subservice organisations", "report-subservice", subservice)}
    ${list("Statements", "report-statements", statements)}
    ${list("Findings", "report-findings", findings)}
    ${missing}
  </aside>`;
}

/** Handles the panel's clicks inside `viewer`: a citation opens its page with the quote marked; a
 * bookmark button saves the page with the quote (into the open binder, if one is open). */
export function listenToReport(ctx: Context, viewer: HTMLElement): void {
  viewer.addEventListener("click", async (e) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>("[data-act=cite], [data-act=cite-bookmark]");
    const s = ctx.store.get();
    if (!el || !s.doc || !s.facts) return;
    const c = citations(s.facts)[Number(el.dataset.cite)];
    if (!c) return;
    if (el.dataset.act === "cite") {
      ctx.store.update({ page: c.page, quote: c.quote });
      return;
    }
    try {
      const binders = s.binderId != null ? [s.binderId] : [];
      const b = await ctx.api.add_bookmark({ document_id: s.doc.id, page: c.page, quote: c.quote, note: "", tags: ["audit-fact"], binders });
      ctx.notice(`Bookmarked ${escapeHtml(b.page_label)} with the quote${binders.length ? " into the open binder" : ""}.`);
      ctx.store.update({ bookmarksChanged: s.bookmarksChanged + 1 });
    } catch (err) {
      ctx.notice(escapeHtml(errorText(err)));
    }
  });
}

/** Marks `quote` on a drawn page: the text-layer runs (or the text) that are part of it. Returns
 * the first mark. */
export function markQuote(elements: HTMLElement[], quote: string): HTMLElement | null {
  const norm = (t: string) => t.replace(/\s+/g, " ").trim();
  const q = norm(quote);
  if (!q) return null;
  let first: HTMLElement | null = null;
  for (const el of elements) {
    const t = norm(el.textContent ?? "");
    if (!t) continue;
    if (elements.length === 1) {
      // A text page: the quote's place in the text, its white space as written.
      const text = el.textContent ?? "";
      const m = quotePattern(q).exec(text);
      if (!m) return null;
      el.innerHTML = `${escapeHtml(text.slice(0, m.index))}<mark class="quote">${escapeHtml(m[0])}</mark>${escapeHtml(text.slice(m.index + m[0].length))}`;
      return el.querySelector("mark");
    }
    // pdf.js runs: a run that is part of the quote (runs of a few letters only when the quote is
    // short enough to be one of them).
    if ((t.length >= 4 || q.length < 8) && q.includes(t)) {
      el.classList.add("quote-run");
      first ??= el;
    }
  }
  return first;
}

/** `q` as a pattern that allows any white space between its words. */
function quotePattern(q: string): RegExp {
  return new RegExp(q.split(" ").map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+"));
}
