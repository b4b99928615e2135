//! Properties of chunked loading (what the browser does with `File.stream()`):
//! an event log written by a CSV writer — random quoting, delimiters, line
//! endings, a BOM, bad rows, invalid UTF-8 — and pushed in chunks of random
//! sizes loads exactly as the generator says, and exactly as the whole
//! buffer loads; tables and JSON pushed in chunks fall back to whole reads.

use proptest::prelude::*;
use seglens::ingest::events::EventLog;
use seglens::pipeline::Data;
use seglens::{InputKind, Loader, Options, Segmenter};

/// One generated row and what it should become.
#[derive(Debug, Clone)]
struct Gen {
    id: String,
    day: u32,
    cents: i64,
    /// 0 good, 1 unreadable date, 2 ragged, 3 missing id.
    fault: u8,
}

fn id_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!['a', 'Z', '7', ',', ';', '|', '\t', '"', '\n', 'é', '🎉', '=']),
        1..8,
    )
    .prop_map(|cs| format!("c{}", cs.into_iter().collect::<String>()))
}

fn row_strategy() -> impl Strategy<Value = Gen> {
    (id_strategy(), 0u32..400, -100_000i64..100_000, prop::sample::select(vec![0u8, 0, 0, 0, 0, 0, 1, 2, 3]))
        .prop_map(|(id, day, cents, fault)| Gen { id, day, cents, fault })
}

fn date(day: u32) -> String {
    let base = 19_723 + day as i64; // 2024-01-01 + day
    let (y, m, d) = civil(base);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Writes the rows; returns the bytes and each row's first line.
fn write(rows: &[Gen], delim: u8, quote_all: bool, crlf: bool, bom: bool) -> (Vec<u8>, Vec<u64>) {
    let mut out = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
    let style = if quote_all { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary };
    let record = |fields: &[String]| {
        let term = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
        let mut w =
            csv::WriterBuilder::new().delimiter(delim).quote_style(style).terminator(term).from_writer(Vec::new());
        w.write_record(fields).unwrap();
        w.into_inner().unwrap()
    };
    out.extend(record(&["customer".into(), "date".into(), "amount".into()]));
    let mut lines = Vec::new();
    // Line feeds written so far (the BOM and header included), counted as the rows are written.
    let mut counted = 0;
    let mut feeds = 0;
    for r in rows {
        feeds += out.get(counted..).unwrap_or_default().iter().filter(|&&b| b == b'\n').count() as u64;
        counted = out.len();
        lines.push(1 + feeds);
        let amount = format!("{}.{:02}", r.cents / 100, (r.cents % 100).abs());
        let amount = if r.cents < 0 && r.cents > -100 { format!("-{amount}") } else { amount };
        let fields: Vec<String> = match r.fault {
            1 => vec![r.id.clone(), "not a date".into(), amount],
            2 => vec![r.id.clone(), date(r.day)],
            3 => vec![String::new(), date(r.day), amount],
            _ => vec![r.id.clone(), date(r.day), amount],
        };
        out.extend(record(&fields));
    }
    (out, lines)
}

/// Read as an event log even when every customer has one row (which alone would look like a table).
fn events() -> Options {
    Options { input: InputKind::Events, ..Options::default() }
}

fn chunked(bytes: &[u8], sizes: &[usize], opts: Options) -> Segmenter {
    let mut l = Loader::new(opts, Some(bytes.len() as u64)).unwrap();
    let mut rest = bytes;
    for &n in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (a, b) = rest.split_at(n.min(rest.len()));
        l.push(a).unwrap();
        rest = b;
    }
    l.finish().unwrap()
}

fn log(s: &Segmenter) -> &EventLog {
    match s.data() {
        Data::Events(l) => l,
        Data::Table(_) => panic!("read as a table"),
    }
}

fn warnings(l: &EventLog) -> Vec<(Option<u64>, String)> {
    l.warnings.items.iter().map(|w| (w.line, w.message.clone())).collect()
}

fn same(a: &EventLog, b: &EventLog) -> Result<(), TestCaseError> {
    prop_assert_eq!(&a.ids, &b.ids);
    prop_assert_eq!(&a.customer, &b.customer);
    prop_assert_eq!(&a.time, &b.time);
    prop_assert_eq!(&a.revenue, &b.revenue);
    prop_assert_eq!((a.rows_read, a.rows_skipped), (b.rows_read, b.rows_skipped));
    prop_assert_eq!(warnings(a), warnings(b));
    prop_assert_eq!(&a.format, &b.format);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    #[test]
    fn chunked_event_logs_load_as_generated_and_as_whole(
        good in row_strategy().prop_map(|r| Gen { fault: 0, ..r }),
        rows in prop::collection::vec(row_strategy(), 1..1500),
        delim in prop::sample::select(vec![b',', b';', b'\t', b'|']),
        quote_all in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        sizes in prop::collection::vec(1usize..5000, 1..8),
    ) {
        let rows: Vec<Gen> = std::iter::once(good).chain(rows).collect();
        let (bytes, lines) = write(&rows, delim, quote_all, crlf, bom);
        let whole = Segmenter::load(&bytes, &events()).unwrap();
        let parts = chunked(&bytes, &sizes, events());
        same(log(&parts), log(&whole))?;

        // Against the generator, not the code.
        let l = log(&whole);
        let used: Vec<&Gen> = rows.iter().filter(|r| r.fault == 0).collect();
        let mut ids: Vec<String> = Vec::new();
        for r in &used {
            let id = r.id.trim().to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        prop_assert_eq!(&l.ids, &ids);
        let revenue: Vec<f64> = used.iter().map(|r| r.cents as f64 / 100.0).collect();
        prop_assert_eq!(&l.revenue, &revenue);
        let days: Vec<i64> = used.iter().map(|r| (19_723 + r.day as i64) * 86_400).collect();
        prop_assert_eq!(&l.time, &days);
        prop_assert_eq!(l.rows_read, rows.len() as u64);
        prop_assert_eq!(l.rows_skipped, (rows.len() - used.len()) as u64);
        let bad_lines: Vec<Option<u64>> =
            rows.iter().zip(&lines).filter(|(r, _)| r.fault != 0).map(|(_, &n)| Some(n)).take(50).collect();
        let warned: Vec<Option<u64>> = l.warnings.items.iter().map(|w| w.line).collect();
        prop_assert_eq!(warned, bad_lines);
    }
}

/// A CRLF log past the sampled head (read as plain lines once the LF after a record's CR is
/// read), with blank lines and a bad row: every row read and the bad row's line named, whole or
/// in chunks of any size (some splitting a CR from its LF).
#[test]
fn crlf_logs_past_the_head_name_the_lines_of_bad_rows() {
    let mut bytes = b"customer,date,amount\r\n".to_vec();
    for i in 0..3000 {
        match i {
            // Lines 1502 and 1503 are blank; row i after them is on line i + 3.
            1500 => bytes.extend_from_slice(b"\r\n\r\n"),
            2000 => bytes.extend_from_slice(b"c1,not a date,5\r\n"),
            _ => bytes.extend_from_slice(format!("c{},2024-01-01,{}\r\n", i % 7, i).as_bytes()),
        }
    }
    let whole = Segmenter::load(&bytes, &Options::default()).unwrap();
    let lines = |s: &Segmenter| log(s).warnings.items.iter().map(|w| w.line).collect::<Vec<_>>();
    assert_eq!(lines(&whole), [Some(2003)]);
    assert_eq!((log(&whole).rows_read, log(&whole).rows_skipped), (2999, 1));
    assert_eq!(
        log(&whole).revenue.iter().sum::<f64>(),
        (0..3000).filter(|&i| i != 1500 && i != 2000).sum::<i32>() as f64
    );
    for sizes in [[1usize], [2], [3], [4095], [33_001]] {
        let parts = chunked(&bytes, &sizes, Options::default());
        assert_eq!(lines(&parts), lines(&whole), "chunks of {sizes:?}");
        assert_eq!(log(&parts).revenue, log(&whole).revenue);
    }
}

/// A whole buffer of several MiB (read in 1 MiB pieces inside, as a stream would bring it), with
/// quoted ids holding delimiters and line feeds, CRLF line ends and bad rows throughout, reads as
/// the generator wrote it: every row, the bad rows' lines, the ids in order of first appearance.
#[test]
fn a_whole_buffer_of_several_mib_reads_as_generated() {
    let mut r = 7u64;
    let mut next = |m: u64| {
        r = r.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (r >> 33) % m
    };
    let ids = ["alpha", "b,eta", "gam\nma", "d\"elta", "eps;ilon", "zeta"];
    let rows: Vec<Gen> = (0..120_000)
        .map(|_| Gen {
            id: format!("{}{}", ids[next(6) as usize], next(900)),
            day: next(400) as u32,
            cents: next(200_000) as i64 - 100_000,
            fault: if next(1000) == 0 { 1 + next(3) as u8 } else { 0 },
        })
        .collect();
    let (bytes, lines) = write(&rows, b',', false, true, false);
    assert!(bytes.len() > 3 << 20, "{} bytes: more than three pieces", bytes.len());
    let l = Segmenter::load(&bytes, &events()).unwrap();
    let l = log(&l);
    let used: Vec<&Gen> = rows.iter().filter(|r| r.fault == 0).collect();
    let mut first: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in &used {
        if seen.insert(r.id.clone()) {
            first.push(r.id.clone());
        }
    }
    assert_eq!(l.ids, first);
    assert_eq!(l.revenue, used.iter().map(|r| r.cents as f64 / 100.0).collect::<Vec<_>>());
    assert_eq!(l.time, used.iter().map(|r| (19_723 + r.day as i64) * 86_400).collect::<Vec<_>>());
    assert_eq!((l.rows_read, l.rows_skipped), (rows.len() as u64, (rows.len() - used.len()) as u64));
    let bad: Vec<Option<u64>> =
        rows.iter().zip(&lines).filter(|(r, _)| r.fault != 0).map(|(_, &n)| Some(n)).take(50).collect();
    assert!(bad.len() > 20, "bad rows throughout: {}", bad.len());
    assert_eq!(l.warnings.items.iter().map(|w| w.line).collect::<Vec<_>>(), bad);
}

#[test]
fn invalid_utf8_split_across_chunks_warns_once_with_its_line() {
    let mut bytes = b"customer,date,amount\n".to_vec();
    for i in 0..2000 {
        if i == 1500 {
            bytes.extend_from_slice(b"b\xC3");
            bytes.extend_from_slice(b"\xFF,2024-01-02,5\n");
        } else {
            bytes.extend_from_slice(format!("c{},2024-01-01,{}\n", i % 7, i).as_bytes());
        }
    }
    let whole = Segmenter::load(&bytes, &Options::default()).unwrap();
    let lossy = |s: &Segmenter| log(s).warnings.items.first().map(|w| (w.line, w.message.contains("invalid UTF-8")));
    assert_eq!(lossy(&whole), Some((Some(1502), true)));
    for sizes in [[1usize], [2], [4096], [33_000]] {
        let parts = chunked(&bytes, &sizes, Options::default());
        assert_eq!(lossy(&parts), lossy(&whole));
        assert_eq!(log(&parts).ids, log(&whole).ids);
        assert!(log(&parts).ids.iter().any(|id| id == "b\u{FFFD}\u{FFFD}"), "{:?}", &log(&parts).ids[..8]);
    }
}

#[test]
fn tables_and_json_pushed_in_chunks_are_read_whole() {
    let mut table = b"customer_id,spend,visits\n".to_vec();
    for i in 0..3000 {
        table.extend_from_slice(format!("c{i},{},{}\n", i % 97, i % 13).as_bytes());
    }
    let parts = chunked(&table, &[777], Options::default());
    let whole = Segmenter::load(&table, &Options::default()).unwrap();
    assert_eq!((parts.input_kind(), parts.customers()), ("table", 3000));
    assert_eq!(parts.columns(), whole.columns());

    let json = br#"[{"user_id":"u1","time":"2024-01-01","event":"buy","revenue":3},{"user_id":"u1","time":"2024-01-03","event":"view"}]"#;
    let parts = chunked(json, &[5], events());
    assert_eq!(log(&parts).ids, ["u1"]);
    assert_eq!(log(&parts).revenue, [3.0, 0.0]);
}

#[test]
fn too_large_is_refused_before_reading_and_while_reading() {
    let opts = Options { max_mb: 1, ..Options::default() };
    let e = Loader::new(opts.clone(), Some(3 << 20)).err().expect("refused up front");
    assert_eq!(e.code(), "too_large");
    let mut l = Loader::new(opts, None).unwrap();
    let chunk = vec![b'a'; 600 << 10];
    l.push(&chunk).unwrap();
    assert_eq!(l.push(&chunk).err().map(|e| e.code()), Some("too_large"));
}

#[test]
fn binary_is_refused_from_the_first_chunk() {
    let mut l = Loader::new(Options::default(), None).unwrap();
    let e = l.push(&[b'P', b'K', 3, 4, 0, 0].repeat(20_000)).expect_err("refused");
    assert_eq!(e.code(), "binary_input");
}

/// Reads `bytes` split at `points` as parallel workers do, and merges.
fn split_read(bytes: &[u8], points: &[usize]) -> Option<EventLog> {
    use seglens::ingest::csv_parts::{Merger, PartReader};
    let opts = events().event_options();
    let head = &bytes[..bytes.len().min(1 << 20)];
    let mut m = Merger::default();
    for (i, w) in points.windows(2).enumerate() {
        let part = &bytes[w[0]..w[1]];
        let mut r = PartReader::new(head, &opts, part.len() as u64, i == 0, false).unwrap().expect("a CSV event log");
        for chunk in part.chunks(1 + part.len() / 3) {
            r.push(chunk).unwrap();
        }
        m.add(r.finish().unwrap());
    }
    m.finish().unwrap()
}

/// Byte offsets where records start (after the BOM and each record's terminator), per the csv crate.
fn record_starts(bytes: &[u8], delim: u8, bom: bool) -> Vec<usize> {
    let skip = if bom { 3 } else { 0 };
    let mut r =
        csv::ReaderBuilder::new().delimiter(delim).has_headers(false).flexible(true).from_reader(&bytes[skip..]);
    let mut starts = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        let at = r.position().byte() as usize + skip;
        if !r.read_byte_record(&mut rec).unwrap() {
            break;
        }
        // After a record ended by the CR of a CRLF, the reader's position is at the LF.
        starts.push(if bytes.get(at) == Some(&b'\n') { at + 1 } else { at });
    }
    starts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// A file split at line feeds into parts read separately merges into exactly the one-pass
    /// log, and declines only when a split falls inside a quoted field (ids here hold line
    /// feeds) or the first part is shorter than the rows types are decided from.
    #[test]
    fn split_event_logs_merge_as_one_pass_or_decline(
        // Enough rows that a first part past the 1,001 sample rows leaves room for more parts.
        rows in prop::collection::vec(row_strategy(), 1500..2500),
        delim in prop::sample::select(vec![b',', b';', b'\t', b'|']),
        quote_all in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        cuts in prop::collection::vec(0.55f64..1.0, 1..4),
    ) {
        let rows: Vec<Gen> = std::iter::once(Gen { fault: 0, ..rows[0].clone() }).chain(rows).collect();
        let (bytes, _) = write(&rows, delim, quote_all, crlf, bom);
        let whole = Segmenter::load(&bytes, &events()).unwrap();
        // Just after the first line feed at or after each cut.
        let mut points: Vec<usize> = cuts
            .iter()
            .filter_map(|c| {
                let at = (c * bytes.len() as f64) as usize;
                bytes[at..].iter().position(|&b| b == b'\n').map(|p| at + p + 1)
            })
            .filter(|&p| p < bytes.len())
            .collect();
        points.push(0);
        points.push(bytes.len());
        points.sort_unstable();
        points.dedup();
        let starts = record_starts(&bytes, delim, bom);
        let exact = points[1..points.len() - 1].iter().all(|p| starts.binary_search(p).is_ok());
        // Records (header included) in the first part.
        let first_records = starts.iter().filter(|&&s| s < points[1]).count();
        match split_read(&bytes, &points) {
            Some(merged) => {
                prop_assert!(exact);
                same(&merged, log(&whole))?;
                prop_assert_eq!(&merged.columns, &log(&whole).columns);
            }
            None => prop_assert!(!exact || first_records <= 1002, "declined an exact split: {:?}", points),
        }
        if exact && first_records > 1100 {
            prop_assert!(split_read(&bytes, &points).is_some());
        }
    }
}

/// Blank lines, a quoted field and bad rows after the sampled head (1,000 rows, from which types
/// and roles are decided): the whole buffer and one byte at a time give the same rows and warning
/// lines, and the lines are those counted in the text itself.
#[test]
fn blank_lines_and_quotes_after_the_head_keep_their_line_numbers() {
    let mut text = String::from("customer,date,amount\n");
    for i in 0..1500 {
        text.push_str(&format!("c{},2024-01-{:02},{}.50\n", i % 40, i % 28 + 1, i));
    }
    let tail = ["", "", "\"c,1\",2024-02-01,3", "c2,not a date,1", "", "c3,2024-02-02", "c4,2024-02-03,4", ""];
    for line in tail {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("c5,2024-02-04,5");
    let bytes = text.as_bytes();
    let whole = Segmenter::load(bytes, &events()).unwrap();
    let byte_by_byte = chunked(bytes, &[1], events());
    same(log(&whole), log(&byte_by_byte)).unwrap();
    let line_of = |needle: &str| Some(1 + text.lines().position(|l| l == needle).unwrap() as u64);
    let l = log(&whole);
    assert_eq!(
        l.warnings.items.iter().map(|w| w.line).collect::<Vec<_>>(),
        vec![line_of("c2,not a date,1"), line_of("c3,2024-02-02")]
    );
    assert_eq!(l.rows_read, 1500 + 5);
    assert_eq!(l.rows_skipped, 2);
    assert!(l.ids.iter().any(|id| id == "c,1"));
}
