//! The Tauri shell: opens the library, wires core jobs to window events, and exposes the core as
//! commands. Every command is one call into `trustshelf_core`; there is no logic here to test apart.
//!
//! The IPC surface — every command with its argument names and types and its result type, every
//! event with its payload type — is declared once below, in [`commands!`] and [`events!`]; the same
//! declarations generate `ui/src/bindings.ts` (see the `bindings` test), so the window's calls
//! cannot drift from what the shell accepts.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tauri::ipc::{InvokeResponseBody, IpcResponse, Response};
use tauri::{AppHandle, Emitter, Manager};
use trustshelf_core::{
    Binder, Bookmark, BookmarkUpdate, Document, ExportReport, Facts, HighlightRequest, IndexReport, IpcError, Labels, Library, LibraryStatus, LibraryWatch, NewBookmark, Page, PageView, Progress,
    SearchRequest, SearchResponse, VerifyReport, WorkerConfig,
};

#[cfg(test)]
mod bindings;

struct App {
    lib: Arc<Library>,
    watch: Mutex<Option<LibraryWatch>>,
}

impl App {
    fn of(app: &AppHandle) -> tauri::State<'_, App> {
        app.state::<App>()
    }
}

/// The payload of `index-finished`: the run's report, or why it failed.
#[derive(Clone, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
struct Finished {
    report: Option<IndexReport>,
    error: Option<IpcError>,
}

/// The payload of `export-progress`.
#[derive(Clone, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
struct ExportProgress {
    /// Files written so far.
    done: usize,
    /// Files to write in all.
    total: usize,
}

/// A document's file as raw bytes (not JSON): the viewer hands them to pdf.js.
struct DocumentBytes(Vec<u8>);

impl IpcResponse for DocumentBytes {
    fn body(self) -> tauri::Result<InvokeResponseBody> {
        Response::new(self.0).body()
    }
}

/// An event the window listens to: its name and the type of its payload.
trait Event {
    const NAME: &'static str;
    type Payload: serde::Serialize + Clone;
}

/// Sends event `E` to the window. Delivery fails only when the window is gone, which nobody is left
/// to tell.
fn emit<E: Event>(app: &AppHandle, payload: &E::Payload) {
    let _ = app.emit(E::NAME, payload.clone());
}

/// Declares the events: a type per event (for [`emit`]) and, for the bindings, the table of names
/// and payload types.
macro_rules! events {
    ($($(#[doc = $doc:literal])* $event:ident = $name:literal: $payload:ty;)*) => {
        $(
            $(#[doc = $doc])*
            struct $event;
            impl Event for $event {
                const NAME: &'static str = $name;
                type Payload = $payload;
            }
        )*
        /// Every event as (name, doc, payload's TypeScript type).
        #[cfg(test)]
        fn event_table(cfg: &ts_rs::Config) -> Vec<(&'static str, &'static str, String)> {
            vec![$(($name, concat!($($doc),*), <$payload as ts_rs::TS>::name(cfg)),)*]
        }
    };
}

events! {
    /// Progress of an index run or of the folder watch.
    IndexProgress = "index-progress": Progress;
    /// An index run finished.
    IndexFinished = "index-finished": Finished;
    /// Progress of an evidence-package export.
    ExportProgressEvent = "export-progress": ExportProgress;
}

/// Declares the commands: each becomes a `#[tauri::command]` taking the app handle and its named
/// arguments and returning `Result<T, IpcError>` (the body is an expression giving the core's
/// `Result<T>`), plus the handler that registers them all and, for the bindings, the table of
/// names, arguments and result types. `[async]` commands run off the main thread (long work);
/// the others run on it (search as you type answers fastest there).
macro_rules! commands {
    ($($(#[doc = $doc:literal])* $([$async_:ident])? fn $name:ident($app:ident $(, $arg:ident: $ty:ty)*) -> $res:ty $body:block)*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command(rename_all = "snake_case" $(, $async_)?)]
            fn $name($app: AppHandle $(, $arg: $ty)*) -> Result<$res, IpcError> {
                let result: trustshelf_core::Result<$res> = $body;
                result.map_err(IpcError::from)
            }
        )*

        fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command as (name, doc, [(argument, TypeScript type)], result's TypeScript type).
        #[cfg(test)]
        fn command_table(cfg: &ts_rs::Config) -> Vec<bindings::CommandSpec> {
            vec![$(bindings::CommandSpec {
                name: stringify!($name),
                doc: concat!($($doc),*),
                args: vec![$((stringify!($arg), <$ty as ts_rs::TS>::name(cfg))),*],
                result: <$res as ts_rs::TS>::name(cfg),
            },)*]
        }
    };
}

commands! {
    /// Searches the library.
    fn search(app, request: SearchRequest) -> SearchResponse { App::of(&app).lib.search(&request) }
    /// Where the searched terms are in texts of a document (the viewer's page).
    fn highlight(app, request: HighlightRequest) -> Vec<Vec<[usize; 2]>> { App::of(&app).lib.highlight(&request) }
    /// The vocabulary's labels for categories, regions and standards.
    fn get_labels(app) -> Labels { Ok(App::of(&app).lib.labels()) }
    /// Counts, and every document that needs attention.
    fn library_status(app) -> LibraryStatus { App::of(&app).lib.status() }
    /// A document's metadata and status.
    fn get_document(app, id: i64) -> Document { App::of(&app).lib.document(&id.to_string()) }
    /// One page of a document.
    fn get_page(app, id: i64, page: u32) -> PageView { App::of(&app).lib.page(&id.to_string(), page) }
    /// Every page of a document.
    fn get_pages(app, id: i64) -> Vec<Page> { App::of(&app).lib.pages(id) }
    /// What an audit document says, each fact with its page and quote.
    fn get_facts(app, id: i64) -> Facts { App::of(&app).lib.facts(&id.to_string()) }
    /// A document's file, checked against the catalog's hash.
    [async] fn read_document(app, id: i64) -> DocumentBytes { App::of(&app).lib.read_document(id).map(DocumentBytes) }
    /// Indexes `folder` (or the library folder used last) in the background, then watches it.
    fn reindex(app, folder: Option<PathBuf>) -> () {
        index_and_watch(app, folder);
        Ok(())
    }
    /// Creates a bookmark.
    fn add_bookmark(app, bookmark: NewBookmark) -> Bookmark { App::of(&app).lib.add_bookmark(&bookmark) }
    /// Bookmarks, all or one binder's.
    fn list_bookmarks(app, binder: Option<i64>) -> Vec<Bookmark> { App::of(&app).lib.bookmarks(binder.map(|b| b.to_string()).as_deref()) }
    /// Changes a bookmark's note, tags or quote.
    fn update_bookmark(app, id: i64, update: BookmarkUpdate) -> Bookmark { App::of(&app).lib.update_bookmark(id, &update) }
    /// Deletes a bookmark and returns it (for undo).
    fn remove_bookmark(app, id: i64) -> Bookmark { App::of(&app).lib.remove_bookmark(id) }
    /// Every binder.
    fn list_binders(app) -> Vec<Binder> { App::of(&app).lib.binders() }
    /// Creates a binder.
    fn create_binder(app, name: String, description: String) -> Binder { App::of(&app).lib.create_binder(&name, &description) }
    /// Renames a binder.
    fn rename_binder(app, id: i64, name: String) -> Binder { App::of(&app).lib.rename_binder(id, &name) }
    /// Deletes a binder; its bookmarks stay.
    fn delete_binder(app, id: i64) -> () { App::of(&app).lib.delete_binder(id) }
    /// Puts a bookmark into a binder.
    fn add_to_binder(app, binder: i64, bookmark: i64) -> () { App::of(&app).lib.add_to_binder(binder, bookmark) }
    /// Takes a bookmark out of a binder.
    fn remove_from_binder(app, binder: i64, bookmark: i64) -> () { App::of(&app).lib.remove_from_binder(binder, bookmark) }
    /// Sets the order of a binder's bookmarks.
    fn reorder_binder(app, binder: i64, order: Vec<i64>) -> () { App::of(&app).lib.reorder_binder(binder, &order) }
    /// Exports a binder as an evidence package, reporting progress as `export-progress`.
    [async] fn export_binder(app, binder: i64, dest: PathBuf, originals: bool) -> ExportReport {
        App::of(&app).lib.export_binder(&binder.to_string(), &dest, originals, &mut |done, total| emit::<ExportProgressEvent>(&app, &ExportProgress { done, total }))
    }
    /// Writes a backup of the catalog.
    [async] fn backup_catalog(app, dest: PathBuf) -> () { App::of(&app).lib.backup(&dest) }
    /// Replaces the catalog with a backup and rebuilds the index.
    [async] fn restore_catalog(app, src: PathBuf) -> () { App::of(&app).lib.restore(&src) }
    /// Verifies an evidence package against its manifest.
    [async] fn verify_package(_app, path: PathBuf) -> VerifyReport { trustshelf_core::verify_package(&path) }
}

/// The bundled sample library: next to the app's resources when installed, else the repository's.
fn sample_library(app: &AppHandle) -> PathBuf {
    let bundled = app.path().resource_dir().map(|d| d.join("documents")).ok().filter(|d| d.is_dir());
    bundled.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../documents")))
}

fn open(app: &AppHandle) -> Result<App, Box<dyn std::error::Error>> {
    let data = match std::env::var_os("TRUSTSHELF_DATA") {
        Some(d) => PathBuf::from(d),
        None => app.path().app_data_dir()?,
    };
    let lib = Library::open(&data, WorkerConfig::new(std::env::current_exe()?))?;
    Ok(App { lib: Arc::new(lib), watch: Mutex::new(None) })
}

/// Indexes `folder` in the background, then watches it; progress and results go to the window.
fn index_and_watch(app: AppHandle, folder: Option<PathBuf>) {
    let lib = App::of(&app).lib.clone();
    let progress_app = app.clone();
    trustshelf_core::spawn_index(lib, folder, move |p: &Progress| emit::<IndexProgress>(&progress_app, p), move |result| {
        let watch_root = result.as_ref().ok().map(|r| PathBuf::from(&r.root));
        emit::<IndexFinished>(&app, &finished(result));
        let state = App::of(&app);
        if let Some(root) = watch_root {
            let (a, b) = (app.clone(), app.clone());
            let watch = trustshelf_core::watch(state.lib.clone(), root, move |p: &Progress| emit::<IndexProgress>(&a, p), move |r| emit::<IndexFinished>(&b, &finished(r)));
            *state.watch.lock().unwrap() = watch.ok();
        }
    });
}

fn finished(result: trustshelf_core::Result<IndexReport>) -> Finished {
    match result {
        Ok(r) => Finished { report: Some(r), error: None },
        Err(e) => Finished { report: None, error: Some(e.into()) },
    }
}

/// WebKitGTK's compositor held every frame of the window back by ~25 ms after the page had its new
/// results (bench/app.sh on the 500k-page library: keystroke → painted p50 60 ms with it, 29 ms
/// without; BENCHMARKS.md). The app is lists, text and pdf.js canvases, which WebKitGTK draws well
/// without it. Set before the first window exists; `WEBKIT_DISABLE_COMPOSITING_MODE=0` in the
/// environment brings the compositor back.
fn draw_without_compositor() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // Still single-threaded here: nothing else reads the environment yet.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Starts the app: opens the library data, indexes the library folder (the one used last, or
/// `TRUSTSHELF_LIBRARY`, or the bundled sample library on first start) and watches it.
pub fn run() {
    draw_without_compositor();
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let state = open(app.handle())?;
            let folder = match std::env::var_os("TRUSTSHELF_LIBRARY") {
                Some(f) => Some(PathBuf::from(f)),
                None => state.lib.root()?.filter(|r| r.is_dir()).or_else(|| Some(sample_library(app.handle()))),
            };
            app.manage(state);
            index_and_watch(app.handle().clone(), folder);
            Ok(())
        })
        .invoke_handler(handler())
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("TrustShelf could not start its window");
}
