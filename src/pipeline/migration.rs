//! Segment migration: the same fitted model applied to the customers as of
//! an earlier date, so a team sees where each segment's customers came
//! from ("120 of today's At Risk were Loyal Customers in March").

use serde::{Deserialize, Serialize};

use super::{Options, Segmentation, Segmenter};
use crate::ingest::time::format_date;
use crate::Error;

/// Flows between segments from an earlier date to the run's `as_of`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    pub from: String,
    pub to: String,
    /// Segment names by id (as in the Report), plus a last entry "(not yet a customer)".
    pub segments: Vec<String>,
    /// `flows[i][j]`: customers in segment i at `from` and in segment j at `to`
    /// (row `segments.len() - 1` holds customers first seen after `from`).
    pub flows: Vec<Vec<u64>>,
    /// Customers whose segment changed (new customers excluded).
    pub moved: u64,
}

impl Segmenter {
    /// Migration from `from` (a date) to the segmentation `seg` of this data.
    pub fn migration(&self, seg: &Segmentation, from: &str, options: &Options) -> Result<Migration, Error> {
        let before = seg.model.predict_loaded(self, Some(from.to_string()))?;
        let k = seg.model.segments.len();
        let newcomers = k;
        let mut flows = vec![vec![0u64; k]; k + 1];
        let mut moved = 0;
        let index: std::collections::HashMap<&str, u32> =
            before.ids.iter().zip(&before.labels).map(|(id, &l)| (id.as_str(), l)).collect();
        for (id, &to) in seg.ids.iter().zip(&seg.labels) {
            let from_seg = index.get(id.as_str()).map_or(newcomers, |&l| l as usize);
            if let Some(cell) = flows.get_mut(from_seg).and_then(|row| row.get_mut(to as usize)) {
                *cell += 1;
            }
            if from_seg != newcomers && from_seg != to as usize {
                moved += 1;
            }
        }
        let mut segments: Vec<String> = seg.model.segments.iter().map(|s| s.name.clone()).collect();
        segments.push("(not yet a customer)".into());
        let to = seg.report.as_of.clone().or_else(|| options.as_of.clone()).unwrap_or_default();
        let from = crate::features::parse_as_of(from).map(format_date).unwrap_or_else(|| from.to_string());
        Ok(Migration { from, to, segments, flows, moved })
    }
}
