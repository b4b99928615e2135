use ndarray::{Array2, ArrayView2};

/// Labels re-encoded to `0..k` in order of value, with sizes and centroids.
pub(super) struct Groups {
    pub labels: Vec<usize>,
    pub sizes: Vec<usize>,
    pub centroids: Array2<f64>,
}

impl Groups {
    pub fn new(x: ArrayView2<f64>, labels: &[u32]) -> Groups {
        let mut values: Vec<u32> = labels.to_vec();
        values.sort_unstable();
        values.dedup();
        let dense: Vec<usize> = labels.iter().map(|l| values.binary_search(l).unwrap_or(0)).collect();
        let k = values.len();
        let mut sizes = vec![0usize; k];
        let mut centroids = Array2::<f64>::zeros((k, x.ncols()));
        for (row, &l) in x.rows().into_iter().zip(&dense) {
            sizes[l] += 1;
            let mut c = centroids.row_mut(l);
            c += &row;
        }
        for (mut c, &s) in centroids.rows_mut().into_iter().zip(&sizes) {
            if s > 0 {
                c /= s as f64;
            }
        }
        Groups { labels: dense, sizes, centroids }
    }

    pub fn k(&self) -> usize {
        self.sizes.len()
    }

    /// scikit-learn's `check_number_of_labels`: 2 <= k <= n - 1.
    pub fn valid(&self) -> bool {
        let n = self.labels.len();
        self.k() >= 2 && self.k() < n
    }
}

pub(super) fn dist(a: &[f64], b: &[f64]) -> f64 {
    crate::cluster::kmeans::sq_dist(a, b).sqrt()
}
