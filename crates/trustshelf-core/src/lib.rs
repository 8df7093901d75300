//! TrustShelf core: the offline library engine for trust documents.
#![warn(missing_docs)]

pub mod bookmarks;
pub mod catalog;
pub mod error;
pub mod export;
pub mod extract;
pub mod index;
pub mod jobs;
pub mod ingest;
pub mod library;
pub mod metadata;
pub mod query;
pub mod search;
pub mod text;
pub mod vocab;
pub mod worker;

pub use error::{Error, ExtractError, Result};
pub use library::Library;
pub use worker::WorkerConfig;
