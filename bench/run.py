#!/usr/bin/env python3
"""TrustShelf vs Recoll, on the same folders, in the same run (see BENCHMARKS.md).

    python3 bench/run.py            # everything; writes bench/results/latest.{json,md} and BENCHMARKS.md's table
    python3 bench/run.py --quick    # 1 run per figure, no x10 copy and no scale library (a smoke test)

Work files live in $TRUSTSHELF_BENCH_WORK (default /var/tmp/trustshelf-bench); the 500,000-page scale
library and its index are kept there between runs (rebuilt with --rebuild-scale). Every figure is
the median of several whole-process runs; ratios compare against Recoll measured in the same run.
"""

import argparse
import datetime
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRUSTSHELF_SHARED", ROOT.parent / "shared"))
WORK = Path(os.environ.get("TRUSTSHELF_BENCH_WORK", "/var/tmp/trustshelf-bench"))
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
TS = TARGET / "release" / "trustshelf"
TB = TARGET / "release" / "trustshelf-bench"

# Whole-process queries: (TrustShelf query, Recoll query). Same words; Recoll has no categories.
QUERIES = [
    ("encryption", "encryption"),
    ('"incident response"', '"incident response"'),
    ("access review -physical", "access review -physical"),
    ("authent*", "authent*"),
    ("AC-2", "AC-2"),
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, env=None, check=True):
    """Runs a whole process; returns (seconds, peak RSS of its largest process in MB, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if check and p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, stdout


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def du(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# ---------- corpora ----------

def copy_x10(src, dst):
    """Ten distinct copies of `src`: every file's bytes differ per copy, so nothing is deduplicated."""
    marker = dst / ".complete"
    if marker.exists():
        return
    shutil.rmtree(dst, ignore_errors=True)
    for n in range(10):
        for f in sorted(src.rglob("*")):
            if not f.is_file():
                continue
            to = dst / f"copy-{n:02d}" / f.relative_to(src)
            to.parent.mkdir(parents=True, exist_ok=True)
            data = f.read_bytes()
            if f.suffix.lower() in (".docx", ".xlsx", ".pptx", ".odt", ".ods"):
                with zipfile.ZipFile(f) as zin, zipfile.ZipFile(to, "w", zipfile.ZIP_DEFLATED) as zout:
                    for item in zin.infolist():
                        zout.writestr(item, zin.read(item.filename))
                    zout.comment = f"trustshelf-bench copy {n}".encode()
            elif f.suffix.lower() == ".pdf":
                to.write_bytes(data + f"\n%trustshelf-bench copy {n}\n".encode())
            else:
                to.write_bytes(data + f"\n\n<!-- trustshelf-bench copy {n} -->\n".encode())
    marker.write_text("ok")


def recoll_conf(name, folder):
    conf = WORK / f"recoll-{name}"
    shutil.rmtree(conf, ignore_errors=True)
    conf.mkdir(parents=True)
    (conf / "recoll.conf").write_text(f"topdirs = {folder}\nloglevel = 1\nskippedNames+ = *.meta.toml .trustshelfignore\n")
    return conf


def catalog_text_bytes(data):
    con = sqlite3.connect(f"file:{data / 'catalog.sqlite'}?mode=ro", uri=True)
    try:
        return con.execute("SELECT COALESCE(SUM(LENGTH(CAST(text AS BLOB))), 0) FROM pages").fetchone()[0]
    finally:
        con.close()


# ---------- figures ----------

def ingest(name, folder, runs):
    """Cold ingest of `folder` by both tools; returns the figures and TrustShelf's data dir."""
    ts_times, ts_rss, rc_times, rc_rss, ocr_times = [], [], [], [], []
    report = None
    data = WORK / f"data-{name}"
    for i in range(runs):
        shutil.rmtree(data, ignore_errors=True)
        t, rss, out = run([TS, "--data", data, "index", folder, "--json"])
        report = json.loads(out)
        ts_times.append(t)
        ocr_times.append(report.get("ocr_ms", 0) / 1000)
        ts_rss.append(rss)
        conf = recoll_conf(name, folder)
        t, rss, _ = run(["recollindex", "-c", conf, "-z"])
        rc_times.append(t)
        rc_rss.append(rss)
        log(f"  {name} run {i + 1}: trustshelf {ts_times[-1]:.2f} s, recollindex {t:.2f} s")
    pages, files = report["pages"], report["scanned"]
    text = catalog_text_bytes(data)
    return data, conf, {
        "folder": str(folder),
        "files": files,
        "documents": report["documents"],
        "pages": pages,
        "failed": len(report["failed"]),
        "trustshelf_s": ts_times,
        "recoll_s": rc_times,
        "trustshelf_pages_per_s": pages / median(ts_times),
        # Recoll reads no scans: TrustShelf's text pass alone (the run less its OCR pass) is the like-for-like figure.
        "trustshelf_ocr_pages": report.get("ocr_pages", 0),
        "trustshelf_ocr_s": ocr_times,
        "trustshelf_text_pass_pages_per_s": pages / median([t - o for t, o in zip(ts_times, ocr_times)]),
        "recoll_pages_per_s": pages / median(rc_times),
        "trustshelf_files_per_s": files / median(ts_times),
        "recoll_files_per_s": files / median(rc_times),
        "trustshelf_peak_rss_mb": max(ts_rss),
        "recoll_peak_rss_mb": max(rc_rss),
        "text_mb": text / 1e6,
        "trustshelf_index_mb": du(data / "index") / 1e6,
        "trustshelf_catalog_mb": du(data) / 1e6 - du(data / "index") / 1e6,
        "recoll_index_mb": du(conf) / 1e6,
    }


def search_whole_process(data, conf, runs):
    rows = []
    for ts_q, rc_q in QUERIES:
        run([TS, "--data", data, "search", ts_q, "--json"])  # warm the page cache for both
        run(["recollq", "-c", conf, "-A", "-n", "0-20", rc_q], check=False)
        ts = [run([TS, "--data", data, "search", ts_q, "--json"])[0] for _ in range(runs)]
        rc = [run(["recollq", "-c", conf, "-A", "-n", "0-20", rc_q], check=False)[0] for _ in range(runs)]
        hits = json.loads(run([TS, "--data", data, "search", ts_q, "--json"])[2])["total_documents"]
        rows.append({"query": ts_q, "trustshelf_ms": median(ts) * 1000, "recoll_ms": median(rc) * 1000, "trustshelf_documents": hits})
    return rows


def rescan_figures(source_data, runs):
    """10,000 small files: cold ingest, no-change rescan, one changed file until searchable."""
    folder = WORK / "small-10k"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        run([TB, "small-files", "--source", source_data, "--out", folder, "--files", "10000"])
        (folder / ".complete").write_text("ok")
    data = WORK / "data-small-10k"
    shutil.rmtree(data, ignore_errors=True)
    cold, _, out = run([TS, "--data", data, "index", folder, "--json"])
    files = json.loads(out)["scanned"]
    conf = recoll_conf("small-10k", folder)
    rc_cold, _, _ = run(["recollindex", "-c", conf, "-z"])
    ts_nochange = [run([TS, "--data", data, "index", "--json"])[0] for _ in range(runs)]
    rc_nochange = [run(["recollindex", "-c", conf])[0] for _ in range(runs)]
    ts_changed, rc_changed, ts_index_only = [], [], []
    target = folder / "000" / "note-00000.md"
    original = target.read_bytes()
    try:
        for i in range(runs):
            word = f"zanzibarquokka{i}x{int(time.time())}"
            target.write_bytes(original + f"\n\nAdded: {word}\n".encode())
            t0 = time.perf_counter()
            t_index, _, _ = run([TS, "--data", data, "index", "--json"])
            _, _, out = run([TS, "--data", data, "search", word, "--json"])
            ts_changed.append(time.perf_counter() - t0)
            ts_index_only.append(t_index)
            assert json.loads(out)["total_documents"] == 1, f"{word} not found after the rescan"
            t0 = time.perf_counter()
            run(["recollindex", "-c", conf])
            _, _, out = run(["recollq", "-c", conf, "-b", word], check=False)
            rc_changed.append(time.perf_counter() - t0)
            if "note-00000" not in out:
                log(f"  recoll did not find {word}: {out[:200]}")
    finally:
        target.write_bytes(original)
    return {
        "files": files,
        "trustshelf_cold_s": cold,
        "recoll_cold_s": rc_cold,
        "trustshelf_nochange_s": median(ts_nochange),
        "recoll_nochange_s": median(rc_nochange),
        "trustshelf_changed_searchable_s": median(ts_changed),
        "trustshelf_changed_index_s": median(ts_index_only),
        "recoll_changed_searchable_s": median(rc_changed),
    }


def scale_figures(source_data, pages, rebuild, runs):
    folder = WORK / f"scale-{pages}"
    data = WORK / f"data-scale-{pages}"
    built = {}
    if rebuild or not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        t, _, out = run([TB, "scale-library", "--source", source_data, "--out", folder, "--pages", pages])
        log(f"  generated {out.strip()} in {t:.1f} s")
        (folder / ".complete").write_text(out)
        shutil.rmtree(data, ignore_errors=True)
    if not (data / ".complete").exists():
        shutil.rmtree(data, ignore_errors=True)
        t, rss, out = run([TS, "--data", data, "index", folder, "--json"])
        report = json.loads(out)
        built = {"ingest_s": t, "ingest_pages_per_s": report["pages"] / t, "ingest_peak_rss_mb": rss}
        (data / ".complete").write_text(json.dumps(built))
        log(f"  indexed the scale library in {t:.1f} s ({report['pages']} pages)")
    built = json.loads((data / ".complete").read_text())
    _, _, out = run([TB, "latency", "--data", data, "--runs", 20])
    latency = json.loads(out)
    ts = []
    for q, _ in QUERIES:
        run([TS, "--data", data, "search", q, "--json"])
        ts.append({"query": q, "trustshelf_ms": median([run([TS, "--data", data, "search", q, "--json"])[0] for _ in range(runs)]) * 1000})
    return {
        **built,
        "latency": latency,
        "whole_process": ts,
        "text_mb": catalog_text_bytes(data) / 1e6,
        "index_mb": du(data / "index") / 1e6,
        "catalog_mb": (du(data) - du(data / "index")) / 1e6,
        "data": str(data),
    }


# ---------- report ----------

def ratio(a, b):
    return f"{a / b:.2f}×" if b else "n/a"


def table(r):
    lines = [
        f"Run {r['started']} on {r['machine']} (`python3 bench/run.py`{' --quick' if r['quick'] else ''}); "
        f"TrustShelf {r['trustshelf']}, Recoll {r['recoll']}. Medians of {r['runs']} runs; ratios in the same run.",
        "",
        "| Figure | TrustShelf | Recoll | Ratio | Target |",
        "|---|---:|---:|---:|---|",
    ]
    for name, c in r["ingest"].items():
        lines.append(f"| Cold ingest, {name} ({c['files']} files, {c['pages']:,} pages) — pages/s | {c['trustshelf_pages_per_s']:.0f} | {c['recoll_pages_per_s']:.0f} | {ratio(c['trustshelf_pages_per_s'], c['recoll_pages_per_s'])} | ≥ 1.5× |")
        if c.get("trustshelf_ocr_pages"):
            lines.append(f"| Cold ingest, {name}, text pass only (less the OCR pass: {c['trustshelf_ocr_pages']} pages in {median(c['trustshelf_ocr_s']):.1f} s; Recoll reads no scans) — pages/s | {c['trustshelf_text_pass_pages_per_s']:.0f} | {c['recoll_pages_per_s']:.0f} | {ratio(c['trustshelf_text_pass_pages_per_s'], c['recoll_pages_per_s'])} | ≥ 1.5× |")
        lines.append(f"| Cold ingest, {name} — files/s | {c['trustshelf_files_per_s']:.1f} | {c['recoll_files_per_s']:.1f} | {ratio(c['trustshelf_files_per_s'], c['recoll_files_per_s'])} | |")
        lines.append(f"| Cold ingest, {name} — peak RSS (MB) | {c['trustshelf_peak_rss_mb']:.0f} | {c['recoll_peak_rss_mb']:.0f} | {ratio(c['trustshelf_peak_rss_mb'], c['recoll_peak_rss_mb'])} | |")
        lines.append(f"| Index size, {name} (text {c['text_mb']:.1f} MB) — MB | {c['trustshelf_index_mb']:.1f} index + {c['trustshelf_catalog_mb']:.1f} catalog | {c['recoll_index_mb']:.1f} | {ratio(c['trustshelf_index_mb'] + c['trustshelf_catalog_mb'], c['recoll_index_mb'])} | |")
    for name, rows in r["search"].items():
        for q in rows:
            lines.append(f"| Search as a whole process, {name}: `{q['query']}` — ms | {q['trustshelf_ms']:.1f} | {q['recoll_ms']:.1f} | {ratio(q['trustshelf_ms'], q['recoll_ms'])} | ≤ 0.5× |")
    s = r.get("rescan")
    if s:
        lines.append(f"| Cold ingest, {s['files']:,} small files — s | {s['trustshelf_cold_s']:.2f} | {s['recoll_cold_s']:.2f} | {ratio(s['trustshelf_cold_s'], s['recoll_cold_s'])} | |")
        lines.append(f"| No-change rescan, {s['files']:,} files — s | {s['trustshelf_nochange_s']:.3f} | {s['recoll_nochange_s']:.3f} | {ratio(s['trustshelf_nochange_s'], s['recoll_nochange_s'])} | ≤ 1 s |")
        lines.append(f"| One changed file: rescan start → found by a search — s | {s['trustshelf_changed_searchable_s']:.3f} (index run {s['trustshelf_changed_index_s']:.3f}) | {s['recoll_changed_searchable_s']:.3f} | {ratio(s['trustshelf_changed_searchable_s'], s['recoll_changed_searchable_s'])} | ≤ 0.5 s |")
    sc = r.get("scale")
    if sc:
        lat = sc["latency"]
        lines.append(f"| Scale library: {lat['documents']:,} documents, {lat['pages']:,} pages — ingest pages/s | {sc['ingest_pages_per_s']:.0f} ({sc['ingest_s']:.0f} s) | — | | |")
        lines.append(f"| Scale: in-process search with snippets + facets, p50 / p95 / p99 — ms | {lat['p50_ms']:.2f} / {lat['p95_ms']:.2f} / {lat['p99_ms']:.2f} | — | | p50 ≤ 5, p99 ≤ 20 |")
        lines.append(f"| Scale: peak RSS of the searching process — MB | {lat['peak_rss_mb']:.0f} | — | | ≤ 300 |")
        if "peak_anon_mb" in lat:
            lines.append(f"| Scale: of which its own memory (anonymous, peak after each round) / index files mapped from the page cache (at the end) — MB | {lat['peak_anon_mb']:.0f} / {lat['file_rss_mb']:.0f} | — | | |")
        lines.append(f"| Scale: index size (text {sc['text_mb']:.0f} MB) — MB | {sc['index_mb']:.0f} index + {sc['catalog_mb']:.0f} catalog | — | | |")
        for q in sc["whole_process"]:
            lines.append(f"| Scale: search as a whole process `{q['query']}` — ms | {q['trustshelf_ms']:.1f} | — | | |")
    app = r.get("app")
    if app:
        lines.append(f"| App on the scale library: launch → usable window — ms | {app['launch_to_usable_ms']:.0f} | — | | ≤ 1000 |")
        lines.append(f"| App on the scale library: keystroke → painted results, p50 / p95 ({app['keystrokes']:.0f} keystrokes) — ms | {app['keystroke_p50_ms']:.1f} / {app['keystroke_p95_ms']:.1f} | — | | ≤ 50 |")
        lines.append(f"| App on the scale library: the same keystrokes through IPC only (search + serialisation), p50 / p95 — ms | {app['ipc_p50_ms']:.1f} / {app['ipc_p95_ms']:.1f} | — | | |")
        if "keystroke_frame_p50_ms" in app:
            lines.append(f"| App: where a keystroke's time goes, p50 — ms after the input event | results in the pane {app['keystroke_dom_p50_ms']:.0f} · that task done {app['keystroke_task_p50_ms']:.0f} · next frame starts {app['keystroke_frame_p50_ms']:.0f} · painted {app['keystroke_p50_ms']:.0f} | — | | |")
    if sc:
        lines += ["", "In-process latency at scale by kind of query (p50 / p99 ms):", ""]
        for kind, v in sc["latency"]["by_kind"].items():
            lines.append(f"- {kind}: {v['p50_ms']:.2f} / {v['p99_ms']:.2f}")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="one run per figure; no x10 copy, no scale library")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale-pages", type=int, default=500_000)
    ap.add_argument("--rebuild-scale", action="store_true")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--skip-app", action="store_true")
    args = ap.parse_args()
    runs = 1 if args.quick else args.runs
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        raise SystemExit(f"the shared corpus is missing: {corpus}")
    if not shutil.which("recollindex"):
        raise SystemExit("Recoll is missing: apt-get install recoll")
    if not shutil.which("pdftotext"):
        # Without it Recoll indexes PDFs as empty files, fast: every ratio would be wrong.
        raise SystemExit("Recoll reads PDFs with pdftotext, which is missing: apt-get install poppler-utils")
    WORK.mkdir(parents=True, exist_ok=True)
    log("building release binaries…")
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "trustshelf-cli", "-p", "trustshelf-bench"], cwd=ROOT, check=True)
    recoll_version = subprocess.run(["recollindex", "-v"], capture_output=True, text=True).stdout.strip() or subprocess.run(["dpkg-query", "-W", "-f=${Version}", "recoll"], capture_output=True, text=True).stdout
    r = {
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {os.uname().release}",
        "trustshelf": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "recoll": recoll_version.splitlines()[0] if recoll_version else "?",
        "quick": args.quick,
        "runs": runs,
        "ingest": {},
        "search": {},
    }
    log("cold ingest: shared corpus")
    data, conf, r["ingest"]["corpus"] = ingest("corpus", corpus, runs)
    r["search"]["corpus"] = search_whole_process(data, conf, max(runs, 5))
    corpus_data = data
    if not args.quick:
        log("cold ingest: corpus x10")
        x10 = WORK / "corpus-x10"
        copy_x10(corpus, x10)
        data10, conf10, r["ingest"]["corpus ×10"] = ingest("x10", x10, runs)
        r["search"]["corpus ×10"] = search_whole_process(data10, conf10, max(runs, 5))
    log("10,000 small files: rescans")
    r["rescan"] = rescan_figures(corpus_data, runs)
    if not (args.quick or args.skip_scale):
        log(f"scale library: {args.scale_pages:,} pages")
        r["scale"] = scale_figures(corpus_data, args.scale_pages, args.rebuild_scale, runs)
    if "scale" in r and not args.skip_app:
        log("app: launch and keystrokes on the scale library")
        folder = WORK / f"scale-{args.scale_pages}"
        app = []
        for i in range(runs):
            app_data = WORK / "data-app"
            shutil.rmtree(app_data, ignore_errors=True)
            shutil.copytree(r["scale"]["data"], app_data)
            _, _, out = run(["bash", ROOT / "bench" / "app.sh", app_data, folder])
            app.append(json.loads(out.strip().splitlines()[-1]))
            log(f"  app run {i + 1}: {app[-1]}")
        r["app"] = {k: median([a[k] for a in app]) for k in app[0]}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(r, indent=2))
    md = table(r)
    (out / "latest.md").write_text(md + "\n")
    bench_md = ROOT / "BENCHMARKS.md"
    if bench_md.exists() and not args.quick:
        text = bench_md.read_text()
        start, end = "<!-- results:start -->", "<!-- results:end -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            bench_md.write_text(head + start + "\n" + md + "\n" + end + rest.split(end, 1)[1])
    print(md)


if __name__ == "__main__":
    main()
