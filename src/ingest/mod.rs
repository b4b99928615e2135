//! Reading what users bring: CSV/TSV, JSON and JSON Lines, as a per-customer
//! table or an event log, with types and roles inferred.
//!
//! Ingest never panics on user data. Row-level problems skip the row, count
//! it and keep a warning with the line number and value; file-level problems
//! are one [`IngestError`] that says what to do.

mod byte_marks;
pub mod csv_parts;
mod csv_stream;
mod error;
pub mod host;
pub mod infer;
pub mod packed;
mod sniff;
pub mod source;
pub(crate) mod table;
pub mod time;
mod value;

pub use csv_stream::{read_csv_events, CsvEventStream, Fed};
pub use error::IngestError;
pub use sniff::{decode_text, sniff_csv, sniff_delimiter, CsvStart, Decoded};
pub use table::{read_customer_table, CustomerTable, TableOptions};
pub use value::{is_non_finite_number, is_null, parse_number};
pub mod events;
pub mod roles;
