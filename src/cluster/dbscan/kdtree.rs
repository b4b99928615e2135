//! A KD-tree over the rows of a row-major matrix, for DBSCAN's radius
//! queries and the k-distance curve. Median splits on the widest dimension,
//! leaves of up to [`LEAF`] points; queries prune a subtree when the query
//! ball cannot reach its side of the split.

/// Points per leaf: small enough to prune, large enough that leaves are scanned with tight loops.
const LEAF: usize = 16;

enum Node {
    Leaf { start: usize, end: usize },
    Split { dim: usize, value: f64, left: Box<Node>, right: Box<Node> },
}

pub struct KdTree<'a> {
    data: &'a [f64],
    d: usize,
    /// Point indices, permuted so every node covers a contiguous range.
    idx: Vec<usize>,
    root: Node,
}

fn sq(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

impl<'a> KdTree<'a> {
    pub fn new(data: &'a [f64], d: usize) -> KdTree<'a> {
        let n = data.len().checked_div(d).unwrap_or(0);
        let mut idx: Vec<usize> = (0..n).collect();
        let root = build(data, d.max(1), &mut idx, 0, n);
        KdTree { data, d: d.max(1), idx, root }
    }

    fn point(&self, i: usize) -> &[f64] {
        &self.data[i * self.d..(i + 1) * self.d]
    }

    /// Indices of all points within distance `eps` of `q` (inclusive), in increasing index order.
    pub fn within(&self, q: &[f64], eps: f64, out: &mut Vec<usize>) {
        out.clear();
        self.within_node(&self.root, q, eps * eps, eps, out);
        out.sort_unstable();
    }

    fn within_node(&self, node: &Node, q: &[f64], eps2: f64, eps: f64, out: &mut Vec<usize>) {
        match node {
            Node::Leaf { start, end } => {
                for &i in &self.idx[*start..*end] {
                    if sq(self.point(i), q) <= eps2 {
                        out.push(i);
                    }
                }
            }
            Node::Split { dim, value, left, right } => {
                let diff = q[*dim] - value;
                if diff <= eps {
                    self.within_node(left, q, eps2, eps, out);
                }
                if diff >= -eps {
                    self.within_node(right, q, eps2, eps, out);
                }
            }
        }
    }

    /// Squared distance from `q` to its `k`-th nearest point (counting a point at distance 0, e.g. itself).
    pub fn kth_sq_distance(&self, q: &[f64], k: usize) -> f64 {
        let mut best: Vec<f64> = Vec::with_capacity(k + 1);
        self.knn_node(&self.root, q, k.max(1), &mut best);
        best.last().copied().unwrap_or(f64::INFINITY)
    }

    fn knn_node(&self, node: &Node, q: &[f64], k: usize, best: &mut Vec<f64>) {
        match node {
            Node::Leaf { start, end } => {
                for &i in &self.idx[*start..*end] {
                    let dist = sq(self.point(i), q);
                    if best.len() < k || dist < best[best.len() - 1] {
                        let pos = best.partition_point(|&b| b <= dist);
                        best.insert(pos, dist);
                        best.truncate(k);
                    }
                }
            }
            Node::Split { dim, value, left, right } => {
                let diff = q[*dim] - value;
                let (near, far) = if diff <= 0.0 { (left, right) } else { (right, left) };
                self.knn_node(near, q, k, best);
                if best.len() < k || diff * diff <= best[best.len() - 1] {
                    self.knn_node(far, q, k, best);
                }
            }
        }
    }
}

fn build(data: &[f64], d: usize, idx: &mut [usize], start: usize, end: usize) -> Node {
    if end - start <= LEAF {
        return Node::Leaf { start, end };
    }
    let slice = &mut idx[start..end];
    let (mut best_dim, mut best_spread) = (0, -1.0);
    for dim in 0..d {
        let (lo, hi) = slice.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &i| {
            let v = data[i * d + dim];
            (lo.min(v), hi.max(v))
        });
        if hi - lo > best_spread {
            best_spread = hi - lo;
            best_dim = dim;
        }
    }
    if best_spread <= 0.0 {
        return Node::Leaf { start, end };
    }
    let mid = slice.len() / 2;
    slice.select_nth_unstable_by(mid, |&a, &b| data[a * d + best_dim].total_cmp(&data[b * d + best_dim]));
    let value = data[slice[mid] * d + best_dim];
    // Left holds values <= split, right values >= split; queries visit both sides on ties.
    let left = build(data, d, idx, start, start + mid);
    let right = build(data, d, idx, start + mid, end);
    Node::Split { dim: best_dim, value, left: Box::new(left), right: Box::new(right) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use proptest::prelude::*;
    use rand::Rng;

    proptest! {
        #[test]
        fn queries_match_brute_force(n in 1usize..300, d in 1usize..4, seed in any::<u64>(), eps in 0.0f64..3.0, k in 1usize..8) {
            let mut r = seeded(seed);
            let data: Vec<f64> = (0..n * d).map(|_| (r.random::<f64>() * 10.0).round() / 2.0).collect();
            let t = KdTree::new(&data, d);
            let q: Vec<f64> = data[..d].to_vec();
            let mut got = Vec::new();
            t.within(&q, eps, &mut got);
            let want: Vec<usize> = (0..n).filter(|&i| sq(&data[i * d..(i + 1) * d], &q) <= eps * eps).collect();
            prop_assert_eq!(got, want);
            let mut all: Vec<f64> = (0..n).map(|i| sq(&data[i * d..(i + 1) * d], &q)).collect();
            all.sort_by(f64::total_cmp);
            let kth = all.get(k.min(n) - 1).copied().unwrap();
            prop_assert_eq!(t.kth_sq_distance(&q, k.min(n)), kth);
        }
    }
}
