//! Long work off the caller's thread: a background index run, and a watch on the library folder that
//! re-indexes (debounced) when files are added, changed or removed. The app wires their progress to
//! its window; the work itself is the same [`Library::index`] the CLI runs.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::ingest::{IndexReport, Progress};
use crate::library::Library;

/// Quiet time after the last file event before a re-index starts: copying a folder of documents
/// produces bursts of events; one run should follow the burst.
const DEBOUNCE: Duration = Duration::from_millis(800);

/// Indexes `folder` (or the last library folder) on a new thread.
pub fn spawn_index(
    lib: Arc<Library>,
    folder: Option<PathBuf>,
    mut progress: impl FnMut(&Progress) + Send + 'static,
    done: impl FnOnce(Result<IndexReport>) + Send + 'static,
) -> JoinHandle<()> {
    std::thread::spawn(move || done(lib.index(folder.as_deref(), &mut progress)))
}

/// Watches the library folder; dropping it stops the watch.
pub struct LibraryWatch {
    _watcher: notify::RecommendedWatcher,
    stop: Arc<AtomicBool>,
}

impl Drop for LibraryWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Watches `root` and re-indexes after changes settle, reporting like [`spawn_index`].
pub fn watch(
    lib: Arc<Library>,
    root: PathBuf,
    mut progress: impl FnMut(&Progress) + Send + 'static,
    mut done: impl FnMut(Result<IndexReport>) + Send + 'static,
) -> Result<LibraryWatch> {
    let (tx, rx) = channel::<()>();
    let data_dir = lib.data_dir().to_path_buf();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(e) = event {
            let relevant = !matches!(e.kind, notify::EventKind::Access(_)) && e.paths.iter().any(|p| !p.starts_with(&data_dir));
            if relevant {
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| Error::Worker(format!("cannot watch {}: {e}", root.display())))?;
    watcher.watch(&root, RecursiveMode::Recursive).map_err(|e| Error::Worker(format!("cannot watch {}: {e}", root.display())))?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::spawn(move || {
        while !stopped.load(Ordering::SeqCst) {
            match rx.recv_timeout(Duration::from_millis(500)) {
                Ok(()) => {}
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            }
            // Wait for the burst to settle.
            while let Ok(()) = rx.recv_timeout(DEBOUNCE) {}
            if stopped.load(Ordering::SeqCst) {
                break;
            }
            loop {
                match lib.index(None, &mut progress) {
                    Err(Error::LibraryInUse(_)) => std::thread::sleep(Duration::from_secs(2)),
                    other => {
                        done(other);
                        break;
                    }
                }
            }
        }
    });
    Ok(LibraryWatch { _watcher: watcher, stop })
}
