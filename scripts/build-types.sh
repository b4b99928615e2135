#!/usr/bin/env bash
# TypeScript declarations of the package, generated from the JSDoc of www/*.js
# (types are declared once: the JSDoc and www/types.d.ts, which mirrors src/report.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf www/dts
npx --no-install tsc -p tsconfig.types.json
cp www/types.d.ts www/dts/types.d.ts
