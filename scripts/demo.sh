#!/usr/bin/env bash
# `make demo`: creates a local warehouse (a Basalt database directory, build/demo-warehouse) holding the TPC-H
# SF0.01 sample on first run, and opens the shell on it (until the server exists). Later runs reopen the same
# warehouse, so what you change stays. Prints a few queries to try first.
set -euo pipefail
BUILD="${1:-build}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
WAREHOUSE="$BUILD/demo-warehouse"
if [ ! -e "$WAREHOUSE/basalt.lock" ]; then
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
    echo "CHECKPOINT;" >> "$LOAD"
    # Loaded aside and moved into place only when complete: a failed load leaves no half-made warehouse behind.
    rm -rf "$WAREHOUSE.loading"
    "$BUILD/basalt" --db "$WAREHOUSE.loading" -f "$LOAD" > /dev/null
    rm -rf "$WAREHOUSE"
    mv "$WAREHOUSE.loading" "$WAREHOUSE"
fi
cat <<MSG
Basalt demo: the warehouse in $WAREHOUSE holds the TPC-H SF0.01 sample (8 tables, 86,805 rows). Try:

  SELECT l_returnflag, l_linestatus, sum(l_quantity), avg(l_extendedprice), count(*)
    FROM lineitem GROUP BY 1, 2 ORDER BY 1, 2;
  SELECT n_name, count(*) FROM customer JOIN nation ON c_nationkey = n_nationkey GROUP BY n_name ORDER BY 2 DESC LIMIT 5;
  EXPLAIN ANALYZE SELECT o_orderpriority, count(*) FROM orders WHERE o_orderkey < 1000 GROUP BY 1;
  SELECT table_name, sum(bytes_on_disk), sum(bytes_raw) FROM basalt_storage() GROUP BY 1;
  BEGIN; DELETE FROM nation; SELECT count(*) FROM nation; ROLLBACK;
  \d lineitem

MSG
exec "$BUILD/basalt" --db "$WAREHOUSE"
