//! One row stream for every text format. CSV/TSV (RFC 4180, delimiter
//! sniffed, header detected), JSON (an array of objects) and JSON Lines all
//! become a [`Source`]: column names plus rows of string cells with their
//! 1-based line numbers. Readers downstream (per-customer tables, event
//! logs) infer types and roles from the first rows and stream the rest.

use csv::StringRecord;
use serde_json::{Map, Value};

use super::{decode_text, is_null, parse_number, sniff_delimiter, IngestError};
use crate::report::{Warning, Warnings};

/// Rows kept for type inference before the rest is streamed.
pub const SAMPLE_ROWS: usize = 1000;
/// Nested JSON deeper than this is kept as JSON text instead of flattened further.
const MAX_FLATTEN_DEPTH: usize = 16;

/// The format an input was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { delimiter: u8 },
    Json,
    JsonLines,
}

impl Format {
    pub fn name(&self) -> String {
        match self {
            Format::Csv { delimiter: b'\t' } => "tsv".into(),
            Format::Csv { delimiter } => format!("csv ({})", *delimiter as char),
            Format::Json => "json".into(),
            Format::JsonLines => "jsonl".into(),
        }
    }
}

/// One data row: its 1-based line in the input and its cells in column order.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub fields: StringRecord,
}

/// Column names, the first rows, and an iterator over the rest.
pub struct Source<'a> {
    pub format: Format,
    pub names: Vec<String>,
    /// The first up to [`SAMPLE_ROWS`] data rows (header excluded).
    pub sample: Vec<Row>,
    rest: Box<dyn Iterator<Item = Result<Row, Warning>> + 'a>,
    pub warnings: Warnings,
    /// Rows that could not be read at all (counted as read and skipped).
    pub unreadable: u64,
}

impl<'a> Source<'a> {
    /// Remaining rows after the sample. Unreadable ones come as warnings.
    pub fn rest(&mut self) -> &mut (dyn Iterator<Item = Result<Row, Warning>> + 'a) {
        &mut *self.rest
    }
}

/// Opens `text` (already decoded) as CSV, JSON or JSON Lines, by its first
/// non-blank character.
pub fn open(text: &str) -> Result<Source<'_>, IngestError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        let head: String = trimmed.chars().take(1024).collect::<String>().to_ascii_lowercase();
        if head.starts_with("<?xml") {
            return Err(IngestError::WrongFormat { what: "an XML document" });
        }
        if head.contains("<html") || head.starts_with("<!doctype html") {
            return Err(IngestError::WrongFormat { what: "an HTML page (a login page or a download that failed?)" });
        }
    }
    match trimmed.as_bytes().first() {
        None => Err(IngestError::Empty),
        Some(b'[') => open_json(text),
        Some(b'{') => open_json_lines(text),
        Some(_) => open_csv(text),
    }
}

/// Decodes bytes and opens them; the decoding warning, if any, goes first.
pub fn decode_and_open<'a>(bytes: &'a [u8], hold: &'a mut Option<String>) -> Result<Source<'a>, IngestError> {
    let decoded = decode_text(bytes)?;
    let lossy = decoded.lossy_from_line;
    let text: &'a str = match decoded.text {
        std::borrow::Cow::Borrowed(s) => s,
        std::borrow::Cow::Owned(s) => hold.insert(s).as_str(),
    };
    let mut src = open(text)?;
    if let Some(line) = lossy {
        let mut w = Warnings::default();
        w.push(Warning::at(
            line,
            "invalid UTF-8 replaced by \u{FFFD}; save the file as UTF-8 to keep these characters",
        ));
        for x in src.warnings.items.drain(..) {
            w.push(x);
        }
        src.warnings = w;
    }
    Ok(src)
}

fn open_csv(text: &str) -> Result<Source<'_>, IngestError> {
    let delimiter = sniff_delimiter(text);
    let rdr =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = rdr.into_records().map(|r| match r {
        Ok(fields) => Ok(Row { line: fields.position().map_or(0, |p| record_line(text, p)), fields }),
        Err(e) => Err(Warning::at(e.position().map_or(0, |p| p.line()), format!("unreadable row skipped: {e}"))),
    });
    let mut warnings = Warnings::default();
    let mut unreadable = 0;
    let mut sample = Vec::new();
    for r in rows.by_ref() {
        match r {
            Ok(row) => sample.push(row),
            Err(w) => {
                unreadable += 1;
                warnings.push(w);
            }
        }
        if sample.len() > SAMPLE_ROWS {
            break;
        }
    }
    let (names, sample) = header_and_sample(sample, &mut warnings)?;
    Ok(Source { format: Format::Csv { delimiter }, names, sample, rest: Box::new(rows), warnings, unreadable })
}

/// The first line of a record. The `csv` crate counts lines up to where it
/// started reading, which after a CRLF is the LF still to be skipped: one
/// line early.
fn record_line(text: &str, p: &csv::Position) -> u64 {
    let at_lf = usize::try_from(p.byte()).ok().and_then(|b| text.as_bytes().get(b)) == Some(&b'\n');
    p.line() + u64::from(at_lf)
}

/// Splits the first `SAMPLE_ROWS + 1` CSV records into column names and
/// sample rows: the first record is the header when it looks like one,
/// otherwise columns are named `column_N`.
pub(super) fn header_and_sample(
    mut sample: Vec<Row>,
    warnings: &mut Warnings,
) -> Result<(Vec<String>, Vec<Row>), IngestError> {
    if sample.is_empty() {
        return Err(IngestError::Empty);
    }
    let has_header = looks_like_header(&sample);
    let width = sample.first().map_or(0, |r| r.fields.len());
    let header: Vec<&str> = if has_header { sample[0].fields.iter().collect() } else { Vec::new() };
    let names = unique_names((0..width).map(|i| header.get(i).copied().unwrap_or("")), warnings);
    if has_header {
        sample.remove(0);
        if sample.is_empty() {
            return Err(IngestError::HeaderOnly);
        }
    }
    Ok((names, sample))
}

/// The first row is a header when none of its cells is a number, or when a
/// column that is numeric below has text in the first row.
fn looks_like_header(sample: &[Row]) -> bool {
    let Some(first) = sample.first() else { return false };
    if first.fields.iter().all(|c| !is_null(c) && parse_number(c).is_none()) {
        return true;
    }
    let rest = &sample[1..];
    !rest.is_empty()
        && (0..first.fields.len()).any(|i| {
            parse_number(first.fields.get(i).unwrap_or("")).is_none()
                && crate::ingest::infer::numeric_counts(rest, i).is_mostly_numeric()
        })
}

/// Trims names, names empty ones `column_N`, renames duplicates `name_2`
/// (with a warning), so every column stays addressable and nothing is lost.
fn unique_names<'s>(raw: impl Iterator<Item = &'s str>, warnings: &mut Warnings) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    // A set, not `names.contains`: files with 10,000+ columns exist.
    let mut seen = std::collections::HashSet::new();
    for (i, r) in raw.enumerate() {
        let r = r.trim();
        let mut name = if r.is_empty() { format!("column_{}", i + 1) } else { r.to_string() };
        if seen.contains(&name) {
            let mut k = 2;
            while seen.contains(&format!("{name}_{k}")) {
                k += 1;
            }
            let renamed = format!("{name}_{k}");
            warnings.push(Warning::at(1, format!("duplicate column name \"{name}\" renamed to \"{renamed}\"")));
            name = renamed;
        }
        seen.insert(name.clone());
        names.push(name);
    }
    names
}

/// Flattens nested objects into dotted paths (`properties.revenue`); arrays
/// and over-deep values are kept as JSON text; null becomes an empty cell.
fn flatten(prefix: &str, v: &Value, depth: usize, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) if depth < MAX_FLATTEN_DEPTH => {
            for (k, child) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, child, depth + 1, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Bool(b) => out.push((prefix.to_string(), b.to_string())),
        Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Objects flattened to (line, pairs); the column set is the union of all
/// keys in order of first appearance, so sparse properties are kept.
fn objects_to_source(
    objs: Vec<(u64, Map<String, Value>)>,
    format: Format,
    warnings: Warnings,
    unreadable: u64,
) -> Result<Source<'static>, IngestError> {
    let mut names: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut flat_rows = Vec::with_capacity(objs.len());
    for (line, obj) in objs {
        let mut pairs = Vec::new();
        flatten("", &Value::Object(obj), 0, &mut pairs);
        for (k, _) in &pairs {
            if !index.contains_key(k) {
                index.insert(k.clone(), names.len());
                names.push(k.clone());
            }
        }
        flat_rows.push((line, pairs));
    }
    if flat_rows.is_empty() {
        return Err(IngestError::Empty);
    }
    let width = names.len();
    let rows: Vec<Row> = flat_rows
        .into_iter()
        .map(|(line, pairs)| {
            let mut cells = vec![String::new(); width];
            for (k, v) in pairs {
                if let Some(slot) = index.get(&k).and_then(|&i| cells.get_mut(i)) {
                    *slot = v;
                }
            }
            Row { line, fields: StringRecord::from(cells) }
        })
        .collect();
    let mut rows = rows.into_iter();
    let sample: Vec<Row> = rows.by_ref().take(SAMPLE_ROWS + 1).collect();
    Ok(Source { format, names, sample, rest: Box::new(rows.map(Ok)), warnings, unreadable })
}

fn open_json(text: &str) -> Result<Source<'static>, IngestError> {
    let value: Value = serde_json::from_str(text).map_err(|e| IngestError::Json {
        line: e.line() as u64,
        column: e.column() as u64,
        message: e.to_string(),
    })?;
    let Value::Array(items) = value else {
        return Err(IngestError::Json { line: 1, column: 1, message: "expected an array of objects".into() });
    };
    let mut warnings = Warnings::default();
    let mut unreadable = 0;
    let mut objs = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match item {
            // An array has no line per element; the element's 1-based position stands in.
            Value::Object(m) => objs.push((i as u64 + 1, m)),
            other => {
                unreadable += 1;
                warnings.push(Warning::at(
                    i as u64 + 1,
                    format!("array element {} is not an object ({}); skipped", i + 1, kind(&other)),
                ));
            }
        }
    }
    objects_to_source(objs, Format::Json, warnings, unreadable)
}

fn open_json_lines(text: &str) -> Result<Source<'static>, IngestError> {
    let mut warnings = Warnings::default();
    let mut unreadable = 0;
    let mut objs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(m)) => objs.push((n, m)),
            Ok(other) => {
                unreadable += 1;
                warnings.push(Warning::at(n, format!("not a JSON object ({}); line skipped", kind(&other))));
            }
            Err(e) => {
                unreadable += 1;
                warnings.push(Warning::at(n, format!("invalid JSON at column {}: {e}; line skipped", e.column())));
            }
        }
    }
    if objs.is_empty() && unreadable > 0 {
        let first = warnings.items.first().map(|w| w.message.clone()).unwrap_or_default();
        return Err(IngestError::NoUsableRows { skipped: unreadable, first: format!("line 1: {first}") });
    }
    objects_to_source(objs, Format::JsonLines, warnings, unreadable)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_array_is_flattened_by_dotted_path() {
        let s = open(r#"[{"event":"buy","properties":{"distinct_id":"u1","revenue":9.5}},{"event":"view","properties":{"distinct_id":"u2","plan":null}}]"#).unwrap();
        assert_eq!(s.format, Format::Json);
        assert_eq!(s.names, ["event", "properties.distinct_id", "properties.revenue", "properties.plan"]);
        assert_eq!(s.sample[0].fields.get(2), Some("9.5"));
        assert_eq!(s.sample[1].fields.get(2), Some(""));
    }

    #[test]
    fn json_lines_skip_bad_lines_with_their_number() {
        let s = open("{\"a\":1}\n\n{oops\n[1]\n{\"a\":2,\"b\":\"x\"}\n").unwrap();
        assert_eq!(s.format, Format::JsonLines);
        assert_eq!(s.sample.len(), 2);
        assert_eq!(s.sample[1].line, 5);
        assert_eq!(s.unreadable, 2);
        assert_eq!(s.warnings.items[0].line, Some(3));
        assert!(s.warnings.items[1].message.contains("not a JSON object (an array)"));
    }

    #[test]
    fn malformed_json_array_points_at_line_and_column() {
        let Err(e) = open("[{\"a\": 1},\n {\"a\": }]") else { panic!("must fail") };
        assert!(matches!(e, IngestError::Json { line: 2, .. }), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(open(&deep).is_err());
    }
}
