//! Same input + same seed ⇒ byte-identical Report and labels natively and in
//! Wasm under Node (through the CLI). Needs the Wasm build (`npm run
//! build:wasm`); `npm test` builds it before running this.

use std::path::Path;
use std::process::Command;

use seglens::{labels_csv, segment_bytes, KChoice, Options};

#[test]
fn native_and_wasm_cli_outputs_are_byte_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("www/pkg/seglens_bg.wasm").exists() {
        assert!(std::env::var_os("SEGLENS_REQUIRE_WASM").is_none(), "www/pkg missing: run npm run build:wasm");
        eprintln!("skipping: www/pkg not built (npm test builds it first)");
        return;
    }
    let fixture = root.join("tests/fixtures/shop_400.csv");
    let out = std::env::temp_dir().join(format!("seglens-det-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let (labels, report) = (out.join("l.csv"), out.join("r.json"));
    let status = Command::new("node")
        .arg(root.join("www/cli.mjs"))
        .args(["segment", fixture.to_str().unwrap(), "--k", "5", "--seed", "42", "--scale", "robust"])
        .arg("--labels")
        .arg(&labels)
        .arg("--report")
        .arg(&report)
        .status()
        .expect("node must be installed");
    assert!(status.success());
    let bytes = std::fs::read(&fixture).unwrap();
    let opts =
        Options { k: KChoice::Fixed(5.0), seed: Some(42), scale: "robust".parse().unwrap(), ..Options::default() };
    let (_, seg) = segment_bytes(&bytes, &opts).unwrap();
    assert_eq!(std::fs::read_to_string(&report).unwrap(), seg.report.to_json().unwrap());
    assert_eq!(std::fs::read_to_string(&labels).unwrap(), labels_csv(&seg).unwrap());
}
