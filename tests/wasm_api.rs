//! The real Wasm boundary under Node (wasm-bindgen-test): JS values in,
//! plain objects out, errors as JS `Error`s with `code` and `line`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use seglens::wasm::Session;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

const CSV: &[u8] = b"id,spend,visits\na,1,1\nb,1.5,2\nc,40,30\nd,42,31\ne,oops,2\n";

#[wasm_bindgen_test]
fn segments_and_returns_a_plain_report_object() {
    let mut s = Session::load(CSV, JsValue::UNDEFINED).unwrap();
    assert_eq!(s.customers(), 4);
    let report = s.segment(JSON::parse(r#"{"k": 2, "seed": 3}"#).unwrap()).unwrap();
    assert_eq!(get(&report, "k").as_f64(), Some(2.0));
    assert_eq!(get(&report, "rows_skipped").as_f64(), Some(1.0));
    // maps are plain objects (JSON-compatible), not JS Maps
    let seg0 = Reflect::get_u32(&get(&report, "segments"), 0).unwrap();
    assert_eq!(get(&get(&seg0, "profile"), "spend").as_f64().map(|v| v > 0.0), Some(true));
    let labels = s.labels().unwrap();
    assert_eq!(labels[0], labels[1]);
    assert_eq!(labels[2], labels[3]);
    assert_ne!(labels[0], labels[2]);
    assert!(s.labels_csv(None).unwrap().starts_with("id,segment,name\n"));
    assert!(s.report_json().unwrap().contains("\"method\": \"kmeans\""));
}

#[wasm_bindgen_test]
fn errors_are_js_errors_with_code_and_location() {
    let e = Session::load(b"", JsValue::UNDEFINED).err().unwrap();
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("empty_input"));
    let mut s = Session::load(CSV, JsValue::NULL).unwrap();
    let e = s.segment(JSON::parse(r#"{"k": 9}"#).unwrap()).err().unwrap();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("bad_params"));
    let e = s.segment(JSON::parse(r#"{"k": "many"}"#).unwrap()).err().unwrap();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("bad_options"));
    let e = s.labels().err().unwrap();
    assert_eq!(get(&e, "code").as_string().as_deref(), Some("not_segmented"));
}
