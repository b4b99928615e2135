//! Loading: bytes → a per-customer table or an event log, kept in memory so
//! the same data can be segmented again with other options.

use super::options::{InputKind, Options};
use crate::ingest::events::{looks_like_events, read_event_log, ColumnInfo, EventLog};
use crate::ingest::infer::{infer_column, Inferred};
use crate::ingest::source::decode_and_open;
use crate::ingest::{read_customer_table, CustomerTable, IngestError, TableOptions};
use crate::Error;

/// What was loaded.
#[derive(Debug, Clone)]
pub enum Data {
    /// One row per customer.
    Table(CustomerTable),
    /// One row per event or order.
    Events(EventLog),
}

/// Holds ingested data so it can be segmented again with other options
/// without re-parsing.
#[derive(Debug, Clone)]
pub struct Segmenter {
    pub(super) data: Data,
    /// The columns as seglens understood them (types and roles).
    pub(super) columns: Vec<ColumnInfo>,
    pub(super) format: String,
}

/// Decides whether `bytes` hold an event log or a per-customer table.
fn detect_kind(bytes: &[u8]) -> Result<InputKind, IngestError> {
    let mut hold = None;
    let src = decode_and_open(bytes, &mut hold)?;
    let types: Vec<Inferred> = src.names.iter().enumerate().map(|(i, n)| infer_column(&src.sample, i, n)).collect();
    Ok(if looks_like_events(&src.names, &types, &src.sample) { InputKind::Events } else { InputKind::Table })
}

impl Segmenter {
    /// Parses `bytes` (CSV/TSV/JSON/JSONL) as the kind of input `options.input` says (or detects).
    /// Load-time options are `input`, the `*Column` options and `dateFormat`.
    pub fn load(bytes: &[u8], options: &Options) -> Result<Segmenter, Error> {
        let size_mb = (bytes.len() as u64).div_ceil(1 << 20);
        if size_mb > options.max_mb {
            return Err(IngestError::TooLarge { size_mb, limit_mb: options.max_mb }.into());
        }
        let kind = match options.input {
            InputKind::Auto => detect_kind(bytes)?,
            k => k,
        };
        if kind == InputKind::Events {
            let log = read_event_log(bytes, &options.event_options())?;
            let (columns, format) = (log.columns.clone(), log.format.clone());
            return Ok(Segmenter { data: Data::Events(log), columns, format });
        }
        let table_opts = TableOptions { id_column: options.id_column.clone(), features: None };
        let table = read_customer_table(bytes, &table_opts)?;
        let columns = table_columns(&table);
        let format = table.format.clone();
        Ok(Segmenter { data: Data::Table(table), columns, format })
    }

    pub fn data(&self) -> &Data {
        &self.data
    }

    /// `"events"` or `"table"`.
    pub fn input_kind(&self) -> &'static str {
        match self.data {
            Data::Table(_) => "table",
            Data::Events(_) => "events",
        }
    }

    /// Columns with inferred types and detected roles.
    pub fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    /// Number of distinct customers in the input.
    pub fn customers(&self) -> usize {
        match &self.data {
            Data::Table(t) => t.ids.len(),
            Data::Events(l) => l.ids.len(),
        }
    }
}

fn table_columns(t: &CustomerTable) -> Vec<ColumnInfo> {
    let features: std::collections::HashSet<&String> = t.feature_names.iter().collect();
    t.column_types
        .iter()
        .map(|(name, kind)| {
            let role = if t.id_column.as_ref() == Some(name) {
                Some("id".to_string())
            } else if features.contains(name) {
                Some("feature".to_string())
            } else {
                None
            };
            ColumnInfo { name: name.clone(), kind: *kind, role, format: None }
        })
        .collect()
}
