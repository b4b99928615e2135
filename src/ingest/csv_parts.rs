//! A CSV event log split at line breaks into parts that are parsed at the
//! same time (one per worker), then merged into the log a one-pass read
//! gives: same customer and event codes (first appearance in file order),
//! same rows, line numbers, warnings and counts.
//!
//! The split points are guesses: a line break inside a quoted field is not a
//! record boundary. The part before such a split ends inside an open record,
//! which [`PartLog::whole_records`] records; [`Merger`] then declines
//! (`Ok(None)`) and the caller reads the file in one pass. Every other split
//! is exact: a part that starts at a record boundary and ends at a line break
//! that closes a record hands the next part a record boundary.

use super::csv_stream::CsvEventStream;
use super::events::{no_usable_rows, EventLog, EventOptions, InternIndex, Interner};
use super::IngestError;
use crate::report::{Warning, Warnings, MAX_WARNINGS};

/// Reads one part of a split file, pushed in chunks.
pub struct PartReader {
    stream: CsvEventStream,
    /// Bytes of a byte-order mark still to drop from the first part.
    bom: usize,
}

impl PartReader {
    /// `head`: the file's first bytes (enough to hold the header and the
    /// first 1,001 rows; 1 MiB is plenty for most logs); `size`: the part's
    /// size (sizes its columns); `first`: the part starts at byte 0. `None`
    /// when the file is not a UTF-8 CSV event log or the head is too short to
    /// decide: read the file in one pass instead.
    /// `detect`: decline (`None`) when the head looks like one row per
    /// customer rather than events, as a one-pass read in auto mode would.
    pub fn new(
        head: &[u8],
        opts: &EventOptions,
        size: u64,
        first: bool,
        detect: bool,
    ) -> Result<Option<PartReader>, IngestError> {
        let Some(start) = super::sniff_csv(head)? else { return Ok(None) };
        // Every part, the first too, checks the head the same way.
        let Some(later) = CsvEventStream::for_part(head, opts, size, detect)? else { return Ok(None) };
        if !first {
            return Ok(Some(PartReader { stream: later, bom: 0 }));
        }
        let stream = CsvEventStream::new(start.delimiter, opts.clone(), size, false);
        Ok(Some(PartReader { stream, bom: start.bom }))
    }

    /// Parses the part's next chunk.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        let skip = self.bom.min(chunk.len());
        self.bom -= skip;
        self.stream.push(chunk.get(skip..).unwrap_or_default()).map(|_| ())
    }

    /// Rows read so far, for progress.
    pub fn rows(&self) -> u64 {
        self.stream.rows()
    }

    pub fn finish(self) -> Result<PartLog, IngestError> {
        self.stream.finish_part()
    }
}

/// One part's rows, coded and numbered within the part.
#[derive(Debug, Clone, Default)]
pub struct PartLog {
    /// Codes index this part's own `ids`, `event_names`, … ; warning lines count from the part's start.
    pub log: EventLog,
    /// The order ids `log.order` codes stand for.
    pub orders: Vec<String>,
    /// The lookup table of `log.ids` as the part's reader built it (empty for a part that
    /// travelled as arrays): the merge takes it over for the first part.
    pub id_index: InternIndex,
    /// Line feeds in the part (to number the lines of the parts after it).
    pub lines: u64,
    /// First line (within the part) with invalid UTF-8.
    pub lossy_line: Option<u64>,
    /// The part's last line break closed a record (false: the split after it
    /// fell inside a quoted field).
    pub whole_records: bool,
    /// Types and roles were decided before the part ended (false only for a
    /// first part too short to hold the rows they are decided from).
    pub decided: bool,
}

/// Appends parts, in file order, to one log.
#[derive(Debug, Default)]
pub struct Merger {
    /// Rows of all parts, when known: the first part's columns are grown to it once.
    rows: usize,
    log: EventLog,
    ids: Interner,
    events: Interner,
    orders: Interner,
    variants: Interner,
    lines: u64,
    lossy_line: Option<u64>,
    parts: usize,
    first_decided: bool,
    last_whole: bool,
    /// A split fell inside a quoted field.
    inexact: bool,
}

impl Merger {
    /// A merger that will receive `rows` rows in all (sizes the columns once).
    pub fn with_rows(rows: usize) -> Merger {
        Merger { rows, ..Merger::default() }
    }

    /// Adds the next part (parts must come in file order).
    pub fn add(&mut self, mut part: PartLog) {
        if self.parts > 0 {
            // A later part's rows go where an arriving part's are written (`add_placed`).
            let room = self.make_room(column_lengths(&part.log));
            self.room_mut(&room).fill_from(&mut part.log);
            return self.add_placed(part, room);
        }
        let PartLog { log, orders, id_index, .. } = self.count_in(part);
        // The first part's codes are the merged codes (nothing was interned before them): its
        // columns become the merged columns without a copy, grown once to all rows, and its
        // ids' table becomes the merged one (interning them again took 10–20 ms at 5M rows).
        match Interner::join(log.ids, id_index) {
            Ok(ids) => self.ids = ids,
            Err(ids) => {
                remap(&mut self.ids, ids);
            }
        }
        remap(&mut self.events, log.event_names);
        remap(&mut self.orders, orders);
        remap(&mut self.variants, log.variant_names);
        let l = &mut self.log;
        (l.customer, l.event, l.order, l.variant) = (log.customer, log.event, log.order, log.variant);
        (l.time, l.revenue) = (log.time, log.revenue);
        let more = self.rows.saturating_sub(l.customer.len());
        for v in [&mut l.customer, &mut l.event, &mut l.order, &mut l.variant].into_iter().filter(|v| !v.is_empty()) {
            v.reserve_exact(more);
        }
        l.time.reserve_exact(more);
        if !l.revenue.is_empty() {
            l.revenue.reserve_exact(more);
        }
    }

    /// Grows every merged column by a part's rows (`len`, per column of [`Room`]), zeroed, for a
    /// part whose columns are then written there directly and added with [`Merger::add_placed`].
    /// The Wasm layer writes another worker's arrays straight into its memory this way: passed as
    /// arguments they were copied into fresh memory first and then again into the columns (Node,
    /// 2.4M rows in a fresh worker: 65 ms before the merge even began).
    pub fn make_room(&mut self, len: [usize; 6]) -> Room {
        let start = column_lengths(&self.log);
        let l = &mut self.log;
        l.customer.resize(start[0] + len[0], 0);
        l.time.resize(start[1] + len[1], 0);
        l.event.resize(start[2] + len[2], 0);
        l.revenue.resize(start[3] + len[3], 0.0);
        l.order.resize(start[4] + len[4], 0);
        l.variant.resize(start[5] + len[5], 0);
        Room { start, len }
    }

    /// The room's columns, to be written: customer, time, event, revenue, order and variant codes or
    /// values, as the part that sends them holds them.
    pub fn room_mut(&mut self, room: &Room) -> RoomColumns<'_> {
        let l = &mut self.log;
        let at = |c: usize| room.start[c]..room.start[c] + room.len[c];
        RoomColumns {
            customer: l.customer.get_mut(at(0)).unwrap_or_default(),
            time: l.time.get_mut(at(1)).unwrap_or_default(),
            event: l.event.get_mut(at(2)).unwrap_or_default(),
            revenue: l.revenue.get_mut(at(3)).unwrap_or_default(),
            order: l.order.get_mut(at(4)).unwrap_or_default(),
            variant: l.variant.get_mut(at(5)).unwrap_or_default(),
        }
    }

    /// Adds the next part, whose columns were written into `room` (its `log` columns are empty):
    /// [`Merger::add`] without moving the rows, the codes translated where they lie.
    pub fn add_placed(&mut self, part: PartLog, room: Room) {
        let PartLog { log, orders, .. } = self.count_in(part);
        let ids = remap(&mut self.ids, log.ids);
        let events = remap(&mut self.events, log.event_names);
        let orders = remap(&mut self.orders, orders);
        let variants = remap(&mut self.variants, log.variant_names);
        let cols = self.room_mut(&room);
        map_in_place(cols.customer, &ids);
        map_in_place(cols.event, &events);
        map_in_place(cols.order, &orders);
        map_in_place(cols.variant, &variants);
    }

    /// Counts a part's rows, warnings and lines in (the part's first when it is the first) and
    /// returns the rest of it.
    fn count_in(&mut self, part: PartLog) -> PartLog {
        let PartLog { mut log, orders, id_index, lines, lossy_line, whole_records, decided } = part;
        // Only the last part may end inside a record (the file's end closes it); a part that
        // follows one that did began mid-record.
        self.inexact |= self.parts > 0 && !self.last_whole;
        if self.parts == 0 {
            self.first_decided = decided;
            self.log.columns = std::mem::take(&mut log.columns);
            self.log.preset = log.preset.take();
            self.log.format = std::mem::take(&mut log.format);
            self.log.variant_column = log.variant_column.take();
        }
        self.parts += 1;
        self.log.rows_read += log.rows_read;
        self.log.rows_skipped += log.rows_skipped;
        let offset = self.lines;
        self.lossy_line = self.lossy_line.or(lossy_line.map(|l| l + offset));
        let Warnings { items, total } = std::mem::take(&mut log.warnings);
        let kept = self.log.warnings.items.len();
        self.log.warnings.total += total;
        self.log.warnings.items.extend(
            items
                .into_iter()
                .take(MAX_WARNINGS - kept.min(MAX_WARNINGS))
                .map(|w| Warning { line: w.line.map(|l| l + offset), message: w.message }),
        );
        self.lines += lines;
        self.last_whole = whole_records;
        PartLog { log, orders, id_index, lines, lossy_line, whole_records, decided }
    }

    /// The merged log; `Ok(None)` when the split was not exact (read the
    /// file in one pass instead).
    pub fn finish(mut self) -> Result<Option<EventLog>, IngestError> {
        if self.parts == 0 {
            return Err(IngestError::Empty);
        }
        // A first part that ended before the rows types are decided from would decide from fewer
        // rows than a one-pass read (unless it is the whole file).
        if self.inexact || (self.parts > 1 && !self.first_decided) {
            return Ok(None);
        }
        if let Some(line) = self.lossy_line {
            let w = Warning::at(
                line,
                "invalid UTF-8 replaced by \u{FFFD}; save the file as UTF-8 to keep these characters",
            );
            self.log.warnings.items.insert(0, w);
            self.log.warnings.total += 1;
            self.log.warnings.items.truncate(MAX_WARNINGS);
        }
        self.log.ids = self.ids.values;
        self.log.event_names = self.events.values;
        self.log.variant_names = self.variants.values;
        no_usable_rows(self.log).map(Some)
    }
}

/// The merged code of each of a part's strings, interned in the part's order
/// (its first appearances), so merged codes follow first appearance in the file.
fn remap(merged: &mut Interner, local: Vec<String>) -> Vec<u32> {
    local.iter().map(|s| merged.code(s)).collect()
}

/// Room at the end of the merged columns for one part ([`Merger::make_room`]): where its rows
/// start in each column (customer, time, event, revenue, order, variant) and how many.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    start: [usize; 6],
    len: [usize; 6],
}

/// The columns of a [`Room`], to be written.
pub struct RoomColumns<'a> {
    pub customer: &'a mut [u32],
    pub time: &'a mut [i64],
    pub event: &'a mut [u32],
    pub revenue: &'a mut [f64],
    pub order: &'a mut [u32],
    pub variant: &'a mut [u32],
}

impl RoomColumns<'_> {
    /// Moves `log`'s columns into the room (made with [`column_lengths`] of `log`), leaving them empty.
    pub fn fill_from(self, log: &mut EventLog) {
        self.customer.copy_from_slice(&std::mem::take(&mut log.customer));
        self.time.copy_from_slice(&std::mem::take(&mut log.time));
        self.event.copy_from_slice(&std::mem::take(&mut log.event));
        self.revenue.copy_from_slice(&std::mem::take(&mut log.revenue));
        self.order.copy_from_slice(&std::mem::take(&mut log.order));
        self.variant.copy_from_slice(&std::mem::take(&mut log.variant));
    }
}

/// The lengths of a log's columns, in [`Room`]'s order.
pub fn column_lengths(l: &EventLog) -> [usize; 6] {
    [l.customer.len(), l.time.len(), l.event.len(), l.revenue.len(), l.order.len(), l.variant.len()]
}

/// A part's codes, where they lie, translated to the merged ones, in calls of
/// [`crate::tiers::CHUNK`] rows: a merge runs once per load, so one call would run all of a large
/// part on the engine's baseline code (Node, 2.4M rows, in a fresh worker: 120 ms instead of 40).
fn map_in_place(codes: &mut [u32], map: &[u32]) {
    crate::tiers::in_chunks(codes.len(), &mut |r| {
        codes.get_mut(r).unwrap_or_default().iter_mut().for_each(|c| *c = code(map, *c));
    });
}

fn code(map: &[u32], local: u32) -> u32 {
    map.get(local as usize).copied().unwrap_or(u32::MAX)
}

/// Where to split `bytes` into `parts` parts: just after the first line feed
/// at or after each even share (`[0, p1, p2, …, len]`, fewer points when
/// lines are longer than a share). The browser computes the same points from
/// small slices of a `File`.
pub fn split_points(bytes: &[u8], parts: usize) -> Vec<usize> {
    let len = bytes.len();
    let mut points = vec![0];
    for i in 1..parts.max(1) {
        let share = len / parts * i;
        let at = bytes.get(share.saturating_sub(1)..).and_then(|rest| rest.iter().position(|&b| b == b'\n'));
        let Some(at) = at.map(|a| share.saturating_sub(1) + a + 1) else { break };
        if at > *points.last().unwrap_or(&0) && at < len {
            points.push(at);
        }
    }
    points.push(len);
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_csv_events;

    /// Parses `bytes` split at `points` and merges.
    fn split_read(bytes: &[u8], points: &[usize], head: usize) -> Option<EventLog> {
        split_read_as(bytes, points, head, false)
    }

    /// [`split_read`], the parts after the first written into room made for them (`placed`), as
    /// the Wasm layer does with another worker's arrays.
    fn split_read_as(bytes: &[u8], points: &[usize], head: usize, placed: bool) -> Option<EventLog> {
        let opts = EventOptions::default();
        let head = bytes.get(..head.min(bytes.len())).unwrap_or_default();
        let mut m = Merger::default();
        for (i, w) in points.windows(2).enumerate() {
            let part = &bytes[w[0]..w[1]];
            let mut r = PartReader::new(head, &opts, part.len() as u64, i == 0, false).unwrap()?;
            for chunk in part.chunks(4093) {
                r.push(chunk).unwrap();
            }
            let mut p = r.finish().unwrap();
            if !placed || i == 0 {
                m.add(p);
                continue;
            }
            let room = m.make_room(column_lengths(&p.log));
            m.room_mut(&room).fill_from(&mut p.log);
            m.add_placed(p, room);
        }
        m.finish().unwrap()
    }

    fn same(a: &EventLog, b: &EventLog) {
        assert_eq!(a.ids, b.ids);
        assert_eq!(a.customer, b.customer);
        assert_eq!(a.time, b.time);
        assert_eq!(a.event, b.event);
        assert_eq!(a.event_names, b.event_names);
        assert_eq!(a.revenue, b.revenue);
        assert_eq!(a.order, b.order);
        assert_eq!((a.rows_read, a.rows_skipped), (b.rows_read, b.rows_skipped));
        assert_eq!(a.warnings.items, b.warnings.items);
        assert_eq!(a.warnings.total, b.warnings.total);
        assert_eq!(a.columns, b.columns);
    }

    #[test]
    fn split_points_follow_line_feeds() {
        assert_eq!(split_points(b"ab\ncd\nef\n", 3), [0, 3, 6, 9]);
        assert_eq!(split_points(b"abcdefgh\n", 4), [0, 9]);
        assert_eq!(split_points(b"", 2), [0, 0]);
        assert_eq!(split_points(b"a\nb", 1), [0, 3]);
    }

    #[test]
    fn parts_merge_to_the_one_pass_log() {
        let mut csv = String::from("\u{FEFF}user,time,event,amount,order\n");
        // 12,000 rows: each of 5 parts holds more than the 1,001 rows types are decided from.
        for i in 0..12_000 {
            let t = if i % 97 == 0 { "bad".to_string() } else { format!("2024-01-{:02}", 1 + i % 28) };
            csv.push_str(&format!("u{},{t},e{},{}.5,o{}\n", (i * 7) % 311, i % 5, i % 13, i % 50));
        }
        let bytes = csv.as_bytes();
        let whole = read_csv_events(bytes, &EventOptions::default(), false).unwrap().unwrap();
        assert!(whole.rows_skipped > 0);
        for n in [1, 2, 3, 5] {
            let points = split_points(bytes, n);
            for placed in [false, true] {
                let merged = split_read_as(bytes, &points, 1 << 20, placed).unwrap();
                same(&merged, &whole);
            }
        }
    }

    #[test]
    fn a_split_inside_quotes_is_refused() {
        let mut csv = String::from("user,time,note\n");
        for i in 0..2000 {
            csv.push_str(&format!("u{},2024-01-02,\"two\nlines\"\n", i % 10));
        }
        let bytes = csv.as_bytes();
        // Just after "two\n": inside the quoted field of some row past the sample.
        let mid = bytes.len() / 2;
        let inside = mid + bytes[mid..].windows(4).position(|w| w == b"two\n").unwrap() + 4;
        assert!(split_read(bytes, &[0, inside, bytes.len()], 1 << 20).is_none());
        // At a record boundary the same file merges exactly.
        let boundary = inside + bytes[inside..].iter().position(|&b| b == b'\n').unwrap() + 1;
        let whole = read_csv_events(bytes, &EventOptions::default(), false).unwrap().unwrap();
        same(&split_read(bytes, &[0, boundary, bytes.len()], 1 << 20).unwrap(), &whole);
    }

    #[test]
    fn a_short_head_or_first_part_is_refused() {
        let mut csv = String::from("user,time\n");
        for i in 0..3000 {
            csv.push_str(&format!("u{},2024-01-02\n", i % 10));
        }
        let bytes = csv.as_bytes();
        let points = split_points(bytes, 2);
        // The head does not hold the 1,001 rows the types are decided from.
        assert!(split_read(bytes, &points, 100).is_none());
        // The first part ends before them.
        let early = bytes.iter().position(|&b| b == b'\n').unwrap() + 1 + 17 * 10;
        assert!(split_read(bytes, &[0, early, bytes.len()], 1 << 20).is_none());
    }
}
