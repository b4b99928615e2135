#!/usr/bin/env bash
# SQL export on real engines (npm run test:engines, also part of npm test):
# DuckDB and Apache Spark (local mode) run the SQL that `seglens export-sql`
# writes and must label every customer as `seglens predict` does.
# Installs DuckDB and PySpark into .venv-engines (PyPI) and, when missing, a
# Java 17 runtime for Spark (Debian package). Needs www/pkg (npm run build:wasm).
#   bash tests/engines/run.sh [--no-spark]
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-engines
if ! "$venv/bin/python" -c 'import duckdb, pyspark' 2>/dev/null; then
  echo "engines: installing duckdb and pyspark into $venv" >&2
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # A bare Debian has python3 without venv/ensurepip: install them (root, as CI runs).
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
      rm -rf "$venv"
      python3 -m venv "$venv"
    else
      echo "engines: python3 with venv is needed (apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'duckdb==2.0.1' 'pyspark==4.3.0'   # the versions the checks were written against
fi
if [[ " $* " != *" --no-spark "* ]] && ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "engines: installing a Java 17 runtime for Spark" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  else
    echo "engines: Spark needs Java 17 (apt-get install openjdk-17-jre-headless), or pass --no-spark" >&2
    exit 1
  fi
fi
[ -f www/pkg/seglens_bg.wasm ] || bash scripts/build-wasm.sh
exec "$venv/bin/python" tests/engines/check.py "$@"
