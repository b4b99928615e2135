//! User rules as a pipeline method: first matching rule per customer.

use ndarray::Array2;

use crate::explain::summarise;
use crate::ingest::CustomerTable;

use super::run::*;

/// Rules: first matching rule per customer (on the values as given: a
/// missing value matches no comparison), unmatched customers in "Other".
pub(super) fn run_rules(
    rules: &[crate::rules::Rule],
    t: &CustomerTable,
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
) -> MethodOutput {
    let other = rules.len();
    // Resolve each rule feature to its column once (exact name, else case-insensitive).
    let mut used = Vec::new();
    rules.iter().for_each(|r| r.when.features(&mut used));
    let col: std::collections::HashMap<&str, usize> = used
        .iter()
        .filter_map(|f| {
            let names = &t.feature_names;
            let j = names.iter().position(|n| n == f).or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(f)));
            j.map(|j| (f.as_str(), j))
        })
        .collect();
    let raw_labels: Vec<u32> = (0..t.ids.len())
        .map(|i| {
            let value = |f: &str| col.get(f).map_or(f64::NAN, |&j| t.values[[i, j]]);
            crate::rules::assign(rules, &value).unwrap_or(other) as u32
        })
        .collect();
    let (labels, rule_index) = named_labels(&raw_labels);
    let k = rule_index.len();
    let mut segments = summarise(raw.view(), x.view(), &labels, k, names);
    for s in &mut segments {
        match rules.get(rule_index[s.id as usize]) {
            Some(r) => {
                s.name = r.name.clone();
                s.rule = r.text.clone();
            }
            None => {
                s.name = "Other".into();
                s.rule = "no rule matched".into();
            }
        }
    }
    let mut extra: Vec<String> = rules.iter().map(|r| r.name.clone()).collect();
    extra.push("Other".into());
    extra.retain(|n| !segments.iter().any(|s| &s.name == n));
    MethodOutput { labels, segments, converged: true, extra_segments: extra, ..Default::default() }
}
