//! Benchmark helpers driven by `bench/run.py` (see BENCHMARKS.md):
//! - `scale-library`: writes a deterministic library of N pages recombined from the pages of an
//!   indexed real corpus (Markdown files whose `##` sections are pages, with sidecars for facets);
//! - `small-files`: writes N small one-page files from the same pages (the no-change rescan figure);
//! - `latency`: opens a data directory and measures in-process search latency for a query mix.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use serde_json::json;
use trustshelf_core::SearchRequest;
use trustshelf_core::{run_worker, WORKER_FLAG};
use trustshelf_bench::QUERY_MIX;
use trustshelf_core::{Library, WorkerConfig};

#[derive(Parser)]
#[command(about = "TrustShelf benchmark helpers (see BENCHMARKS.md)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes a library of `pages` pages recombined from the pages indexed in `source`.
    ScaleLibrary {
        /// Data directory of an indexed real corpus (the page texts to recombine).
        #[arg(long)]
        source: PathBuf,
        /// Folder to write (created; must be empty or absent).
        #[arg(long)]
        out: PathBuf,
        /// Pages to write.
        #[arg(long, default_value_t = 500_000)]
        pages: usize,
        /// Pages per document.
        #[arg(long, default_value_t = 100)]
        pages_per_document: usize,
        /// Seed of the shuffle.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Writes `files` one-page Markdown files (about a page of text each) from the pages in `source`.
    SmallFiles {
        #[arg(long)]
        source: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        files: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Measures in-process search latency (snippets + facet counts) for the query mix; prints JSON.
    Latency {
        /// Data directory of an indexed library.
        #[arg(long)]
        data: PathBuf,
        /// Timed passes over the mix (after one warm-up pass).
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Instead of the mix, time every prefix of these comma-separated phrases, as typed in the
        /// app (as-you-type, 30 results, 3 pages each).
        #[arg(long)]
        typed: Option<String>,
    },
}

/// A small deterministic generator (xorshift64*), enough to shuffle pages reproducibly.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every page text of an indexed library, with lines that Markdown would read as headings removed.
fn source_pages(source: &Path) -> Result<Vec<String>> {
    let lib = Library::open(source, WorkerConfig::new(std::env::current_exe()?)).with_context(|| format!("opening {}", source.display()))?;
    let mut pages = Vec::new();
    for d in lib.documents()? {
        for p in lib.pages(d.id)? {
            let text: Vec<&str> = p.text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#') && !l.chars().all(|c| c == '-' || c == '=' || c == '*' || c == '_')).collect();
            if text.len() >= 3 {
                pages.push(text.join("\n\n"));
            }
        }
    }
    anyhow::ensure!(!pages.is_empty(), "no page text in {}", source.display());
    Ok(pages)
}

/// A new page: the first half of one real page and the second half of another.
fn recombined(pages: &[String], rng: &mut Rng) -> String {
    let (a, b) = (&pages[rng.below(pages.len())], &pages[rng.below(pages.len())]);
    let cut = |s: &str| s.char_indices().nth(s.chars().count() / 2).map(|(i, _)| i).unwrap_or(0);
    format!("{}{}", &a[..cut(a)], &b[cut(b)..])
}

const CATEGORIES: &[&str] = &["audit-report", "certificate", "framework", "data-protection-guide", "policy-template", "privacy", "regional", "whitepaper"];
const REGIONS: &[&str] = &["Global", "EU", "US", "AU", "GB", "DE", "CA", "NZ"];
const STANDARDS: &[&str] = &["SOC 2", "ISO/IEC 27001", "NIST SP 800-53", "FedRAMP", "GDPR", "PCI DSS", "HIPAA", "SOC 1"];

fn write_sidecar(path: &Path, title: &str, rng: &mut Rng, year: usize) -> Result<()> {
    let sidecar = format!(
        "title = {title:?}\ncategory = {:?}\nregions = [{:?}]\nstandards = [{:?}]\npublished = \"{year}-{:02}-01\"\n",
        CATEGORIES[rng.below(CATEGORIES.len())],
        REGIONS[rng.below(REGIONS.len())],
        STANDARDS[rng.below(STANDARDS.len())],
        1 + rng.below(12)
    );
    std::fs::write(path, sidecar)?;
    Ok(())
}

fn scale_library(source: &Path, out: &Path, pages: usize, per_document: usize, seed: u64) -> Result<()> {
    let texts = source_pages(source)?;
    let mut rng = Rng::new(seed);
    let documents = pages.div_ceil(per_document);
    let mut written = 0;
    for d in 0..documents {
        let dir = out.join(format!("{:03}", d / 100));
        std::fs::create_dir_all(&dir)?;
        let name = format!("scale-{d:06}.md");
        let mut body = String::new();
        for p in 0..per_document.min(pages - written) {
            body.push_str(&format!("## Section {} of scale document {d}\n\n{}\n\n", p + 1, recombined(&texts, &mut rng)));
        }
        written += per_document.min(pages - written);
        std::fs::write(dir.join(&name), body)?;
        write_sidecar(&dir.join(format!("{name}.meta.toml")), &format!("Scale document {d}"), &mut rng, 2015 + d % 12)?;
    }
    println!("{}", json!({ "documents": documents, "pages": written, "source_pages": texts.len(), "out": out }));
    Ok(())
}

fn small_files(source: &Path, out: &Path, files: usize, seed: u64) -> Result<()> {
    let texts = source_pages(source)?;
    let mut rng = Rng::new(seed);
    for f in 0..files {
        let dir = out.join(format!("{:03}", f / 200));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("note-{f:05}.md")), format!("## Note {f}\n\n{}\n", recombined(&texts, &mut rng)))?;
    }
    println!("{}", json!({ "files": files, "out": out }));
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// A line of /proc/self/status in MB: `VmHWM` (peak resident set), `RssAnon` (memory of our own,
/// now), `RssFile` (the index files mapped in from the page cache, now).
fn status_mb(key: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':'))).and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<f64>().ok()).map(|kb| kb / 1024.0).unwrap_or(0.0)
}

fn latency(data: &Path, runs: usize, typed: Option<&str>) -> Result<()> {
    let opened = Instant::now();
    let lib = Library::open(data, WorkerConfig::new(std::env::current_exe()?))?;
    let open_ms = opened.elapsed().as_secs_f64() * 1000.0;
    let status = lib.status()?;
    let limit = if typed.is_some() { 30 } else { 20 };
    let request = |query: &str, category: Option<&str>| SearchRequest {
        query: query.into(),
        categories: category.map(|c| vec![c.to_string()]).unwrap_or_default(),
        as_you_type: true,
        limit,
        ..Default::default()
    };
    let typed_mix: Vec<(&str, String, Option<&str>)> = typed
        .map(|t| t.split(',').flat_map(|w| (1..=w.chars().count()).map(move |n| ("typed", w.chars().take(n).collect::<String>(), None))).collect())
        .unwrap_or_default();
    let fixed_mix: Vec<(&str, String, Option<&str>)> = QUERY_MIX.iter().map(|(k, q, c)| (*k, q.to_string(), *c)).collect();
    let mix = if typed.is_some() { typed_mix } else { fixed_mix };
    // Warm-up pass (first touches of the mmapped index), also a sanity check that queries match.
    let mut matches = Vec::new();
    for (kind, q, cat) in &mix {
        let r = lib.search(&request(q, *cat))?;
        matches.push(json!({ "kind": kind, "query": q, "category": cat, "documents": r.total_documents, "pages": r.total_pages }));
    }
    let mut all = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut peak_anon_mb: f64 = 0.0;
    for _ in 0..runs {
        for (kind, q, cat) in &mix {
            let req = request(q, *cat);
            let t = Instant::now();
            let r = lib.search(&req)?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(r);
            all.push(ms);
            by_kind.entry(if typed.is_some() { q.as_str() } else { kind }).or_default().push(ms);
        }
        peak_anon_mb = peak_anon_mb.max(status_mb("RssAnon"));
    }
    all.sort_by(f64::total_cmp);
    let kinds: serde_json::Map<String, serde_json::Value> = by_kind
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_by(f64::total_cmp);
            (k.to_string(), json!({ "p50_ms": percentile(&v, 0.5), "p99_ms": percentile(&v, 0.99) }))
        })
        .collect();
    let out = json!({
        "documents": status.documents,
        "pages": status.indexed_pages,
        "searches": all.len(),
        "open_ms": open_ms,
        "p50_ms": percentile(&all, 0.5),
        "p95_ms": percentile(&all, 0.95),
        "p99_ms": percentile(&all, 0.99),
        "max_ms": all.last().copied().unwrap_or(0.0),
        "peak_rss_mb": status_mb("VmHWM"),
        "peak_anon_mb": peak_anon_mb,
        "file_rss_mb": status_mb("RssFile"),
        "by_kind": kinds,
        "matches": matches,
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{out}")?;
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(WORKER_FLAG) {
        run_worker(&args[2..]);
    }
    match Cli::parse().command {
        Command::ScaleLibrary { source, out, pages, pages_per_document, seed } => scale_library(&source, &out, pages, pages_per_document.max(1), seed),
        Command::SmallFiles { source, out, files, seed } => small_files(&source, &out, files, seed),
        Command::Latency { data, runs, typed } => latency(&data, runs.max(1), typed.as_deref()),
    }
}
