//! TrustShelf core: the offline library engine for trust documents.
#![warn(missing_docs)]

pub mod error;
pub mod extract;
pub mod text;
pub mod vocab;

pub use error::{Error, ExtractError, Result};
