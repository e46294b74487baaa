#!/usr/bin/env python3
"""Compares the Basalt and DuckDB runs of bench/tpch: checks that all 22 answers agree (the rules of
tests/tpch/check_answers.py) and prints per-query medians and the Basalt/DuckDB ratio, plus totals.
usage: compare.py BASALT_JSONL DUCKDB_JSONL [RESULT_CSV]"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "tpch"))
from check_answers import compare  # noqa: E402


def load(path):
    out = {}
    load_ms = None
    with open(path) as f:
        for line in f:
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if "load_ms" in r:
                load_ms = r["load_ms"]
            elif "query" in r:
                out[r["query"]] = r
    return out, load_ms


def rows_of(result):
    rows = result["rows"]
    return [[None if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for v in row] for row in rows]


def main():
    basalt, basalt_load = load(sys.argv[1])
    duck, duck_load = load(sys.argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "tests", "tpch", "order_keys.json")) as f:
        keys = json.load(f)
    lines = []
    total_b = total_d = 0.0
    agree = 0
    print(f"{'query':<6} {'basalt ms':>10} {'duckdb ms':>10} {'ratio':>7}  answers")
    for n in range(1, 23):
        name = f"q{n:02d}"
        b, d = basalt.get(name), duck.get(name)
        if not b or not d:
            print(f"{name:<6} missing result")
            continue
        mb, md = statistics.median(b["times_ms"]), statistics.median(d["times_ms"])
        total_b += mb
        total_d += md
        problem = compare(rows_of(d["result"]), rows_of(b["result"]), [tuple(k) for k in keys[name]])
        agree += problem is None
        status = "agree" if problem is None else "DIFFER: " + problem
        print(f"{name:<6} {mb:>10.1f} {md:>10.1f} {mb / md:>7.2f}  {status}")
        lines.append(f"{name},{mb:.3f},{md:.3f},{mb / md:.3f},{problem is None}")
    print(f"{'total':<6} {total_b:>10.1f} {total_d:>10.1f} {total_b / total_d:>7.2f}  {agree}/22 answers agree")
    if basalt_load and duck_load:
        print(f"load   {basalt_load:>10.1f} {duck_load:>10.1f} {basalt_load / duck_load:>7.2f}")
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            f.write("query,basalt_ms,duckdb_ms,ratio,answers_agree\n" + "\n".join(lines) + "\n")
            f.write(f"total,{total_b:.3f},{total_d:.3f},{total_b / total_d:.3f},{agree == 22}\n")
    sys.exit(0 if agree == 22 else 1)


if __name__ == "__main__":
    main()
