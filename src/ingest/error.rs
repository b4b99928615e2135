use thiserror::Error;

/// Why an input could not be used at all. Row-level problems are warnings,
/// not errors; these are for files no row of which can be used.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum IngestError {
    #[error("the file is empty: choose a CSV file with a header row and one row per customer")]
    Empty,
    #[error("the file has a header but no data rows: add at least one row per customer")]
    HeaderOnly,
    #[error("this looks like a binary file, not text (byte 0x{byte:02x} at offset {offset}): export the data as CSV")]
    Binary { offset: usize, byte: u8 },
    #[error("the file is {size_mb} MB, more than this tab can segment safely ({limit_mb} MB): segment a sample, or use the seglens CLI, which can be given a larger limit (--max-mb)")]
    TooLarge { size_mb: u64, limit_mb: u64 },
    #[error("this looks like {what}, not a data export: export the data as CSV, TSV, JSON or JSON Lines")]
    WrongFormat { what: &'static str },
    #[error("no numeric columns to segment on (columns: {columns}): the table needs at least one column of numbers per customer")]
    NoNumericColumns { columns: String },
    #[error("no usable rows: all {skipped} data rows were skipped (first problem: {first})")]
    NoUsableRows { skipped: u64, first: String },
    #[error("column \"{name}\" not found; available columns: {available}")]
    UnknownColumn { name: String, available: String },
    #[error("column \"{name}\" is not numeric (line {line}: \"{value}\"); choose numeric columns for features")]
    NotNumeric { name: String, line: u64, value: String },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json { line: u64, column: u64, message: String },
    #[error("no {role} column found (columns: {columns}); name it with {flag}")]
    MissingRole { role: &'static str, flag: &'static str, columns: String },
    #[error("host data: {message}; pass rows (an array of objects) or columns (an object of equally long arrays)")]
    Host { message: String },
    #[error("column \"{name}\" cannot be read as timestamps (line {line}: \"{value}\"); use ISO dates like 2024-03-01, or choose another --time-column")]
    NotTime { name: String, line: u64, value: String },
}

impl IngestError {
    /// Stable machine-readable code (see `crate::Error::code`).
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::Empty | IngestError::HeaderOnly => "empty_input",
            IngestError::Binary { .. } => "binary_input",
            IngestError::WrongFormat { .. } => "wrong_format",
            IngestError::TooLarge { .. } => "too_large",
            IngestError::NoNumericColumns { .. } | IngestError::NotNumeric { .. } => "no_numeric_columns",
            IngestError::NoUsableRows { .. } => "no_usable_rows",
            IngestError::UnknownColumn { .. } => "unknown_column",
            IngestError::Csv { .. } => "malformed_csv",
            IngestError::Json { .. } => "malformed_json",
            IngestError::MissingRole { .. } => "missing_column",
            IngestError::NotTime { .. } => "bad_timestamps",
            IngestError::Host { .. } => "bad_input",
        }
    }

    pub fn line(&self) -> Option<u64> {
        match self {
            IngestError::Csv { line, .. }
            | IngestError::Json { line, .. }
            | IngestError::NotNumeric { line, .. }
            | IngestError::NotTime { line, .. } => Some(*line),
            _ => None,
        }
    }

    pub fn column(&self) -> Option<&str> {
        match self {
            IngestError::UnknownColumn { name, .. } | IngestError::NotNumeric { name, .. } => Some(name),
            _ => None,
        }
    }
}
