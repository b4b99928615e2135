#!/usr/bin/env bash
# Bundle budgets (issue: npm package): Wasm <= 300 KB gzipped, JS API <= 30 KB
# gzipped, the widget with charts <= 500 KB gzipped. Needs www/pkg and dist/ built.
set -euo pipefail
cd "$(dirname "$0")/.."
gz() { gzip -9c "$@" | wc -c; }
# Two builds ship (scalar and SIMD); a page loads one of them: the budget holds for the larger.
wasm=$(( $(gz www/pkg/seglens_bg.wasm) > $(gz www/pkg/seglens_simd_bg.wasm) ? $(gz www/pkg/seglens_bg.wasm) : $(gz www/pkg/seglens_simd_bg.wasm) ))
api=$(cat www/index.js www/client.js www/worker.js www/core.js www/result.js www/errors.js www/input.js www/load-key.js www/version.js www/sql.js www/simd.js www/pkg/seglens.js | gzip -9c | wc -c)
widget=$(cat dist/*.js | gzip -9c | wc -c)
printf 'sizes (gzip -9): wasm %d B (budget 307200), JS API %d B (budget 30720), demo/widget JS with charts %d B + wasm (budget 512000)\n' "$wasm" "$api" "$widget" >&2
fail=0
[ "$wasm" -le 307200 ] || { echo "wasm over budget" >&2; fail=1; }
[ "$api" -le 30720 ] || { echo "JS API over budget" >&2; fail=1; }
[ $((widget + wasm)) -le 512000 ] || { echo "widget over budget" >&2; fail=1; }
exit $fail
