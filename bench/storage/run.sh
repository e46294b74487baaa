#!/usr/bin/env bash
# Storage size: TPC-H at scale SF in a Basalt database directory versus a DuckDB database file, loaded from
# the same generated .tbl files in one run. Prints per-table bytes and the ratio, and writes a CSV.
# usage: bench/storage/run.sh [BUILD_DIR]   environment: SF (default 1)
set -euo pipefail
BUILD="${1:-build}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
SF="${SF:-1}"
DATA="$BUILD/bench/tpch-sf$SF"
WORK="$BUILD/bench/storage-sf$SF"
OUT="$BUILD/bench/results"
mkdir -p "$DATA" "$WORK" "$OUT"
if [ ! -s "$DATA/lineitem.tbl" ]; then
    echo "generating TPC-H SF$SF into $DATA"
    "$BUILD/basalt" generate tpch --sf "$SF" --out "$DATA"
fi
(cd bench/tpch && [ -d node_modules/@duckdb/node-api ] || npm install --no-audit --no-fund --silent)
rm -rf "$WORK/basalt"
{
    cat data/tpch/schema.sql
    echo "SET synchronous = off;"
    for t in region nation part supplier partsupp customer orders lineitem; do
        echo "COPY $t FROM '$ROOT/$DATA/$t.tbl' (FORMAT csv, DELIMITER '|', HEADER false);"
    done
    echo "CHECKPOINT;"
} > "$WORK/load.sql"
start=$SECONDS
"$BUILD/basalt" --db "$WORK/basalt" -f "$WORK/load.sql" > /dev/null
echo "Basalt load and checkpoint: $((SECONDS - start)) s"
"$BUILD/basalt" --db "$WORK/basalt" --format csv \
    -c "SELECT table_name, sum(bytes_on_disk), sum(bytes_raw) FROM basalt_storage() GROUP BY 1" > "$WORK/basalt-tables.csv"
basalt_total=$(du -sb "$WORK/basalt" | cut -f1)
ln -sfn ../tpch/node_modules bench/storage/node_modules  # one npm install serves both benchmarks
start=$SECONDS
node bench/storage/duckdb_size.mjs "$ROOT/$DATA" "$ROOT/data/tpch/schema.sql" "$ROOT/$WORK" > "$WORK/duckdb.jsonl"
echo "DuckDB loads (one file per table, then all): $((SECONDS - start)) s"
/usr/bin/python3 - "$WORK/basalt-tables.csv" "$WORK/duckdb.jsonl" "$basalt_total" "$OUT/storage-sf$SF.csv" <<'PY'
import csv, json, sys
basalt = {r[0]: (int(r[1]), int(r[2])) for r in list(csv.reader(open(sys.argv[1])))[1:]}
duck = {d["table"]: d["bytes"] for d in map(json.loads, open(sys.argv[2]))}
total = int(sys.argv[3])
rows = []
print(f"{'table':<10} {'basalt bytes':>14} {'duckdb bytes':>14} {'basalt/duckdb':>14}")
for t in ["lineitem", "orders", "partsupp", "part", "customer", "supplier", "nation", "region"]:
    b = basalt[t][0]
    print(f"{t:<10} {b:>14,} {duck[t]:>14,} {b / duck[t]:>14.3f}")
    rows.append([t, b, duck[t], round(b / duck[t], 3)])
print(f"{'all':<10} {total:>14,} {duck['all']:>14,} {total / duck['all']:>14.3f}   (Basalt: whole directory; DuckDB: one file)")
rows.append(["all", total, duck["all"], round(total / duck["all"], 3)])
with open(sys.argv[4], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["table", "basalt_bytes", "duckdb_bytes", "ratio"])
    w.writerows(rows)
PY
