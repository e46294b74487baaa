#!/usr/bin/env bash
# TPC-H benchmark: generates scale SF with Basalt's generator, loads the same files into Basalt and into DuckDB
# (npm @duckdb/node-api), checks that the 22 answers agree and prints per-query medians and ratios.
# usage: bench/tpch/run.sh [BUILD_DIR]   environment: SF (default 1), THREADS (default 1), RUNS (default 3)
set -euo pipefail
BUILD="${1:-build}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
SF="${SF:-1}"
THREADS="${THREADS:-1}"
RUNS="${RUNS:-3}"
DATA="$BUILD/bench/tpch-sf$SF"
OUT="$BUILD/bench/results"
mkdir -p "$DATA" "$OUT"
if [ ! -s "$DATA/lineitem.tbl" ]; then
    echo "generating TPC-H SF$SF into $DATA"
    "$BUILD/basalt" generate tpch --sf "$SF" --out "$DATA"
fi
(cd bench/tpch && [ -d node_modules/@duckdb/node-api ] || npm install --no-audit --no-fund --silent)
stamp="sf${SF}-t${THREADS}"
echo "Basalt: $THREADS thread(s), $RUNS runs per query"
"$BUILD/bench/basalt_tpch_bench" "$DATA" data/tpch/queries data/tpch/schema.sql --threads "$THREADS" --runs "$RUNS" > "$OUT/basalt-$stamp.jsonl"
echo "DuckDB: $THREADS thread(s), $RUNS runs per query"
node bench/tpch/duckdb_tpch.mjs "$DATA" data/tpch/queries data/tpch/schema.sql "$THREADS" "$RUNS" > "$OUT/duckdb-$stamp.jsonl"
/usr/bin/python3 bench/tpch/compare.py "$OUT/basalt-$stamp.jsonl" "$OUT/duckdb-$stamp.jsonl" "$OUT/tpch-$stamp.csv"
