//! Saved-model import: any text as a model, then predict on a small table and event log.
#![no_main]
use libfuzzer_sys::fuzz_target;
use seglens::model::Model;

const TABLE: &[u8] = b"id,recency_days,orders,total_spend\na,1,5,100\nb,30,1,10\nc,300,2,40\n";
const EVENTS: &[u8] = b"customer,date,event,amount\na,2024-01-01,purchase,10\nb,2024-01-05,view,\na,2024-02-01,purchase,5\n";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = Model::from_json(&text) {
        let _ = m.predict(TABLE, None);
        let _ = m.predict(EVENTS, Some("2024-03-01".into()));
    }
});
