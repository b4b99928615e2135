#!/usr/bin/env bash
# npm start: set up, build, serve the demo (PORT overrides 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build
exec node scripts/serve.mjs dist "${PORT:-8080}"
