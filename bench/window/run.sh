#!/usr/bin/env bash
# Window function benchmark: the same ROWS-row table and queries (queries.sql) in Basalt and in DuckDB (npm
# @duckdb/node-api) in one run; checks that the answers agree and prints per-query medians and the ratio.
# usage: bench/window/run.sh [BUILD_DIR]   environment: ROWS (default 1000000), THREADS (default 1), RUNS (default 5)
set -euo pipefail
BUILD="${1:-build}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ROWS="${ROWS:-1000000}"
THREADS="${THREADS:-1}"
RUNS="${RUNS:-5}"
OUT="$BUILD/bench/results"
mkdir -p "$OUT"
(cd bench/window && [ -d node_modules/@duckdb/node-api ] || npm install --no-audit --no-fund --silent)
stamp="rows${ROWS}-t${THREADS}"
"$BUILD/bench/basalt_window_bench" bench/window/queries.sql --rows "$ROWS" --threads "$THREADS" --runs "$RUNS" > "$OUT/window-basalt-$stamp.jsonl"
node bench/window/duckdb_window.mjs bench/window/queries.sql "$ROWS" "$THREADS" "$RUNS" > "$OUT/window-duckdb-$stamp.jsonl"
/usr/bin/python3 - "$OUT/window-basalt-$stamp.jsonl" "$OUT/window-duckdb-$stamp.jsonl" <<'PY'
import json, statistics, sys
def load(path):
    return {r["query"]: r for r in map(json.loads, open(path)) if "query" in r}
basalt, duckdb = load(sys.argv[1]), load(sys.argv[2])
print(f"{'query':<20} {'Basalt s':>9} {'DuckDB s':>9} {'ratio':>6}  answers")
for name, b in basalt.items():
    d = duckdb[name]
    bm, dm = statistics.median(b["times_ms"]) / 1000, statistics.median(d["times_ms"]) / 1000
    same = "agree" if b["answer"] == d["answer"] else f"DIFFER: {b['answer']} vs {d['answer']}"
    print(f"{name:<20} {bm:9.3f} {dm:9.3f} {bm / dm:6.2f}  {same}")
PY
