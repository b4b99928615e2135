#!/usr/bin/env bash
# npm test: every test layer, from a fresh machine. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))" >&2; }

step "setup (toolchain, npm packages, Chromium)"
bash scripts/setup.sh --with-browser

step "format and lint"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR=target/simd cargo clippy --lib --target wasm32-unknown-unknown --features parallel -- -D warnings

step "build: Rust -> Wasm -> www/pkg"
bash scripts/build-wasm.sh

step "JS type check (tsc) and package declarations"
npx --no-install tsc -p tsconfig.json
bash scripts/build-types.sh

step "Rust unit, integration and doc tests (native)"
SEGLENS_REQUIRE_WASM=1 cargo test

step "Wasm boundary tests under Node (wasm-bindgen-test)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target wasm32-unknown-unknown --test wasm_api

step "build the demo (webpack)"
npx --no-install webpack --mode production >/dev/null

step "size budgets"
bash scripts/check-size.sh

step "JS API, CLI and browser tests (node:test + headless Chromium)"
node --test --test-concurrency=1 tests/js/*.test.mjs tests/browser/*.test.mjs

step "SQL export on DuckDB and Apache Spark (labels equal predict, customer by customer)"
bash tests/engines/run.sh

step "all tests passed"
