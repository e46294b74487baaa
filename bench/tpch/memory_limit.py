#!/usr/bin/env python3
"""TPC-H under a memory budget: runs the 22 queries in ONE basalt process on a --db directory with
`SET memory_limit`, records that process's peak RSS and total time, and writes the answers as JSON lines in the
format of basalt_tpch_bench, so compare.py can check them against DuckDB's.
usage: memory_limit.py BASALT DB_DIR QUERIES_DIR MEMORY_LIMIT OUT_JSONL [--threads N]
Prints 'peak_rss_mb=... seconds=... errors=N'; exits 1 when a query failed."""
import json
import os
import resource
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    threads = None
    if "--threads" in args:
        k = args.index("--threads")
        threads = args[k + 1]
        del args[k:k + 2]
    basalt, db, queries, limit, out = args
    command = [basalt, "--db", db, "--format", "json", "-c", f"SET memory_limit = '{limit}'"]
    if threads:
        command += ["--threads", threads]
    names = [f"q{n:02d}" for n in range(1, 23)]
    for name in names:
        command += ["-f", os.path.join(queries, name + ".sql")]
    start = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    results = [r for r in results if "columns" in r or "error" in r]
    errors = [r for r in results if "error" in r]
    if proc.returncode != 0 and not errors:
        errors = [{"error": proc.stderr.strip()[-500:]}]
    with open(out, "w") as f:
        for name, r in zip(names, results[-22:]):
            f.write(json.dumps({"query": name, "times_ms": [seconds * 1000 / 22], "result": r}) + "\n")
    for e in errors:
        print("error:", e.get("sqlstate", ""), e["error"][:300])
    print(f"peak_rss_mb={peak_kb / 1024:.0f} seconds={seconds:.1f} errors={len(errors)}")
    sys.exit(1 if errors or len(results) < 22 else 0)


if __name__ == "__main__":
    main()
