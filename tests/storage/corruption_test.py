#!/usr/bin/env python3
"""Corruption test: flips bytes in a column file, the manifest or the write-ahead log of a database directory
and runs queries on it. Every outcome must be either the intact database's exact answer (the damage was in
bytes the query does not read) or an error with SQLSTATE XX001 whose message names the damaged file. A wrong
answer, another error, or a crash fails the test.

Usage: corruption_test.py BASALT [--trials N] [--seed S]
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

QUERIES = [
    "SELECT count(*), sum(a), sum(length(b)), sum(c), min(d), max(d) FROM t",
    "SELECT count(*), sum(c) FROM t WHERE a % 7 = 0",
    "SELECT b, count(*) FROM t GROUP BY b ORDER BY b LIMIT 5",
    "SELECT count(*), sum(x) FROM w",
]


def run(basalt, directory, sql):
    p = subprocess.run([basalt, "--db", directory, "--format", "csv", "-c", sql], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def build_database(basalt, directory):
    setup = ("CREATE TABLE t(a BIGINT, b VARCHAR, c DECIMAL(12,2), d DATE);"
             "INSERT INTO t SELECT g, 'name ' || (g % 997), g * 0.25, DATE '2020-01-01' + (g % 1500) "
             "FROM generate_series(1, 400000) g;"
             "DELETE FROM t WHERE a % 11 = 0;"
             "CHECKPOINT;")
    code, _, err = run(basalt, directory, setup)
    if code != 0:
        raise RuntimeError(err)
    # Rows that stay in the log: the process is killed after they are acknowledged, before any checkpoint.
    proc = subprocess.Popen([basalt, "--db", directory, "--format", "csv"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, bufsize=1)
    proc.stdin.write("CREATE TABLE w(x INTEGER, y VARCHAR);\n")
    for i in range(20):
        proc.stdin.write(f"INSERT INTO w SELECT g, 'w{i}' FROM generate_series({i * 100}, {i * 100 + 99}) g;\n")
    proc.stdin.write("UPDATE t SET c = c + 1 WHERE a < 1000;\nSELECT 'ready';\n")
    proc.stdin.flush()
    for line in proc.stdout:
        if line.startswith("ready"):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("basalt")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="basalt-corrupt-")
    base = os.path.join(work, "base")
    build_database(args.basalt, base)
    pristine = os.path.join(work, "pristine")
    shutil.copytree(base, pristine)
    expected = []
    for q in QUERIES:
        code, out, err = run(args.basalt, pristine, q)
        if code != 0:
            print("the intact database fails:", err)
            return 1
        expected.append(out)
    targets = []
    for d, _, files in os.walk(base):
        for f in files:
            if f.endswith(".bcol") or f.endswith(".bsm") or f.endswith(".log"):
                targets.append(os.path.relpath(os.path.join(d, f), base))
    failures = 0
    counts = {"answer": 0, "XX001": 0}
    for trial in range(1, args.trials + 1):
        copy = os.path.join(work, "copy")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(base, copy)
        # Column files twice as often: they are most of the bytes.
        target = rng.choice(targets + [t for t in targets if t.endswith(".bcol")])
        path = os.path.join(copy, target)
        data = bytearray(open(path, "rb").read())
        flips = rng.randint(1, 3)
        for _ in range(flips):
            at = rng.randrange(len(data))
            data[at] ^= rng.randint(1, 255)
        open(path, "wb").write(bytes(data))
        name = os.path.basename(target)
        problems = []
        for q, want in zip(QUERIES, expected):
            code, out, err = run(args.basalt, copy, q)
            if code == 0 and out == want:
                counts["answer"] += 1
            elif code == 1 and "XX001" in err + out and name in err + out:
                counts["XX001"] += 1
            elif code == 0:
                problems.append(f"wrong answer to {q!r}: {out.strip()[:200]} (expected {want.strip()[:200]})")
            else:
                problems.append(f"exit {code} on {q!r}: {(err or out).strip()[:300]}")
            # A damaged database must not be "repaired" by a read: reopen the same copy for every query.
        status = "ok" if not problems else "FAILED"
        print(f"trial {trial}: {flips} byte(s) flipped in {target}: {status}", flush=True)
        for p in problems:
            print("   ", p)
        failures += bool(problems)
    shutil.rmtree(work, ignore_errors=True)
    print(f"corruption test: {args.trials} trials, {failures} failed; {counts['answer']} exact answers, "
          f"{counts['XX001']} XX001 errors naming the file; seed {args.seed}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
