#!/usr/bin/env bash
# Idempotent setup for a fresh machine: everything `npm start` and `npm test`
# need, checked first and installed only when missing.
#   --with-browser   also make sure Chromium is present (tests need it; the demo does not)
set -euo pipefail
cd "$(dirname "$0")/.."
WB=0.2.130   # must equal the wasm-bindgen crate pin in Cargo.toml

say() { printf 'setup: %s\n' "$*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  say "cargo not found: install Rust from https://rustup.rs and re-run"; exit 1
fi
if command -v rustup >/dev/null 2>&1; then
  rustup target list --installed | grep -qx wasm32-unknown-unknown || { say "adding Rust target wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WB" ]; then
  say "installing wasm-bindgen-cli $WB (one-time, several minutes)"
  cargo install wasm-bindgen-cli --version "$WB" --force   # no --locked: its lockfile pins a yanked crate
fi
if [ "${1:-}" = "--with-browser" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Chromium for browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    say "Chromium missing: install it (sudo apt-get install chromium chromium-driver) or set CHROMIUM=/path/to/chrome"
  fi
fi
# npm ci when the lockfile changed since the last install (or nothing is installed yet).
stamp=node_modules/.seglens-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  say "installing npm packages"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
