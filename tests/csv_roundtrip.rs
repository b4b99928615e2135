//! Property: a random customer table written by a CSV writer — any of the
//! four delimiters, random quoting, LF or CRLF, with or without a BOM —
//! reads back with the same ids, columns and values.

use proptest::prelude::*;
use seglens::ingest::{read_customer_table, TableOptions};

fn id_strategy() -> impl Strategy<Value = String> {
    // Ids with the characters that break naive parsers: delimiters, quotes, newlines, unicode.
    prop::collection::vec(
        prop::sample::select(vec!['a', 'Z', '7', ',', ';', '|', '\t', '"', '\n', ' ', 'é', '🎉', '-', '=']),
        1..12,
    )
    .prop_map(|cs| {
        let s: String = cs.into_iter().collect();
        // An id must be non-blank and not a null token to be a customer; keep a stable prefix.
        format!("c{s}")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn written_tables_read_back_equal(
        rows in prop::collection::vec((id_strategy(), prop::collection::vec(-1e9f64..1e9, 3)), 2..40),
        delim in prop::sample::select(vec![b',', b';', b'\t', b'|']),
        quote_all in any::<bool>(),
        crlf in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delim)
            .quote_style(if quote_all { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary })
            .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
            .from_writer(Vec::new());
        w.write_record(["customer_id", "spend", "visits", "score"]).unwrap();
        for (id, vals) in &rows {
            let mut rec = vec![id.clone()];
            rec.extend(vals.iter().map(|v| format!("{v}")));
            w.write_record(&rec).unwrap();
        }
        let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
        bytes.extend(w.into_inner().unwrap());
        let t = read_customer_table(&bytes, &TableOptions::default()).unwrap();
        prop_assert_eq!(&t.feature_names, &["spend", "visits", "score"]);
        prop_assert_eq!(t.rows_skipped, 0);
        let ids: Vec<String> = rows.iter().map(|r| r.0.trim().to_string()).collect();
        prop_assert_eq!(&t.ids, &ids);
        for (i, (_, vals)) in rows.iter().enumerate() {
            for (j, v) in vals.iter().enumerate() {
                prop_assert_eq!(t.values[[i, j]], *v);
            }
        }
    }
}
