//! The Tauri shell: opens the library, wires core jobs to window events, and exposes the core as
//! commands. Every command is one call into `trustshelf_core`; there is no logic here to test apart.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tauri::ipc::Response;
use tauri::{AppHandle, Emitter, Manager, State};
use trustshelf_core::bookmarks::{Binder, Bookmark, BookmarkUpdate, NewBookmark};
use trustshelf_core::catalog::Document;
use trustshelf_core::error::IpcError;
use trustshelf_core::export::{verify_package as verify_zip, ExportReport, VerifyReport};
use trustshelf_core::extract::Page;
use trustshelf_core::ingest::{IndexReport, Progress};
use trustshelf_core::jobs::{self, LibraryWatch};
use trustshelf_core::library::{LibraryStatus, PageView};
use trustshelf_core::search::{SearchRequest, SearchResponse};
use trustshelf_core::{Library, WorkerConfig};

/// Events the window listens to.
const INDEX_PROGRESS: &str = "index-progress";
const INDEX_FINISHED: &str = "index-finished";
const EXPORT_PROGRESS: &str = "export-progress";

type Res<T> = Result<T, IpcError>;

struct App {
    lib: Arc<Library>,
    watch: Mutex<Option<LibraryWatch>>,
}

/// The payload of `index-finished`.
#[derive(Clone, serde::Serialize)]
struct Finished {
    report: Option<IndexReport>,
    error: Option<IpcError>,
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
    let lib = app.state::<App>().lib.clone();
    let progress_app = app.clone();
    jobs::spawn_index(lib, folder, move |p: &Progress| { let _ = progress_app.emit(INDEX_PROGRESS, p); }, move |result| {
        let watch_root = result.as_ref().ok().map(|r| PathBuf::from(&r.root));
        let _ = app.emit(INDEX_FINISHED, finished(result));
        let state = app.state::<App>();
        if let Some(root) = watch_root {
            let (a, b) = (app.clone(), app.clone());
            let watch = jobs::watch(state.lib.clone(), root, move |p: &Progress| { let _ = a.emit(INDEX_PROGRESS, p); }, move |r| { let _ = b.emit(INDEX_FINISHED, finished(r)); });
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

#[tauri::command]
fn search(state: State<App>, request: SearchRequest) -> Res<SearchResponse> {
    state.lib.search(&request).map_err(Into::into)
}

#[tauri::command]
fn library_status(state: State<App>) -> Res<LibraryStatus> {
    state.lib.status().map_err(Into::into)
}

#[tauri::command]
fn get_document(state: State<App>, id: i64) -> Res<Document> {
    state.lib.document(&id.to_string()).map_err(Into::into)
}

#[tauri::command]
fn get_page(state: State<App>, id: i64, page: u32) -> Res<PageView> {
    state.lib.page(&id.to_string(), page).map_err(Into::into)
}

#[tauri::command]
fn get_pages(state: State<App>, id: i64) -> Res<Vec<Page>> {
    state.lib.pages(id).map_err(Into::into)
}

#[tauri::command]
fn read_document(state: State<App>, id: i64) -> Res<Response> {
    state.lib.read_document(id).map(Response::new).map_err(Into::into)
}

#[tauri::command]
fn reindex(app: AppHandle, folder: Option<PathBuf>) {
    index_and_watch(app, folder)
}

#[tauri::command]
fn add_bookmark(state: State<App>, bookmark: NewBookmark) -> Res<Bookmark> {
    state.lib.add_bookmark(&bookmark).map_err(Into::into)
}

#[tauri::command]
fn list_bookmarks(state: State<App>, binder: Option<i64>) -> Res<Vec<Bookmark>> {
    state.lib.bookmarks(binder.map(|b| b.to_string()).as_deref()).map_err(Into::into)
}

#[tauri::command]
fn update_bookmark(state: State<App>, id: i64, update: BookmarkUpdate) -> Res<Bookmark> {
    state.lib.update_bookmark(id, &update).map_err(Into::into)
}

#[tauri::command]
fn remove_bookmark(state: State<App>, id: i64) -> Res<Bookmark> {
    state.lib.remove_bookmark(id).map_err(Into::into)
}

#[tauri::command]
fn list_binders(state: State<App>) -> Res<Vec<Binder>> {
    state.lib.binders().map_err(Into::into)
}

#[tauri::command]
fn create_binder(state: State<App>, name: String, description: String) -> Res<Binder> {
    state.lib.create_binder(&name, &description).map_err(Into::into)
}

#[tauri::command]
fn rename_binder(state: State<App>, id: i64, name: String) -> Res<Binder> {
    state.lib.rename_binder(id, &name).map_err(Into::into)
}

#[tauri::command]
fn delete_binder(state: State<App>, id: i64) -> Res<()> {
    state.lib.delete_binder(id).map_err(Into::into)
}

#[tauri::command]
fn add_to_binder(state: State<App>, binder: i64, bookmark: i64) -> Res<()> {
    state.lib.add_to_binder(binder, bookmark).map_err(Into::into)
}

#[tauri::command]
fn remove_from_binder(state: State<App>, binder: i64, bookmark: i64) -> Res<()> {
    state.lib.remove_from_binder(binder, bookmark).map_err(Into::into)
}

#[tauri::command]
fn reorder_binder(state: State<App>, binder: i64, order: Vec<i64>) -> Res<()> {
    state.lib.reorder_binder(binder, &order).map_err(Into::into)
}

#[tauri::command]
async fn export_binder(app: AppHandle, binder: i64, dest: PathBuf, originals: bool) -> Res<ExportReport> {
    app.state::<App>().lib.export_binder(&binder.to_string(), &dest, originals, &mut |done, total| { let _ = app.emit(EXPORT_PROGRESS, (done, total)); }).map_err(Into::into)
}

#[tauri::command]
async fn backup_catalog(app: AppHandle, dest: PathBuf) -> Res<()> {
    app.state::<App>().lib.backup(&dest).map_err(Into::into)
}

#[tauri::command]
async fn restore_catalog(app: AppHandle, src: PathBuf) -> Res<()> {
    app.state::<App>().lib.restore(&src).map_err(Into::into)
}

#[tauri::command]
async fn verify_package(path: PathBuf) -> Res<VerifyReport> {
    verify_zip(&path).map_err(Into::into)
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
        .invoke_handler(tauri::generate_handler![
            search,
            library_status,
            get_document,
            get_page,
            get_pages,
            read_document,
            reindex,
            add_bookmark,
            list_bookmarks,
            update_bookmark,
            remove_bookmark,
            list_binders,
            create_binder,
            rename_binder,
            delete_binder,
            add_to_binder,
            remove_from_binder,
            reorder_binder,
            export_binder,
            backup_catalog,
            restore_catalog,
            verify_package
        ])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("TrustShelf could not start its window");
}
