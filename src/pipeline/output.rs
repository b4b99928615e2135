//! Per-customer outputs: the labels CSV and the RFM table of DESIGN.md.

use super::{Options, Segmentation, Segmenter};
use crate::Error;

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, Error> {
    let bytes = w.into_inner().map_err(|e| Error::Output(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Output(e.to_string()))
}

fn out(e: csv::Error) -> Error {
    Error::Output(e.to_string())
}

/// `id,segment,name`, one row per customer in input order, quoted per RFC 4180 where needed.
/// Ids are written exactly as given (see [`labels_csv_safe`] for spreadsheets).
pub fn labels_csv(seg: &Segmentation) -> Result<String, Error> {
    write_labels(seg, false)
}

/// The labels CSV for opening in a spreadsheet: a cell that starts with
/// `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` so Excel,
/// LibreOffice and Google Sheets show it as text instead of running it as a
/// formula (OWASP "CSV injection").
pub fn labels_csv_safe(seg: &Segmentation) -> Result<String, Error> {
    write_labels(seg, true)
}

/// Neutralises a cell a spreadsheet would evaluate.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn write_labels(seg: &Segmentation, safe: bool) -> Result<String, Error> {
    let mut w = writer();
    w.write_record(["id", "segment", "name"]).map_err(out)?;
    for (id, &l) in seg.ids.iter().zip(&seg.labels) {
        let name = seg.report.segments.get(l as usize).map_or("", |s| s.name.as_str());
        let id = if safe { spreadsheet_safe(id) } else { id.as_str().into() };
        w.write_record([id.as_ref(), &l.to_string(), name]).map_err(out)?;
    }
    finish(w)
}

/// `id,recency,frequency,monetary,r,f,m,segment` for an RFM run; `None` for other methods.
pub fn rfm_csv(seg: &Segmentation) -> Result<Option<String>, Error> {
    let Some(t) = &seg.rfm else { return Ok(None) };
    let mut w = writer();
    let mut header: Vec<&str> = vec!["id", "recency", "frequency", "monetary", "r", "f", "m", "segment"];
    header.extend(seg.clv.iter().map(|(n, _)| n.as_str()));
    w.write_record(&header).map_err(out)?;
    for (i, id) in seg.ids.iter().enumerate() {
        let name = seg.labels.get(i).and_then(|&l| seg.report.segments.get(l as usize)).map_or("", |s| s.name.as_str());
        let num = |v: &[f64]| v.get(i).map_or(String::new(), |x| x.to_string());
        let sc = |v: &[u8]| v.get(i).map_or(String::new(), |x| x.to_string());
        let mut row =
            vec![id.clone(), num(&t.recency), num(&t.frequency), num(&t.monetary), sc(&t.r), sc(&t.f), sc(&t.m)];
        row.push(name.to_string());
        // Predicted activity and value, when computed; empty for customers who never purchased.
        row.extend(
            seg.clv.iter().map(|(_, v)| v.get(i).filter(|x| x.is_finite()).map_or(String::new(), |x| x.to_string())),
        );
        w.write_record(&row).map_err(out)?;
    }
    finish(w).map(Some)
}

/// One call from bytes to a finished segmentation.
pub fn segment_bytes(bytes: &[u8], options: &Options) -> Result<(Segmenter, Segmentation), Error> {
    let s = Segmenter::load(bytes, options)?;
    let seg = s.segment(options)?;
    Ok((s, seg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_only_in_the_safe_export() {
        let csv = "id,x\n=HYPERLINK(\"x\"),1\n+1,2\n-2,30\n@SUM(A1),31\nplain,32\n";
        let (_, seg) =
            segment_bytes(csv.as_bytes(), &Options { k: super::super::KChoice::Fixed(2.0), ..Options::default() })
                .unwrap();
        let safe = labels_csv_safe(&seg).unwrap();
        let ids: Vec<&str> = safe.lines().skip(1).map(|l| l.rsplitn(3, ',').last().unwrap()).collect();
        assert_eq!(ids, ["\"'=HYPERLINK(\"\"x\"\")\"", "'+1", "'-2", "'@SUM(A1)", "plain"]);
        let raw = labels_csv(&seg).unwrap();
        assert!(raw.lines().nth(2).unwrap().starts_with("+1,"));
    }
}
