//! TrustShelf core: the offline library engine for trust documents.
#![warn(missing_docs)]

pub mod catalog;
pub mod error;
pub mod extract;
pub mod index;
pub mod metadata;
pub mod text;
pub mod vocab;
pub mod worker;

pub use error::{Error, ExtractError, Result};
