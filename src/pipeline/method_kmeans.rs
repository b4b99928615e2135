//! k-means as a pipeline method: fixed k or `k: "auto"` (silhouette with a tie
//! tolerance and an elbow check), segments ordered by size.

use ndarray::Array2;

use super::Options;
use crate::cluster::kmeans::{KMeansModel, KMeansParams};
use crate::explain::summarise;
use crate::metrics::{calinski_harabasz, davies_bouldin, silhouette};
use crate::report::{KSearchEntry, Warning, Warnings};
use crate::Error;

use super::run::*;

/// Silhouettes closer than this are a tie (sampling noise and float noise are far smaller;
/// differences this small do not change what an analyst would conclude).
pub(super) const SILHOUETTE_TIE: f64 = 0.02;

/// The `k: "auto"` rule: the highest silhouette wins, but a smaller k within
/// [`SILHOUETTE_TIE`] of it is preferred (fewer segments that explain as much);
/// among ties the inertia curve breaks it — the k after which the next k
/// reduces inertia the least relative to the previous step (the elbow).
/// Returns an index into `k_search`.
pub(super) fn choose_k(k_search: &[KSearchEntry]) -> Option<usize> {
    let best = k_search.iter().filter_map(|e| e.silhouette).fold(f64::NEG_INFINITY, f64::max);
    if !best.is_finite() {
        return None;
    }
    let ties: Vec<usize> =
        (0..k_search.len()).filter(|&i| k_search[i].silhouette.is_some_and(|s| s >= best - SILHOUETTE_TIE)).collect();
    if ties.len() == 1 {
        return ties.first().copied();
    }
    let inertia = |i: usize| k_search.get(i).and_then(|e| e.inertia);
    // Elbow score of k_i: drop into k_i over the drop after it (larger = sharper elbow).
    let elbow = |i: usize| match (i.checked_sub(1).and_then(inertia), inertia(i), inertia(i + 1)) {
        (Some(a), Some(b), Some(c)) if b - c > 0.0 => (a - b) / (b - c),
        _ => 0.0,
    };
    let sharpest = ties.iter().copied().max_by(|&a, &b| elbow(a).total_cmp(&elbow(b)).then(b.cmp(&a)));
    let first = ties.first().copied();
    match sharpest {
        Some(i) if elbow(i) > 1.5 => Some(i),
        _ => first,
    }
}

pub(super) fn run_kmeans(
    options: &Options,
    seed: u64,
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
    warnings: &mut Warnings,
) -> Result<MethodOutput, Error> {
    let n = x.nrows();
    let fit = |k: u32| -> Result<KMeansModel, Error> {
        let mut params =
            KMeansParams::new(k).n_init(options.n_init).max_iter(options.max_iter).tol(options.tol).seed(seed);
        if let Some(batch) = options.mini_batch {
            params = params.mini_batch(batch as usize);
        }
        Ok(params.check(n)?.fit(x))
    };
    let mut k_search = Vec::new();
    let mut auto_warning = None;
    let model = match options.k.resolve()? {
        Some(k) => fit(k)?,
        None => {
            let mut models = Vec::new();
            for k in AUTO_K.filter(|&k| (k as usize) < n) {
                let m = fit(k)?;
                let sil = silhouette(x.view(), &m.labels, seed).map(|s| s.score);
                k_search.push(KSearchEntry {
                    k,
                    silhouette: sil,
                    inertia: Some(m.inertia),
                    davies_bouldin: davies_bouldin(x.view(), &m.labels),
                    calinski_harabasz: calinski_harabasz(x.view(), &m.labels),
                });
                models.push(m);
            }
            match choose_k(&k_search) {
                Some(i) => {
                    if i + 1 == k_search.len() && k_search.len() > 1 {
                        auto_warning = Some(format!(
                            "the silhouette is still best at the largest k tried ({}); more segments may fit better — set k",
                            k_search[i].k
                        ));
                    }
                    models.swap_remove(i)
                }
                None => fit(1)?,
            }
        }
    };
    if let Some(w) = auto_warning {
        warnings.push(Warning::general(w));
    }
    let k = model.centroids.nrows();
    if n < 10 * k {
        warnings.push(Warning::general(format!(
            "{k} segments for {n} customers: fewer than 10 customers per segment on average; results will not be stable"
        )));
    }
    let new_id = segment_order(&model.labels, k);
    let labels: Vec<u32> = model.labels.iter().map(|&l| new_id[l as usize]).collect();
    let mut centroids = vec![Vec::new(); k];
    for (old, row) in model.centroids.rows().into_iter().enumerate() {
        centroids[new_id[old] as usize] = row.to_vec();
    }
    let segments = summarise(raw.view(), x.view(), &labels, k, names);
    Ok(MethodOutput {
        labels,
        segments,
        inertia: Some(model.inertia),
        k_search,
        iterations: model.n_iter,
        converged: model.converged,
        rfm: None,
        centroids,
        extra_segments: Vec::new(),
        rfm_model: None,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(k: u32, sil: f64, inertia: f64) -> KSearchEntry {
        KSearchEntry { k, silhouette: Some(sil), inertia: Some(inertia), davies_bouldin: None, calinski_harabasz: None }
    }

    #[test]
    fn auto_k_prefers_fewer_segments_on_a_tie_and_the_elbow_among_ties() {
        // clear winner
        assert_eq!(choose_k(&[entry(2, 0.4, 100.0), entry(3, 0.6, 50.0), entry(4, 0.5, 45.0)]), Some(1));
        // 3 and 4 tie on silhouette; no sharp elbow -> the smaller k
        assert_eq!(
            choose_k(&[entry(2, 0.3, 100.0), entry(3, 0.60, 80.0), entry(4, 0.61, 60.0), entry(5, 0.3, 40.0)]),
            Some(1)
        );
        // tie between 3 and 4, but inertia falls sharply into 4 and barely after: the elbow at 4 wins
        assert_eq!(
            choose_k(&[entry(2, 0.3, 100.0), entry(3, 0.60, 90.0), entry(4, 0.61, 20.0), entry(5, 0.3, 18.0)]),
            Some(2)
        );
        assert_eq!(choose_k(&[]), None);
    }
}
