//! RFM as a pipeline method: R, F, M columns found or given, scores, the
//! segment map, the R × F grid, the thresholds a saved model keeps, and the
//! cross-tab of any other method against RFM names.

use ndarray::Array2;

use super::options::OptionsError;
use super::Options;
use crate::explain::summarise;
use crate::ingest::CustomerTable;
use crate::model::RfmModel;
use crate::report::{CrossTab, RfmCell, SegmentSummary, Warning, Warnings};
use crate::rfm::{rfm_scores, to_grid5, RfmMap, RfmRule};
use crate::Error;

use super::run::*;

/// Column names that hold R, F and M in a per-customer table, most specific first.
pub(super) const R_NAMES: &[&str] =
    &["recency", "recency_days", "days_since_last_order", "days_since_last_purchase", "last_order_days"];
pub(super) const F_NAMES: &[&str] =
    &["frequency", "orders", "order_count", "n_orders", "purchases", "num_orders", "transactions"];
pub(super) const M_NAMES: &[&str] =
    &["monetary", "monetary_value", "total_spend", "revenue", "spend", "total_revenue", "amount", "sales", "ltv"];

pub(super) fn run_rfm(
    options: &Options,
    t: &CustomerTable,
    cols: &[Option<usize>; 3],
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
) -> Result<MethodOutput, Error> {
    let bins = options.rfm_bins;
    if !(3..=5).contains(&bins) {
        return Err(OptionsError::Invalid { option: "rfm_bins", value: bins.to_string(), expected: "3, 4 or 5" }.into());
    }
    let map = match &options.rfm_map {
        Some(rules) => RfmMap::parse(rules).map_err(OptionsError::Rfm)?,
        None => RfmMap::default_map(),
    };
    let column = |c: Option<usize>| rfm_input(t, c);
    let (recency, frequency, monetary) = (column(cols[0]), column(cols[1]), column(cols[2]));
    let mut scores = rfm_scores(&recency, &frequency, &monetary, bins);
    if cols[2].is_none() {
        scores.m.iter_mut().for_each(|m| *m = 0);
    }
    let mut seg_names = map.names();
    let other = seg_names.len();
    seg_names.push("Other".into());
    let raw_labels: Vec<u32> = (0..t.ids.len())
        .map(|i| {
            let g = |s: &[u8]| to_grid5(s[i], bins);
            map.assign(g(&scores.r), g(&scores.f), g(&scores.m)).unwrap_or(other) as u32
        })
        .collect();
    let (labels, map_index) = named_labels(&raw_labels);
    let k = map_index.len();
    let mut segments = summarise(raw.view(), x.view(), &labels, k, names);
    let rules = options.rfm_map.clone();
    for s in &mut segments {
        let mi = map_index[s.id as usize];
        s.name = seg_names[mi].clone();
        s.rule = match (&rules, crate::rfm::DEFAULT_MAP.get(mi)) {
            _ if mi == other => "no rule of the RFM map matched".into(),
            (Some(r), _) => r.get(mi).map_or(String::new(), |r| format!("RFM pattern {}", r.pattern)),
            (None, Some((p, _))) => describe_pattern(p),
            (None, None) => String::new(),
        };
    }
    let extra_segments: Vec<String> =
        seg_names.iter().filter(|n| !segments.iter().any(|s| &s.name == *n)).cloned().collect();
    let q_recency: Vec<u8> = scores.r.iter().map(|r| bins + 1 - r).collect();
    let rules = options.rfm_map.clone().unwrap_or_else(|| {
        crate::rfm::DEFAULT_MAP.iter().map(|(p, n)| RfmRule { pattern: p.to_string(), name: n.to_string() }).collect()
    });
    let rfm_model = RfmModel {
        bins,
        recency_edges: edges(&recency, &q_recency, bins),
        frequency_edges: edges(&frequency, &scores.f, bins),
        monetary_edges: cols[2].map(|_| edges(&monetary, &scores.m, bins)),
        rules,
    };
    let rfm = super::RfmTable { recency, frequency, monetary, r: scores.r, f: scores.f, m: scores.m };
    Ok(MethodOutput {
        labels,
        segments,
        converged: true,
        rfm: Some(rfm),
        extra_segments,
        rfm_model: Some(rfm_model),
        ..Default::default()
    })
}

/// Per quantile score 1..=bins, the largest value that got it (monotone; an
/// empty score repeats the previous edge) — the thresholds a saved model uses.
pub(super) fn edges(values: &[f64], scores: &[u8], bins: u8) -> Vec<f64> {
    let mut e = vec![f64::NEG_INFINITY; bins as usize];
    for (&v, &s) in values.iter().zip(scores) {
        if let Some(slot) = (s as usize).checked_sub(1).and_then(|i| e.get_mut(i)) {
            *slot = slot.max(v);
        }
    }
    for i in 1..e.len() {
        e[i] = e[i].max(e[i - 1]);
    }
    let lowest = e.iter().copied().find(|v| v.is_finite()).unwrap_or(0.0);
    e.iter_mut().filter(|v| !v.is_finite()).for_each(|v| *v = lowest);
    e
}

/// The run's segments against the RFM names of the same customers, when
/// recency and frequency are available; `None` otherwise.
pub(super) fn rfm_crosstab(t: &CustomerTable, labels: &[u32], segments: &[SegmentSummary]) -> Option<CrossTab> {
    let cols = rfm_columns(t, None, &mut Warnings::default()).ok()?;
    let column = |c: Option<usize>| rfm_input(t, c);
    let scores = rfm_scores(&column(cols[0]), &column(cols[1]), &column(cols[2]), 5);
    let map = RfmMap::default_map();
    let mut names = map.names();
    names.push("Other".into());
    let mut counts = vec![vec![0u64; names.len()]; segments.len()];
    for (i, &l) in labels.iter().enumerate() {
        let c = map.assign(scores.r[i], scores.f[i], scores.m[i]).unwrap_or(names.len() - 1);
        if let Some(cell) = counts.get_mut(l as usize).and_then(|row| row.get_mut(c)) {
            *cell += 1;
        }
    }
    // Keep only RFM names that occur.
    let keep: Vec<usize> = (0..names.len()).filter(|&c| counts.iter().any(|row| row[c] > 0)).collect();
    Some(CrossTab {
        against: "rfm".into(),
        rows: segments.iter().map(|s| s.name.clone()).collect(),
        columns: keep.iter().map(|&c| names[c].clone()).collect(),
        counts: counts.iter().map(|row| keep.iter().map(|&c| row[c]).collect()).collect(),
    })
}

/// An RFM input column with missing values as 0 (no purchases, no spend);
/// all zeros when the column does not exist (e.g. no revenue).
pub(super) fn rfm_input(t: &CustomerTable, column: Option<usize>) -> Vec<f64> {
    column
        .map(|j| t.values.column(j).iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect())
        .unwrap_or_else(|| vec![0.0; t.ids.len()])
}

/// Customer counts per (R, F) cell, with the segment of the cell's customers.
pub(super) fn rfm_grid(t: &super::RfmTable, labels: &[u32], segments: &[SegmentSummary]) -> Vec<RfmCell> {
    let mut cells: std::collections::BTreeMap<(u8, u8), (u64, u32)> = std::collections::BTreeMap::new();
    for ((&r, &f), &l) in t.r.iter().zip(&t.f).zip(labels) {
        let e = cells.entry((r, f)).or_insert((0, l));
        e.0 += 1;
    }
    cells
        .into_iter()
        .map(|((r, f), (count, l))| RfmCell {
            r,
            f,
            count,
            name: segments.get(l as usize).map_or_else(String::new, |s| s.name.clone()),
        })
        .collect()
}

/// "5[4-5]" → "R score 5, F score 4–5" (R×F map patterns; scores on the 5-grid).
pub(super) fn describe_pattern(p: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = p;
    for label in ["R", "F", "M"] {
        let Some(c) = rest.chars().next() else { break };
        let (text, len) = if c == '[' {
            let end = rest.find(']').unwrap_or(rest.len() - 1);
            (rest[1..end].replace('-', "–"), end + 1)
        } else {
            (c.to_string(), c.len_utf8())
        };
        parts.push(format!("{label} score {text}"));
        rest = &rest[len.min(rest.len())..];
    }
    parts.join(", ")
}

/// R, F, M columns of a feature table: `features` in that order, or by name.
pub(super) fn rfm_columns(
    t: &CustomerTable,
    features: Option<&[String]>,
    warnings: &mut Warnings,
) -> Result<[Option<usize>; 3], Error> {
    if let Some(f) = features {
        if !(2..=3).contains(&f.len()) {
            return Err(OptionsError::Rfm(format!(
                "RFM takes the recency, frequency and (optional) monetary columns in that order; got {} features",
                f.len()
            ))
            .into());
        }
        let idx = select(t, f)?;
        return Ok([idx.first().copied(), idx.get(1).copied(), idx.get(2).copied()]);
    }
    let r = find_name(&t.feature_names, R_NAMES);
    let f = find_name(&t.feature_names, F_NAMES);
    let m = find_name(&t.feature_names, M_NAMES);
    let (Some(r), Some(f)) = (r, f) else {
        return Err(OptionsError::Rfm(format!(
            "RFM needs recency and frequency columns (e.g. recency_days, orders) — name them with --features recency,frequency,monetary; numeric columns: {}",
            t.feature_names.join(", ")
        ))
        .into());
    };
    if m.is_none() {
        warnings.push(Warning::general("no revenue column: M scores are 0 and segments use R and F only"));
    }
    Ok([Some(r), Some(f), m])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_as_words() {
        assert_eq!(describe_pattern("5[4-5]"), "R score 5, F score 4–5");
        assert_eq!(describe_pattern("[1-2][1-2]"), "R score 1–2, F score 1–2");
    }
}
