//! Reading what users bring: bytes of CSV today (JSON, event logs and host
//! columns grow here), turned into a typed per-customer table.
//!
//! Ingest never panics on user data. Row-level problems skip the row, count
//! it and keep a warning with the line number and value; file-level problems
//! are one [`IngestError`] that says what to do.

mod error;
mod sniff;
mod table;
mod value;

pub use error::IngestError;
pub use sniff::{decode_text, sniff_delimiter, Decoded};
pub use table::{read_customer_table, CustomerTable, TableOptions};
pub use value::{is_null, parse_number};
