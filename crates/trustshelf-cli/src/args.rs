//! The command line as clap reads it: every command, its arguments and their help. `main.rs` runs
//! them, one function per command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use trustshelf_core::Sort;

#[derive(Parser)]
#[command(name = "trustshelf", version, about = "An offline library of trust documents: index, search, bookmark, export evidence.")]
pub struct Cli {
    /// Data directory (catalog, index, bookmarks). Default: the platform's user data directory.
    #[arg(long, global = true, env = "TRUSTSHELF_DATA")]
    pub data: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Index a library folder (or the one indexed last): only new and changed files are extracted.
    Index(IndexArgs),
    /// Search every page.
    Search(SearchArgs),
    /// List the documents of the library.
    Documents {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a document's metadata, or one page's text.
    Show {
        /// Document id or path.
        document: String,
        /// Page number.
        #[arg(long)]
        page: Option<u32>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What an audit document says — kind, provider, auditor, period, opinion, exceptions,
    /// complementary user entity controls, subservice organisations — each with its page and quote.
    Facts {
        /// Document id or path.
        document: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Facet counts for the whole library.
    Facets {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Counts, and every file that failed with its reason.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Bookmarks: evidence on a page.
    #[command(subcommand)]
    Bookmark(BookmarkCommand),
    /// Binders: named sets of bookmarks, exported as evidence packages.
    #[command(subcommand)]
    Binder(BinderCommand),
    /// Back up the catalog (bookmarks, binders, metadata, extracted text) to a new file.
    Backup {
        /// The backup file to write.
        file: PathBuf,
    },
    /// Replace the catalog with a backup and rebuild the search index from it.
    Restore {
        /// A file written by `backup`.
        file: PathBuf,
    },
    /// Verify an evidence package, or (without one) the library's files against the catalog.
    Verify {
        /// The package (.zip).
        package: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct IndexArgs {
    /// The library folder.
    pub folder: Option<PathBuf>,
    /// Per-file extraction time limit in seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", OR, NOT/-, prefix*, category: region: standard: title: date:
    pub query: String,
    /// Only this category (repeatable).
    #[arg(long)]
    pub category: Vec<String>,
    /// Only this region (repeatable).
    #[arg(long)]
    pub region: Vec<String>,
    /// Only this standard (repeatable).
    #[arg(long)]
    pub standard: Vec<String>,
    /// Documents to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Documents to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Best pages per document (at most 1,000).
    #[arg(long, default_value_t = 3)]
    pub pages: usize,
    /// Order of documents.
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,
    /// Print JSON (format in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum BookmarkCommand {
    /// Bookmark a page (optionally a quoted passage) of a document.
    Add {
        /// Document id or path.
        document: String,
        /// Page number.
        #[arg(long)]
        page: u32,
        /// The quoted passage.
        #[arg(long)]
        quote: Option<String>,
        /// A note.
        #[arg(long, default_value = "")]
        note: String,
        /// A tag (repeatable).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// A binder id or name to put it in (repeatable).
        #[arg(long = "binder")]
        binders: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List bookmarks, all or one binder's.
    List {
        /// Binder id or name.
        #[arg(long)]
        binder: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a bookmark's note or tags.
    Edit {
        /// Bookmark id.
        id: i64,
        /// New note.
        #[arg(long)]
        note: Option<String>,
        /// New tags (repeatable; replaces all).
        #[arg(long = "tag")]
        tags: Option<Vec<String>>,
    },
    /// Delete a bookmark.
    Remove {
        /// Bookmark id.
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum BinderCommand {
    /// Create a binder.
    Create {
        /// Name.
        name: String,
        /// Description.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List binders.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put a bookmark into a binder.
    Add {
        /// Binder id or name.
        binder: String,
        /// Bookmark id.
        bookmark: i64,
    },
    /// Delete a binder (its bookmarks stay).
    Delete {
        /// Binder id or name.
        binder: String,
    },
    /// Export a binder as an evidence package (zip with index.html, page texts and a SHA-256 manifest).
    Export {
        /// Binder id or name.
        binder: String,
        /// Output .zip.
        output: PathBuf,
        /// Include the original files.
        #[arg(long)]
        originals: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
