// The Report panel: the core's facts drawn with their pages; a citation opens its page with the
// sentence marked; a CUEC becomes a bookmark with its page and quote; a declaration the text
// contradicts is flagged.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Facts } from "../bindings";
import { context, doc, settle } from "../test-helpers";
import { markQuote, reportHtml } from "./report";
import { mountViewer } from "./viewer";

const fact = (value: string, page: number, quote: string) => ({ value, page, quote, source: "extracted" as const });
const FACTS: Facts = {
  document: 3,
  path: "kestrel/soc2.md",
  kind: "soc2-type2",
  provider: fact("Kestrel Cloud s.r.o.", 2, "To the Management of Kestrel Cloud s.r.o."),
  system: null,
  auditor: { value: "Fictional Assurance Partners LLP", page: 0, quote: "", source: "declared", conflict: fact("Other Firm LLP", 2, "Other Firm LLP — Prague") },
  issued: null,
  period: { start: fact("2025-10-01", 1, "throughout the period"), end: fact("2026-09-30", 1, "throughout the period") },
  as_of: null,
  opinion: fact("qualified", 2, "In our opinion, except for the matter described, the controls operated effectively."),
  trust_services: [fact("security", 2, "relevant to Security")],
  control_objectives: [],
  exceptions: [{ control: "CC6.2", page: 5, quote: "Exception: 2 of 25 grants lacked approval.", response: "the tool now blocks it." }],
  cuecs: [{ text: "Customers review their users' access quarterly.", page: 7, controls: ["CC6.2"] }],
  subservice: [{ name: "Fictional Hosting GmbH", service: "colocation", method: "carve-out", page: 2, quote: "uses a subservice organization" }],
  certificate: null,
  bridge: null,
  findings: [],
  not_found: ["as of: not a Type 1 report"],
};

function mount() {
  document.body.innerHTML = `<section id="viewer"></section>`;
  const page = { document: doc(3), page: { number: 7, label: "p. 7", text: "Section V\nCustomers review their users'\naccess quarterly.\nMore." } };
  const ctx = context({ get_page: page, highlight: [[]], add_bookmark: { id: 9, page_label: "p. 7" } });
  const viewer = document.querySelector<HTMLElement>("#viewer")!;
  mountViewer(ctx, viewer);
  return { ctx, viewer };
}

describe("report panel", () => {
  beforeEach(() => (document.body.innerHTML = ""));

  it("draws every fact with its page, the opinion as a warning, conflicts flagged", () => {
    document.body.innerHTML = reportHtml(FACTS);
    const panel = document.querySelector("[data-testid=report-panel]")!;
    expect(panel.querySelector("h2")!.textContent).toBe("SOC 2 Type 2 report");
    expect(panel.querySelector("[data-testid=fact-provider]")!.textContent).toContain("Kestrel Cloud s.r.o.p. 2");
    expect(panel.querySelector("[data-testid=fact-opinion] .badge.warn")!.textContent).toBe("qualified");
    expect(panel.querySelector("[data-testid=fact-auditor]")!.textContent).toContain("declared");
    expect(panel.querySelector("[data-testid=fact-auditor] .badge.warn")!.getAttribute("title")).toContain("Other Firm LLP on p. 2");
    expect(panel.querySelector("[data-testid=report-exceptions]")!.textContent).toContain("CC6.2");
    expect(panel.querySelector("[data-testid=report-exceptions]")!.textContent).toContain("Management's response: the tool now blocks it.");
    expect(panel.querySelector("[data-testid=report-subservice]")!.textContent).toContain("carve-out");
    expect(panel.textContent).toContain("Not found (1)");
    expect(reportHtml({ ...FACTS, kind: "other" })).toBe("");
    expect(reportHtml(null)).toBe("");
  });

  it("draws a certificate's facts with its status, and a bridge letter's statements", () => {
    const cert: Facts = {
      ...FACTS,
      kind: "certificate",
      opinion: null,
      period: null,
      trust_services: [],
      control_objectives: [],
      exceptions: [],
      cuecs: [],
      subservice: [],
      certificate: { number: fact("FC-1", 2, "Certificate number FC-1"), standard: fact("ISO/IEC 27001", 2, "ISO/IEC 27001:2022"), version: fact("2022", 2, "ISO/IEC 27001:2022"), holder: null, body: null, scope: null, first_issued: null, issued: null, valid_until: fact("2027-03-14", 2, "Expiry date 14 March 2027"), soa: null, status: "expires within 90 days" },
    };
    document.body.innerHTML = reportHtml(cert);
    expect(document.querySelector("h2")!.textContent).toBe("Certificate report");
    expect(document.querySelector("[data-testid=fact-standard]")!.textContent).toContain("ISO/IEC 27001:2022");
    expect(document.querySelector("[data-testid=certificate-status]")!.className).toContain("warn");
    const letter: Facts = { ...cert, kind: "bridge-letter", certificate: null, bridge: { report_period_end: fact("2026-09-30", 2, "for the period"), bridged: null, signed_by: fact("Signed — J. D.", 2, "Signed — J. D."), statements: [fact("no material changes", 2, "no material changes")] } };
    document.body.innerHTML = reportHtml(letter);
    expect(document.querySelector("[data-testid=fact-bridges]")!.textContent).toContain("the report ending 2026-09-30");
    expect(document.querySelector("[data-testid=report-statements]")!.textContent).toContain("no material changes");
  });

  it("a citation opens its page with the sentence marked; a CUEC becomes a bookmark with its quote", async () => {
    const { ctx, viewer } = mount();
    ctx.store.update({ doc: doc(3), page: 1, pageCount: 9, facts: FACTS, binderId: 4 });
    await vi.waitFor(() => expect(viewer.querySelector("[data-testid=report-cuecs]")).not.toBeNull(), { timeout: 5000 });
    viewer.querySelector<HTMLElement>("[data-testid=report-cuecs] [data-act=cite]")!.click();
    expect(ctx.store.get().page).toBe(7);
    expect(ctx.store.get().quote).toBe("Customers review their users' access quarterly.");
    await vi.waitFor(() => expect(viewer.querySelector(".text-body mark.quote")).not.toBeNull(), { timeout: 5000 });
    expect(viewer.querySelector(".text-body mark.quote")!.textContent).toBe("Customers review their users'\naccess quarterly.");
    viewer.querySelector<HTMLElement>("[data-testid=report-cuecs] [data-act=cite-bookmark]")!.click();
    await settle();
    const add = ctx.api.calls.find(([name]) => name === "add_bookmark")![1][0];
    expect(add).toEqual({ document_id: 3, page: 7, quote: "Customers review their users' access quarterly.", note: "", tags: ["audit-fact"], binders: [4] });
    // Moving to another page drops the quote.
    viewer.querySelector<HTMLElement>("[data-act=prev-page]")!.click();
    expect(ctx.store.get().quote).toBeNull();
  });

  it("marks a quote over pdf.js runs: the runs that are part of it", () => {
    const runs = ["In our opinion, except for", "the matter described,", "Other text", "the"].map((t) => {
      const span = document.createElement("span");
      span.textContent = t;
      return span;
    });
    const first = markQuote(runs, "In our opinion, except for the matter described, the controls operated effectively.");
    expect(first).toBe(runs[0]);
    expect(runs.map((r) => r.classList.contains("quote-run"))).toEqual([true, true, false, false]);
  });
});
