//! The one error type every public function returns.
//!
//! Each module owns a small error enum that knows its own context (line,
//! column, value); [`Error`] wraps them so callers match on one type and the
//! wasm layer turns any of them into a JS `Error` with a readable message and
//! a stable `code`.

use thiserror::Error as ThisError;

use crate::cluster::kmeans::KMeansError;
use crate::ingest::IngestError;
use crate::pipeline::OptionsError;

/// Everything that can go wrong in seglens, grouped by pipeline stage.
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be read as a table of customers.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The options do not make sense (unknown feature, bad k, ...).
    #[error(transparent)]
    Options(#[from] OptionsError),
    /// k-means parameters were invalid for this data.
    #[error(transparent)]
    KMeans(#[from] KMeansError),
    /// DBSCAN parameters were invalid.
    #[error(transparent)]
    Dbscan(#[from] crate::cluster::dbscan::DbscanError),
    /// Rule text could not be parsed.
    #[error(transparent)]
    Rules(#[from] crate::rules::RuleError),
    /// A saved model could not be used.
    #[error(transparent)]
    Model(#[from] crate::model::ModelError),
    /// Writing an output (labels CSV, Report JSON) failed.
    #[error("could not write output: {0}")]
    Output(String),
}

impl Error {
    /// A short machine-readable code, stable across releases, for JS callers
    /// (`SeglensError.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Ingest(e) => e.code(),
            Error::Options(_) => "bad_options",
            Error::KMeans(_) => "bad_params",
            Error::Model(_) => "bad_model",
            Error::Rules(_) => "bad_rules",
            Error::Dbscan(_) => "bad_params",
            Error::Output(_) => "output",
        }
    }

    /// 1-based line of the input the error is about, when there is one.
    pub fn line(&self) -> Option<u64> {
        match self {
            Error::Ingest(e) => e.line(),
            Error::Rules(e) => Some(e.line),
            _ => None,
        }
    }

    /// Column name the error is about, when there is one.
    pub fn column(&self) -> Option<&str> {
        match self {
            Error::Ingest(e) => e.column(),
            _ => None,
        }
    }
}

/// Shorthand used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
