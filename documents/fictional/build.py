#!/usr/bin/env python3
"""Builds the fictional Kestrel Cloud sample documents of TrustShelf's sample library.

Sources are in src/: one Markdown-like file per PDF (front matter, '#' and '##' headings, paragraphs,
'- ' bullets and '|' tables) and one CSV for the customer responsibility matrix (XLSX). Each output gets
a sidecar <file>.meta.toml with its declared metadata. Output is written to this folder and committed;
run again only when a source changes:

    pip install reportlab openpyxl && python3 documents/fictional/build.py

Needs the DejaVu fonts (Debian: fonts-dejavu-core) for Czech, Polish and Romanian diacritics, and
poppler's pdftoppm (poppler-utils) for the sources marked `scan: yes`, which are written as scans:
images only, no text layer, read by TrustShelf's OCR.
"""
import csv
import pathlib
import re

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = pathlib.Path(__file__).resolve().parent
FONTS = pathlib.Path("/usr/share/fonts/truetype/dejavu")
pdfmetrics.registerFont(TTFont("DejaVu", str(FONTS / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))

FOOTER = "FICTIONAL SAMPLE for TrustShelf — Kestrel Cloud and every party named here are invented."
BODY = ParagraphStyle("body", fontName="DejaVu", fontSize=9.5, leading=13.5, spaceAfter=6)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8, leading=10.5, spaceAfter=0)
H1 = ParagraphStyle("h1", parent=BODY, fontName="DejaVu-Bold", fontSize=14, leading=18, spaceBefore=8, spaceAfter=8)
H2 = ParagraphStyle("h2", parent=BODY, fontName="DejaVu-Bold", fontSize=11, leading=15, spaceBefore=6, spaceAfter=4)
TITLE = ParagraphStyle("title", parent=BODY, fontName="DejaVu-Bold", fontSize=20, leading=26, spaceAfter=12)
BANNER = ParagraphStyle("banner", parent=BODY, fontName="DejaVu-Bold", fontSize=12, textColor=colors.HexColor("#b3261e"))


def parse(path):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = {}
    for line in front.strip().splitlines():
        key, value = line.split(":", 1)
        meta[key.strip()] = value.strip()
    return meta, body


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def flowables(body):
    out, table, para = [], [], []

    def flush():
        if para:
            out.append(Paragraph(esc(" ".join(para)), BODY))
            para.clear()
        if table:
            rows = [r for r in table if not re.fullmatch(r"\|[-| ]+\|", r)]
            data = [[Paragraph(esc(c.strip()), CELL) for c in r.strip("|").split("|")] for r in rows]
            t = Table(data, repeatRows=1, hAlign="LEFT")
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b2")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            out.extend([t, Spacer(1, 6)])
            table.clear()

    first_h1 = True
    for line in body.splitlines():
        if line.startswith("|"):
            if para:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        if line.startswith("# "):
            flush()
            if not first_h1:
                out.append(PageBreak())
            first_h1 = False
            out.append(Paragraph(esc(line[2:]), H1))
        elif line.startswith("## "):
            flush()
            out.append(Paragraph(esc(line[3:]), H2))
        elif line.startswith("- "):
            flush()
            out.append(Paragraph("• " + esc(line[2:]), BODY))
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
    flush()
    return out


def footer(canvas, doc):
    canvas.saveState()
    canvas.setFont("DejaVu", 7.5)
    canvas.setFillColor(colors.HexColor("#b3261e"))
    canvas.drawString(18 * mm, 10 * mm, FOOTER)
    canvas.setFillColor(colors.black)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
    canvas.restoreState()


def title_page(meta):
    parts = [Spacer(1, 40 * mm), Paragraph("FICTIONAL SAMPLE DOCUMENT — NOT A REAL REPORT", BANNER), Spacer(1, 6 * mm), Paragraph(esc(meta["title"]), TITLE)]
    if meta.get("subtitle"):
        parts.append(Paragraph(esc(meta["subtitle"]), BODY))
    facts = [("Service organization", meta.get("organization", "Kestrel Cloud s.r.o. (fictional)")), ("Issued by", meta.get("issuer", "")), ("Date", meta.get("published", ""))]
    if meta.get("period_start"):
        facts.append(("Period covered", f"{meta['period_start']} to {meta['period_end']}"))
    if meta.get("valid_until"):
        facts.append(("Valid until", meta["valid_until"]))
    parts.append(Spacer(1, 8 * mm))
    for k, v in facts:
        parts.append(Paragraph(f"<b>{esc(k)}:</b> {esc(v)}", BODY))
    parts.append(PageBreak())
    return parts


def sidecar(meta, out):
    lines = ["# Declared metadata of a fictional sample document (generated by build.py)."]
    for key in ["title", "category", "issuer", "published", "period_start", "period_end", "valid_until", "language"]:  # not "organization": read from the text
        if meta.get(key):
            value = meta[key]
            lines.append(f'{key} = "{value}"' if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else f"{key} = {value}")
    for key in ["regions", "standards"]:
        if meta.get(key):
            items = ", ".join(f'"{v.strip()}"' for v in meta[key].split(","))
            lines.append(f"{key} = [{items}]")
    lines.append('notes = "Fictional sample: Kestrel Cloud is not a real company."')
    (out.parent / (out.name + ".meta.toml")).write_text("\n".join(lines) + "\n", encoding="utf-8")


def image_only_pdf(jpegs, out):
    """Writes `jpegs` (grey or RGB JPEG files, one per page) as an A4 PDF with no text layer: what a
    scanner writes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for jpeg in jpegs:
        data = jpeg.read_bytes()
        i = 2
        while data[i + 1] not in (0xC0, 0xC1, 0xC2):
            i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
        height, width, components = int.from_bytes(data[i + 5:i + 7], "big"), int.from_bytes(data[i + 7:i + 9], "big"), data[i + 9]
        space = "/DeviceGray" if components == 1 else "/DeviceRGB"
        page, content, image = len(objects) + 1, len(objects) + 2, len(objects) + 3
        kids.append(f"{page} 0 R")
        draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R /Resources << /XObject << /Im0 {image} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        objects.append(f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace {space} /BitsPerComponent 8 /Filter /DCTDecode /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objects) + 1)
    for at in offsets:
        pdf += b"%010d 00000 n\r\n" % at
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    out.write_bytes(bytes(pdf))


def scan(pdf):
    """Replaces `pdf` by a scan of itself: each page rendered in grey at 150 dpi (poppler's
    pdftoppm), then written back as JPEG images only."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-jpeg", "-jpegopt", "quality=70", str(pdf), f"{tmp}/page"], check=True)
        image_only_pdf(sorted(pathlib.Path(tmp).glob("page*.jpg")), pdf)


def build_pdf(src):
    meta, body = parse(src)
    out = HERE / meta["file"]
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
                            title=meta["title"], author=meta.get("issuer", ""), subject="Fictional sample document", invariant=1)
    doc.build(title_page(meta) + flowables(body), onFirstPage=footer, onLaterPages=footer)
    if meta.get("scan") == "yes":
        scan(out)
    sidecar(meta, out)
    print("wrote", out.name)


def build_matrix():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Responsibility matrix"
    with open(HERE / "src" / "kestrel-customer-responsibility-matrix.csv", encoding="utf-8") as f:
        for row in csv.reader(f):
            ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    about = wb.create_sheet("About")
    about.append(["Kestrel Cloud — Customer Responsibility Matrix (FICTIONAL SAMPLE)"])
    about.append([FOOTER])
    about.append(["Responsibility: Provider = Kestrel Cloud; Customer = the customer; Shared = both, as described."])
    wb.properties.title = "Kestrel Cloud — Customer Responsibility Matrix"
    wb.properties.creator = "Kestrel Cloud s.r.o. (fictional)"
    out = HERE / "kestrel-customer-responsibility-matrix.xlsx"
    wb.save(out)
    sidecar({"title": "Kestrel Cloud — Customer Responsibility Matrix", "category": "control-matrix", "regions": "EU, Global",
             "standards": "NIST SP 800-53, ISO/IEC 27001, SOC 2", "issuer": "Kestrel Cloud s.r.o.", "published": "2026-04-01"}, out)
    print("wrote", out.name)


if __name__ == "__main__":
    for src in sorted((HERE / "src").glob("*.md")):
        build_pdf(src)
    build_matrix()
