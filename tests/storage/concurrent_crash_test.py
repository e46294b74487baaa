#!/usr/bin/env python3
"""Concurrent crash test: kills a process in which several sessions commit conflicting transactions (the
writer is build/tests/basalt_crash_writer; see its header) with SIGKILL at a random moment, reopens the
database, and checks after every kill that
  - every acknowledged transaction is there (its row in `done`),
  - nothing that was never begun is there,
  - each transaction is all there or not at all: its rows in `log` number n, or n less its even rows when a
    later transaction deleted those,
  - the invariants hold: sum(totals.rows) = count(log), sum(totals.txns) = count(done).
Checkpoints run every 2 MB of log and every 40 transactions of writer 0, so kills land in them too.

Usage: concurrent_crash_test.py BASALT CRASH_WRITER [--trials N] [--writers W] [--seed S]
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


def query(basalt, directory, sql):
    p = subprocess.run([basalt, "--db", directory, "--format", "csv", "-c", sql], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"basalt failed after a crash (exit {p.returncode}): {p.stderr.strip()}")
    lines = [l for l in p.stdout.split("\n") if l]
    return [l.split(",") for l in lines[1:]]


def run_trial(writer, directory, writers, first, seed, rng, begun, acked):
    proc = subprocess.Popen([writer, directory, str(writers), str(first), str(seed)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    errors = []
    ready = threading.Event()

    def read():
        for line in proc.stdout:
            word, _, rest = line.strip().partition(" ")
            if word == "ready":
                ready.set()
            elif word == "begin":
                begun.add(int(rest))
            elif word == "ack":
                acked.add(int(rest))
            elif word == "error":
                errors.append(rest)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(120):
        proc.kill()
        raise RuntimeError("the writer did not start: " + proc.stderr.read())
    time.sleep(rng.uniform(0.05, 1.5))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(10)
    return errors


def verify(basalt, directory, begun, acked):
    done = {int(t): int(n) for t, n in query(basalt, directory, "SELECT txn, n FROM done")}
    counts = {int(t): int(c) for t, c in query(basalt, directory, "SELECT txn, count(*) FROM log GROUP BY txn")}
    totals = query(basalt, directory, "SELECT sum(rows), sum(txns), (SELECT count(*) FROM log), (SELECT count(*) FROM done) FROM totals")[0]
    problems = []
    missing = acked - done.keys()
    if missing:
        problems.append(f"{len(missing)} acknowledged transactions lost, e.g. {sorted(missing)[:5]}")
    never = done.keys() - begun
    if never:
        problems.append(f"{len(never)} transactions never begun are there, e.g. {sorted(never)[:5]}")
    for txn, n in done.items():
        if counts.get(txn, 0) not in (n, n - n // 2):
            problems.append(f"transaction {txn} has {counts.get(txn, 0)} rows of {n}")
            break
    stray = counts.keys() - done.keys()
    if stray:
        problems.append(f"rows of transactions not in done: {sorted(stray)[:5]}")
    if totals[0] != totals[2] or totals[1] != totals[3]:
        problems.append(f"totals disagree: sum(rows)={totals[0]} count(log)={totals[2]} sum(txns)={totals[1]} count(done)={totals[3]}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("basalt")
    parser.add_argument("writer")
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="basalt-concurrent-crash-")
    directory = os.path.join(work, "db")
    begun, acked = set(), set()
    failed = 0
    start = time.time()
    try:
        for trial in range(1, args.trials + 1):
            errors = run_trial(args.writer, directory, args.writers, trial * 10_000_000, rng.randrange(1 << 30), rng, begun, acked)
            try:
                problems = verify(args.basalt, directory, begun, acked) + [f"writer error: {e}" for e in errors]
            except RuntimeError as e:
                problems = [str(e)]
            if problems:
                failed += 1
                print(f"trial {trial}/{args.trials}: FAILED: " + "; ".join(problems), flush=True)
                keep = directory + f"-failed-{trial}"
                shutil.copytree(directory, keep)
                print(f"  the directory is kept in {keep}", flush=True)
                break
            if trial % 10 == 0 or trial == args.trials:
                print(f"trial {trial}/{args.trials}: ok: {len(acked)} acknowledged of {len(begun)} begun", flush=True)
    finally:
        if not failed:
            shutil.rmtree(work, ignore_errors=True)
    print(f"concurrent crash test: {trial} trials, {failed} failed, {args.writers} writers, seed {args.seed}, "
          f"{int(time.time() - start)} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
