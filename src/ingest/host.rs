//! Data a host page already holds in JavaScript (a dashboard's arrays):
//! columns of numbers (typed arrays) or of text, read without writing them
//! out as CSV or JSON first. Numbers stay numbers: revenue, epoch times and
//! features are taken as they are; only columns read as text (ids, event
//! names) are formatted, once.

use csv::StringRecord;

use super::events::Cells;
use super::source::{Row, SAMPLE_ROWS};
use super::IngestError;

/// One host column. Missing values: NaN in numbers, `""` in text.
#[derive(Debug, Clone, PartialEq)]
pub enum HostColumn {
    Numbers(Vec<f64>),
    Text(Vec<String>),
}

impl HostColumn {
    fn len(&self) -> usize {
        match self {
            HostColumn::Numbers(v) => v.len(),
            HostColumn::Text(v) => v.len(),
        }
    }

    /// Cell `i` as text (numbers in their shortest exact form, missing as "").
    fn text(&self, i: usize) -> String {
        match self {
            HostColumn::Numbers(v) => v.get(i).filter(|x| !x.is_nan()).map(|&x| number_text(x)).unwrap_or_default(),
            HostColumn::Text(v) => v.get(i).cloned().unwrap_or_default(),
        }
    }
}

/// Named columns; shorter columns are missing past their end (as a table
/// with blank cells would be).
#[derive(Debug, Clone, PartialEq)]
pub struct HostTable {
    pub names: Vec<String>,
    pub columns: Vec<HostColumn>,
}

impl HostTable {
    /// Checks the shape: one name per column, at least one row.
    pub fn new(names: Vec<String>, columns: Vec<HostColumn>) -> Result<HostTable, IngestError> {
        if names.len() != columns.len() {
            return Err(IngestError::Host {
                message: format!("{} column names for {} columns", names.len(), columns.len()),
            });
        }
        let t = HostTable { names, columns };
        if t.rows() == 0 {
            return Err(IngestError::Empty);
        }
        Ok(t)
    }

    pub fn rows(&self) -> usize {
        self.columns.iter().map(HostColumn::len).max().unwrap_or(0)
    }

    /// Size of the data as held: 8 bytes per number, the bytes of each string.
    pub fn bytes(&self) -> u64 {
        self.columns
            .iter()
            .map(|c| match c {
                HostColumn::Numbers(v) => 8 * v.len() as u64,
                HostColumn::Text(v) => v.iter().map(|s| s.len() as u64).sum(),
            })
            .sum()
    }

    /// Turns a column of numbers into text, for a column read as text (ids, event names).
    pub fn to_text(&mut self, c: usize) {
        if let Some(col @ HostColumn::Numbers(_)) = self.columns.get_mut(c) {
            let text = (0..col.len()).map(|i| col.text(i)).collect();
            *col = HostColumn::Text(text);
        }
    }

    /// The first rows as text, for type and role inference (numbered from 1).
    pub fn sample(&self) -> Vec<Row> {
        (0..self.rows().min(SAMPLE_ROWS))
            .map(|i| Row {
                line: i as u64 + 1,
                fields: self.columns.iter().map(|c| c.text(i)).collect::<StringRecord>(),
            })
            .collect()
    }

    /// Row `i` (0-based) as cells.
    pub fn row(&self, i: usize) -> HostRow<'_> {
        HostRow { table: self, i }
    }
}

/// One row of a [`HostTable`].
pub struct HostRow<'a> {
    table: &'a HostTable,
    i: usize,
}

impl Cells for HostRow<'_> {
    fn count(&self) -> usize {
        self.table.columns.len()
    }
    fn get(&self, c: usize) -> Option<&str> {
        match self.table.columns.get(c)? {
            HostColumn::Text(v) => Some(v.get(self.i).map_or("", String::as_str)),
            HostColumn::Numbers(_) => None,
        }
    }
    fn value(&self, c: usize) -> Option<f64> {
        match self.table.columns.get(c)? {
            HostColumn::Numbers(v) => Some(v.get(self.i).copied().unwrap_or(f64::NAN)),
            HostColumn::Text(_) => None,
        }
    }
}

/// A number as text, in its shortest exact form (`42`, `19.99`: `Display`
/// prints integers without a decimal point, as ids and epoch times are written).
pub fn number_text(x: f64) -> String {
    x.to_string()
}

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn numbers_as_text_read_back_exactly() {
        for x in [0.0, 42.0, -7.0, 1_700_000_000_000.0, 19.99, 0.1 + 0.2, -1e-7, 1.5e300, f64::INFINITY] {
            let t = number_text(x);
            assert_eq!(crate::ingest::parse_number(&t).unwrap_or(f64::INFINITY), x, "{t}");
        }
        assert_eq!(number_text(42.0), "42");
        assert_eq!(number_text(19.99), "19.99");
    }
}
