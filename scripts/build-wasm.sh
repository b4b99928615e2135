#!/usr/bin/env bash
# Rust core -> www/pkg/ (wasm-bindgen --target web: one module that works in
# webpack, Vite, a plain <script type=module> and Node with initSync).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --target wasm32-unknown-unknown --lib
W=target/wasm32-unknown-unknown/release/seglens.wasm
rm -rf www/pkg
wasm-bindgen --target web --out-dir www/pkg "$W"
# Debian's wasm-opt is too old for rustc's output; the npm binaryen is pinned.
npx --no-install wasm-opt -Oz www/pkg/seglens_bg.wasm -o www/pkg/seglens_bg.opt.wasm
mv www/pkg/seglens_bg.opt.wasm www/pkg/seglens_bg.wasm
raw=$(wc -c < www/pkg/seglens_bg.wasm); gz=$(gzip -9c www/pkg/seglens_bg.wasm | wc -c)
echo "wasm: $raw bytes ($gz gzipped)" >&2
