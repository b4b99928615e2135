//! A readable rule per segment from a shallow surrogate decision tree: CART
//! (Gini impurity, as scikit-learn's `DecisionTreeClassifier`) of depth ≤ 3
//! separating the segment's customers from everyone else, on the features in
//! the user's units. The rule is written in seglens's rules syntax, so it can
//! be pasted into `--method rules`, and comes with its fidelity: how often it
//! agrees with the segmentation (accuracy), and its precision and recall.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// Deepest tree (rules of at most three conditions per branch).
pub const MAX_DEPTH: usize = 3;
/// Trees are grown on at most this many customers (every ⌈n / limit⌉-th one); fidelity is measured on all.
pub const SAMPLE_LIMIT: usize = 20_000;

/// The surrogate rule of one segment and how faithful it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Surrogate {
    /// Conditions in the rules syntax, e.g. `orders > 3.5 and recency_days <= 40`.
    pub rule: String,
    /// Share of all customers the rule classifies as the segmentation does (in / not in the segment).
    pub fidelity: f64,
    /// Share of customers matching the rule who are in the segment.
    pub precision: f64,
    /// Share of the segment's customers the rule matches.
    pub recall: f64,
}

enum Node {
    Leaf(bool),
    Split { feature: usize, threshold: f64, left: Box<Node>, right: Box<Node> },
}

impl Node {
    fn predict(&self, row: &dyn Fn(usize) -> f64) -> bool {
        match self {
            Node::Leaf(v) => *v,
            Node::Split { feature, threshold, left, right } => {
                if row(*feature) <= *threshold {
                    left.predict(row)
                } else {
                    right.predict(row)
                }
            }
        }
    }
}

/// The simplest decimal in `[a, b)`: the split lies anywhere between the largest
/// value going left (`a`) and the smallest going right (`b`); people read `40` better than `39.5`.
fn nice_between(a: f64, b: f64) -> f64 {
    // 10^p by multiplication: exact up to 10^22, and no `pow` in the Wasm.
    let pow10 = |p: i32| (0..p).fold(1.0, |acc, _| acc * 10.0);
    for e in (-6..=15).rev() {
        let t = if e >= 0 {
            let step = pow10(e);
            (a / step).ceil() * step
        } else {
            let scale = pow10(-e);
            (a * scale).ceil() / scale
        };
        if t >= a && t < b {
            return t;
        }
    }
    a
}

/// The customers trees are grown on: every `step`-th row of the data, without copying it.
struct Sample<'a> {
    x: ArrayView2<'a, f64>,
    rows: &'a [usize],
}

impl Sample<'_> {
    fn at(&self, i: usize, j: usize) -> f64 {
        self.rows.get(i).and_then(|&r| self.x.get((r, j))).copied().unwrap_or(f64::NAN)
    }
}

struct Grower<'a> {
    x: &'a Sample<'a>,
    /// Per feature: sample rows sorted by value.
    sorted: &'a [Vec<usize>],
    y: Vec<bool>,
    min_leaf: usize,
}

impl Grower<'_> {
    /// Best (feature, threshold) by Gini decrease over the rows where `member` is set.
    fn best_split(&self, member: &[bool], pos: usize, total: usize) -> Option<(usize, f64)> {
        let gini = |p: f64, n: f64| if n > 0.0 { 1.0 - (p / n) * (p / n) - ((n - p) / n) * ((n - p) / n) } else { 0.0 };
        let parent = gini(pos as f64, total as f64) * total as f64;
        let mut best: Option<(f64, usize, f64)> = None;
        for (j, order) in self.sorted.iter().enumerate() {
            let (mut n_left, mut p_left) = (0usize, 0usize);
            let mut prev: Option<f64> = None;
            for &i in order.iter().filter(|&&i| member[i]) {
                let v = self.x.at(i, j);
                if let Some(pv) = prev {
                    let n_right = total - n_left;
                    if v > pv && n_left >= self.min_leaf && n_right >= self.min_leaf {
                        let p_right = pos - p_left;
                        let cost = gini(p_left as f64, n_left as f64) * n_left as f64
                            + gini(p_right as f64, n_right as f64) * n_right as f64;
                        if parent - cost > 1e-12 && best.is_none_or(|b| cost < b.0) {
                            best = Some((cost, j, nice_between(pv, v)));
                        }
                    }
                }
                n_left += 1;
                p_left += usize::from(self.y[i]);
                prev = Some(v);
            }
        }
        best.map(|(_, j, t)| (j, t))
    }

    fn grow(&self, member: Vec<bool>, depth: usize) -> Node {
        let total = member.iter().filter(|m| **m).count();
        let pos = member.iter().zip(&self.y).filter(|(m, y)| **m && **y).count();
        let leaf = Node::Leaf(2 * pos > total);
        if depth == MAX_DEPTH || pos == 0 || pos == total {
            return leaf;
        }
        let Some((feature, threshold)) = self.best_split(&member, pos, total) else { return leaf };
        let goes_left = |i: usize| self.x.at(i, feature) <= threshold;
        let left: Vec<bool> = member.iter().enumerate().map(|(i, m)| *m && goes_left(i)).collect();
        let right: Vec<bool> = member.iter().enumerate().map(|(i, m)| *m && !goes_left(i)).collect();
        let (l, r) = (self.grow(left, depth + 1), self.grow(right, depth + 1));
        // Both sides say the same: no split (keeps the rule short).
        if let (Node::Leaf(a), Node::Leaf(b)) = (&l, &r) {
            if a == b {
                return Node::Leaf(*a);
            }
        }
        Node::Split { feature, threshold, left: Box::new(l), right: Box::new(r) }
    }
}

/// A feature name as the rules parser reads it: backquoted unless a plain identifier.
fn ident(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain && !matches!(name.to_ascii_lowercase().as_str(), "and" | "or" | "not" | "true") {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

/// The paths to positive leaves, each a list of (feature, `<=` or `>`, threshold), merged
/// per feature into the tightest bounds.
fn positive_paths(node: &Node, path: &mut Vec<(usize, bool, f64)>, out: &mut Vec<String>, names: &[String]) {
    match node {
        Node::Leaf(true) => {
            // Per feature: the tightest upper (<=) and lower (>) bound on this path.
            let mut bounds: Vec<(usize, Option<f64>, Option<f64>)> = Vec::new();
            for &(f, le, t) in path.iter() {
                let at = match bounds.iter().position(|b| b.0 == f) {
                    Some(p) => p,
                    None => {
                        bounds.push((f, None, None));
                        bounds.len() - 1
                    }
                };
                let b = &mut bounds[at];
                if le {
                    b.1 = Some(b.1.map_or(t, |u: f64| u.min(t)));
                } else {
                    b.2 = Some(b.2.map_or(t, |l: f64| l.max(t)));
                }
            }
            let conds: Vec<String> = bounds
                .iter()
                .flat_map(|&(f, upper, lower)| {
                    let n = names.get(f).map_or_else(|| format!("f{f}"), |s| ident(s));
                    lower.map(|l| format!("{n} > {l}")).into_iter().chain(upper.map(|u| format!("{n} <= {u}")))
                })
                .collect();
            out.push(if conds.is_empty() { "*".into() } else { conds.join(" and ") });
        }
        Node::Leaf(false) => {}
        Node::Split { feature, threshold, left, right } => {
            path.push((*feature, true, *threshold));
            positive_paths(left, path, out, names);
            path.pop();
            path.push((*feature, false, *threshold));
            positive_paths(right, path, out, names);
            path.pop();
        }
    }
}

/// One surrogate per segment `0..k` (`None` when no tree of depth ≤ 3 picks the segment out).
pub fn surrogates(x: ArrayView2<f64>, labels: &[u32], k: usize, names: &[String]) -> Vec<Option<Surrogate>> {
    let n = x.nrows();
    if n == 0 || x.ncols() == 0 || x.iter().any(|v| !v.is_finite()) {
        return vec![None; k];
    }
    let step = n.div_ceil(SAMPLE_LIMIT).max(1);
    let rows: Vec<usize> = (0..n).step_by(step).collect();
    let xs = Sample { x, rows: &rows };
    let sorted: Vec<Vec<usize>> = (0..x.ncols())
        .map(|j| {
            let mut o: Vec<usize> = (0..rows.len()).collect();
            crate::sorting::sort_indices(&mut o, &|a, b| xs.at(a, j).total_cmp(&xs.at(b, j)));
            o
        })
        .collect();
    let min_leaf = (rows.len() / 100).max(1);
    (0..k)
        .map(|c| {
            let y: Vec<bool> = rows.iter().map(|&i| labels.get(i) == Some(&(c as u32))).collect();
            let g = Grower { x: &xs, sorted: &sorted, y, min_leaf };
            let tree = g.grow(vec![true; rows.len()], 0);
            let mut paths = Vec::new();
            positive_paths(&tree, &mut Vec::new(), &mut paths, names);
            if paths.is_empty() {
                return None;
            }
            let (mut tp, mut fp, mut fn_, mut agree) = (0u64, 0u64, 0u64, 0u64);
            for (i, row) in x.rows().into_iter().enumerate() {
                let said = tree.predict(&|j| row[j]);
                let is = labels.get(i) == Some(&(c as u32));
                agree += u64::from(said == is);
                tp += u64::from(said && is);
                fp += u64::from(said && !is);
                fn_ += u64::from(!said && is);
            }
            let ratio = |a: u64, b: u64| if b > 0 { a as f64 / b as f64 } else { 0.0 };
            let rule = if paths.len() == 1 {
                paths.swap_remove(0)
            } else {
                paths.iter().map(|p| format!("({p})")).collect::<Vec<_>>().join(" or ")
            };
            Some(Surrogate {
                rule,
                fidelity: ratio(agree, n as u64),
                precision: ratio(tp, tp + fp),
                recall: ratio(tp, tp + fn_),
            })
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::rules::{assign, parse_rules};
    use ndarray::Array2;

    #[test]
    fn thresholds_are_the_simplest_decimal_between_neighbours() {
        assert_eq!(nice_between(39.0, 41.0), 40.0);
        assert_eq!(nice_between(3.0, 4.0), 3.0);
        assert_eq!(nice_between(0.12, 0.13), 0.12);
        assert_eq!(nice_between(114.475, 114.48), 114.475);
        assert_eq!(nice_between(-7.5, -2.0), -7.0);
    }

    #[test]
    fn a_segment_defined_by_two_thresholds_gets_that_rule_with_full_fidelity() {
        // Segment 1: orders > 3 and recency <= 30 (in a grid of customers).
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for orders in 0..10 {
            for recency in (0..200).step_by(10) {
                rows.extend([f64::from(orders), f64::from(recency)]);
                labels.push(u32::from(orders > 3 && recency <= 30));
            }
        }
        let x = Array2::from_shape_vec((labels.len(), 2), rows).unwrap();
        let names = vec!["orders".to_string(), "recency_days".to_string()];
        let s = surrogates(x.view(), &labels, 2, &names);
        let one = s[1].as_ref().unwrap();
        assert_eq!(one.fidelity, 1.0);
        assert_eq!((one.precision, one.recall), (1.0, 1.0));
        // The rule is valid rules syntax and assigns exactly the segment's customers.
        let rules = parse_rules(&format!("in: {}", one.rule)).unwrap();
        for (i, row) in x.rows().into_iter().enumerate() {
            let value = |f: &str| row[names.iter().position(|n| n == f).unwrap()];
            assert_eq!(assign(&rules, &value) == Some(0), labels[i] == 1, "row {i}: {}", one.rule);
        }
        assert!(one.rule.contains("orders > 3") && one.rule.contains("recency_days <= 30"), "{}", one.rule);
    }

    proptest::proptest! {
        /// Whatever the data, the rule text says exactly what the tree does: parsed by the rules
        /// parser it matches the customers the reported fidelity, precision and recall count.
        #[test]
        fn the_rule_text_is_the_tree(
            cells in proptest::collection::vec((0u8..20, -50i16..50, 0u8..3), 30..200),
        ) {
            let labels: Vec<u32> = cells.iter().map(|c| u32::from(c.2)).collect();
            let flat: Vec<f64> = cells.iter().flat_map(|c| [f64::from(c.0), f64::from(c.1) / 4.0]).collect();
            let x = Array2::from_shape_vec((cells.len(), 2), flat).unwrap();
            let names = vec!["count:a b".to_string(), "trend".to_string()];
            for (c, s) in surrogates(x.view(), &labels, 3, &names).into_iter().enumerate() {
                let Some(s) = s else { continue };
                let rules = parse_rules(&format!("in: {}", s.rule)).unwrap();
                let (mut agree, mut tp, mut said_n) = (0usize, 0usize, 0usize);
                for (i, row) in x.rows().into_iter().enumerate() {
                    let value = |f: &str| row[names.iter().position(|n| n == f).unwrap()];
                    let said = assign(&rules, &value) == Some(0);
                    let is = labels[i] == c as u32;
                    agree += usize::from(said == is);
                    tp += usize::from(said && is);
                    said_n += usize::from(said);
                }
                proptest::prop_assert_eq!(s.fidelity, agree as f64 / labels.len() as f64);
                if said_n > 0 {
                    proptest::prop_assert_eq!(s.precision, tp as f64 / said_n as f64);
                }
            }
        }
    }

    #[test]
    fn names_that_are_not_identifiers_are_backquoted() {
        assert_eq!(ident("orders"), "orders");
        assert_eq!(ident("count:add to cart"), "`count:add to cart`");
        assert_eq!(ident("and"), "`and`");
    }
}
