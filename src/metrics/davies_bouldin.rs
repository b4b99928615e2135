use ndarray::ArrayView2;

use super::groups::{dist, Groups};

/// Davies–Bouldin index (1979): the mean, over clusters, of the worst ratio
/// (spread_i + spread_j) / distance(centre_i, centre_j), where spread is the
/// mean distance of members to their centre. Lower is better; 0 is perfect.
pub fn davies_bouldin(x: ArrayView2<f64>, labels: &[u32]) -> Option<f64> {
    let g = Groups::new(x, labels);
    if !g.valid() {
        return None;
    }
    let k = g.k();
    let mut intra = vec![0.0; k];
    for (row, &l) in x.rows().into_iter().zip(&g.labels) {
        intra[l] += dist(&row.to_vec(), g.centroids.row(l).as_slice()?);
    }
    for (s, &n) in intra.iter_mut().zip(&g.sizes) {
        *s /= n.max(1) as f64;
    }
    let c: Vec<Vec<f64>> = g.centroids.rows().into_iter().map(|r| r.to_vec()).collect();
    let close = |v: f64| v.abs() <= 1e-8; // numpy.allclose(v, 0) with atol 1e-8
    let centre_d: Vec<Vec<f64>> = c.iter().map(|a| c.iter().map(|b| dist(a, b)).collect()).collect();
    if intra.iter().all(|&v| close(v)) || centre_d.iter().flatten().all(|&v| close(v)) {
        return Some(0.0);
    }
    let mut total = 0.0;
    for i in 0..k {
        let worst = (0..k)
            .map(|j| {
                let d = if centre_d[i][j] == 0.0 { f64::INFINITY } else { centre_d[i][j] };
                (intra[i] + intra[j]) / d
            })
            .fold(f64::NEG_INFINITY, f64::max);
        total += worst;
    }
    Some(total / k as f64)
}
