use ndarray::ArrayView2;

use super::groups::Groups;
use crate::cluster::kmeans::sq_dist;

/// Calinski–Harabasz index (1974): between-cluster dispersion over
/// within-cluster dispersion, each divided by its degrees of freedom.
/// Higher is better. 1.0 when every cluster is a single point repeated.
pub fn calinski_harabasz(x: ArrayView2<f64>, labels: &[u32]) -> Option<f64> {
    let g = Groups::new(x, labels);
    if !g.valid() {
        return None;
    }
    let (n, k) = (x.nrows() as f64, g.k() as f64);
    let mean = x.mean_axis(ndarray::Axis(0))?;
    let mean = mean.as_slice()?;
    let mut extra = 0.0;
    for (c, &s) in g.centroids.rows().into_iter().zip(&g.sizes) {
        extra += s as f64 * sq_dist(c.as_slice()?, mean);
    }
    let mut intra = 0.0;
    for (row, &l) in x.rows().into_iter().zip(&g.labels) {
        intra += sq_dist(&row.to_vec(), g.centroids.row(l).as_slice()?);
    }
    Some(if intra == 0.0 { 1.0 } else { extra * (n - k) / (intra * (k - 1.0)) })
}
