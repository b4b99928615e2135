//! Cohort tables checked against an independent pandas computation
//! (tests/reference/cohorts_pandas.py, output committed).

use seglens::cohort::{cohorts, CohortOptions, Period};
use seglens::ingest::events::{read_event_log, EventOptions};
use serde_json::Value;

#[test]
fn retention_and_lifecycle_match_pandas() {
    let log = read_event_log(include_bytes!("fixtures/events_small.csv"), &EventOptions::default()).unwrap();
    let want: Value = serde_json::from_str(include_str!("fixtures/events_small.cohorts.json")).unwrap();
    for (key, period) in [("month", Period::Month), ("week", Period::Week)] {
        let got = cohorts(&log, &CohortOptions { period, ..Default::default() });
        let w = &want[key];
        for (table, rows) in [("first_time", &got.first_time), ("recurring", &got.recurring)] {
            let expected = w[table].as_array().unwrap();
            assert_eq!(rows.len(), expected.len(), "{key} {table}");
            for (g, e) in rows.iter().zip(expected) {
                assert_eq!(g.cohort, e["cohort"].as_str().unwrap(), "{key} {table}");
                assert_eq!(g.size, e["size"].as_u64().unwrap(), "{key} {table} {}", g.cohort);
                let retained: Vec<u64> =
                    e["retained"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
                assert_eq!(g.retained, retained, "{key} {table} {}", g.cohort);
            }
        }
        let lifecycle: Vec<[u64; 4]> =
            got.lifecycle.iter().map(|r| [r.new, r.returning, r.resurrecting, r.dormant]).collect();
        let expected: Vec<[u64; 4]> = w["lifecycle"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let v: Vec<u64> = r.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
                [v[0], v[1], v[2], v[3]]
            })
            .collect();
        assert_eq!(lifecycle, expected, "{key} lifecycle");
    }
}
