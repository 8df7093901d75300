//! Typed errors of the core. Each area has its own enum; they roll up into [`Error`].
//! At the IPC/JSON boundary an error serialises as `{kind, message}` so a UI can act on the kind.

use std::path::{Path, PathBuf};

/// The result type of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a file could not be (fully) extracted. Stored in the catalog as the file's status reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum ExtractError {
    /// The file's content is not of the format its name or header claims (e.g. a ".pdf" that is HTML).
    #[error("not a valid {0}")]
    NotValid(String),
    /// The file ends early or its cross-reference table is broken beyond repair.
    #[error("truncated or damaged file: {0}")]
    Damaged(String),
    /// The PDF is encrypted and the empty password does not open it.
    #[error("password required")]
    PasswordRequired,
    /// The parser crashed (panic, stack overflow, abort) on this file.
    #[error("parser crash: {0}")]
    ParserCrash(String),
    /// Extraction took longer than the per-file time limit.
    #[error("timeout after {0} s")]
    Timeout(u64),
    /// The file is larger than the size limit, or extraction exceeded the memory limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// The file opened but holds no extractable text (likely scanned images).
    #[error("no text, likely scanned")]
    NoText,
    /// The file needs OCR and the OCR programs are not installed.
    #[error("no text, and OCR is not available: {0}")]
    OcrUnavailable(String),
    /// OCR ran and failed (the renderer or Tesseract failed or timed out on every page).
    #[error("OCR failed: {0}")]
    OcrFailed(String),
    /// The file could not be read from disk.
    #[error("unreadable: {0}")]
    Unreadable(String),
    /// The file changed or vanished between the scan and its extraction (transient: never cached;
    /// the next scan picks the file up again).
    #[error("changed while it was being indexed ({0}); it will be indexed on the next scan")]
    Changed(String),
}

/// Errors of the whole core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A filesystem operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, e.g. "reading /path/to/file".
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The SQLite catalog failed.
    #[error("catalog: {0}")]
    Catalog(#[from] rusqlite::Error),
    /// A catalog migration failed.
    #[error("catalog migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// The tantivy index failed.
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A sidecar `.meta.toml` is invalid.
    #[error("invalid sidecar {path}: {message}")]
    Sidecar {
        /// The sidecar file.
        path: PathBuf,
        /// What is wrong, naming the field.
        message: String,
    },
    /// The library folder does not exist or is not a folder.
    #[error("library folder not found: {0}")]
    LibraryNotFound(PathBuf),
    /// No library folder has been indexed into this data directory yet.
    #[error("no library indexed yet; run `trustshelf index FOLDER` first")]
    NoLibrary,
    /// Another process holds the library's write lock.
    #[error("library in use by another TrustShelf process ({0})")]
    LibraryInUse(PathBuf),
    /// A document id or path does not name a catalogued document.
    #[error("no such document: {0}")]
    DocumentNotFound(String),
    /// A page number is outside the document.
    #[error("page {page} is outside document {document} (1..={pages})")]
    PageOutOfRange {
        /// The document.
        document: String,
        /// The page asked for.
        page: u32,
        /// How many pages the document has.
        pages: u32,
    },
    /// A document's file no longer matches what was indexed.
    #[error("{0} changed on disk since it was indexed; re-index to view it")]
    DocumentChanged(String),
    /// A bookmark id does not exist.
    #[error("no such bookmark: {0}")]
    BookmarkNotFound(i64),
    /// A binder id or name does not exist.
    #[error("no such binder: {0}")]
    BinderNotFound(String),
    /// A binder with this name already exists.
    #[error("a binder named {0:?} already exists")]
    BinderExists(String),
    /// A user-supplied value is invalid (empty name, bad page, …).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Building or reading an evidence package failed.
    #[error("evidence package: {0}")]
    Package(String),
    /// The extraction worker could not be started.
    #[error("extraction worker: {0}")]
    Worker(String),
    /// The disk holding the data directory is full. SQLite and tantivy roll back what they could not
    /// write, so nothing committed is lost.
    #[error("no space left on the disk holding {0}: free some space and try again (the catalog is intact; the next index run resumes where this one stopped)")]
    DiskFull(PathBuf),
    /// The data directory cannot be written.
    #[error("the data directory {0} is read-only: TrustShelf keeps its catalog and index there; make it writable or choose another with --data or TRUSTSHELF_DATA")]
    DataReadOnly(PathBuf),
}

impl Error {
    /// Wraps an I/O error with what was being done.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }

    /// What kind of error this is, for a program (the CLI's JSON, the app's help) to act on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. } => ErrorKind::Io,
            Error::Catalog(_) => ErrorKind::Catalog,
            Error::Migration(_) => ErrorKind::Migration,
            Error::Index(_) => ErrorKind::Index,
            Error::Sidecar { .. } => ErrorKind::Sidecar,
            Error::LibraryNotFound(_) => ErrorKind::LibraryNotFound,
            Error::NoLibrary => ErrorKind::NoLibrary,
            Error::LibraryInUse(_) => ErrorKind::LibraryInUse,
            Error::DocumentNotFound(_) => ErrorKind::DocumentNotFound,
            Error::PageOutOfRange { .. } => ErrorKind::PageOutOfRange,
            Error::DocumentChanged(_) => ErrorKind::DocumentChanged,
            Error::BookmarkNotFound(_) => ErrorKind::BookmarkNotFound,
            Error::BinderNotFound(_) => ErrorKind::BinderNotFound,
            Error::BinderExists(_) => ErrorKind::BinderExists,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Package(_) => ErrorKind::Package,
            Error::Worker(_) => ErrorKind::Worker,
            Error::DiskFull(_) => ErrorKind::DiskFull,
            Error::DataReadOnly(_) => ErrorKind::DataReadOnly,
        }
    }

    /// Names a storage failure of the data directory for what it is: a full disk or a read-only
    /// directory become [`Error::DiskFull`] / [`Error::DataReadOnly`]; other errors pass unchanged.
    /// Decided from SQLite's result code and the operating system's error number, never from the
    /// message text.
    pub fn in_data_dir(self, data_dir: &Path) -> Error {
        use rusqlite::ErrorCode;
        let sqlite = match &self {
            Error::Catalog(e) => sqlite_code(e),
            Error::Migration(rusqlite_migration::Error::RusqliteError { err, .. }) => sqlite_code(err),
            _ => None,
        };
        let io = self.io_error();
        let os = io.and_then(std::io::Error::raw_os_error);
        let io_kind = io.map(std::io::Error::kind);
        let storage = matches!(self, Error::Catalog(_) | Error::Migration(_) | Error::Index(_) | Error::Io { .. });
        let full = sqlite == Some(ErrorCode::DiskFull) || os == Some(libc::ENOSPC) || io_kind == Some(std::io::ErrorKind::StorageFull);
        // tantivy reports some write failures only as text (`InternalError("No space left on
        // device …")`); the filesystem itself says whether the disk is full.
        if full || (storage && nearly_full(data_dir)) {
            return Error::DiskFull(data_dir.to_path_buf());
        }
        let read_only = sqlite == Some(ErrorCode::ReadOnly)
            || matches!(os, Some(libc::EROFS | libc::EACCES | libc::EPERM))
            || matches!(io_kind, Some(std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied));
        if read_only || (storage && !writable(data_dir)) {
            return Error::DataReadOnly(data_dir.to_path_buf());
        }
        self
    }

    /// The operating system's error under this one, where there is one: our own I/O errors and
    /// those tantivy reports (it keeps them in fields, not as error sources).
    fn io_error(&self) -> Option<&std::io::Error> {
        use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
        use tantivy::TantivyError as T;
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Index(T::IoError(e)) => Some(e),
            Error::Index(T::OpenWriteError(OpenWriteError::IoError { io_error, .. })) => Some(io_error),
            Error::Index(T::OpenReadError(OpenReadError::IoError { io_error, .. })) => Some(io_error),
            Error::Index(T::OpenDirectoryError(OpenDirectoryError::IoError { io_error, .. })) => Some(io_error),
            Error::Index(T::LockFailure(LockError::IoError(e), _)) => Some(e),
            _ => None,
        }
    }
}

fn sqlite_code(e: &rusqlite::Error) -> Option<rusqlite::ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

/// Free space below which a failed write to the data directory is taken for a full disk. Indexing
/// the sample library alone writes a 1.3 MB index (34 documents, 550 pages), merges rewrite
/// segments whole, and a real library's are far larger: with less than this free, a write that
/// failed failed for want of space, and the next one would too.
const NEARLY_FULL_BYTES: u64 = 16 * 1024 * 1024;

/// Whether the filesystem holding `dir` has less than [`NEARLY_FULL_BYTES`] free.
fn nearly_full(dir: &Path) -> bool {
    fs2::available_space(dir).is_ok_and(|free| free < NEARLY_FULL_BYTES)
}

/// Whether a file can be created in `dir`.
fn writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    let ok = std::fs::OpenOptions::new().write(true).create_new(true).open(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Error", 2)?;
        st.serialize_field("kind", &self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

/// The kinds of [`Error`], stable across versions: the CLI's JSON and the app's help are keyed on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A filesystem operation failed.
    Io,
    /// The SQLite catalog failed.
    Catalog,
    /// A catalog migration failed.
    Migration,
    /// The tantivy index failed.
    Index,
    /// A sidecar is invalid.
    Sidecar,
    /// The library folder does not exist.
    LibraryNotFound,
    /// No library folder has been indexed yet.
    NoLibrary,
    /// Another process holds the library's write lock.
    LibraryInUse,
    /// No such document.
    DocumentNotFound,
    /// A page outside the document.
    PageOutOfRange,
    /// A document's file changed since it was indexed.
    DocumentChanged,
    /// No such bookmark.
    BookmarkNotFound,
    /// No such binder.
    BinderNotFound,
    /// A binder of that name exists.
    BinderExists,
    /// A user-supplied value is invalid.
    InvalidInput,
    /// An evidence package could not be built or read.
    Package,
    /// The extraction worker could not be started.
    Worker,
    /// The disk holding the data directory is full.
    DiskFull,
    /// The data directory cannot be written.
    DataReadOnly,
}

/// An error as it crosses the IPC boundary: a stable kind the UI can act on, and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct IpcError {
    /// Stable machine-readable kind, see [`Error::kind`].
    pub kind: ErrorKind,
    /// What went wrong, in words.
    pub message: String,
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        IpcError { kind: e.kind(), message: e.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(code: i32) -> Error {
        Error::io("writing", std::io::Error::from_raw_os_error(code))
    }

    #[test]
    fn storage_failures_are_named_by_error_number_not_by_text() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(os(libc::ENOSPC).in_data_dir(dir.path()).kind(), ErrorKind::DiskFull);
        let tantivy_full = Error::Index(tantivy::TantivyError::IoError(std::sync::Arc::new(std::io::Error::from_raw_os_error(libc::ENOSPC))));
        assert_eq!(tantivy_full.in_data_dir(dir.path()).kind(), ErrorKind::DiskFull);
        assert_eq!(os(libc::EROFS).in_data_dir(dir.path()).kind(), ErrorKind::DataReadOnly);
        // A message that merely mentions the error number is not a full disk.
        let text = Error::Package("zip says: os error 28".into());
        assert_eq!(text.in_data_dir(dir.path()).kind(), ErrorKind::Package);
        assert_eq!(os(libc::ENOENT).in_data_dir(dir.path()).kind(), ErrorKind::Io);
    }

    #[test]
    fn kinds_serialise_as_snake_case() {
        assert_eq!(serde_json::to_string(&ErrorKind::DataReadOnly).unwrap(), "\"data_read_only\"");
        let e: IpcError = Error::NoLibrary.into();
        assert_eq!(serde_json::to_value(&e).unwrap()["kind"], "no_library");
    }
}
