//! Default preprocessing on a heavy-tailed behavioural log recovers the
//! personas that generated it (scripts/gen-events.mjs; truth committed
//! beside the sample), instead of one giant segment plus singletons.

use seglens::metrics::adjusted_rand_index;
use seglens::{segment_bytes, KChoice, Options};

#[test]
fn default_features_and_prep_recover_generating_personas() {
    let log = include_bytes!("../www/sample/events.csv");
    let truth_csv = include_str!("fixtures/events_sample_truth.csv");
    let truth: std::collections::HashMap<&str, &str> =
        truth_csv.lines().skip(1).filter_map(|l| l.split_once(',')).collect();
    let personas: Vec<&str> = {
        let mut p: Vec<&str> = truth.values().copied().collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let opts = Options { k: KChoice::Fixed(personas.len() as f64), ..Options::default() };
    let (_, seg) = segment_bytes(log, &opts).unwrap();
    let want: Vec<u32> = seg
        .ids
        .iter()
        .map(|id| personas.iter().position(|p| Some(p) == truth.get(id.as_str())).unwrap() as u32)
        .collect();
    let ari = adjusted_rand_index(&seg.labels, &want).unwrap();
    assert!(ari >= 0.8, "ARI vs generating personas: {ari}");
    let largest = seg.report.segments.iter().map(|s| s.share).fold(0.0, f64::max);
    assert!(largest < 0.4, "no giant segment: largest share {largest}");
    assert!(seg.report.segments.iter().all(|s| s.size >= 10), "no singleton segments");
}
