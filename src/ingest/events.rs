//! An event log (or order history) in columnar form: one entry per usable
//! row, customer ids interned in order of first appearance, UTC seconds,
//! dictionary-encoded event names, f64 revenue. Memory is proportional to
//! rows × used columns; unused columns are never stored.

use serde::{Deserialize, Serialize};

use super::csv_stream::read_csv_events;
use super::infer::{infer_column, ColumnType, Inferred};
use super::roles::{detect_roles, RoleOptions, Roles};
use super::source::{decode_and_open, Row};
use super::table::{clip, number_problem};
use super::time::{epoch_unit, guess_text_format, DayCache, TimeFormat};
use super::value::present;
use super::{is_null, parse_number, IngestError};
use crate::report::{Warning, Warnings};

/// How to read an event log. Every field defaults to "detect".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventOptions {
    #[serde(flatten)]
    pub roles: RoleOptions,
    /// `dmy` or `mdy` for slash dates whose order the data cannot settle.
    pub date_format: Option<String>,
}

/// What seglens decided about one input column, for the mapping UI and the Report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// `id`, `time`, `event`, `revenue`, `quantity`, `order_id`, or null.
    pub role: Option<String>,
    /// How timestamps in this column were read.
    pub format: Option<String>,
}

/// Interns strings to dense u32 codes in order of first appearance.
///
/// The parser's hottest lookup (every row interns an id and an event name),
/// so keys are 128-bit numbers held in the table itself: a string of up to 15
/// bytes is its own key (its bytes and length), found without reading the
/// stored string; a longer one is keyed by two 64-bit hashes and checked
/// against the stored string. Ids and event names are short in most logs.
#[derive(Debug, Clone)]
pub struct Interner {
    pub values: Vec<String>,
    index: rustc_hash::FxHashMap<u128, u32>,
    /// Codes of long strings whose key another string already had (a 127-bit
    /// hash collision: kept correct, never expected in practice).
    collided: Vec<u32>,
    /// Keys looked up lately and their codes, in slots picked by the key ([`recent_slot`]): logs
    /// exported per customer (order histories, sessions) repeat the previous row's id, and the
    /// few event names of a log come back row after row; a repeat then costs one comparison
    /// instead of a table lookup. One slot (the last key) served the ids as well, but event
    /// names alternate: 200k events, native instructions 222.7M against 230.6M.
    /// A slot never filled holds [`NO_KEY`].
    recent: [(u128, u32); RECENT],
}

impl Default for Interner {
    fn default() -> Interner {
        Interner { values: Vec::new(), index: Default::default(), collided: Vec::new(), recent: [(NO_KEY, 0); RECENT] }
    }
}

/// The key of no string held whole (their top bit is clear). A long string may hash to it; its
/// code is then checked against its text, as any long string's is.
const NO_KEY: u128 = u128::MAX;

/// Slots of [`Interner::recent`].
const RECENT: usize = 16;

/// The slot of [`Interner::recent`] for `key`: its two halves mixed, the top bits.
#[inline]
fn recent_slot(key: u128) -> usize {
    ((((key >> 64) as u64) ^ (key as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - RECENT.trailing_zeros()))
        as usize
}

/// An [`Interner`]'s lookup table without its strings (those become a log's `ids`): a merge takes
/// over the first part's ids with it instead of interning them all again.
#[derive(Debug, Clone, Default)]
pub struct InternIndex {
    index: rustc_hash::FxHashMap<u128, u32>,
    collided: Vec<u32>,
}

/// Byte 15 (the top byte) holds the length, below 16, of a string held whole;
/// a hashed key has its top bit set, so the two kinds never meet.
fn intern_key(s: &[u8]) -> u128 {
    if let Some(key) = short_intern_key(s) {
        return key;
    }
    use std::hash::Hasher;
    let mut h1 = rustc_hash::FxHasher::default();
    h1.write(s);
    let mut h2 = rustc_hash::FxHasher::with_seed(0x9E37_79B9);
    h2.write(s);
    (u128::from(h1.finish() | 1 << 63) << 64) | u128::from(h2.finish())
}

/// [`intern_key`] of a string shorter than 16 bytes (its bytes and length), None for a longer one.
#[inline]
fn short_intern_key(s: &[u8]) -> Option<u128> {
    let (lo, hi) = short_key(s)?;
    Some((u128::from(hi | (s.len() as u64) << 56) << 64) | u128::from(lo))
}

/// The bytes of a string shorter than 16 bytes as two little-endian words (bytes 0–7, then 8 on,
/// zero-padded), None for a longer one. Read with overlapping word loads rather than copied
/// into a zeroed buffer: the copy's byte stores followed by word loads stall on store
/// forwarding, and this runs twice per row of every log (a fifth of the parse's time before).
#[inline]
fn short_key(s: &[u8]) -> Option<(u64, u64)> {
    let n = s.len();
    let word = |at: usize| s.get(at..at + 8).and_then(|b| b.try_into().ok()).map_or(0, u64::from_le_bytes);
    let half = |at: usize| s.get(at..at + 4).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes);
    let byte = |at: usize| u64::from(s.get(at).copied().unwrap_or(0));
    Some(match n {
        0 => (0, 0),
        // Bytes 0, n/2 and n−1 cover every byte of a 1–3 byte string; overlaps OR the same byte
        // into the same place.
        1..=3 => (byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1)), 0),
        4..=7 => (u64::from(half(0)) | u64::from(half(n - 4)) << (8 * (n - 4)), 0),
        8 => (word(0), 0),
        // The last word holds bytes n−8..n; shifting out the 16−n already in `lo` leaves 8..n.
        9..=15 => (word(0), word(n - 8) >> (8 * (16 - n))),
        _ => return None,
    })
}

impl Interner {
    /// Not inlined: called for every row's event name (and order id, variant) by each row reader.
    #[inline(never)]
    pub fn code(&mut self, s: &str) -> u32 {
        self.code_keyed(s, intern_key(s.as_bytes()))
    }

    /// [`Interner::code`] with a short string looked up lately (a log's few event names, row
    /// after row) answered inline from [`Interner::recent`], with no call; any other string goes
    /// to `code`. For the event column: two calls a row cost 36 of the 84 instructions a row's
    /// event name took natively.
    #[inline]
    pub fn code_recent(&mut self, s: &str) -> u32 {
        let Some(key) = short_intern_key(s.as_bytes()) else { return self.code(s) };
        match self.recent.get(recent_slot(key)) {
            Some(&(k, c)) if k == key => c,
            _ => self.code_keyed(s, key),
        }
    }

    fn code_keyed(&mut self, s: &str, key: u128) -> u32 {
        // A short key is the string itself; a long one is checked as a table hit is.
        self.remembered(key, (s.len() >= 16).then_some(s), |i| i.look_up(s, key))
    }

    /// The code of `key` when it is a key looked up lately (and, for a `long` string, the code's
    /// text is that string), else `look`'s, remembered for the next row.
    #[inline]
    fn remembered(&mut self, key: u128, long: Option<&str>, look: impl FnOnce(&mut Self) -> u32) -> u32 {
        let slot = recent_slot(key);
        if let Some(&(k, c)) = self.recent.get(slot) {
            if k == key && long.is_none_or(|s| self.is(c, s)) {
                return c;
            }
        }
        let c = look(self);
        if let Some(r) = self.recent.get_mut(slot) {
            *r = (key, c);
        }
        c
    }

    /// Whether code `c` stands for `s`.
    fn is(&self, c: u32, s: &str) -> bool {
        self.values.get(c as usize).is_some_and(|v| v == s)
    }

    /// [`Interner::code_keyed`] through the table.
    fn look_up(&mut self, s: &str, key: u128) -> u32 {
        let found = self.index.get(&key).copied();
        match found {
            // A short key is the string itself.
            Some(c) if s.len() < 16 || self.is(c, s) => c,
            Some(_) => match self.collided.iter().copied().find(|&c| self.is(c, s)) {
                Some(c) => c,
                None => {
                    let c = self.push(s);
                    self.collided.push(c);
                    c
                }
            },
            None => {
                let c = self.push(s);
                self.index.insert(key, c);
                c
            }
        }
    }

    /// The code of the short string (under 16 bytes) whose key is `key`: the key holds the string
    /// itself, so nothing else is needed to find it or, the first time, to store it.
    fn code_short(&mut self, key: u128) -> u32 {
        self.remembered(key, None, |i| i.short_look_up(key))
    }

    /// [`Interner::code_short`] through the table.
    fn short_look_up(&mut self, key: u128) -> u32 {
        if let Some(&c) = self.index.get(&key) {
            return c;
        }
        let bytes = key.to_le_bytes();
        let text = bytes.get(..usize::from(bytes[15]).min(15)).unwrap_or_default();
        // The bytes were a `&str`'s, so they are UTF-8.
        let c = self.push(std::str::from_utf8(text).unwrap_or_default());
        self.index.insert(key, c);
        c
    }

    /// The strings, and the lookup table without them.
    pub fn split(self) -> (Vec<String>, InternIndex) {
        (self.values, InternIndex { index: self.index, collided: self.collided })
    }

    /// The interner [`Interner::split`] took apart, from its strings and its table; the strings
    /// back when the table was not built for them (a different count), so nothing is mislooked.
    pub fn join(values: Vec<String>, table: InternIndex) -> Result<Interner, Vec<String>> {
        let InternIndex { index, collided } = table;
        if index.len() + collided.len() == values.len() {
            Ok(Interner { values, index, collided, recent: [(NO_KEY, 0); RECENT] })
        } else {
            Err(values)
        }
    }

    fn push(&mut self, s: &str) -> u32 {
        let c = self.values.len() as u32;
        self.values.push(s.to_string());
        c
    }
}

/// The parsed log.
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// Customer ids, in order of first appearance.
    pub ids: Vec<String>,
    pub customer: Vec<u32>,
    /// UTC seconds since the epoch.
    pub time: Vec<i64>,
    /// Event name codes into `event_names`; empty when there is no event column.
    pub event: Vec<u32>,
    pub event_names: Vec<String>,
    /// Revenue per row (0 when the cell is empty); empty when there is no revenue column.
    pub revenue: Vec<f64>,
    /// Order id codes; empty when there is no order id column.
    pub order: Vec<u32>,
    /// Experiment variant codes into `variant_names`; empty when there is no variant column.
    pub variant: Vec<u32>,
    pub variant_names: Vec<String>,
    /// Name of the variant column, when there is one.
    pub variant_column: Option<String>,
    pub rows_read: u64,
    pub rows_skipped: u64,
    pub columns: Vec<ColumnInfo>,
    pub preset: Option<String>,
    pub format: String,
    pub warnings: Warnings,
}

impl EventLog {
    pub fn len(&self) -> usize {
        self.customer.len()
    }
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }
}

/// True when the input looks like an event log (a timestamp column and ids
/// that repeat) rather than one row per customer.
pub fn looks_like_events(names: &[String], types: &[Inferred], sample: &[Row]) -> bool {
    let Ok(roles) = detect_roles(names, types, &RoleOptions::default()) else { return false };
    let (Some(id), Some(t)) = (roles.id, roles.time) else { return false };
    if types.get(t).map(|x| x.kind) != Some(ColumnType::Timestamp) {
        return false;
    }
    let ids: Vec<&str> = sample.iter().filter_map(|r| r.fields.get(id)).collect();
    roles.preset.is_some() || roles.event.is_some() || crate::sorting::distinct_count(&ids) < ids.len()
}

/// Reads an event log or order history.
///
/// UTF-8 CSV goes through the chunked reader ([`super::csv_stream`]) the
/// browser feeds from `File.stream()`, so both paths give identical logs;
/// JSON, JSON Lines and UTF-16 are decoded whole.
///
/// ```
/// use seglens::ingest::events::{read_event_log, EventOptions};
/// let csv = b"customer,date,amount\na,2024-01-01,10\nb,2024-01-02,5\na,2024-01-05,20\n";
/// let log = read_event_log(csv, &EventOptions::default()).unwrap();
/// assert_eq!(log.ids, ["a", "b"]);
/// assert_eq!(log.customer, [0, 1, 0]);
/// assert_eq!(log.revenue, [10.0, 5.0, 20.0]);
/// ```
pub fn read_event_log(bytes: &[u8], opts: &EventOptions) -> Result<EventLog, IngestError> {
    // Without detection, `None` only means "not delimited text".
    if let Some(log) = read_csv_events(bytes, opts, false)? {
        return Ok(log);
    }
    let mut hold = None;
    let mut src = decode_and_open(bytes, &mut hold)?;
    let names = std::mem::take(&mut src.names);
    let sample = std::mem::take(&mut src.sample);
    let warnings = std::mem::take(&mut src.warnings);
    let types: Vec<Inferred> = names.iter().enumerate().map(|(i, n)| infer_column(&sample, i, n)).collect();
    let head = Head { format: src.format.name(), names, types, sample, warnings, unreadable: src.unreadable };
    let mut b = LogBuilder::new(head, opts, bytes.len() as u64)?;
    for rec in src.rest() {
        match rec {
            Ok(row) => b.add(row.line, &row.fields),
            Err(w) => b.unreadable(w),
        }
    }
    b.finish()
}

/// What is known once the first rows are read: enough to infer types and roles.
pub(crate) struct Head {
    pub format: String,
    pub names: Vec<String>,
    pub types: Vec<Inferred>,
    /// The first rows (header excluded); they are added to the log first.
    pub sample: Vec<Row>,
    pub warnings: Warnings,
    pub unreadable: u64,
}

/// A row's cells, however the reader holds them.
pub(crate) trait Cells {
    fn count(&self) -> usize;
    /// The cell as text (`None` past the end, or for a cell held as a number).
    fn get(&self, i: usize) -> Option<&str>;
    /// The cell when the source holds it as a number (host typed arrays; NaN
    /// is missing); `None` when it is text.
    fn value(&self, _i: usize) -> Option<f64> {
        None
    }
}

impl Cells for csv::StringRecord {
    fn count(&self) -> usize {
        csv::StringRecord::len(self)
    }
    fn get(&self, i: usize) -> Option<&str> {
        csv::StringRecord::get(self, i)
    }
}

/// One cell of a row as the timestamp and revenue readers take it: read from the row in the
/// generic [`LogBuilder::add_at`], where the row type's `get` and `value` are known (and inlined),
/// and handed to readers that are not generic, so the row types share one copy of them. Before,
/// the readers took the row as `&dyn Cells`: four calls through its table per row.
#[derive(Clone, Copy)]
enum Cell<'a> {
    /// A number held as a number (host typed arrays; NaN is missing).
    Number(f64),
    /// Text, trimmed, that is not a null token.
    Text(&'a str),
    /// No such column, an empty cell or a null token.
    Missing,
}

impl<'a> Cell<'a> {
    #[inline]
    fn of<C: Cells>(f: &'a C, i: Option<usize>) -> Cell<'a> {
        let Some(i) = i else { return Cell::Missing };
        match f.value(i) {
            Some(v) => Cell::Number(v),
            None => f.get(i).and_then(present).map_or(Cell::Missing, Cell::Text),
        }
    }
}

/// Builds an [`EventLog`] row by row: owns everything it needs, so a reader
/// fed in chunks can keep it between chunks.
pub(crate) struct LogBuilder {
    roles: Roles,
    width: usize,
    names: Vec<String>,
    time_format: TimeFormat,
    /// The last ISO date read (most rows repeat it).
    days: DayCache,
    ids: Interner,
    /// Keys of the ids of the latest rows, not yet looked up (their rows' `customer` codes are
    /// placeholders until [`LogBuilder::flush_ids`]).
    pending: Vec<u128>,
    /// The text of the pending ids of 16 bytes or more (their keys are hashes), one after
    /// another, and where each ends.
    pending_text: String,
    long_ends: Vec<usize>,
    events: Interner,
    orders: Interner,
    variants: Interner,
    log: EventLog,
}

/// Ids looked up per batch. With a customer per table slot, each lookup of a large log misses the
/// cache (and a long id's check against its stored text, again); a loop of lookups alone lets the
/// processor wait on several misses at once, where the lookup inside each row's parsing waited on
/// one at a time (a quarter of the parse's time).
const ID_BATCH: usize = 256;

impl LogBuilder {
    /// Detects roles and the time format from the head, reserves the columns
    /// for about `size` bytes of input, and adds the sample rows.
    pub fn new(head: Head, opts: &EventOptions, size: u64) -> Result<LogBuilder, IngestError> {
        let (mut b, sample) = LogBuilder::plan(head, opts, size)?;
        for row in &sample {
            b.add(row.line, &row.fields);
        }
        Ok(b)
    }

    /// [`LogBuilder::new`] without adding the sample rows (returned instead):
    /// a reader of a later part of a file makes the same decisions as the
    /// reader of its start, from the same rows, but does not own those rows.
    pub fn plan(head: Head, opts: &EventOptions, size: u64) -> Result<(LogBuilder, Vec<Row>), IngestError> {
        let Head { format, names, types, sample, mut warnings, unreadable } = head;
        let roles = detect_roles(&names, &types, &opts.roles)?;
        let cols = || names.join(", ");
        if roles.id.is_none() {
            return Err(IngestError::MissingRole { role: "customer id", flag: "--id-column", columns: cols() });
        }
        let t = roles.time.ok_or_else(|| IngestError::MissingRole {
            role: "timestamp",
            flag: "--time-column",
            columns: cols(),
        })?;
        let time_format = time_format_of(&names[t], types.get(t), &sample, t, opts, &mut warnings)?;
        let mut log = EventLog {
            format,
            preset: roles.preset.map(String::from),
            columns: column_infos(&names, &types, &roles, t, time_format),
            rows_read: unreadable,
            rows_skipped: unreadable,
            variant_column: roles.variant.and_then(|i| names.get(i).cloned()),
            warnings,
            ..EventLog::default()
        };
        // Reserve the columns once from the sample's bytes per row: doubling growth would hold up to
        // twice the final size (and old + new buffers while copying) at the peak of a large file.
        let per_row = sample.iter().map(|r| r.fields.as_byte_record().as_slice().len() + r.fields.len()).sum::<usize>()
            / sample.len().max(1);
        // Capped at one row per 8 bytes (no usable row with an id and a time is shorter), so an
        // unrepresentative sample cannot reserve more than the file's own size in each column.
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let rows = (size / per_row.max(1)).saturating_add(sample.len()).min(size / 8 + 1);
        log.customer.reserve(rows);
        log.time.reserve(rows);
        if roles.event.is_some() {
            log.event.reserve(rows);
        }
        if roles.revenue.is_some() {
            log.revenue.reserve(rows);
        }
        let b = LogBuilder {
            roles,
            width: names.len(),
            names,
            time_format,
            days: DayCache::default(),
            ids: Interner::default(),
            pending: Vec::with_capacity(ID_BATCH),
            pending_text: String::new(),
            long_ends: Vec::new(),
            events: Interner::default(),
            orders: Interner::default(),
            variants: Interner::default(),
            log,
        };
        Ok((b, sample))
    }

    /// Forgets the head's warnings and counts: they belong to the part that
    /// holds the head (see [`LogBuilder::plan`]).
    pub fn start_part(&mut self) {
        self.log.warnings = Warnings::default();
        self.log.rows_read = 0;
        self.log.rows_skipped = 0;
    }

    /// Rows read so far (used and skipped), for progress.
    pub fn rows_read(&self) -> u64 {
        self.log.rows_read
    }

    /// Counts a row the reader could not read at all.
    pub fn unreadable(&mut self, w: Warning) {
        self.log.rows_read += 1;
        self.log.rows_skipped += 1;
        self.log.warnings.push(w);
    }

    /// Puts a file-level warning (such as lossy decoding) before the row warnings.
    pub fn warn_first(&mut self, w: Warning) {
        let items = &mut self.log.warnings.items;
        items.insert(0, w);
        self.log.warnings.total += 1;
        items.truncate(crate::report::MAX_WARNINGS);
    }

    pub fn finish(self) -> Result<EventLog, IngestError> {
        let (log, _, _) = self.finish_part();
        no_usable_rows(log)
    }

    /// The rows so far, even none (a part of a file may hold only skipped
    /// rows), the order ids their codes stand for (needed to merge parts), and
    /// the ids' lookup table (which the merge reuses for the first part).
    pub fn finish_part(mut self) -> (EventLog, Vec<String>, InternIndex) {
        self.flush_ids();
        let (ids, id_index) = self.ids.split();
        self.log.ids = ids;
        self.log.event_names = self.events.values;
        self.log.variant_names = self.variants.values;
        (self.log, self.orders.values, id_index)
    }
}

/// The log, or the error for a log without a usable row.
pub(crate) fn no_usable_rows(log: EventLog) -> Result<EventLog, IngestError> {
    if log.is_empty() {
        let first = log.warnings.items.first().map(|w| format!("line {}: {}", w.line.unwrap_or(0), w.message));
        return Err(IngestError::NoUsableRows {
            skipped: log.rows_skipped,
            first: first.unwrap_or_else(|| "no data rows".into()),
        });
    }
    Ok(log)
}

fn time_format_of(
    name: &str,
    inferred: Option<&Inferred>,
    sample: &[Row],
    t: usize,
    opts: &EventOptions,
    warnings: &mut Warnings,
) -> Result<TimeFormat, IngestError> {
    let forced = match opts.date_format.as_deref() {
        Some("dmy") => Some(TimeFormat::DayFirst),
        Some("mdy") => Some(TimeFormat::MonthFirst),
        _ => None,
    };
    if let Some(inf) = inferred {
        if let Some(f) = inf.time {
            if inf.ambiguous_dates {
                if let Some(forced) = forced {
                    return Ok(forced);
                }
                warnings.push(Warning::general(format!(
                    "column \"{name}\": dates like 01/02/2024 could be day-first or month-first; read as month-first (MM/DD/YYYY) — set the date format to dmy if they are day-first"
                )));
            }
            return Ok(f);
        }
    }
    // A column chosen by the user that inference did not call a timestamp.
    let values: Vec<&str> = sample.iter().filter_map(|r| r.fields.get(t)).filter(|c| !is_null(c)).collect();
    let nums: Vec<f64> = values.iter().filter_map(|v| parse_number(v)).collect();
    if !nums.is_empty() && nums.len() == values.len() {
        if let Some(unit) = epoch_unit(nums[nums.len() / 2]) {
            return Ok(unit);
        }
    }
    if let Some(g) = guess_text_format(values.iter().copied(), true) {
        return Ok(forced.filter(|_| g.ambiguous).unwrap_or(g.format));
    }
    let (line, value) = sample
        .iter()
        .find_map(|r| r.fields.get(t).filter(|c| !is_null(c)).map(|c| (r.line, clip(c))))
        .unwrap_or((0, String::new()));
    Err(IngestError::NotTime { name: name.to_string(), line, value })
}

fn column_infos(names: &[String], types: &[Inferred], roles: &Roles, t: usize, tf: TimeFormat) -> Vec<ColumnInfo> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let role = [
                (roles.id, "id"),
                (roles.id_fallback, "id_fallback"),
                (roles.time, "time"),
                (roles.event, "event"),
                (roles.revenue, "revenue"),
                (roles.quantity, "quantity"),
                (roles.order_id, "order_id"),
                (roles.variant, "variant"),
            ]
            .iter()
            .find(|(r, _)| *r == Some(i))
            .map(|(_, name)| name.to_string());
            let kind = types.get(i).map_or(ColumnType::Empty, |x| x.kind);
            ColumnInfo { name: n.clone(), kind, role, format: (i == t).then(|| tf.name().to_string()) }
        })
        .collect()
}

impl LogBuilder {
    fn skip(&mut self, line: u64, message: String) {
        self.log.rows_skipped += 1;
        self.log.warnings.push(Warning::at(line, message));
    }

    /// The row's timestamp, or why the row is skipped. The usual ISO cell is read here, inline
    /// in the row reader; any other goes to [`LogBuilder::any_time_of`]. (A call per row cost
    /// 16 of the 100 instructions a row's timestamp took natively.)
    #[inline]
    fn time_of(&mut self, cell: Cell) -> Result<i64, String> {
        if let Cell::Text(v) = cell {
            if let Some(t) = self.time_format.quick(v, &self.days) {
                return Ok(t);
            }
        }
        self.any_time_of(cell)
    }

    /// [`LogBuilder::time_of`] of any cell.
    #[inline(never)]
    fn any_time_of(&mut self, cell: Cell) -> Result<i64, String> {
        // Err(None): missing; Err(Some(text)): unreadable, as shown in the message.
        let read = match cell {
            // A number held as a number (host typed arrays): NaN is missing.
            Cell::Number(v) if v.is_nan() => Err(None),
            Cell::Number(v) => self.time_format.from_number(v).ok_or_else(|| Some(super::host::number_text(v))),
            Cell::Missing => Err(None),
            Cell::Text(v) => self.time_format.parse_trimmed(v, &mut self.days).ok_or_else(|| Some(clip(v))),
        };
        read.map_err(|shown| {
            let col = self.roles.time.and_then(|i| self.names.get(i)).map_or("time", String::as_str);
            match shown {
                None => format!("column \"{col}\": missing timestamp; row skipped"),
                Some(shown) => {
                    format!("column \"{col}\": cannot read \"{shown}\" as {}; row skipped", self.time_format.name())
                }
            }
        })
    }

    /// The row's revenue (0 when missing; `None` without a revenue column), or why the row is
    /// skipped. No column and an empty cell (most rows of an event log) are answered inline;
    /// any other cell goes to [`LogBuilder::any_revenue_of`].
    #[inline]
    fn revenue_of(&self, cell: Cell) -> Result<Option<f64>, String> {
        match (self.roles.revenue, cell) {
            (None, _) => Ok(None),
            (Some(_), Cell::Missing) => Ok(Some(0.0)),
            _ => self.any_revenue_of(cell),
        }
    }

    /// [`LogBuilder::revenue_of`] of any cell.
    #[inline(never)]
    fn any_revenue_of(&self, cell: Cell) -> Result<Option<f64>, String> {
        let Some(i) = self.roles.revenue else { return Ok(None) };
        let col = || self.names.get(i).map_or("revenue", String::as_str);
        match cell {
            Cell::Number(v) if v.is_nan() => Ok(Some(0.0)),
            Cell::Number(v) if v.is_finite() => Ok(Some(v)),
            Cell::Number(v) => Err(format!(
                "column \"{}\": \"{}\" is not a finite number; row skipped",
                col(),
                super::host::number_text(v)
            )),
            Cell::Missing => Ok(Some(0.0)),
            Cell::Text(v) => parse_number(v)
                .map(Some)
                .ok_or_else(|| format!("column \"{}\": {}; row skipped", col(), number_problem(v))),
        }
    }

    /// Columns read as text (ids, event names, order ids, variants): host
    /// columns holding numbers there are turned into text first.
    pub fn text_columns(&self) -> Vec<usize> {
        let r = &self.roles;
        [r.id, r.id_fallback, r.event, r.order_id, r.variant].into_iter().flatten().collect()
    }

    /// A usable row's id: it waits for the next batch of lookups (a long one with a copy of its
    /// text, which the lookup checks). Not generic, so the row readers share one copy.
    fn push_id(&mut self, id: &str) {
        // A short id's key without a call (most ids are short).
        let key = short_intern_key(id.as_bytes()).unwrap_or_else(|| intern_key(id.as_bytes()));
        if key >> 127 == 1 {
            self.pending_text.push_str(id);
            self.long_ends.push(self.pending_text.len());
        }
        self.pending.push(key);
        self.log.customer.push(0);
        if self.pending.len() >= ID_BATCH {
            self.flush_ids();
        }
    }

    /// Looks up the pending ids, in row order, and writes their rows' codes.
    fn flush_ids(&mut self) {
        let start = self.log.customer.len().saturating_sub(self.pending.len());
        let (mut ends, mut from) = (self.long_ends.iter(), 0);
        if let Some(rows) = self.log.customer.get_mut(start..) {
            for (code, &key) in rows.iter_mut().zip(&self.pending) {
                *code = if key >> 127 == 0 {
                    self.ids.code_short(key)
                } else {
                    let to = ends.next().copied().unwrap_or(from);
                    let text = self.pending_text.get(from..to).unwrap_or_default();
                    from = to;
                    self.ids.code_keyed(text, key)
                };
            }
        }
        self.pending.clear();
        self.pending_text.clear();
        self.long_ends.clear();
    }

    /// Adds one data row (or skips it, with a warning naming `line`).
    pub fn add<C: Cells>(&mut self, line: u64, f: &C) {
        self.add_at(&|| line, f);
    }

    /// [`LogBuilder::add`] with the line worked out only for a row that is
    /// skipped (the CSV reader counts the line feeds inside a record to
    /// number it, work a usable row does not need).
    pub fn add_at<C: Cells>(&mut self, line: &dyn Fn() -> u64, f: &C) {
        self.log.rows_read += 1;
        if f.count() != self.width {
            return self.skip(line(), format!("expected {} fields, found {}; row skipped", self.width, f.count()));
        }
        let cell = |i: Option<usize>| i.and_then(|i| f.get(i)).and_then(present);
        let Some(id) = cell(self.roles.id).or_else(|| cell(self.roles.id_fallback)) else {
            let col = self.roles.id.and_then(|i| self.names.get(i)).map_or("id", String::as_str);
            return self.skip(line(), format!("column \"{col}\": missing customer id; row skipped"));
        };
        let ts = match self.time_of(Cell::of(f, self.roles.time)) {
            Ok(ts) => ts,
            Err(msg) => return self.skip(line(), msg),
        };
        let revenue = match self.revenue_of(Cell::of(f, self.roles.revenue)) {
            Ok(r) => r,
            Err(msg) => return self.skip(line(), msg),
        };
        self.push_id(id);
        self.log.time.push(ts);
        if self.roles.event.is_some() {
            let code = self.events.code_recent(cell(self.roles.event).unwrap_or("(none)"));
            self.log.event.push(code);
        }
        if let Some(r) = revenue {
            self.log.revenue.push(r);
        }
        if self.roles.order_id.is_some() {
            let code = self.orders.code(cell(self.roles.order_id).unwrap_or(""));
            self.log.order.push(code);
        }
        if self.roles.variant.is_some() {
            let code = self.variants.code(cell(self.roles.variant).unwrap_or("(none)"));
            self.log.variant.push(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_codes_follow_first_appearance_for_short_long_and_colliding_strings() {
        let long = "a-customer-id-longer-than-15";
        let words = ["a", "a\0", "", "fifteen-bytes!!", "sixteen-bytes!!!", long, "a", long, "\0"];
        let mut i = Interner::default();
        let codes: Vec<u32> = words.iter().map(|w| i.code(w)).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 0, 5, 6]);
        assert_eq!(i.values, ["a", "a\0", "", "fifteen-bytes!!", "sixteen-bytes!!!", long, "\0"]);
        // Long strings with the same key (a forced collision): each still gets its own code.
        let mut i = Interner::default();
        let other = "another-string-longer-than-15";
        let key = intern_key(long.as_bytes());
        let codes =
            [i.code_keyed(other, key), i.code_keyed(long, key), i.code_keyed(other, key), i.code_keyed(long, key)];
        assert_eq!(codes, [0, 1, 0, 1]);
        assert_eq!(i.values, [other, long]);
    }

    /// The byte-buffer definition `short_key` reads with word loads.
    fn key_by_copy(s: &[u8]) -> Option<u128> {
        let mut b = [0u8; 16];
        b.get_mut(..s.len()).filter(|_| s.len() < 16)?.copy_from_slice(s);
        b[15] = s.len() as u8;
        Some(u128::from_le_bytes(b))
    }

    proptest::proptest! {
        #[test]
        fn short_keys_are_the_bytes_and_length(s in proptest::collection::vec(proptest::num::u8::ANY, 0..20)) {
            let key = intern_key(&s);
            match key_by_copy(&s) {
                Some(k) => proptest::prop_assert_eq!(key, k),
                None => proptest::prop_assert!(key >> 127 == 1, "a long string's key is hashed"),
            }
        }
    }

    proptest::proptest! {
        /// Ids are looked up in batches (short ones) or at once (long ones), yet every row's code
        /// names its own id and codes follow first appearance, across batches and with skipped rows.
        #[test]
        fn batched_id_codes_follow_first_appearance(picks in proptest::collection::vec((0usize..40, 0u8..10), 1..700)) {
            let pool: Vec<String> = (0..40).map(|i| if i % 3 == 0 { format!("long-customer-id-{i:04}") } else { format!("c{i}") }).collect();
            let mut csv = String::from("user_id,timestamp\n");
            let mut expected_rows = Vec::new();
            for &(i, bad) in &picks {
                if bad == 0 {
                    // Skipped for its missing time. Missing, not unreadable: inference ignores
                    // empty cells, so a log of mostly skipped rows still has a timestamp column
                    // (with mostly unreadable ones it is, rightly, refused as a whole).
                    csv.push_str(&format!("{},\n", pool[i]));
                } else {
                    csv.push_str(&format!("{},2024-01-01T00:00:0{bad}Z\n", pool[i]));
                    expected_rows.push(pool[i].clone());
                }
            }
            match read_event_log(csv.as_bytes(), &EventOptions::default()) {
                Ok(log) => {
                    let mut first = Vec::new();
                    for id in &expected_rows {
                        if !first.contains(id) {
                            first.push(id.clone());
                        }
                    }
                    proptest::prop_assert_eq!(&log.ids, &first);
                    let rows: Vec<String> = log.customer.iter().map(|&c| log.ids[c as usize].clone()).collect();
                    proptest::prop_assert_eq!(rows, expected_rows);
                }
                Err(e) => proptest::prop_assert!(expected_rows.is_empty(), "{e}"),
            }
        }
    }

    #[test]
    fn a_split_interner_joins_back_only_with_its_own_table() {
        let long = "a-customer-id-longer-than-15";
        let mut i = Interner::default();
        for w in ["a", long, "b", "a"] {
            i.code(w);
        }
        let (values, table) = i.split();
        let mut joined = Interner::join(values.clone(), table.clone()).unwrap();
        assert_eq!([joined.code("b"), joined.code(long), joined.code("new")], [2, 1, 3]);
        // A table built for other strings is refused, and the strings come back unchanged.
        let fewer = values[..2].to_vec();
        assert_eq!(Interner::join(fewer.clone(), table).err(), Some(fewer));
    }

    #[test]
    fn orders_table_with_bad_rows() {
        let csv =
            "customer,date,amount\na,2024-01-01,10\nb,not a date,5\n,2024-01-02,1\nc,2024-01-03,12;5\na,2024-01-05,\n";
        let log = read_event_log(csv.as_bytes(), &EventOptions::default()).unwrap();
        assert_eq!(log.ids, ["a"]);
        assert_eq!(log.revenue, [10.0, 0.0]);
        assert_eq!((log.rows_read, log.rows_skipped), (5, 3));
        let lines: Vec<_> = log.warnings.items.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(5)]);
        assert!(log.warnings.items[0].message.contains("cannot read \"not a date\" as iso8601"));
    }

    #[test]
    fn mixpanel_jsonl_with_epoch_seconds() {
        let jsonl = r#"{"event":"Sign Up","properties":{"distinct_id":"u1","time":1709251200}}
{"event":"Purchase","properties":{"distinct_id":"u1","time":1709337600,"revenue":19.99}}
{"event":"Sign Up","properties":{"distinct_id":"u2","time":1709424000}}
"#;
        let log = read_event_log(jsonl.as_bytes(), &EventOptions::default()).unwrap();
        assert_eq!(log.preset.as_deref(), Some("mixpanel"));
        assert_eq!(log.ids, ["u1", "u2"]);
        assert_eq!(log.time, [1_709_251_200, 1_709_337_600, 1_709_424_000]);
        assert_eq!(log.event_names, ["Sign Up", "Purchase"]);
        assert_eq!(log.revenue, [0.0, 19.99, 0.0]);
    }

    #[test]
    fn missing_roles_are_file_level_errors() {
        let e = read_event_log(b"a,b\n1,2\n", &EventOptions::default()).unwrap_err();
        assert_eq!(e.code(), "missing_column");
        let opts = EventOptions {
            roles: RoleOptions { time_column: Some("b".into()), ..Default::default() },
            ..Default::default()
        };
        let e = read_event_log(b"id,b\nx,hello\ny,world\n", &opts).unwrap_err();
        assert!(matches!(e, IngestError::NotTime { line: 2, .. }), "{e}");
    }

    #[test]
    fn ambiguous_dates_warn_and_can_be_forced() {
        let csv = b"customer,date,amount\na,01/02/2024,1\na,03/04/2024,2\n";
        let log = read_event_log(csv, &EventOptions::default()).unwrap();
        assert!(log.warnings.items.iter().any(|w| w.message.contains("day-first or month-first")));
        assert_eq!(log.time[0], crate::ingest::time::parse_iso("2024-01-02").unwrap());
        let dmy = read_event_log(csv, &EventOptions { date_format: Some("dmy".into()), ..Default::default() }).unwrap();
        assert_eq!(dmy.time[0], crate::ingest::time::parse_iso("2024-02-01").unwrap());
    }
}
