#!/usr/bin/env python3
"""Runs the 22 TPC-H queries through build/basalt on one scale's .tbl files and compares every answer with the
expected CSV (rules of data/tpch/README: column count, ORDER BY order with ties in any order, exact strings,
dates and decimals, 0.01 tolerance where the engines' scales differ: averages and divisions).

usage: check_answers.py BASALT DATA_DIR ANSWERS_DIR QUERIES_DIR SCHEMA_SQL [--threads N]
Prints one line per query and 'N passed, N failed'; exits 1 on any failure."""
import csv
import json
import os
import subprocess
import sys
from decimal import Decimal, InvalidOperation

TABLES = ["region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem"]
HERE = os.path.dirname(os.path.abspath(__file__))


def load_sql(data_dir, schema):
    with open(schema) as f:
        sql = f.read()
    for t in TABLES:
        sql += f"\nCOPY {t} FROM '{os.path.join(data_dir, t + '.tbl')}' (FORMAT csv, DELIMITER '|', HEADER false);"
    return sql


def as_decimal(s):
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def cell_equal(expected, actual):
    if expected == actual:
        return True
    if expected is None or actual is None:
        return False
    e, a = as_decimal(expected), as_decimal(actual)
    if e is None or a is None:
        return False
    e_scale = len(expected.split(".")[1]) if "." in expected else 0
    a_scale = len(actual.split(".")[1]) if "." in actual else 0
    if e_scale == a_scale:
        return e == a
    return abs(e - a) <= Decimal("0.01")


def rows_equal(expected, actual):
    return len(expected) == len(actual) and all(cell_equal(e, a) for e, a in zip(expected, actual))


def multiset_match(expected_rows, actual_rows):
    remaining = list(actual_rows)
    for e in expected_rows:
        for i, a in enumerate(remaining):
            if rows_equal(e, a):
                del remaining[i]
                break
        else:
            return False
    return not remaining


def compare(expected, actual, keys):
    if len(expected) != len(actual):
        return f"{len(actual)} rows, expected {len(expected)}"
    if not expected:
        return None
    if len(expected[0]) != len(actual[0]):
        return f"{len(actual[0])} columns, expected {len(expected[0])}"
    # Walk groups of rows that tie on every ORDER BY key; within a group any order is fine.
    i = 0
    while i < len(expected):
        j = i + 1
        key = [expected[i][k] for k, _ in keys]
        while j < len(expected) and keys and [expected[j][k] for k, _ in keys] == key:
            j += 1
        if not keys:
            j = len(expected)
        if not multiset_match(expected[i:j], actual[i:j]):
            return f"rows {i + 1}..{j} differ: expected {expected[i]} got {actual[i]}"
        i = j
    return None


def main():
    args = sys.argv[1:]
    threads = None
    if "--threads" in args:
        k = args.index("--threads")
        threads = args[k + 1]
        del args[k:k + 2]
    basalt, data_dir, answers_dir, queries_dir, schema = args
    with open(os.path.join(HERE, "order_keys.json")) as f:
        order_keys = json.load(f)
    command = [basalt, "--format", "json", "-c", load_sql(data_dir, schema)]
    if threads:
        command += ["--threads", threads]
    names = [f"q{n:02d}" for n in range(1, 23)]
    for name in names:
        command += ["-f", os.path.join(queries_dir, name + ".sql")]
    proc = subprocess.run(command, capture_output=True, text=True)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    query_results = [r for r in results if "columns" in r or "error" in r]
    query_results = query_results[-22:] if len(query_results) >= 22 else query_results
    errors = [r for r in results if "error" in r]
    passed = failed = 0
    if proc.returncode != 0 and len(query_results) < 22:
        print(f"basalt exited with {proc.returncode}: {proc.stderr.strip()[:500]} {errors[:1]}")
    for n, name in enumerate(names):
        if n >= len(query_results):
            print(f"{name}: FAIL (no result)")
            failed += 1
            continue
        r = query_results[n]
        if "error" in r:
            print(f"{name}: FAIL {r['sqlstate']} {r['error']}")
            failed += 1
            continue
        actual = [[None if v is None else (str(v).lower() if isinstance(v, bool) else str(v)) for v in row] for row in r["rows"]]
        with open(os.path.join(answers_dir, name + ".csv"), newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            expected = []
            for row in reader:
                if not row:
                    row = [""] * len(header)  # a lone NULL is written as an empty line
                expected.append([None if v == "" else v for v in row])
        # A quoted empty field is the empty string; csv.reader loses the distinction, which no TPC-H answer needs.
        problem = compare(expected, actual, [tuple(k) for k in order_keys[name]])
        if problem:
            print(f"{name}: FAIL {problem}")
            failed += 1
        else:
            print(f"{name}: ok ({len(actual)} rows)")
            passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
