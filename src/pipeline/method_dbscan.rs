//! DBSCAN as a pipeline method: density clusters and the Outliers segment.

use ndarray::Array2;

use super::Options;
use crate::cluster::dbscan::DbscanParams;
use crate::explain::summarise;
use crate::model::DbscanModelPart;
use crate::report::{Warning, Warnings};
use crate::Error;

use super::run::*;

/// DBSCAN on the scaled features; noise becomes the last segment, "Outliers".
pub(super) fn run_dbscan(
    options: &Options,
    seed: u64,
    raw: &Array2<f64>,
    x: &Array2<f64>,
    names: &[String],
    warnings: &mut Warnings,
) -> Result<MethodOutput, Error> {
    let m =
        DbscanParams::new().eps_opt(options.eps).min_samples(options.min_samples as usize).seed(seed).check()?.fit(x);
    if options.eps.is_none() {
        warnings.push(Warning::general(format!(
            "eps = {} suggested from the k-distance curve (knee of the distance to the {}th neighbour); set eps to override",
            crate::explain::fmt_num(m.eps),
            options.min_samples
        )));
    }
    let clusters = m.n_clusters;
    let noise = clusters as u32;
    let raw_labels: Vec<u32> = m.labels.iter().map(|&l| if l < 0 { noise } else { l as u32 }).collect();
    // Clusters by size (ties by first appearance), the outliers always last.
    let cluster_order = segment_order(&raw_labels, clusters + 1);
    let has_noise = raw_labels.contains(&noise);
    let mut new_id = vec![0u32; clusters + 1];
    let mut ranked: Vec<usize> = (0..clusters).collect();
    crate::sorting::sort_indices(&mut ranked, &|a, b| cluster_order[a].cmp(&cluster_order[b]));
    for (rank, &c) in ranked.iter().enumerate() {
        new_id[c] = rank as u32;
    }
    new_id[clusters] = clusters as u32;
    let labels: Vec<u32> = raw_labels.iter().map(|&l| new_id[l as usize]).collect();
    let k = clusters + usize::from(has_noise);
    let mut segments = summarise(raw.view(), x.view(), &labels, k, names);
    if has_noise {
        if let Some(s) = segments.last_mut() {
            s.name = "Outliers".into();
            s.rule = format!(
                "fewer than {} customers within eps = {} of them",
                options.min_samples,
                crate::explain::fmt_num(m.eps)
            );
        }
    }
    let d = x.ncols();
    let xs = x.as_standard_layout();
    let data = xs.as_slice().unwrap_or(&[]);
    let (mut core_points, mut core_segments) = (Vec::new(), Vec::new());
    for (i, (&core, &l)) in m.is_core.iter().zip(&labels).enumerate() {
        if core {
            core_points.push(data[i * d..(i + 1) * d].to_vec());
            core_segments.push(l);
        }
    }
    let extra_segments = if has_noise { Vec::new() } else { vec!["Outliers".to_string()] };
    Ok(MethodOutput {
        labels,
        segments,
        converged: true,
        extra_segments,
        dbscan: Some(DbscanModelPart { eps: m.eps, core_points, core_segments, outlier_segment: clusters as u32 }),
        eps: Some((m.eps, m.eps_suggestion)),
        ..Default::default()
    })
}
