//! A per-customer table: one row per customer, an id column and numeric
//! feature columns (what a CRM or warehouse export usually looks like).
//!
//! Column types are inferred from the first rows (`source::SAMPLE_ROWS`); the rest
//! stream through without being held as text. A row that does not fit
//! (ragged, unreadable number, missing id) is skipped, counted and reported.

use ndarray::Array2;

use super::events::Cells;
use super::infer::{infer_column, numeric_counts, ColumnType};
use super::source::{decode_and_open, Row};
use super::{is_null, parse_number, IngestError};
use crate::report::{Warning, Warnings};

/// Column names that mean "this is the customer id", compared after
/// lower-casing and dropping everything but letters and digits.
const ID_NAMES: [&str; 12] = [
    "id",
    "customerid",
    "customer",
    "userid",
    "user",
    "clientid",
    "client",
    "accountid",
    "account",
    "distinctid",
    "email",
    "memberid",
];

/// How to read a per-customer table. Every field defaults to "detect".
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// Column holding the customer id. Default: a column named like an id
    /// (`id`, `customer_id`, `user_id`, ...), else the first non-numeric
    /// column, else the line number.
    pub id_column: Option<String>,
    /// Numeric columns to keep as features. Default: every numeric column
    /// except the id.
    pub features: Option<Vec<String>>,
}

/// The parsed table: ids in input order, and a row-major matrix of features
/// with `NaN` for missing cells (imputed later, in `prep`).
#[derive(Debug, Clone)]
pub struct CustomerTable {
    pub ids: Vec<String>,
    pub id_column: Option<String>,
    pub feature_names: Vec<String>,
    pub values: Array2<f64>,
    /// Data rows seen (header excluded).
    pub rows_read: u64,
    pub rows_skipped: u64,
    /// Non-numeric columns left out of the features, for the Report.
    pub ignored_columns: Vec<String>,
    /// How the input was read (`csv (,)`, `tsv`, `json`, `jsonl`).
    pub format: String,
    /// Every input column with its inferred type, in input order.
    pub column_types: Vec<(String, ColumnType)>,
    pub warnings: Warnings,
}

/// Reads CSV/TSV/JSON/JSONL bytes into a [`CustomerTable`].
///
/// ```
/// use seglens::ingest::{read_customer_table, TableOptions};
/// let t = read_customer_table(b"id,spend,visits\na,10,1\nb,20,NA\n", &TableOptions::default()).unwrap();
/// assert_eq!(t.ids, ["a", "b"]);
/// assert_eq!(t.feature_names, ["spend", "visits"]);
/// assert!(t.values[[1, 1]].is_nan()); // NA is missing, imputed later
/// ```
pub fn read_customer_table(bytes: &[u8], opts: &TableOptions) -> Result<CustomerTable, IngestError> {
    let mut hold = None;
    let mut src = decode_and_open(bytes, &mut hold)?;
    let head = TableHead {
        format: src.format.name(),
        names: std::mem::take(&mut src.names),
        sample: std::mem::take(&mut src.sample),
        warnings: std::mem::take(&mut src.warnings),
        unreadable: src.unreadable,
    };
    let mut b = TableBuilder::new(head, opts)?;
    for rec in src.rest() {
        match rec {
            Ok(row) => b.add(row.line, &row.fields),
            Err(w) => b.skip(w.line.unwrap_or(0), w.message),
        }
    }
    b.finish()
}

/// The first rows of a table, from which the id and feature columns are chosen.
pub(crate) struct TableHead {
    pub format: String,
    pub names: Vec<String>,
    /// The first rows (header excluded); they are added to the table first.
    pub sample: Vec<Row>,
    pub warnings: Warnings,
    pub unreadable: u64,
}

/// Builds a [`CustomerTable`] row by row, whoever reads the rows.
pub(crate) struct TableBuilder {
    width: usize,
    id_idx: Option<usize>,
    feature_idx: Vec<usize>,
    names: Vec<String>,
    ids: Vec<String>,
    flat: Vec<f64>,
    rows_read: u64,
    rows_skipped: u64,
    first_problem: Option<String>,
    warnings: Warnings,
    ignored_columns: Vec<String>,
    column_types: Vec<(String, ColumnType)>,
    format: String,
}

impl TableBuilder {
    /// Chooses the id and feature columns from the head and adds the sample rows.
    pub fn new(head: TableHead, opts: &TableOptions) -> Result<TableBuilder, IngestError> {
        let TableHead { format, names, sample, warnings, unreadable } = head;
        let numeric: Vec<bool> = (0..names.len()).map(|i| numeric_counts(&sample, i).is_mostly_numeric()).collect();
        let column_types =
            names.iter().enumerate().map(|(i, n)| (n.clone(), infer_column(&sample, i, n).kind)).collect();
        let id_idx = choose_id_column(opts, &names, &numeric)?;
        let feature_idx = choose_features(opts, &names, &numeric, id_idx, &sample)?;
        let ignored_columns = (0..names.len())
            .filter(|&i| Some(i) != id_idx && !feature_idx.contains(&i))
            .map(|i| names[i].clone())
            .collect();
        let mut b = TableBuilder {
            width: names.len(),
            id_idx,
            feature_idx,
            names,
            ids: Vec::new(),
            flat: Vec::new(),
            rows_read: unreadable,
            rows_skipped: unreadable,
            first_problem: None,
            warnings,
            ignored_columns,
            column_types,
            format,
        };
        for row in &sample {
            b.add(row.line, &row.fields);
        }
        Ok(b)
    }

    /// The id column, read as text (a host column of numbers there is turned into text first).
    pub fn id_column(&self) -> Option<usize> {
        self.id_idx
    }

    pub fn skip(&mut self, line: u64, message: String) {
        self.rows_read += 1;
        self.rows_skipped += 1;
        self.first_problem.get_or_insert_with(|| format!("line {line}: {message}"));
        self.warnings.push(Warning::at(line, message));
    }

    /// Adds one data row (or skips it, with a warning naming `line`).
    pub fn add(&mut self, line: u64, f: &dyn Cells) {
        if f.count() != self.width {
            return self.skip(line, format!("expected {} fields, found {}; row skipped", self.width, f.count()));
        }
        let id = match self.id_idx {
            Some(i) => match f.get(i).map(str::trim) {
                Some(v) if !is_null(v) => v.to_string(),
                _ => {
                    let col = &self.names[i];
                    return self.skip(line, format!("column \"{col}\": missing customer id; row skipped"));
                }
            },
            None => format!("row-{line}"),
        };
        let start = self.flat.len();
        for k in 0..self.feature_idx.len() {
            let i = self.feature_idx[k];
            let problem = match f.value(i) {
                // A number held as a number (host typed arrays): NaN is missing, like an empty cell.
                Some(v) if v.is_finite() || v.is_nan() => {
                    self.flat.push(v);
                    continue;
                }
                Some(v) => format!("\"{}\" is not a finite number", super::host::number_text(v)),
                None => {
                    let cell = f.get(i).unwrap_or("");
                    if is_null(cell) {
                        self.flat.push(f64::NAN);
                        continue;
                    }
                    match parse_number(cell) {
                        Some(v) => {
                            self.flat.push(v);
                            continue;
                        }
                        None => number_problem(cell),
                    }
                }
            };
            self.flat.truncate(start);
            let col = &self.names[i];
            return self.skip(line, format!("column \"{col}\": {problem}; row skipped"));
        }
        self.rows_read += 1;
        self.ids.push(id);
    }

    pub fn finish(self) -> Result<CustomerTable, IngestError> {
        let TableBuilder { ids, flat, rows_read, rows_skipped, first_problem, names, id_idx, feature_idx, .. } = self;
        if ids.is_empty() {
            return Err(IngestError::NoUsableRows {
                skipped: rows_skipped,
                first: first_problem.unwrap_or_else(|| "no data rows".into()),
            });
        }
        let values = Array2::from_shape_vec((ids.len(), feature_idx.len()), flat)
            .map_err(|e| IngestError::Csv { line: 0, message: e.to_string() })?;
        Ok(CustomerTable {
            ids,
            id_column: id_idx.map(|i| names[i].clone()),
            feature_names: feature_idx.iter().map(|&i| names[i].clone()).collect(),
            values,
            rows_read,
            rows_skipped,
            ignored_columns: self.ignored_columns,
            column_types: self.column_types,
            format: self.format,
            warnings: self.warnings,
        })
    }
}

/// Keeps quoted user values short in messages (a 1 MB cell must not become a 1 MB warning).
/// Why a cell is not a usable number, quoting it.
pub(crate) fn number_problem(cell: &str) -> String {
    if super::is_non_finite_number(cell) {
        format!("\"{}\" is not a finite number", clip(cell))
    } else {
        format!("cannot read \"{}\" as a number", clip(cell))
    }
}

pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn find_column(names: &[String], wanted: &str) -> Result<usize, IngestError> {
    names
        .iter()
        .position(|n| n == wanted)
        .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(wanted)))
        .ok_or_else(|| IngestError::UnknownColumn { name: wanted.to_string(), available: names.join(", ") })
}

fn normalise(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn choose_id_column(opts: &TableOptions, names: &[String], numeric: &[bool]) -> Result<Option<usize>, IngestError> {
    if let Some(wanted) = &opts.id_column {
        return find_column(names, wanted).map(Some);
    }
    if let Some(i) = names.iter().position(|n| ID_NAMES.contains(&normalise(n).as_str())) {
        return Ok(Some(i));
    }
    Ok(numeric.iter().position(|&is_num| !is_num))
}

fn choose_features(
    opts: &TableOptions,
    names: &[String],
    numeric: &[bool],
    id_idx: Option<usize>,
    data: &[Row],
) -> Result<Vec<usize>, IngestError> {
    if let Some(wanted) = &opts.features {
        let mut idx = Vec::with_capacity(wanted.len());
        for w in wanted {
            let i = find_column(names, w)?;
            if !numeric.get(i).copied().unwrap_or(false) {
                let bad = data.iter().find_map(|r| {
                    r.fields.get(i).filter(|c| !is_null(c) && parse_number(c).is_none()).map(|c| (r.line, clip(c)))
                });
                let (line, value) = bad.unwrap_or((0, String::new()));
                return Err(IngestError::NotNumeric { name: names[i].clone(), line, value });
            }
            if !idx.contains(&i) {
                idx.push(i);
            }
        }
        return Ok(idx);
    }
    let idx: Vec<usize> = (0..names.len()).filter(|&i| Some(i) != id_idx && numeric[i]).collect();
    if idx.is_empty() {
        return Err(IngestError::NoNumericColumns { columns: names.join(", ") });
    }
    Ok(idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<CustomerTable, IngestError> {
        read_customer_table(text.as_bytes(), &TableOptions::default())
    }

    #[test]
    fn detects_header_id_and_numeric_columns() {
        let t = read("customer_id,plan,spend,visits\n7,pro,10.5,3\n8,free,0,1\n").unwrap();
        assert_eq!(t.id_column.as_deref(), Some("customer_id"));
        assert_eq!(t.ids, ["7", "8"]);
        assert_eq!(t.feature_names, ["spend", "visits"]);
        assert_eq!(t.ignored_columns, ["plan"]);
        assert_eq!(t.values[[0, 0]], 10.5);
    }

    #[test]
    fn headerless_numeric_file_gets_generated_names_and_row_ids() {
        let t = read("1,2\n3,4\n").unwrap();
        assert_eq!(t.feature_names, ["column_1", "column_2"]);
        assert_eq!(t.ids, ["row-1", "row-2"]);
    }

    #[test]
    fn bad_rows_are_skipped_counted_and_located() {
        let t = read("id,x,y\na,1,2\nb,12;5,3\nc,1\n,4,4\nd,5,6\n").unwrap();
        assert_eq!(t.ids, ["a", "d"]);
        assert_eq!((t.rows_read, t.rows_skipped), (5, 3));
        let msgs: Vec<_> = t.warnings.items.iter().map(|w| (w.line, w.message.as_str())).collect();
        assert_eq!(msgs[0], (Some(3), "column \"x\": cannot read \"12;5\" as a number; row skipped"));
        assert_eq!(msgs[1], (Some(4), "expected 3 fields, found 2; row skipped"));
        assert_eq!(msgs[2], (Some(5), "column \"id\": missing customer id; row skipped"));
    }

    #[test]
    fn quoted_fields_with_delimiters_and_newlines() {
        let t = read("id,x\n\"a, \"\"quoted\"\"\nname\",1\nb,2\r\n").unwrap();
        assert_eq!(t.ids, ["a, \"quoted\"\nname", "b"]);
    }

    #[test]
    fn file_level_errors_say_what_to_do() {
        assert_eq!(read("id,x\n").unwrap_err(), IngestError::HeaderOnly);
        assert!(matches!(read("name,city\nann,paris\n"), Err(IngestError::NoNumericColumns { .. })));
        assert!(matches!(read("id,x\na,zz\nb,yy\n"), Err(IngestError::NoNumericColumns { .. })));
        let e = read_customer_table(
            b"id,x\na,1\n",
            &TableOptions { features: Some(vec!["nope".into()]), ..Default::default() },
        );
        assert_eq!(e.unwrap_err().to_string(), "column \"nope\" not found; available columns: id, x");
    }

    #[test]
    fn duplicate_headers_are_renamed_not_lost() {
        let t = read("id,x,x\na,1,2\n").unwrap();
        assert_eq!(t.feature_names, ["x", "x_2"]);
    }
}
