//! Isolated extraction. PDF parsers panic, overflow their stack, loop and balloon on real files, so
//! every file is extracted in a worker *process* with a wall-clock timeout and an address-space cap.
//! A crash or a kill costs one file, which is recorded with its reason; the run goes on.
//!
//! The worker is any binary that calls [`run_worker`] when started with [`WORKER_FLAG`] (the CLI and
//! the app do; so does the core's own `trustshelf-extract-worker`). The pool keeps one long-lived
//! worker per core and talks to it with one JSON line per request and per answer; the worker moves its
//! own stdout aside so that nothing a parser prints can corrupt the protocol.

use std::collections::VecDeque;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::error::{Error, ExtractError, Result};
use crate::extract::{self, Extraction, Format};

/// The first argument that switches a host binary into worker mode.
pub const WORKER_FLAG: &str = "--extract-worker";

/// Limits and program of the extraction workers.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The binary to start; it must call [`run_worker`] when its first argument is [`WORKER_FLAG`].
    pub program: PathBuf,
    /// Number of worker processes (default: the number of cores).
    pub workers: usize,
    /// Wall-clock limit per file.
    pub timeout: Duration,
    /// Address-space limit per worker, in MiB (pdf-extract used 471 MiB on a 1.5 MB file in our tests).
    pub memory_limit_mb: u64,
    /// Files larger than this are not extracted at all.
    pub max_file_bytes: u64,
    /// Wall-clock limit per file read by OCR (each page also has its own limits, see `ocr`).
    pub ocr_timeout: Duration,
}

impl WorkerConfig {
    /// Defaults for `program`: one worker per core, 60 s, 1.5 GiB, 150 MB files.
    pub fn new(program: PathBuf) -> Self {
        WorkerConfig {
            program,
            workers: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 8),
            timeout: Duration::from_secs(60),
            memory_limit_mb: 1536,
            max_file_bytes: 150 * 1024 * 1024,
            ocr_timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// One file to extract.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    /// Caller's key for the answer.
    pub key: usize,
    /// Absolute path of the file (sent as bytes: file names need not be UTF-8).
    #[serde(with = "path_bytes")]
    pub path: PathBuf,
    /// Detected format.
    pub format: Format,
    /// SHA-256 of the content the caller hashed; the worker refuses a file that no longer matches, so
    /// extracted pages are never stored under another content's hash. `None` skips the check.
    pub hash: Option<String>,
    /// Read the file by OCR (a scanned PDF or an image) instead of its text layer.
    #[serde(default)]
    pub ocr: bool,
    /// The document's declared language as Tesseract names it ("ces"), for OCR.
    #[serde(default)]
    pub language: Option<String>,
    /// The pages to read by OCR; empty: all of them.
    #[serde(default)]
    pub ocr_pages: Vec<u32>,
}

impl Job {
    /// A text-pass job for `path`.
    pub fn text(key: usize, path: PathBuf, format: Format, hash: Option<String>) -> Job {
        Job { key, path, format, hash, ocr: false, language: None, ocr_pages: Vec::new() }
    }
}

mod path_bytes {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    use std::path::{Path, PathBuf};

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(path.as_os_str().as_bytes())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        Ok(PathBuf::from(std::ffi::OsString::from_vec(Vec::<u8>::deserialize(d)?)))
    }
}

#[derive(Serialize, Deserialize)]
struct Answer {
    result: std::result::Result<Extraction, ExtractError>,
}

/// Runs the worker loop on stdin/stdout. Call from `main` when the first argument is [`WORKER_FLAG`];
/// `args` are the arguments after it. Never returns normally until stdin closes.
pub fn run_worker(args: &[String]) -> ! {
    let mut memory_limit_mb = 0u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--memory-limit-mb" {
            memory_limit_mb = it.next().and_then(|v| v.parse().ok()).unwrap_or(0);
        }
    }
    // Keep the protocol channel private: duplicate stdout, then point fd 1 at stderr.
    let protocol_fd = unsafe { libc::dup(1) };
    unsafe { libc::dup2(2, 1) };
    let mut out: std::fs::File = unsafe { std::os::fd::FromRawFd::from_raw_fd(protocol_fd) };
    if memory_limit_mb > 0 {
        let bytes = memory_limit_mb * 1024 * 1024;
        let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
        unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    }
    std::panic::set_hook(Box::new(|info| {
        eprintln!("trustshelf worker: panic: {info}");
    }));
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let mut s = answer(&line);
        s.push('\n');
        if out.write_all(s.as_bytes()).and_then(|_| out.flush()).is_err() {
            break;
        }
    }
    std::process::exit(0)
}

/// The worker's answer (one JSON line, without the newline) to one request line: what [`run_worker`]
/// does per request, in-process. Public for the fuzz targets, which drive the extractors through it.
pub fn answer(request: &str) -> String {
    let answer = match serde_json::from_str::<Job>(request) {
        Ok(job) => Answer { result: extract_in_thread(job) },
        Err(e) => Answer { result: Err(ExtractError::NotValid(format!("worker request: {e}"))) },
    };
    // Only strings and numbers: this cannot fail; if it ever did, the pool reports a garbled answer.
    serde_json::to_string(&answer).unwrap_or_default()
}

/// Parses an answer line of [`answer`]: the extraction or why it failed; `None` if the line is garbled.
pub fn parse_answer(line: &str) -> Option<std::result::Result<Extraction, ExtractError>> {
    serde_json::from_str::<Answer>(line).ok().map(|a| a.result)
}

/// The job's file, checked to be a regular file with the content the caller hashed.
fn read_job_file(job: &Job) -> std::result::Result<Vec<u8>, ExtractError> {
    let bytes = crate::files::read_regular(&job.path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => ExtractError::Changed("it was moved or deleted".into()),
        _ => ExtractError::Unreadable(e.to_string()),
    })?;
    if let Some(expected) = &job.hash {
        if crate::files::content_hash(&bytes) != *expected {
            return Err(ExtractError::Changed("its content changed".into()));
        }
    }
    Ok(bytes)
}

/// Parsers recurse deeply on nested objects; give them a big stack in their own thread.
const EXTRACT_STACK_BYTES: usize = 64 * 1024 * 1024;

fn extract_in_thread(job: Job) -> std::result::Result<Extraction, ExtractError> {
    let handle = std::thread::Builder::new().stack_size(EXTRACT_STACK_BYTES).spawn(move || {
        let bytes = read_job_file(&job)?;
        if job.ocr {
            extract::recognise(&job.path, &bytes, job.format == Format::Pdf, job.language.as_deref(), &job.ocr_pages)
        } else {
            extract::extract(job.format, &bytes)
        }
    });
    match handle {
        Ok(h) => h.join().unwrap_or_else(|p| Err(ExtractError::ParserCrash(crate::extract::panic_text(&p)))),
        Err(e) => Err(ExtractError::TooLarge(format!("could not start extraction thread: {e}"))),
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    stderr: tokio::task::JoinHandle<String>,
}

impl Worker {
    fn spawn(cfg: &WorkerConfig) -> Result<Worker> {
        let mut child = Command::new(&cfg.program)
            .arg(WORKER_FLAG)
            .arg("--memory-limit-mb")
            .arg(cfg.memory_limit_mb.to_string())
            // The CLI and the app (the worker hosts) use mimalloc, whose default 1 GiB arena
            // reservation counts against the address-space cap and left no room for the extraction
            // thread's stack in the app; small arenas keep the cap meaningful.
            .env("MIMALLOC_ARENA_RESERVE", "64MiB")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Error::Worker(format!("cannot start {}: {e}", cfg.program.display())))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut err = child.stderr.take().expect("piped");
        let stderr = tokio::spawn(async move {
            // Keep only the tail: the last words of a crashing parser say why.
            let mut tail = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&buf[..n]);
                if tail.len() > 16 * 1024 {
                    tail.drain(..tail.len() - 8 * 1024);
                }
            }
            String::from_utf8_lossy(&tail).into_owned()
        });
        Ok(Worker { child, stdin, stdout, stderr })
    }

    /// Sends one job and waits for its answer within the timeout. `Err` means the worker is gone.
    async fn extract(&mut self, job: &Job, cfg: &WorkerConfig) -> std::result::Result<std::result::Result<Extraction, ExtractError>, ExtractError> {
        let mut line = match serde_json::to_string(job) {
            Ok(line) => line,
            Err(e) => return Ok(Err(ExtractError::NotValid(format!("worker request: {e}")))),
        };
        line.push('\n');
        if self.stdin.write_all(line.as_bytes()).await.is_err() || self.stdin.flush().await.is_err() {
            return Err(self.crash_reason(cfg).await);
        }
        let mut answer = String::new();
        let limit = if job.ocr { cfg.ocr_timeout } else { cfg.timeout };
        match tokio::time::timeout(limit, self.stdout.read_line(&mut answer)).await {
            Err(_) => {
                let _ = self.child.kill().await;
                Err(ExtractError::Timeout(limit.as_secs().max(1)))
            }
            Ok(Ok(n)) if n > 0 => match serde_json::from_str::<Answer>(&answer) {
                Ok(a) => Ok(a.result),
                Err(e) => Ok(Err(ExtractError::ParserCrash(format!("garbled worker answer: {e}")))),
            },
            Ok(_) => Err(self.crash_reason(cfg).await),
        }
    }

    async fn crash_reason(&mut self, cfg: &WorkerConfig) -> ExtractError {
        let status = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        let stderr = tokio::time::timeout(Duration::from_secs(2), &mut self.stderr).await.ok().and_then(|r| r.ok()).unwrap_or_default();
        classify_crash(&stderr, status.ok().and_then(|s| s.ok()), cfg.memory_limit_mb)
    }
}

fn classify_crash(stderr: &str, status: Option<std::process::ExitStatus>, memory_limit_mb: u64) -> ExtractError {
    use std::os::unix::process::ExitStatusExt;
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") || stderr.contains("capacity overflow") {
        return ExtractError::TooLarge(format!("extraction exceeded the {memory_limit_mb} MiB memory limit"));
    }
    if stderr.contains("has overflowed its stack") {
        return ExtractError::ParserCrash("stack overflow".into());
    }
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    let how = match status {
        Some(s) if s.signal().is_some() => format!("killed by signal {}", s.signal().unwrap()),
        Some(s) => format!("exited with {s}"),
        None => "did not exit".into(),
    };
    ExtractError::ParserCrash(if last.is_empty() { format!("worker {how}") } else { format!("worker {how}: {}", crate::text::truncate_chars(last, 200)) })
}

/// Extracts `jobs` on a pool of worker processes, calling `on_result` on this thread for each answer
/// as it arrives (in completion order). Fails only if no worker can be started at all.
pub fn extract_all(
    cfg: &WorkerConfig,
    jobs: Vec<Job>,
    mut on_result: impl FnMut(Job, std::result::Result<Extraction, ExtractError>),
) -> Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Worker(format!("runtime: {e}")))?;
    runtime.block_on(async {
        let n = cfg.workers.min(jobs.len()).max(1);
        let mut first = Vec::new();
        for _ in 0..n {
            first.push(Worker::spawn(cfg)?);
        }
        let queue = Arc::new(Mutex::new(jobs.into_iter().collect::<VecDeque<_>>()));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for worker in first {
            let (queue, tx, cfg) = (queue.clone(), tx.clone(), cfg.clone());
            tokio::spawn(async move {
                let mut worker = Some(worker);
                loop {
                    let Some(job) = queue.lock().unwrap().pop_front() else { break };
                    let size = std::fs::metadata(&job.path).map(|m| m.len()).unwrap_or(0);
                    if size > cfg.max_file_bytes {
                        let reason = format!("{} MB is over the {} MB limit", size >> 20, cfg.max_file_bytes >> 20);
                        let _ = tx.send((job, Err(ExtractError::TooLarge(reason))));
                        continue;
                    }
                    if worker.is_none() {
                        match Worker::spawn(&cfg) {
                            Ok(w) => worker = Some(w),
                            Err(e) => {
                                let _ = tx.send((job, Err(ExtractError::ParserCrash(e.to_string()))));
                                continue;
                            }
                        }
                    }
                    let w = worker.as_mut().unwrap();
                    match w.extract(&job, &cfg).await {
                        Ok(result) => {
                            let _ = tx.send((job, result));
                        }
                        Err(reason) => {
                            worker = None;
                            let _ = tx.send((job, Err(reason)));
                        }
                    }
                }
                if let Some(mut w) = worker {
                    drop(w.stdin);
                    let _ = tokio::time::timeout(Duration::from_secs(2), w.child.wait()).await;
                }
            });
        }
        drop(tx);
        while let Some((job, result)) = rx.recv().await {
            on_result(job, result);
        }
        Ok(())
    })
}

/// Reads a worker's answer for tests and tools: extracts one file in-process (no isolation). Only for
/// trusted input such as the crate's own unit tests.
#[cfg(test)]
pub(crate) fn extract_here(path: &std::path::Path, format: Format) -> std::result::Result<Extraction, ExtractError> {
    extract_in_thread(Job::text(0, path.to_path_buf(), format, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_crashes_from_stderr() {
        assert!(matches!(classify_crash("memory allocation of 1024 bytes failed\n", None, 64), ExtractError::TooLarge(_)));
        assert!(matches!(classify_crash("thread 'x' has overflowed its stack\n", None, 64), ExtractError::ParserCrash(ref s) if s == "stack overflow"));
    }

    #[test]
    fn extracts_in_process_for_trusted_input() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "# T\n\nhello").unwrap();
        let e = extract_here(&p, Format::Markdown).unwrap();
        assert_eq!(e.pages[0].text, "T\nhello");
    }
}
