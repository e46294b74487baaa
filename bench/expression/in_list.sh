#!/usr/bin/env bash
# x IN (N constants) over ROWS rows, for integer and text lists: wall time and peak memory of the CLI.
# usage: bench/expression/in_list.sh [BUILD]   environment: ROWS (default 1000000), SIZES (default "1000 10000")
set -euo pipefail
BUILD="${1:-build}"
ROWS="${ROWS:-1000000}"
SIZES="${SIZES:-1000 10000}"
WORK="$(mktemp -d)"
for n in $SIZES; do
    # deterministic pseudo-random constants in [0, 2 * ROWS), so about half the list can match
    /usr/bin/python3 - "$n" "$ROWS" "$WORK" <<'PY'
import random, sys
n, rows, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(n)
ints = ", ".join(str(random.randrange(0, 2 * rows)) for _ in range(n))
strs = ", ".join("'s%d'" % random.randrange(0, 2 * rows) for _ in range(n))
open(f"{work}/int.sql", "w").write(f"SELECT count(*) FROM generate_series(1, {rows}) t(i) WHERE i IN ({ints})")
open(f"{work}/text.sql", "w").write(f"SELECT count(*) FROM generate_series(1, {rows}) t(i) WHERE 's' || i IN ({strs})")
PY
    for kind in int text; do
        /usr/bin/time -f "n=$n kind=$kind rows=$ROWS seconds=%e max_rss_kb=%M" "$BUILD/basalt" -c "$(cat "$WORK/$kind.sql")" > /dev/null
    done
done
rm -rf "$WORK"
