//! A CSV event log read in chunks, as the browser hands them over from
//! `File.stream()`: the text is never held whole, only the columns being
//! built and the record being parsed. A record split across chunks (even
//! inside a quoted field) is completed by the next chunk, because
//! `csv_core`'s reader keeps its state between calls.
//!
//! The same reader serves whole buffers ([`super::events::read_event_log`]),
//! so both paths give identical logs, line numbers and warnings.

use csv::StringRecord;
use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::byte_marks::marks;
use super::events::{looks_like_events, Cells, EventLog, EventOptions, Head, LogBuilder};
use super::infer::infer_column;
use super::source::{header_and_sample, Format, Row, SAMPLE_ROWS};
use super::IngestError;
use crate::report::{Warning, Warnings};

/// What a chunk led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fed {
    /// Keep feeding.
    More,
    /// The first rows look like one row per customer, not an event log: read
    /// the input as a table instead (only when the stream was asked to detect).
    NotEvents,
}

/// Bytes per [`CsvEventStream::push`] when the whole file is at hand: the size of the pieces a
/// stream from disk or a `File` brings.
const PIECE: usize = 1 << 20;

/// Reads a whole buffer through the chunk reader when it is UTF-8 delimited
/// text. `Ok(None)` when it is not (JSON, UTF-16, …: the caller reads it
/// whole) or when `detect` finds a per-customer table.
pub fn read_csv_events(bytes: &[u8], opts: &EventOptions, detect: bool) -> Result<Option<EventLog>, IngestError> {
    let Some(start) = super::sniff_csv(bytes)? else { return Ok(None) };
    let mut stream = CsvEventStream::new(start.delimiter, opts.clone(), bytes.len() as u64, detect);
    // In pieces, as a stream arrives: one call over a whole large file would run it all on the
    // code V8 starts a Wasm function with (see `crate::tiers`).
    for piece in bytes.get(start.bom..).unwrap_or_default().chunks(PIECE) {
        if stream.push(piece)? == Fed::NotEvents {
            return Ok(None);
        }
    }
    stream.finish()
}

enum Phase {
    /// Collecting the header and the first rows, from which types and roles are inferred.
    Sampling(Vec<Row>),
    Building(Box<LogBuilder>),
    NotEvents,
}

/// Reads a UTF-8 CSV event log pushed in chunks of any size.
pub struct CsvEventStream {
    core: Reader,
    delimiter: u8,
    /// The record being parsed: unescaped field bytes and field end offsets.
    out: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    /// `core.line()` when the record being handed over ended, and whether a
    /// line feed ended it: with the line feeds inside it, they give the line
    /// it started on ([`CsvEventStream::record_line`]).
    end_line: u64,
    ended_by_lf: bool,
    /// Lines read by [`plain_line`] instead of `core` (whose line count misses them).
    plain_lines: u64,
    /// Whether the last record ended with its line feed: `core` is between records and the
    /// next byte starts a line, so a plain line may be read without it.
    at_line_start: bool,
    /// Whether the last record ended with a CR, whose LF (if one follows) `core` has not read:
    /// reading that LF here puts the next line at a line start, so a CRLF file is read in plain
    /// lines too (otherwise `core` reads every CRLF record: it ends each at its CR).
    lf_after_cr: bool,
    /// Where a plain line's fields end (the delimiters' offsets, then its length) and, when
    /// some are quoted, where each starts (see [`plain_line`]).
    plain_ends: Vec<usize>,
    plain_starts: Vec<usize>,
    /// Line of the first record with invalid UTF-8 (decoded lossily).
    lossy_line: Option<u64>,
    opts: EventOptions,
    size: u64,
    detect: bool,
    /// Stop at the decision from the first rows, without building from them
    /// (the head read by [`CsvEventStream::for_part`]).
    plan_only: bool,
    phase: Phase,
}

impl CsvEventStream {
    /// `size`: the input's total size in bytes when known (sizes the columns
    /// once); `detect`: give up with [`Fed::NotEvents`] when the first rows
    /// look like a per-customer table.
    pub fn new(delimiter: u8, opts: EventOptions, size: u64, detect: bool) -> CsvEventStream {
        CsvEventStream {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            out: vec![0; 4096],
            ends: vec![0; 64],
            nout: 0,
            nend: 0,
            end_line: 1,
            ended_by_lf: false,
            plain_lines: 0,
            at_line_start: true,
            lf_after_cr: false,
            plain_ends: Vec::new(),
            plain_starts: Vec::new(),
            lossy_line: None,
            opts,
            size,
            detect,
            plan_only: false,
            phase: Phase::Sampling(Vec::new()),
        }
    }

    /// A reader of one later part of a file split at line breaks (see
    /// [`super::csv_parts`]): the delimiter, types, roles and time format
    /// are decided from `head`, the file's first bytes, exactly as the reader
    /// of the whole file decides them; the rows are the part's only, numbered
    /// from line 1 of the part. `None` when the head is not a UTF-8 CSV event
    /// log, or too short to hold the rows the decision is made from.
    pub fn for_part(
        head: &[u8],
        opts: &EventOptions,
        size: u64,
        detect: bool,
    ) -> Result<Option<CsvEventStream>, IngestError> {
        let Some(start) = super::sniff_csv(head)? else { return Ok(None) };
        let mut s = CsvEventStream::new(start.delimiter, opts.clone(), size, detect);
        s.plan_only = true;
        s.push(head.get(start.bom..).unwrap_or_default())?;
        let Phase::Building(b) = &mut s.phase else { return Ok(None) };
        b.start_part();
        s.plan_only = false;
        s.core = ReaderBuilder::new().delimiter(start.delimiter).build();
        s.nout = 0;
        s.nend = 0;
        s.end_line = 1;
        s.plain_lines = 0;
        s.at_line_start = true;
        s.lf_after_cr = false;
        s.lossy_line = None;
        Ok(Some(s))
    }

    /// Rows read so far, for progress.
    pub fn rows(&self) -> u64 {
        match &self.phase {
            Phase::Sampling(rows) => rows.len() as u64,
            Phase::Building(b) => b.rows_read(),
            Phase::NotEvents => 0,
        }
    }

    /// True while the first rows are still being collected.
    pub fn sampling(&self) -> bool {
        matches!(self.phase, Phase::Sampling(_))
    }

    /// Parses the next chunk (the rest of the input follows in later calls).
    pub fn push(&mut self, chunk: &[u8]) -> Result<Fed, IngestError> {
        // An empty input means "end of data" to csv_core: never pass one here.
        if chunk.is_empty() {
            return Ok(self.state());
        }
        self.feed(chunk)
    }

    /// Ends the input: parses a last record without a line break and returns
    /// the log (`None`: the rows turned out to be a per-customer table).
    pub fn finish(mut self) -> Result<Option<EventLog>, IngestError> {
        if self.feed(&[])? == Fed::NotEvents {
            return Ok(None);
        }
        if let Phase::Sampling(_) = self.phase {
            self.decide()?;
        }
        let lossy = self.lossy_line;
        match self.phase {
            Phase::Building(mut b) => {
                if let Some(line) = lossy {
                    b.warn_first(Warning::at(
                        line,
                        "invalid UTF-8 replaced by \u{FFFD}; save the file as UTF-8 to keep these characters",
                    ));
                }
                Ok(Some(b.finish()?))
            }
            Phase::NotEvents => Ok(None),
            // `decide` above left sampling.
            Phase::Sampling(_) => Err(IngestError::Empty),
        }
    }

    /// Ends one part of a split file (see [`super::csv_parts`]): its rows,
    /// even none, without the checks that need the whole file.
    pub fn finish_part(mut self) -> Result<super::csv_parts::PartLog, IngestError> {
        // Whether the part's last line break ended a record: false when the split fell inside a
        // quoted field (the record is then still open).
        let whole_records = self.nout == 0 && self.nend == 0;
        let decided = !self.sampling();
        let lines = self.line().saturating_sub(1);
        if self.feed(&[])? == Fed::NotEvents {
            return Err(IngestError::Empty);
        }
        if let Phase::Sampling(_) = self.phase {
            self.decide()?;
        }
        let Phase::Building(b) = self.phase else { return Err(IngestError::Empty) };
        let (log, orders, id_index) = b.finish_part();
        Ok(super::csv_parts::PartLog {
            log,
            orders,
            id_index,
            lines,
            lossy_line: self.lossy_line,
            whole_records,
            decided,
        })
    }

    /// Lines read so far: `core`'s count and the plain lines read without it.
    fn line(&self) -> u64 {
        self.core.line() + self.plain_lines
    }

    fn state(&self) -> Fed {
        if let Phase::NotEvents = self.phase {
            Fed::NotEvents
        } else {
            Fed::More
        }
    }

    fn feed(&mut self, mut input: &[u8]) -> Result<Fed, IngestError> {
        let at_end = input.is_empty();
        loop {
            // Lines are read in place only once the columns are decided (and read).
            if let (Phase::Building(b), false) = (&mut self.phase, self.plan_only) {
                if self.lf_after_cr {
                    match input.split_first() {
                        // `core` would read this LF as a blank line after the CR; counted as the
                        // end of the CR's line. (`core` stays in its after-CR state, which reads
                        // any later byte as the start of a record.)
                        Some((b'\n', rest)) => {
                            input = rest;
                            self.plain_lines += 1;
                            self.at_line_start = true;
                            self.lf_after_cr = false;
                        }
                        // A lone CR ended the record: `core` reads on.
                        Some(_) => self.lf_after_cr = false,
                        // The LF, if any, is in the next chunk.
                        None => {}
                    }
                }
                if self.at_line_start {
                    let spans = (&mut self.plain_ends, &mut self.plain_starts);
                    if let Some((text, rest, quoted)) = plain_line(input, self.delimiter, spans) {
                        let line = self.core.line() + self.plain_lines;
                        // csv_core skips blank lines; so does this.
                        if !text.is_empty() {
                            let starts = quoted.then_some(self.plain_starts.as_slice());
                            b.add_at(&|| line, &Fields { data: text, ends: &self.plain_ends, gap: 1, starts });
                        }
                        self.plain_lines += 1;
                        input = rest;
                        continue;
                    }
                }
            }
            let (res, nin, nout, nend) = self.core.read_record(
                input,
                self.out.get_mut(self.nout..).unwrap_or_default(),
                self.ends.get_mut(self.nend..).unwrap_or_default(),
            );
            // Whether this call's last byte was a line feed ending the record (or a CR).
            let last = nin.checked_sub(1).and_then(|i| input.get(i));
            self.ended_by_lf = last == Some(&b'\n');
            let ended_by_cr = last == Some(&b'\r');
            self.at_line_start = false;
            self.lf_after_cr = false;
            input = input.get(nin..).unwrap_or_default();
            self.nout += nout;
            self.nend += nend;
            match res {
                ReadRecordResult::InputEmpty if !at_end => return Ok(self.state()),
                // csv_core asks for more after end of input only when it has nothing pending.
                ReadRecordResult::InputEmpty | ReadRecordResult::End => return Ok(self.state()),
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    self.at_line_start = self.ended_by_lf;
                    self.lf_after_cr = ended_by_cr;
                    self.end_line = self.line();
                    self.record()?;
                    self.nout = 0;
                    self.nend = 0;
                    if let Phase::NotEvents = self.phase {
                        return Ok(Fed::NotEvents);
                    }
                    if self.plan_only && !self.sampling() {
                        return Ok(Fed::More);
                    }
                }
            }
        }
    }

    /// Hands the completed record to the sampler or the builder.
    fn record(&mut self) -> Result<(), IngestError> {
        let data = self.out.get(..self.nout).unwrap_or_default();
        let ends = self.ends.get(..self.nend).unwrap_or_default();
        let (end_line, ended_by_lf) = (self.end_line, self.ended_by_lf);
        let record_line = || record_line(end_line, ended_by_lf, data);
        let record = match std::str::from_utf8(data) {
            Ok(text) => {
                let fields = Fields { data: text, ends, gap: 0, starts: None };
                match &mut self.phase {
                    Phase::Building(b) => {
                        b.add_at(&record_line, &fields);
                        return Ok(());
                    }
                    Phase::NotEvents => return Ok(()),
                    Phase::Sampling(_) => (0..ends.len()).map(|i| fields.get(i).unwrap_or("")).collect(),
                }
            }
            Err(e) => {
                let before = data.get(..e.valid_up_to()).unwrap_or_default();
                let line = record_line() + before.iter().filter(|&&b| b == b'\n').count() as u64;
                self.lossy_line.get_or_insert(line);
                // Replacement characters change byte offsets: decode field by field.
                let fields: Vec<String> = spans(ends)
                    .map(|(s, e)| String::from_utf8_lossy(data.get(s..e).unwrap_or_default()).into_owned())
                    .collect();
                let record = StringRecord::from(fields);
                if let Phase::Building(b) = &mut self.phase {
                    b.add_at(&record_line, &record);
                    return Ok(());
                }
                record
            }
        };
        if let Phase::Sampling(rows) = &mut self.phase {
            rows.push(Row { line: record_line(), fields: record });
            if rows.len() > SAMPLE_ROWS {
                return self.decide();
            }
        }
        Ok(())
    }

    /// Infers types and roles from the sample and starts building the log.
    fn decide(&mut self) -> Result<(), IngestError> {
        let Phase::Sampling(rows) = std::mem::replace(&mut self.phase, Phase::NotEvents) else { return Ok(()) };
        let mut warnings = Warnings::default();
        let (names, sample) = header_and_sample(rows, &mut warnings)?;
        let types: Vec<_> = names.iter().enumerate().map(|(i, n)| infer_column(&sample, i, n)).collect();
        if self.detect && !looks_like_events(&names, &types, &sample) {
            return Ok(());
        }
        let format = Format::Csv { delimiter: self.delimiter }.name();
        let head = Head { format, names, types, sample, warnings, unreadable: 0 };
        let builder = if self.plan_only {
            LogBuilder::plan(head, &self.opts, self.size)?.0
        } else {
            LogBuilder::new(head, &self.opts, self.size)?
        };
        self.phase = Phase::Building(Box::new(builder));
        Ok(())
    }
}

/// The line a record started on: lines so far (`end_line`), less the line
/// feeds inside its quoted fields and the one that ended it (a CR of CRLF
/// ends a record before its LF is read, so counting from the start of the
/// input would be off by one).
fn record_line(end_line: u64, ended_by_lf: bool, data: &[u8]) -> u64 {
    let inside = data.iter().filter(|&&b| b == b'\n').count() as u64;
    end_line.saturating_sub(inside + u64::from(ended_by_lf)).max(1)
}

/// The first line of `input` when csv_core would read it as the plain text between its
/// delimiters: it ends with a line feed (after an optional CR) and holds no other CR and only
/// UTF-8, and each field between its delimiters either holds no quote or is a quote, text with
/// no quote, and a quote (as quoting tools write fields: no delimiter, line break or escaped
/// quote inside). Returns the line without its line break, the input after it, and whether a
/// field was quoted; leaves in `ends` where each field's text ends and, when one was quoted, in
/// `starts` where each starts (otherwise a field starts just after the delimiter before it).
/// Any other line (`None`) is csv_core's to read. Sixteen bytes are compared at a time
/// ([`marks`]): native instructions to load 200k events 234.0M against 281.6M taking eight
/// bytes at a time in a `u64`, which in turn took 1M events in Node 229 ms against 274 ms with
/// three `memchr` calls per line and 283 ms with csv_core for every line (minimum of 20
/// alternating rounds). An ASCII line is not checked for UTF-8 again: 1M events, LF endings, 222
/// against 207 ms (median of 20 alternating rounds). A CRLF file reads plain lines too (see
/// `lf_after_cr`): before, csv_core read all of it (native instructions for 200k events 426M
/// against 350M, the same as the LF file now). Quoted fields: the same log with its text fields
/// quoted, 1M events in Node, median 557 against 419 ms (10 alternating rounds).
fn plain_line<'a>(
    input: &'a [u8],
    delimiter: u8,
    (ends, starts): (&mut Vec<usize>, &mut Vec<usize>),
) -> Option<(&'a str, &'a [u8], bool)> {
    ends.clear();
    let (mut crs, mut quotes, mut wide, mut at) = (0, 0, 0, 0);
    let lf = loop {
        // Sixteen bytes at a time (zero bytes past the end: only marks before a line feed count).
        let block: [u8; 16] = match input.get(at..at + 16) {
            Some(bytes) => bytes.try_into().ok()?,
            None => {
                let tail = input.get(at..).filter(|t| !t.is_empty())?;
                let mut block = [0; 16];
                block.get_mut(..tail.len())?.copy_from_slice(tail);
                block
            }
        };
        let m = marks(&block, delimiter);
        // The bytes before the line feed, if there is one in this block.
        let before = if m.lf == 0 { u32::MAX } else { (m.lf & m.lf.wrapping_neg()) - 1 };
        let mut delims = m.delimiter & before;
        while delims != 0 {
            ends.push(at + delims.trailing_zeros() as usize);
            delims &= delims - 1;
        }
        // CRs before the line feed, counted up to 2 a block: all the test below needs
        // (`count_ones` is a loop of a dozen steps on x86-64 without POPCNT).
        let cr = m.cr & before;
        crs += u32::from(cr != 0) + u32::from(cr & cr.wrapping_sub(1) != 0);
        quotes |= m.quote & before;
        wide |= m.wide & before;
        if m.lf != 0 {
            break at + m.lf.trailing_zeros() as usize;
        }
        at += 16;
    };
    let (line, rest) = (input.get(..lf)?, input.get(lf + 1..)?);
    let crlf = line.strip_suffix(b"\r");
    if crs != u32::from(crlf.is_some()) {
        return None;
    }
    let line = crlf.unwrap_or(line);
    ends.push(line.len());
    let quoted = quotes != 0;
    if quoted {
        starts.clear();
        let mut start = 0;
        for end in ends.iter_mut() {
            let next = *end + 1;
            let field = line.get(start..*end)?;
            match field {
                [b'"', inner @ .., b'"'] if !inner.contains(&b'"') => {
                    starts.push(start + 1);
                    *end -= 1;
                }
                _ if !field.contains(&b'"') => starts.push(start),
                _ => return None,
            }
            start = next;
        }
    }
    let text = if wide == 0 {
        // SAFETY: no byte of `line` has its high bit set (`wide` collects the high bits of every
        // byte before the line feed), so it is ASCII, which is valid UTF-8. Checking it again
        // with `from_utf8` was 6 % of a log's parse.
        unsafe { std::str::from_utf8_unchecked(line) }
    } else {
        std::str::from_utf8(line).ok()?
    };
    Some((text, rest, quoted))
}

/// One record's fields as `&str` slices of its text: field `i` ends at `ends[i]` and starts
/// `gap` bytes after field `i - 1` ends: 0 in csv_core's unescaped output (no delimiters kept),
/// 1 in a plain line read in place (see [`plain_line`]; the delimiter lies between).
struct Fields<'a> {
    data: &'a str,
    ends: &'a [usize],
    gap: usize,
    /// Where each field starts, when that is not `gap` bytes after the one before ends: a plain
    /// line with quoted fields, whose quotes are not part of the field.
    starts: Option<&'a [usize]>,
}

impl Cells for Fields<'_> {
    fn count(&self) -> usize {
        self.ends.len()
    }
    #[inline]
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match (self.starts, i.checked_sub(1)) {
            (Some(starts), _) => *starts.get(i)?,
            (None, Some(before)) => *self.ends.get(before)? + self.gap,
            (None, None) => 0,
        };
        self.data.get(start..end)
    }
}

/// (start, end) of each field, from csv_core's field end offsets.
fn spans(ends: &[usize]) -> impl Iterator<Item = (usize, usize)> + '_ {
    ends.iter().scan(0, |start, &end| Some((std::mem::replace(start, end), end)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`plain_line`]'s fields as strings (through [`Fields`], as the reader takes them), and the
    /// input after the line.
    fn split(input: &[u8], delimiter: u8) -> Option<(Vec<String>, &[u8])> {
        let (mut ends, mut starts) = (Vec::new(), Vec::new());
        let (text, rest, quoted) = plain_line(input, delimiter, (&mut ends, &mut starts))?;
        let f = Fields { data: text, ends: &ends, gap: 1, starts: quoted.then_some(starts.as_slice()) };
        Some(((0..f.count()).map(|i| f.get(i).map(String::from)).collect::<Option<_>>()?, rest))
    }

    /// CRLF at every offset in a word of eight bytes, a CR that is not before the LF, a quote.
    #[test]
    fn plain_lines_end_at_lf_or_crlf_anywhere_in_a_word() {
        for n in 0..20 {
            let line = "a".repeat(n);
            for end in ["\n", "\r\n"] {
                let input = format!("{line}{end}next,line");
                assert_eq!(
                    split(input.as_bytes(), b','),
                    Some((vec![line.clone()], "next,line".as_bytes())),
                    "{input:?}"
                );
            }
            for bad in ["\r", "\"", "\"\""] {
                let input = format!("{line}{bad}a\n");
                assert_eq!(split(input.as_bytes(), b','), None, "{input:?}");
            }
        }
    }

    /// Quoted fields as quoting tools write them are read in place; any other quote is csv_core's.
    #[test]
    fn quoted_fields_without_inner_quotes_or_delimiters_are_plain() {
        let fields = |line: &str| split(line.as_bytes(), b',').map(|(f, _)| f);
        let owned = |f: &[&str]| Some(f.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            fields("\"u1\",\"2024-01-01T10:00:00Z\",buy,12.5\n"),
            owned(&["u1", "2024-01-01T10:00:00Z", "buy", "12.5"])
        );
        assert_eq!(fields("\"\",,\"b\"\r\n"), owned(&["", "", "b"]));
        assert_eq!(fields("\"é\",x\n"), owned(&["é", "x"]));
        for other in ["\"a,b\",c\n", "\"a\"\"b\",c\n", "\"ab\"c,d\n", " \"a\",b\n", "\",a\n", "\"a\n", "a,\"b\r\"\n"] {
            assert_eq!(fields(other), None, "{other:?}");
        }
    }

    proptest! {
        /// A plain line is what a byte-by-byte reading of the definition gives.
        #[test]
        fn plain_lines_are_split_as_defined(
            input in prop_oneof![
                prop::collection::vec(prop::sample::select(vec![b'a', b'7', b',', b';', b'"', b'\r', b'\n', 0xC3, 0xA9, 0xFF, 0]), 0..40),
                // A line of plain bytes, perhaps one quote, CR or invalid byte anywhere in it, an
                // LF or a CRLF (every offset within a word of eight bytes), then anything.
                (
                    prop::collection::vec(prop::sample::select(vec![b'a', b'7', b',', b';', 0xC3, 0xA9]), 0..24),
                    prop::option::of((any::<prop::sample::Index>(), prop::sample::select(vec![b'"', b'\r', 0xFF]))),
                    any::<bool>(),
                    prop::collection::vec(prop::sample::select(vec![b'a', b',', b'\n', b'"', b'\r']), 0..10),
                ).prop_map(|(mut line, special, crlf, tail)| {
                    if let Some((at, c)) = special {
                        line.insert(at.index(line.len() + 1), c);
                    }
                    if crlf {
                        line.push(b'\r');
                    }
                    line.push(b'\n');
                    line.extend(tail);
                    line
                }),
                // Fields, some quoted (perhaps holding a delimiter, quote or CR), joined by either
                // delimiter, then a line break and anything.
                (
                    prop::collection::vec((prop::collection::vec(prop::sample::select(vec![b'a', b'7', 0xC3, 0xA9, b',', b';', b'"', b'\r']), 0..6), any::<bool>(), any::<bool>()), 1..6),
                    any::<bool>(),
                    prop::collection::vec(prop::sample::select(vec![b'a', b',', b'\n', b'"']), 0..6),
                ).prop_map(|(fields, crlf, tail)| {
                    let mut line = Vec::new();
                    for (i, (text, quoted, comma)) in fields.into_iter().enumerate() {
                        if i > 0 {
                            line.push(if comma { b',' } else { b';' });
                        }
                        let text: Vec<u8> = if quoted { text } else { text.into_iter().filter(|b| !b",;\"\r".contains(b)).collect() };
                        if quoted {
                            line.push(b'"');
                        }
                        line.extend(text);
                        if quoted {
                            line.push(b'"');
                        }
                    }
                    line.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                    line.extend(tail);
                    line
                }),
            ],
            delimiter in prop::sample::select(vec![b',', b';']),
        ) {
            let got = split(&input, delimiter);
            let want = input.iter().position(|&b| b == b'\n').and_then(|lf| {
                let line = &input[..lf];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                std::str::from_utf8(line).ok().filter(|_| !line.contains(&b'\r'))?;
                let fields = line
                    .split(|&b| b == delimiter)
                    .map(|f| match f {
                        [b'"', inner @ .., b'"'] if !inner.contains(&b'"') => Some(inner),
                        _ if !f.contains(&b'"') => Some(f),
                        _ => None,
                    })
                    .map(|f| f.map(|f| String::from_utf8_lossy(f).into_owned()))
                    .collect::<Option<Vec<_>>>()?;
                Some((fields, &input[lf + 1..]))
            });
            prop_assert_eq!(&got, &want);
            // And what csv_core reads on that line (which skips a blank line).
            if let Some((fields, rest)) = got.filter(|(f, _)| f != &[""]) {
                let line = &input[..input.len() - rest.len()];
                let mut r = csv::ReaderBuilder::new().has_headers(false).delimiter(delimiter).from_reader(line);
                let record = r.records().next().and_then(Result::ok).map(|r| r.iter().map(String::from).collect::<Vec<_>>());
                prop_assert_eq!(Some(fields), record);
            }
        }
    }
}
