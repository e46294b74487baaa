#!/usr/bin/env bash
# `make demo`: loads the TPC-H SF0.01 sample into an in-memory database and opens the shell on it (until the
# server exists). Prints a few queries to try first.
set -euo pipefail
BUILD="${1:-build}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DATA="$BUILD/tpch/sf0.01"
mkdir -p "$DATA"
for f in data/tpch/sf0.01/*.tbl.zst; do
    out="$DATA/$(basename "$f" .zst)"
    [ -s "$out" ] || zstd -q -d -f "$f" -o "$out"
done
LOAD="$BUILD/demo-load.sql"
cp data/tpch/schema.sql "$LOAD"
for t in region nation part supplier partsupp customer orders lineitem; do
    echo "COPY $t FROM '$ROOT/$DATA/$t.tbl' (FORMAT csv, DELIMITER '|');" >> "$LOAD"
done
cat <<'MSG'
Basalt demo: the TPC-H SF0.01 sample (8 tables, 86,805 rows) is loaded in memory. Try:

  SELECT l_returnflag, l_linestatus, sum(l_quantity), avg(l_extendedprice), count(*)
    FROM lineitem GROUP BY 1, 2 ORDER BY 1, 2;
  SELECT n_name, count(*) FROM customer JOIN nation ON c_nationkey = n_nationkey GROUP BY n_name ORDER BY 2 DESC LIMIT 5;
  EXPLAIN ANALYZE SELECT o_orderpriority, count(*) FROM orders WHERE o_orderdate >= date '1995-01-01' GROUP BY 1;
  \d lineitem
  \i data/tpch/queries/q05.sql is not a shell command here: paste a query from data/tpch/queries/ instead.

MSG
exec "$BUILD/basalt" -f "$LOAD" -i
