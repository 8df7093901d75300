//! `trustshelf`: the command-line interface over the TrustShelf core. Only argument parsing and
//! presentation live here; every operation is one call into `trustshelf_core`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

/// The PDF parsers allocate and free small objects at a furious rate; glibc's malloc took a fifth
/// of all indexing CPU (perf, corpus ×10). The CLI is also the extraction worker.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;

use args::{BinderCommand, BookmarkCommand, Cli, Command, IndexArgs, SearchArgs};
use clap::Parser;
use trustshelf_core::{run_worker, BookmarkUpdate, Library, NewBookmark, Progress, SearchRequest, Status, WorkerConfig, MAX_PAGES_PER_DOCUMENT, WORKER_FLAG};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(WORKER_FLAG) {
        run_worker(&args[2..]);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn data_dir(cli: &Cli) -> Result<PathBuf> {
    match &cli.data {
        Some(d) => Ok(d.clone()),
        None => Ok(dirs::data_dir().context("no user data directory on this platform; pass --data")?.join("trustshelf")),
    }
}

fn open(cli: &Cli, timeout: Option<u64>) -> Result<Library> {
    let mut worker = WorkerConfig::new(std::env::current_exe().context("locating the trustshelf binary")?);
    if let Some(t) = timeout {
        worker.timeout = std::time::Duration::from_secs(t.max(1));
    }
    let dir = data_dir(cli)?;
    Library::open(&dir, worker).with_context(|| format!("opening the library data in {}", dir.display()))
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Runs one command; each has its function below (ripgrep's `main.rs` dispatch).
fn run(cli: Cli) -> Result<ExitCode> {
    let out = &mut std::io::stdout().lock();
    match &cli.command {
        Command::Index(args) => index(&cli, args, out),
        Command::Search(args) => search(&cli, args, out),
        Command::Documents { json } => documents(&cli, *json, out),
        Command::Show { document, page, json } => show(&cli, document, *page, *json, out),
        Command::Facts { document, json } => facts(&cli, document, *json, out),
        Command::Facets { json } => facets(&cli, *json, out),
        Command::Status { json } => status(&cli, *json, out),
        Command::Bookmark(cmd) => bookmark(&open(&cli, None)?, cmd, out),
        Command::Binder(cmd) => binder(&open(&cli, None)?, cmd, out),
        Command::Backup { file } => {
            open(&cli, None)?.backup(file)?;
            writeln!(out, "Backed up to {}.", file.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file } => {
            open(&cli, None)?.restore(file)?;
            writeln!(out, "Restored from {}; the index was rebuilt.", file.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { package, json } => verify(&cli, package.as_deref(), *json, out),
    }
}

type Out<'a> = std::io::StdoutLock<'a>;

fn index(cli: &Cli, args: &IndexArgs, out: &mut Out) -> Result<ExitCode> {
    let lib = open(cli, Some(args.timeout))?;
    let json = args.json;
    let tty = std::io::stderr().is_terminal() && !json;
    let bar = indicatif::ProgressBar::hidden();
    if tty {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}").unwrap());
    }
    let report = lib.index(args.folder.as_deref(), &mut |p| match p {
        Progress::Scanned { files, to_extract } => {
            bar.set_length(*to_extract as u64);
            if !tty && !json {
                eprintln!("scanned {files} files; {to_extract} to extract");
            }
        }
        Progress::Extracted { done, total, path, error } => {
            bar.set_position(*done as u64);
            bar.set_message(path.clone());
            if !tty && !json {
                match error {
                    Some(e) => eprintln!("[{done}/{total}] {path}: FAILED: {e}"),
                    None => eprintln!("[{done}/{total}] {path}"),
                }
            }
        }
        Progress::Recognising { total } => {
            bar.set_position(0);
            bar.set_length(*total as u64);
            if !tty && !json {
                eprintln!("reading {total} scanned files by OCR");
            }
        }
        Progress::Recognised { done, total, path, error } => {
            bar.set_position(*done as u64);
            bar.set_message(format!("OCR {path}"));
            if !tty && !json {
                match error {
                    Some(e) => eprintln!("[OCR {done}/{total}] {path}: FAILED: {e}"),
                    None => eprintln!("[OCR {done}/{total}] {path}"),
                }
            }
        }
        Progress::Finished => bar.finish_and_clear(),
    })?;
    if json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "Indexed {} in {:.1} s: {} documents, {} pages.", report.root, report.elapsed_ms as f64 / 1000.0, report.documents, report.pages)?;
    writeln!(out, "  {} added, {} updated, {} unchanged, {} moved, {} removed; {} extracted.", report.added, report.updated, report.unchanged, report.moved, report.removed, report.extracted)?;
    if report.ocr_pages > 0 {
        writeln!(out, "  {} pages read by OCR in {:.1} s.", report.ocr_pages, report.ocr_ms as f64 / 1000.0)?;
    }
    for (path, reason) in &report.failed {
        writeln!(out, "  failed  {path}: {reason}")?;
    }
    for (path, reason) in &report.skipped {
        writeln!(out, "  skipped {path}: {reason}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn search(cli: &Cli, args: &SearchArgs, out: &mut Out) -> Result<ExitCode> {
    let lib = open(cli, None)?;
    let req = SearchRequest {
        query: args.query.clone(),
        categories: args.category.clone(),
        regions: args.region.clone(),
        standards: args.standard.clone(),
        documents: vec![],
        limit: args.limit,
        offset: args.offset,
        pages_per_document: Some(args.pages.min(MAX_PAGES_PER_DOCUMENT)),
        sort: args.sort,
        as_you_type: false,
    };
    let res = lib.search(&req)?;
    if args.json {
        print_json(&res)?;
        return Ok(ExitCode::SUCCESS);
    }
    let bold = std::io::stdout().is_terminal();
    for n in &res.notices {
        writeln!(out, "note: {n}")?;
    }
    writeln!(out, "{} documents, {} pages match.", res.total_documents, res.total_pages)?;
    for (i, d) in res.documents.iter().enumerate() {
        let mut badges: Vec<String> = d.category.iter().cloned().collect();
        badges.extend(d.regions.iter().cloned());
        badges.extend(d.standards.iter().cloned());
        writeln!(out, "\n{}. {}  [{}]", args.offset + i + 1, d.title, badges.join(" · "))?;
        writeln!(out, "   id {} · {} · {} matching pages", d.id, d.path, d.matching_pages)?;
        for p in &d.pages {
            writeln!(out, "   p. {:<4} {}", p.page, highlight(&p.snippet, &p.highlights, bold))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn documents(cli: &Cli, json: bool, out: &mut Out) -> Result<ExitCode> {
    let docs = open(cli, None)?.documents()?;
    if json {
        print_json(&docs)?;
        return Ok(ExitCode::SUCCESS);
    }
    for d in docs {
        let status = match d.status {
            Status::Indexed => String::new(),
            _ => format!("  [{}]", d.reason.clone().unwrap_or_default()),
        };
        writeln!(out, "{:>4}  {:<22} {:>4} pp  {}{}", d.id, d.metadata.category.as_deref().unwrap_or("-"), d.page_count, d.metadata.title.as_deref().unwrap_or(&d.path), status)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(cli: &Cli, document: &str, page: Option<u32>, json: bool, out: &mut Out) -> Result<ExitCode> {
    let lib = open(cli, None)?;
    match page {
        Some(p) => {
            let view = lib.page(document, p)?;
            if json {
                print_json(&view)?;
            } else {
                writeln!(out, "{} — {}\n\n{}", view.document.metadata.title.as_deref().unwrap_or(&view.document.path), view.page.label, view.page.text)?;
            }
        }
        None => {
            let d = lib.document(document)?;
            if json {
                print_json(&d)?;
            } else {
                writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn facts(cli: &Cli, document: &str, json: bool, out: &mut Out) -> Result<ExitCode> {
    let f = open(cli, None)?.facts(document)?;
    if json {
        print_json(&f)?;
        return Ok(ExitCode::SUCCESS);
    }
    let cite = |fact: &trustshelf_core::Fact| match fact.source {
        trustshelf_core::Source::Declared => " (declared)".to_string(),
        trustshelf_core::Source::Extracted => format!(" (p. {})", fact.page),
    };
    writeln!(out, "{} — {}", f.path, f.kind)?;
    let scalars = [("provider", &f.provider), ("system", &f.system), ("auditor", &f.auditor), ("issued", &f.issued), ("as of", &f.as_of), ("opinion", &f.opinion)];
    for (name, fact) in scalars {
        if let Some(fact) = fact {
            writeln!(out, "  {name:<14} {}{}", fact.value, cite(fact))?;
            if let Some(c) = &fact.conflict {
                writeln!(out, "  {:<14} the text says {}{}", "", c.value, cite(c))?;
            }
        }
    }
    if let Some(p) = &f.period {
        writeln!(out, "  {:<14} {} to {}{}", "period", p.start.value, p.end.value, cite(&p.end))?;
    }
    if !f.trust_services.is_empty() {
        writeln!(out, "  {:<14} {}{}", "trust services", f.trust_services.iter().map(|t| t.value.as_str()).collect::<Vec<_>>().join(", "), cite(&f.trust_services[0]))?;
    }
    for o in &f.control_objectives {
        writeln!(out, "  objective      {}{}", o.value, cite(o))?;
    }
    for e in &f.exceptions {
        writeln!(out, "  exception      {} (p. {}): {}", e.control, e.page, e.quote)?;
        if let Some(r) = &e.response {
            writeln!(out, "                 management's response: {r}")?;
        }
    }
    for c in &f.cuecs {
        writeln!(out, "  CUEC           (p. {}) {}", c.page, c.text)?;
    }
    for s in &f.subservice {
        writeln!(out, "  subservice     {} — {} ({}, p. {})", s.name, s.service, s.method, s.page)?;
    }
    if let Some(c) = &f.certificate {
        let rows = [("number", &c.number), ("standard", &c.standard), ("version", &c.version), ("holder", &c.holder), ("body", &c.body), ("first issued", &c.first_issued), ("valid until", &c.valid_until), ("SoA version", &c.soa), ("scope", &c.scope)];
        for (name, fact) in rows {
            if let Some(fact) = fact {
                writeln!(out, "  {name:<14} {}{}", fact.value, cite(fact))?;
            }
        }
        writeln!(out, "  {:<14} {}", "status", c.status)?;
    }
    for x in &f.findings {
        writeln!(out, "  finding        {} {} — {} (p. {})", x.id.as_deref().unwrap_or("-"), x.severity, x.status, x.page)?;
    }
    if let Some(b) = &f.bridge {
        if let Some(end) = &b.report_period_end {
            writeln!(out, "  {:<14} report period ending {}{}", "bridges", end.value, cite(end))?;
        }
        if let Some(s) = &b.signed_by {
            writeln!(out, "  {:<14} {}{}", "signed", s.value, cite(s))?;
        }
        for s in &b.statements {
            writeln!(out, "  {:<14} {}{}", "states", s.value, cite(s))?;
        }
    }
    for n in &f.not_found {
        writeln!(out, "  not found      {n}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn facets(cli: &Cli, json: bool, out: &mut Out) -> Result<ExitCode> {
    let f = open(cli, None)?.facets()?;
    if json {
        print_json(&f)?;
        return Ok(ExitCode::SUCCESS);
    }
    for (name, values) in [("category", &f.category), ("region", &f.region), ("standard", &f.standard)] {
        writeln!(out, "{name}:")?;
        for v in values {
            writeln!(out, "  {:<30} {}", v.value, v.count)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status(cli: &Cli, json: bool, out: &mut Out) -> Result<ExitCode> {
    let s = open(cli, None)?.status()?;
    if json {
        print_json(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "Library: {}", s.root.as_deref().unwrap_or("(none indexed yet)"))?;
    writeln!(out, "Data:    {}", s.data_dir)?;
    writeln!(out, "{} documents, {} pages ({} in the index); {} indexed, {} partial, {} failed; {} bookmarks in {} binders.", s.documents, s.pages, s.indexed_pages, s.indexed, s.partial, s.failed, s.bookmarks, s.binders)?;
    for p in &s.problems {
        writeln!(out, "  {:?}  {}: {}", p.status, p.path, p.reason)?;
    }
    for f in &s.skipped {
        writeln!(out, "  Not indexed  {}: {}", f.path, f.reason)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn bookmark(lib: &Library, cmd: &BookmarkCommand, out: &mut Out) -> Result<ExitCode> {
    match cmd {
        BookmarkCommand::Add { document, page, quote, note, tags, binders, json } => {
            let doc = lib.document(document)?;
            let binders = binders.iter().map(|b| lib.find_binder(b).map(|b| b.id)).collect::<Result<Vec<_>, _>>()?;
            let b = lib.add_bookmark(&NewBookmark { document_id: doc.id, page: *page, quote: quote.clone(), note: note.clone(), tags: tags.clone(), binders })?;
            if *json {
                print_json(&b)?;
            } else {
                writeln!(out, "Bookmark {} on {}, {}.", b.id, b.document_title, b.page_label)?;
            }
        }
        BookmarkCommand::List { binder, json } => {
            let list = lib.bookmarks(binder.as_deref())?;
            if *json {
                print_json(&list)?;
                return Ok(ExitCode::SUCCESS);
            }
            for b in list {
                let quote = b.quote.map(|q| format!("\n      “{q}”")).unwrap_or_default();
                let note = if b.note.is_empty() { String::new() } else { format!("\n      note: {}", b.note) };
                let state = if b.state_note.is_empty() { String::new() } else { format!("\n      ! {}", b.state_note) };
                writeln!(out, "{:>4}  {}, {}{quote}{note}{state}", b.id, b.document_title, b.page_label)?;
            }
        }
        BookmarkCommand::Edit { id, note, tags } => {
            let b = lib.update_bookmark(*id, &BookmarkUpdate { note: note.clone(), tags: tags.clone(), quote: None })?;
            writeln!(out, "Bookmark {} updated.", b.id)?;
        }
        BookmarkCommand::Remove { id } => {
            let b = lib.remove_bookmark(*id)?;
            writeln!(out, "Bookmark {} removed ({}, {}).", b.id, b.document_title, b.page_label)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn binder(lib: &Library, cmd: &BinderCommand, out: &mut Out) -> Result<ExitCode> {
    match cmd {
        BinderCommand::Create { name, description } => {
            let b = lib.create_binder(name, description)?;
            writeln!(out, "Binder {} created: {}", b.id, b.name)?;
        }
        BinderCommand::List { json } => {
            let list = lib.binders()?;
            if *json {
                print_json(&list)?;
                return Ok(ExitCode::SUCCESS);
            }
            for b in list {
                writeln!(out, "{:>4}  {}  ({} bookmarks)", b.id, b.name, b.bookmark_count)?;
            }
        }
        BinderCommand::Add { binder, bookmark } => {
            let b = lib.find_binder(binder)?;
            lib.add_to_binder(b.id, *bookmark)?;
            writeln!(out, "Bookmark {bookmark} added to {}.", b.name)?;
        }
        BinderCommand::Delete { binder } => {
            let b = lib.find_binder(binder)?;
            lib.delete_binder(b.id)?;
            writeln!(out, "Binder {} deleted; its bookmarks remain.", b.name)?;
        }
        BinderCommand::Export { binder, output, originals, json } => {
            let report = lib.export_binder(binder, output, *originals, &mut |_, _| {})?;
            if *json {
                print_json(&report)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(out, "Exported {} bookmarks to {} ({} files).", report.bookmarks, report.path, report.files)?;
            for w in &report.warnings {
                writeln!(out, "  warning: {w}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit code 1 when anything does not match.
fn verify(cli: &Cli, package: Option<&std::path::Path>, json: bool, out: &mut Out) -> Result<ExitCode> {
    let report = match package {
        Some(p) => trustshelf_core::verify_package(p)?,
        None => open(cli, None)?.verify_library()?,
    };
    if json {
        print_json(&report)?;
    } else {
        for p in &report.problems {
            writeln!(out, "MISMATCH {p}")?;
        }
        writeln!(out, "{}: {} files checked, {} problems.", if report.ok { "OK" } else { "FAILED" }, report.checked, report.problems.len())?;
    }
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn highlight(snippet: &str, ranges: &[[usize; 2]], bold: bool) -> String {
    let (open, close) = if bold { ("\x1b[1m", "\x1b[0m") } else { ("[", "]") };
    let mut out = String::new();
    let chars: Vec<char> = snippet.chars().collect();
    let mut i = 0;
    for r in ranges {
        let (s, e) = (r[0].min(chars.len()), r[1].min(chars.len()));
        if s < i {
            continue;
        }
        out.extend(&chars[i..s]);
        out.push_str(open);
        out.extend(&chars[s..e]);
        out.push_str(close);
        i = e;
    }
    out.extend(&chars[i..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
