//! Explaining segments in the user's own units: per-segment means, lift
//! against the whole population, and a short name and description from the
//! features that set the segment apart most (largest |centre| in the scaled
//! space, i.e. most standard deviations from the average customer).

use std::collections::BTreeMap;

use ndarray::{Array2, ArrayView2, Axis};

use crate::report::SegmentSummary;

mod surrogate;

pub use surrogate::{surrogates, Surrogate};

/// Features mentioned in a segment's name.
const NAME_FEATURES: usize = 2;
/// Below this distance (in scaled units) a feature is "typical", not high/low.
const TYPICAL: f64 = 0.25;

/// Builds the summaries for segments `0..k` (labels already ordered).
/// `raw` is in original units (after imputation), `scaled` is what the
/// algorithm saw.
pub fn summarise(
    raw: ArrayView2<f64>,
    scaled: ArrayView2<f64>,
    labels: &[u32],
    k: usize,
    names: &[String],
) -> Vec<SegmentSummary> {
    let n = raw.nrows().max(1);
    let d = raw.ncols();
    let pop = raw.mean_axis(Axis(0)).unwrap_or_else(|| ndarray::Array1::zeros(d));
    let mut sums = Array2::<f64>::zeros((k, d));
    let mut ssums = Array2::<f64>::zeros((k, d));
    let mut sizes = vec![0u64; k];
    for ((r, s), &l) in raw.rows().into_iter().zip(scaled.rows()).zip(labels) {
        let l = l as usize;
        if l >= k {
            continue;
        }
        sizes[l] += 1;
        let mut row = sums.row_mut(l);
        row += &r;
        let mut srow = ssums.row_mut(l);
        srow += &s;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        if let Some(m) = members.get_mut(l as usize) {
            m.push(i);
        }
    }
    let mut trees = surrogates(raw, labels, k, names).into_iter();
    (0..k)
        .map(|c| {
            let size = sizes[c];
            let median: BTreeMap<String, f64> = (0..d)
                .map(|j| {
                    let mut v: Vec<f64> = members[c].iter().map(|&i| raw[[i, j]]).collect();
                    (names.get(j).cloned().unwrap_or_default(), median(&mut v))
                })
                .collect();
            let denom = size.max(1) as f64;
            let mean: Vec<f64> = sums.row(c).iter().map(|v| v / denom).collect();
            let centre: Vec<f64> = ssums.row(c).iter().map(|v| v / denom).collect();
            let profile: BTreeMap<String, f64> = names.iter().cloned().zip(mean.iter().copied()).collect();
            let lift = names
                .iter()
                .zip(mean.iter().zip(pop.iter()))
                .map(|(f, (m, p))| (f.clone(), if *p != 0.0 { m / p } else { f64::NAN }))
                .collect();
            let (name, rule) = describe(&centre, &mean, names, c);
            SegmentSummary {
                id: c as u32,
                name,
                size,
                share: size as f64 / n as f64,
                profile,
                lift,
                median,
                rule,
                surrogate: trees.next().flatten(),
                revenue_share: None,
            }
        })
        .collect()
}

/// Median as pandas computes it (mean of the two middle values for an even count); NaN when empty.
fn median(v: &mut [f64]) -> f64 {
    crate::sorting::sort_f64(v);
    crate::prep::median_sorted(v).unwrap_or(f64::NAN)
}

/// Words for well-known behavioural features: (when high, when low).
/// Their order in a name follows distinctiveness.
const WORDS: &[(&str, &str, &str)] = &[
    ("recency_days", "lapsed", "recent"),
    ("days_since_active", "inactive", "active"),
    ("tenure_days", "long-time", "new"),
    ("orders", "frequent", "one-time"),
    ("frequency", "frequent", "one-time"),
    ("monetary", "high-spending", "low-spending"),
    ("total_spend", "high-spending", "low-spending"),
    ("aov", "big-basket", "small-basket"),
    ("avg_order_value", "big-basket", "small-basket"),
    ("active_days", "engaged", "rarely active"),
    ("events", "busy", "quiet"),
    ("sessions", "often visiting", "rarely visiting"),
    ("distinct_events", "broad-use", "narrow-use"),
    ("refunds", "refund-prone", "no-refund"),
    ("trend", "growing", "declining"),
    ("p_alive", "likely active", "likely churned"),
    ("expected_purchases_90d", "buying soon", "unlikely to buy soon"),
    ("expected_aov", "big-basket", "small-basket"),
    ("clv_90d", "high-value", "low-value"),
];

fn word(feature: &str, high: bool) -> String {
    match WORDS.iter().find(|w| w.0 == feature) {
        Some((_, h, l)) => (if high { h } else { l }).to_string(),
        None => format!("{} {}", if high { "high" } else { "low" }, feature.replace('_', " ")),
    }
}

/// "Frequent, high-spending customers" from the most distinctive features,
/// and a description with their segment means.
fn describe(centre: &[f64], mean: &[f64], names: &[String], id: usize) -> (String, String) {
    let mut order: Vec<usize> = (0..centre.len()).collect();
    crate::sorting::sort_indices(&mut order, &|a, b| centre[b].abs().total_cmp(&centre[a].abs()).then(a.cmp(&b)));
    let top: Vec<usize> = order.into_iter().take(NAME_FEATURES).filter(|&j| centre[j].abs() >= TYPICAL).collect();
    if top.is_empty() {
        return (format!("Typical customers ({})", id + 1), "close to the average on every feature".into());
    }
    let words: Vec<String> = top.iter().map(|&j| word(&names[j], centre[j] > 0.0)).collect();
    let mut name = words.join(", ") + " customers";
    if let Some(first) = name.get(..1) {
        name = first.to_ascii_uppercase() + name.get(1..).unwrap_or("");
    }
    let level = |z: f64| if z > 0.0 { "high" } else { "low" };
    let rule = top
        .iter()
        .map(|&j| format!("{} {} (mean {}, {:+.1} sd)", names[j], level(centre[j]), fmt_num(mean[j]), centre[j]))
        .collect::<Vec<_>>()
        .join("; ");
    (name, rule)
}

/// Numbers for people: at most 3 significant decimals, no exponent for everyday magnitudes.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let s = if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn profile_lift_and_name() {
        let raw = array![[10.0, 1.0], [30.0, 1.0], [100.0, 1.0], [100.0, 1.0]];
        let scaled = array![[-1.0, 0.0], [-0.5, 0.0], [1.0, 0.0], [1.0, 0.0]];
        let names = vec!["spend".to_string(), "visits".to_string()];
        let s = summarise(raw.view(), scaled.view(), &[1, 1, 0, 0], 2, &names);
        assert_eq!(s[0].size, 2);
        assert_eq!(s[0].profile["spend"], 100.0);
        assert_eq!(s[1].median["spend"], 20.0);
        assert_eq!(s[1].surrogate.as_ref().map(|t| t.rule.as_str()), Some("spend <= 30"));
        assert!((s[0].lift["spend"] - 100.0 / 60.0).abs() < 1e-12);
        assert_eq!(s[0].lift["visits"], 1.0);
        assert_eq!(s[0].name, "High spend customers");
        assert_eq!(s[1].name, "Low spend customers");
        assert_eq!(s[1].share, 0.5);
    }

    #[test]
    fn behavioural_features_get_words() {
        let names: Vec<String> = ["recency_days", "orders", "monetary"].map(String::from).to_vec();
        let (n, _) = describe(&[1.5, -0.9, 0.1], &[300.0, 1.0, 20.0], &names, 0);
        assert_eq!(n, "Lapsed, one-time customers");
        let (n, _) = describe(&[-0.1, 1.2, 2.0], &[3.0, 20.0, 900.0], &names, 0);
        assert_eq!(n, "High-spending, frequent customers");
    }

    #[test]
    fn medians_like_pandas() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(1234.56), "1235");
        assert_eq!(fmt_num(12.5), "12.5");
        assert_eq!(fmt_num(0.1234), "0.123");
        assert_eq!(fmt_num(3.0), "3");
    }
}
