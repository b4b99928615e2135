//! Loading: bytes → a per-customer table or an event log, kept in memory so
//! the same data can be segmented again with other options.

use super::options::{InputKind, Options};
use crate::ingest::csv_parts::Merger;
use crate::ingest::events::{looks_like_events, read_event_log, ColumnInfo, EventLog, Head, LogBuilder};
use crate::ingest::host::HostTable;
use crate::ingest::infer::{infer_column, Inferred};
use crate::ingest::source::decode_and_open;
use crate::ingest::table::{TableBuilder, TableHead};
use crate::ingest::{read_csv_events, read_customer_table, sniff_csv, CsvEventStream, CustomerTable, Fed, IngestError};
use crate::report::MemoryUse;
use crate::Error;

/// Heap bookkeeping per string (pointer, length, capacity on 64-bit), counted
/// the same on every target so the Report is identical natively and in Wasm.
const STRING_OVERHEAD: u64 = 24;

/// The Report's `format` for data handed over as arrays.
const HOST_FORMAT: &str = "host arrays";

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
    /// Size of the input in bytes.
    pub(super) input_bytes: u64,
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
        check_size(bytes.len() as u64, options)?;
        // Delimited text goes straight to the CSV event reader, which decides from its own first
        // rows whether they are events (no separate pass to detect the kind).
        if options.input != InputKind::Table {
            let detect = options.input == InputKind::Auto;
            if let Some(log) = read_csv_events(bytes, &options.event_options(), detect)? {
                return Ok(Segmenter::from_log(log, bytes.len() as u64));
            }
        }
        let kind = match options.input {
            InputKind::Auto => detect_kind(bytes)?,
            k => k,
        };
        if kind == InputKind::Events {
            return Ok(Segmenter::from_log(read_event_log(bytes, &options.event_options())?, bytes.len() as u64));
        }
        let table = read_customer_table(bytes, &options.table_options())?;
        Ok(Segmenter::from_table(table, bytes.len() as u64))
    }

    /// Loads a host page's columns (numbers as numbers, text as text), as the
    /// kind of input `options.input` says (or detects from the first rows).
    pub fn from_host(mut host: HostTable, options: &Options) -> Result<Segmenter, Error> {
        let size = host.bytes();
        check_size(size, options)?;
        let names = host.names.clone();
        let sample = host.sample();
        let types: Vec<Inferred> = names.iter().enumerate().map(|(i, n)| infer_column(&sample, i, n)).collect();
        let events = match options.input {
            InputKind::Auto => looks_like_events(&names, &types, &sample),
            k => k == InputKind::Events,
        };
        let first = sample.len();
        if events {
            let head =
                Head { format: HOST_FORMAT.into(), names, types, sample, warnings: Default::default(), unreadable: 0 };
            let mut b = LogBuilder::new(head, &options.event_options(), size)?;
            b.text_columns().into_iter().for_each(|c| host.to_text(c));
            (first..host.rows()).for_each(|i| b.add(i as u64 + 1, &host.row(i)));
            return Ok(Segmenter::from_log(b.finish()?, size));
        }
        let head = TableHead { format: HOST_FORMAT.into(), names, sample, warnings: Default::default(), unreadable: 0 };
        let mut b = TableBuilder::new(head, &options.table_options())?;
        if let Some(c) = b.id_column() {
            host.to_text(c);
        }
        (first..host.rows()).for_each(|i| b.add(i as u64 + 1, &host.row(i)));
        Ok(Segmenter::from_table(b.finish()?, size))
    }

    /// The data of a CSV event log read in parts by parallel workers
    /// ([`crate::ingest::csv_parts`]), `input_bytes` long in all. `Ok(None)`
    /// when a split fell inside a quoted field: read the file in one pass.
    pub fn from_parts(parts: Merger, input_bytes: u64, options: &Options) -> Result<Option<Segmenter>, Error> {
        check_size(input_bytes, options)?;
        Ok(parts.finish()?.map(|log| Segmenter::from_log(log, input_bytes)))
    }

    fn from_table(table: CustomerTable, input_bytes: u64) -> Segmenter {
        let columns = table_columns(&table);
        let format = table.format.clone();
        Segmenter { data: Data::Table(table), columns, format, input_bytes }
    }

    fn from_log(log: EventLog, input_bytes: u64) -> Segmenter {
        let (columns, format) = (log.columns.clone(), log.format.clone());
        Segmenter { data: Data::Events(log), columns, format, input_bytes }
    }

    /// What the loaded data takes (see [`MemoryUse`]).
    pub fn memory(&self) -> MemoryUse {
        let strings = |v: &[String]| v.iter().map(|s| s.len() as u64 + STRING_OVERHEAD).sum::<u64>();
        let data_bytes = match &self.data {
            Data::Events(l) => {
                4 * (l.customer.len() + l.event.len() + l.order.len() + l.variant.len()) as u64
                    + 8 * (l.time.len() + l.revenue.len()) as u64
                    + strings(&l.ids)
                    + strings(&l.event_names)
                    + strings(&l.variant_names)
            }
            Data::Table(t) => 8 * t.values.len() as u64 + strings(&t.ids),
        };
        MemoryUse { input_bytes: self.input_bytes, data_bytes }
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

fn check_size(bytes: u64, options: &Options) -> Result<(), IngestError> {
    let size_mb = bytes.div_ceil(1 << 20);
    if size_mb > options.max_mb {
        return Err(IngestError::TooLarge { size_mb, limit_mb: options.max_mb });
    }
    Ok(())
}

/// Bytes collected before the format is decided: enough for the 50 lines the
/// delimiter sniffer reads and the 8 KiB the binary check reads.
const HEAD_BYTES: usize = 64 << 10;

enum Stage {
    /// The first bytes, until the format can be decided.
    Head(Vec<u8>),
    /// A CSV event log parsed chunk by chunk; `raw` keeps the bytes while
    /// the first rows may still turn out to be a per-customer table.
    Stream { csv: Box<CsvEventStream>, raw: Option<Vec<u8>> },
    /// Everything else is read whole at the end (JSON, UTF-16, tables).
    Whole(Vec<u8>),
}

/// Loads an input pushed in chunks (the browser's `File.stream()`): a UTF-8
/// CSV event log is parsed as it arrives and its text is never held, so
/// memory is the columns (about 25 bytes per row), not the file; other
/// inputs are collected and read whole by [`Segmenter::load`].
///
/// ```
/// use seglens::{Loader, Options};
/// let mut l = Loader::new(Options::default(), None).unwrap();
/// l.push(b"customer,date,amount\na,2024-01-01,10\nb,2024-0").unwrap();
/// l.push(b"1-02,5\na,2024-01-05,20\n").unwrap();
/// assert_eq!(l.finish().unwrap().customers(), 2);
/// ```
pub struct Loader {
    options: Options,
    size: Option<u64>,
    received: u64,
    stage: Stage,
}

impl Loader {
    /// `size`: the input's total size when known (refused at once when over
    /// `options.max_mb`, and used to size the columns).
    pub fn new(options: Options, size: Option<u64>) -> Result<Loader, Error> {
        if let Some(size) = size {
            check_size(size, &options)?;
        }
        Ok(Loader { options, size, received: 0, stage: Stage::Head(Vec::new()) })
    }

    /// Rows parsed so far (0 until a streamed CSV's first rows are in, and
    /// for inputs read whole at the end).
    pub fn rows(&self) -> u64 {
        match &self.stage {
            Stage::Stream { csv, .. } => csv.rows(),
            _ => 0,
        }
    }

    /// Takes the next chunk of the input.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.received += chunk.len() as u64;
        check_size(self.received, &self.options)?;
        match &mut self.stage {
            Stage::Head(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= HEAD_BYTES {
                    self.start_stream()?;
                }
            }
            Stage::Stream { csv, raw } => {
                if let Some(raw) = raw {
                    raw.extend_from_slice(chunk);
                }
                let fed = csv.push(chunk)?;
                self.after(fed);
            }
            Stage::Whole(all) => all.extend_from_slice(chunk),
        }
        Ok(())
    }

    /// Ends the input and returns the loaded data.
    pub fn finish(mut self) -> Result<Segmenter, Error> {
        if let Stage::Head(_) = self.stage {
            self.start_stream()?;
        }
        match self.stage {
            Stage::Stream { csv, raw } => match csv.finish()? {
                Some(log) => Ok(Segmenter::from_log(log, self.received)),
                None => Segmenter::load(&raw.unwrap_or_default(), &self.options),
            },
            Stage::Whole(all) | Stage::Head(all) => Segmenter::load(&all, &self.options),
        }
    }

    /// Decides the format from the head: a UTF-8 CSV streams from here on.
    fn start_stream(&mut self) -> Result<(), Error> {
        let Stage::Head(head) = std::mem::replace(&mut self.stage, Stage::Whole(Vec::new())) else { return Ok(()) };
        let start = match self.options.input {
            InputKind::Table => None,
            _ => sniff_csv(&head)?,
        };
        let Some(start) = start else {
            self.stage = Stage::Whole(head);
            return Ok(());
        };
        let detect = self.options.input == InputKind::Auto;
        let size = self.size.unwrap_or(0);
        let mut csv = Box::new(CsvEventStream::new(start.delimiter, self.options.event_options(), size, detect));
        let fed = csv.push(head.get(start.bom..).unwrap_or_default())?;
        self.stage = Stage::Stream { csv, raw: detect.then_some(head) };
        self.after(fed);
        Ok(())
    }

    /// Stops keeping raw bytes once the rows are known to be events; falls
    /// back to reading whole when they are a table.
    fn after(&mut self, fed: Fed) {
        let Stage::Stream { csv, raw } = &mut self.stage else { return };
        match fed {
            Fed::NotEvents => self.stage = Stage::Whole(raw.take().unwrap_or_default()),
            _ if !csv.sampling() => *raw = None,
            _ => {}
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
