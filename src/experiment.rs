//! Segments in experiments: when customers were split into variants (an A/B
//! test), how each segment responded. Per segment and variant: customers,
//! conversion rate (share with at least one purchase, 95 % Wilson interval)
//! and revenue per customer (95 % t interval); then treatment − control with a
//! two-proportion z-test for conversion and Welch's t-test for revenue.
//! The control is the variant that appears first in the data, the treatment
//! the second (further variants are reported but not tested).

use serde::{Deserialize, Serialize};

use crate::stats::{mean_ci, two_proportion_z, welch_t, wilson};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantRow {
    pub variant: String,
    pub customers: u64,
    pub conversion: f64,
    pub conversion_ci: Option<[f64; 2]>,
    pub revenue_per_customer: f64,
    pub revenue_ci: Option<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentTest {
    /// Segment name, or "All customers".
    pub segment: String,
    pub variants: Vec<VariantRow>,
    /// Treatment − control conversion rate, its z statistic and two-sided p-value.
    pub conversion_diff: Option<f64>,
    pub z: Option<f64>,
    pub p_conversion: Option<f64>,
    /// Treatment − control revenue per customer, Welch's t, its degrees of freedom and p-value.
    pub revenue_diff: Option<f64>,
    pub t: Option<f64>,
    pub df: Option<f64>,
    pub p_revenue: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experiment {
    pub column: String,
    pub control: String,
    pub treatment: String,
    pub segments: Vec<SegmentTest>,
}

/// Per-customer inputs, all in the same customer order.
pub struct ExperimentData<'a> {
    pub column: &'a str,
    pub variant_names: &'a [String],
    pub variant: &'a [u32],
    pub converted: &'a [bool],
    pub revenue: &'a [f64],
}

fn test_group(name: &str, members: &[usize], data: &ExperimentData) -> SegmentTest {
    let rows: Vec<(VariantRow, Vec<f64>, f64)> = data
        .variant_names
        .iter()
        .enumerate()
        .map(|(v, vname)| {
            let who: Vec<usize> =
                members.iter().copied().filter(|&i| data.variant.get(i) == Some(&(v as u32))).collect();
            let n = who.len() as f64;
            let conv = who.iter().filter(|&&i| data.converted.get(i) == Some(&true)).count() as f64;
            let rev: Vec<f64> = who.iter().map(|&i| data.revenue.get(i).copied().unwrap_or(0.0)).collect();
            let row = VariantRow {
                variant: vname.clone(),
                customers: who.len() as u64,
                conversion: if n > 0.0 { conv / n } else { 0.0 },
                conversion_ci: wilson(conv, n).map(|(a, b)| [a, b]),
                revenue_per_customer: if n > 0.0 { rev.iter().sum::<f64>() / n } else { 0.0 },
                revenue_ci: mean_ci(&rev).map(|(a, b)| [a, b]),
            };
            (row, rev, conv)
        })
        .collect();
    let mut out = SegmentTest {
        segment: name.to_string(),
        variants: Vec::new(),
        conversion_diff: None,
        z: None,
        p_conversion: None,
        revenue_diff: None,
        t: None,
        df: None,
        p_revenue: None,
    };
    if let (Some(c), Some(t)) = (rows.first(), rows.get(1)) {
        let (nc, nt) = (c.0.customers as f64, t.0.customers as f64);
        if let Some((z, p)) = two_proportion_z(c.2, nc, t.2, nt) {
            out.z = Some(z);
            out.p_conversion = Some(p);
        }
        if nc > 0.0 && nt > 0.0 {
            out.conversion_diff = Some(t.0.conversion - c.0.conversion);
            out.revenue_diff = Some(t.0.revenue_per_customer - c.0.revenue_per_customer);
        }
        if let Some((tt, df, p)) = welch_t(&c.1, &t.1) {
            out.t = Some(tt);
            out.df = Some(df);
            out.p_revenue = Some(p);
        }
    }
    out.variants = rows.into_iter().map(|r| r.0).collect();
    out
}

/// The experiment table, or `None` with fewer than two variants.
pub fn analyse(data: &ExperimentData, labels: &[u32], segment_names: &[String]) -> Option<Experiment> {
    if data.variant_names.len() < 2 {
        return None;
    }
    let all: Vec<usize> = (0..labels.len()).collect();
    let mut segments = vec![test_group("All customers", &all, data)];
    for (s, name) in segment_names.iter().enumerate() {
        let members: Vec<usize> = all.iter().copied().filter(|&i| labels[i] as usize == s).collect();
        segments.push(test_group(name, &members, data));
    }
    Some(Experiment {
        column: data.column.to_string(),
        control: data.variant_names[0].clone(),
        treatment: data.variant_names[1].clone(),
        segments,
    })
}
