#!/usr/bin/env bash
# Runs the fuzz targets (not part of npm test): bash tests/fuzz/run.sh [seconds per target] [target...]
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain provide them.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(ingest ingest_json ingest_chunks rfm_map model rules)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
mkdir -p tests/fuzz/corpus
for t in "${targets[@]}"; do
  mkdir -p "tests/fuzz/corpus/$t"
  # Seed the ingest targets with the hostile corpus and the fixtures.
  case $t in ingest|ingest_json|ingest_chunks) cp -n tests/hostile/files/* tests/fixtures/*.csv "tests/fuzz/corpus/$t/" 2>/dev/null || true ;; esac
  echo "== $t for ${secs}s" >&2
  RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir tests/fuzz "$t" "tests/fuzz/corpus/$t" -- \
    -max_total_time="$secs" -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1
done
