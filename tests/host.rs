//! Host columns (a dashboard's arrays: numbers as f64, text as strings) load
//! exactly as the same data written as CSV: same customers, times, revenue,
//! skipped rows and segments — without the data ever becoming CSV or JSON.

use seglens::ingest::host::{HostColumn, HostTable};
use seglens::pipeline::Data;
use seglens::{Options, Segmenter};

fn nums(v: &[f64]) -> HostColumn {
    HostColumn::Numbers(v.to_vec())
}

fn text(v: &[&str]) -> HostColumn {
    HostColumn::Text(v.iter().map(|s| s.to_string()).collect())
}

/// An event log of `n` rows: numeric user ids, epoch-millisecond times, event names, revenue
/// with gaps (NaN / empty), as columns and as the CSV a user would export.
fn events(n: usize) -> (HostTable, String) {
    let (mut user, mut time, mut event, mut revenue) = (vec![], vec![], vec![], vec![]);
    let mut csv = String::from("user_id,time,event,revenue\n");
    for i in 0..n {
        let u = (i * 7919 % 97) as f64;
        let t = 1_700_000_000_000.0 + (i as f64) * 3_600_123.0;
        let e = ["view", "cart", "purchase"][i % 3];
        let r = if i % 3 == 2 { (i % 50) as f64 + 0.25 } else { f64::NAN };
        user.push(u);
        time.push(t);
        event.push(e);
        revenue.push(r);
        let rv = if r.is_nan() { String::new() } else { r.to_string() };
        csv.push_str(&format!("{u},{t},{e},{rv}\n"));
    }
    let names = ["user_id", "time", "event", "revenue"].map(String::from).to_vec();
    (HostTable::new(names, vec![nums(&user), nums(&time), text(&event), nums(&revenue)]).unwrap(), csv)
}

fn log(s: &Segmenter) -> &seglens::ingest::events::EventLog {
    match s.data() {
        Data::Events(l) => l,
        Data::Table(_) => panic!("read as a table"),
    }
}

#[test]
fn host_event_columns_load_as_their_csv() {
    // 3,000 rows: past the 1,000-row sample, so the typed path (not the sample's text) is tested.
    let (host, csv) = events(3000);
    let opts = Options::default();
    let a = Segmenter::from_host(host, &opts).unwrap();
    let b = Segmenter::load(csv.as_bytes(), &opts).unwrap();
    let (la, lb) = (log(&a), log(&b));
    assert_eq!(la.ids, lb.ids);
    assert_eq!(la.ids[..3], ["0", "62", "27"], "numeric ids become text without a decimal point");
    assert_eq!(la.customer, lb.customer);
    assert_eq!(la.time, lb.time);
    assert_eq!(la.time[1], 1_700_003_600, "epoch milliseconds floor to seconds");
    assert_eq!(la.revenue, lb.revenue);
    assert_eq!(la.revenue[..3], [0.0, 0.0, 2.25]);
    assert_eq!(la.event_names, lb.event_names);
    assert_eq!((la.rows_read, la.rows_skipped), (3000, 0));
    assert_eq!(a.columns(), b.columns(), "same types and roles");
    let mut ra = a.segment(&opts).unwrap().report;
    let rb = b.segment(&opts).unwrap().report;
    assert_eq!(ra.format, "host arrays");
    ra.format = rb.format.clone();
    assert_eq!(ra.memory.unwrap().data_bytes, rb.memory.unwrap().data_bytes);
    ra.memory = rb.memory;
    assert_eq!(ra, rb, "same segments, metrics and explanations");
}

#[test]
fn bad_host_cells_skip_their_row_with_its_number() {
    let (mut host, _) = events(1500);
    if let HostColumn::Numbers(r) = &mut host.columns[3] {
        r[1200] = f64::INFINITY;
    }
    if let HostColumn::Numbers(t) = &mut host.columns[1] {
        t[1300] = f64::NAN;
        t[1301] = 5.0e20; // far beyond year 2200
    }
    let s = Segmenter::from_host(host, &Options::default()).unwrap();
    let l = log(&s);
    assert_eq!((l.rows_read, l.rows_skipped), (1500, 3));
    let w: Vec<(Option<u64>, &str)> = l.warnings.items.iter().map(|w| (w.line, w.message.as_str())).collect();
    assert_eq!(w[0], (Some(1201), "column \"revenue\": \"inf\" is not a finite number; row skipped"));
    assert_eq!(w[1], (Some(1301), "column \"time\": missing timestamp; row skipped"));
    assert_eq!(w[2].0, Some(1302));
    assert!(w[2].1.contains("as epoch milliseconds"), "{}", w[2].1);
}

#[test]
fn host_tables_keep_numbers_and_missing_cells() {
    let names = ["customer", "spend", "visits"].map(String::from).to_vec();
    let spend: Vec<f64> = (0..2500).map(|i| if i % 10 == 0 { f64::NAN } else { i as f64 * 1.5 }).collect();
    let visits: Vec<f64> = (0..2400).map(|i| (i % 13) as f64).collect(); // shorter: missing at the end
    let ids: Vec<String> = (0..2500).map(|i| format!("c{i}")).collect();
    let host = HostTable::new(names, vec![HostColumn::Text(ids), nums(&spend), nums(&visits)]).unwrap();
    let s = Segmenter::from_host(host, &Options::default()).unwrap();
    let Data::Table(t) = s.data() else { panic!("read as events") };
    assert_eq!(t.ids.len(), 2500);
    assert_eq!(t.feature_names, ["spend", "visits"]);
    assert_eq!(t.values[[1, 0]], 1.5);
    assert_eq!(t.values[[2001, 0]], 2001.0 * 1.5);
    assert!(t.values[[2000, 0]].is_nan());
    assert!(t.values[[2450, 1]].is_nan());
    assert_eq!(t.values[[2399, 1]], (2399 % 13) as f64);
}

#[test]
fn malformed_host_data_is_a_clear_error() {
    let e = HostTable::new(vec!["a".into()], vec![nums(&[1.0]), nums(&[2.0])]).unwrap_err();
    assert_eq!(e.code(), "bad_input");
    assert!(e.to_string().contains("1 column names for 2 columns"), "{e}");
    assert_eq!(HostTable::new(vec!["a".into()], vec![nums(&[])]).unwrap_err().code(), "empty_input");
}
