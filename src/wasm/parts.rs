//! Exports of the parallel Wasm for reading a CSV event log in parts (one
//! per worker, see `ingest::csv_parts`): a part loader per worker, the part
//! handed to the first worker as plain arrays, and the merge into a Session.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{into_error, js_count, options_from, Session};
use crate::ingest::csv_parts::{Merger, PartLog, PartReader, Room};
use crate::ingest::events::{ColumnInfo, EventLog};
use crate::ingest::packed;
use crate::report::{Warning, Warnings};
use crate::InputKind;
use crate::Segmenter;

fn ingest_error(e: crate::ingest::IngestError) -> JsValue {
    into_error(e.into())
}

/// Reads one part of a CSV event log, pushed in chunks.
#[wasm_bindgen(js_name = PartLoader)]
pub struct WasmPartLoader {
    inner: PartReader,
}

#[wasm_bindgen(js_class = PartLoader)]
impl WasmPartLoader {
    /// `head`: the file's first bytes (1 MiB); `size`: the bytes its columns are sized for (the
    /// part's size; the whole file's for the part the merge grows into); `first`: the part starts
    /// the file. `undefined` when the file cannot be read in parts (not a UTF-8 CSV event log,
    /// or a head too short to decide its columns): read it in one pass.
    pub fn start(head: &[u8], options: JsValue, size: f64, first: bool) -> Result<Option<WasmPartLoader>, JsValue> {
        let o = options_from(options)?;
        if o.input == InputKind::Table {
            return Ok(None);
        }
        let detect = o.input == InputKind::Auto;
        let size = js_count(size).unwrap_or(0);
        let r = PartReader::new(head, &o.event_options(), size, first, detect).map_err(ingest_error)?;
        Ok(r.map(|inner| WasmPartLoader { inner }))
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.inner.push(chunk).map_err(ingest_error)
    }

    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> f64 {
        self.inner.rows() as f64
    }

    pub fn finish(self) -> Result<WasmPart, JsValue> {
        Ok(WasmPart { inner: self.inner.finish().map_err(ingest_error)? })
    }
}

/// Everything of a part but its columns and string tables, as JSON.
#[derive(Serialize, Deserialize)]
struct PartMeta {
    rows_read: u64,
    rows_skipped: u64,
    warnings: Vec<Warning>,
    warnings_total: u64,
    columns: Vec<ColumnInfo>,
    preset: Option<String>,
    format: String,
    variant_column: Option<String>,
    lines: u64,
    lossy_line: Option<u64>,
    whole_records: bool,
    decided: bool,
}

/// A parsed part. Another worker's part travels as the arrays its `take*`
/// methods move out (each may be taken once), to `PartMerger.addArrays`.
#[wasm_bindgen(js_name = Part)]
pub struct WasmPart {
    inner: PartLog,
}

#[wasm_bindgen(js_class = Part)]
impl WasmPart {
    /// Rows read into the part (used ones).
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> f64 {
        self.inner.log.len() as f64
    }

    #[wasm_bindgen(js_name = takeCustomer)]
    pub fn take_customer(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.inner.log.customer)
    }
    #[wasm_bindgen(js_name = takeTime)]
    pub fn take_time(&mut self) -> Vec<i64> {
        std::mem::take(&mut self.inner.log.time)
    }
    #[wasm_bindgen(js_name = takeEvent)]
    pub fn take_event(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.inner.log.event)
    }
    #[wasm_bindgen(js_name = takeRevenue)]
    pub fn take_revenue(&mut self) -> Vec<f64> {
        std::mem::take(&mut self.inner.log.revenue)
    }
    #[wasm_bindgen(js_name = takeOrder)]
    pub fn take_order(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.inner.log.order)
    }
    #[wasm_bindgen(js_name = takeVariant)]
    pub fn take_variant(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.inner.log.variant)
    }
    /// `[bytes, table]`: ids, event names, order ids and variant names packed
    /// (`ingest::packed`), two typed arrays to transfer.
    #[wasm_bindgen(js_name = takeStrings)]
    pub fn take_strings(&mut self) -> Result<js_sys::Array, JsValue> {
        let l = &mut self.inner.log;
        let lists = [
            std::mem::take(&mut l.ids),
            std::mem::take(&mut l.event_names),
            std::mem::take(&mut self.inner.orders),
            std::mem::take(&mut l.variant_names),
        ];
        let (bytes, table) =
            packed::pack(&lists.each_ref().map(|v| v.as_slice())).map_err(|e| JsValue::from_str(&e.to_string()))?;
        Ok([
            JsValue::from(js_sys::Uint8Array::from(bytes.as_slice())),
            JsValue::from(js_sys::Uint32Array::from(table.as_slice())),
        ]
        .into_iter()
        .collect())
    }
    /// Counts, warnings, columns and how the part ended, as JSON.
    pub fn meta(&self) -> Result<String, JsValue> {
        let p = &self.inner;
        let l = &p.log;
        let meta = PartMeta {
            rows_read: l.rows_read,
            rows_skipped: l.rows_skipped,
            warnings: l.warnings.items.clone(),
            warnings_total: l.warnings.total,
            columns: l.columns.clone(),
            preset: l.preset.clone(),
            format: l.format.clone(),
            variant_column: l.variant_column.clone(),
            lines: p.lines,
            lossy_line: p.lossy_line,
            whole_records: p.whole_records,
            decided: p.decided,
        };
        serde_json::to_string(&meta).map_err(|e| JsValue::from_str(&e.to_string()))
    }
}

/// Merges parts, in file order, into a Session.
#[wasm_bindgen(js_name = PartMerger)]
pub struct WasmMerger {
    inner: Merger,
    /// Made by `makeRoom`, filled by the caller, taken by `addPlaced`.
    room: Option<Room>,
}

#[wasm_bindgen(js_class = PartMerger)]
impl WasmMerger {
    /// `rows`: the rows of all parts (sizes the merged columns once).
    #[wasm_bindgen(constructor)]
    pub fn new(rows: f64) -> WasmMerger {
        let rows = js_count(rows).unwrap_or(0) as usize;
        WasmMerger { inner: Merger::with_rows(rows), room: None }
    }

    /// A part parsed in this worker.
    pub fn add(&mut self, part: WasmPart) {
        self.inner.add(part.inner);
    }

    /// Makes room at the end of the merged columns for a part parsed in another worker, given the
    /// lengths of its six `take*` columns (customer, time, event, revenue, order, variant), and
    /// returns where each column goes: byte offsets in this Wasm's memory. Write the arrays there
    /// (nothing may run in this Wasm in between), then call `addPlaced`. The rows are copied once,
    /// straight into the columns; passed as arguments they were first copied into fresh memory
    /// (Node, 2.4M rows in a fresh worker: 65 ms before the merge began), then again.
    #[wasm_bindgen(js_name = makeRoom)]
    pub fn make_room(&mut self, lengths: &[u32]) -> Result<Vec<f64>, JsValue> {
        let Ok(len) = <[u32; 6]>::try_from(lengths) else {
            return Err(JsValue::from_str("makeRoom: expected the lengths of 6 columns"));
        };
        if self.room.is_some() {
            return Err(JsValue::from_str("makeRoom: the part before has not been added (addPlaced)"));
        }
        // Every column a part has holds one entry per row (time always; the others when present).
        if len.iter().any(|&l| l != 0 && l != len[1]) {
            return Err(JsValue::from_str(&format!("makeRoom: columns of different lengths {len:?}")));
        }
        let room = self.inner.make_room(len.map(|l| l as usize));
        let c = self.inner.room_mut(&room);
        let at = |p: *const u8| p as usize as f64;
        let offsets = vec![
            at(c.customer.as_ptr().cast()),
            at(c.time.as_ptr().cast()),
            at(c.event.as_ptr().cast()),
            at(c.revenue.as_ptr().cast()),
            at(c.order.as_ptr().cast()),
            at(c.variant.as_ptr().cast()),
        ];
        self.room = Some(room);
        Ok(offsets)
    }

    /// Adds the part whose columns were written where `makeRoom` said: the two arrays of its
    /// `takeStrings` and its `meta()`.
    #[wasm_bindgen(js_name = addPlaced)]
    pub fn add_placed(&mut self, string_bytes: &[u8], string_table: &[u32], meta: &str) -> Result<(), JsValue> {
        let room = self.room.take().ok_or_else(|| JsValue::from_str("addPlaced: call makeRoom first"))?;
        let m: PartMeta = serde_json::from_str(meta).map_err(|e| JsValue::from_str(&format!("part meta: {e}")))?;
        let lists = packed::unpack(string_bytes, string_table).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let Ok([ids, event_names, orders, variant_names]) = <[Vec<String>; 4]>::try_from(lists) else {
            return Err(JsValue::from_str("part strings: expected 4 lists (ids, events, orders, variants)"));
        };
        let log = EventLog {
            ids,
            event_names,
            variant_names,
            variant_column: m.variant_column,
            rows_read: m.rows_read,
            rows_skipped: m.rows_skipped,
            columns: m.columns,
            preset: m.preset,
            format: m.format,
            warnings: Warnings { items: m.warnings, total: m.warnings_total },
            ..EventLog::default()
        };
        let part = PartLog {
            log,
            orders,
            id_index: Default::default(),
            lines: m.lines,
            lossy_line: m.lossy_line,
            whole_records: m.whole_records,
            decided: m.decided,
        };
        self.inner.add_placed(part, room);
        Ok(())
    }

    /// The merged data as a Session; `undefined` when a split fell inside a quoted field (read
    /// the file in one pass). `size`: the whole file's size.
    pub fn finish(self, options: JsValue, size: f64) -> Result<Option<Session>, JsValue> {
        let o = options_from(options)?;
        let size = js_count(size).unwrap_or(0);
        let data = Segmenter::from_parts(self.inner, size, &o).map_err(into_error)?;
        Ok(data.map(|data| Session { data, last: None }))
    }
}
