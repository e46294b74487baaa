#!/usr/bin/env python3
"""Crash test: kills `basalt --db DIR` with SIGKILL at random moments while it runs small and large write
transactions fed through a pipe, restarts it, and checks after every kill that
  - every acknowledged commit is there (its marker row in `done`, its rows in `log`),
  - nothing that was never sent is there, and a transaction in flight is all there or not at all,
  - the consistency invariants hold: sum(totals.rows) = count(log), sum(totals.txns) = count(done).
The log is folded into column files every 3 MB, so kills also land in the middle of checkpoints.
Transaction i inserts n_i rows tagged i into log, records i in done, bumps totals, and deletes the even rows
of transaction i - 7, so updates, deletes and inserts all cross the crashes.

Usage: crash_test.py BASALT [--trials N] [--seed S] [--dir DIR]
Exit code 0 when every trial held; the report ends with a one-line summary.
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
    """Runs sql on the database; returns the CSV rows (header dropped) of the last result."""
    p = subprocess.run([basalt, "--db", directory, "--format", "csv", "-c", sql], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"basalt failed after a crash (exit {p.returncode}): {p.stderr.strip()}")
    lines = [l for l in p.stdout.split("\n") if l]
    return [l.split(",") for l in lines[1:]]


def transaction_sql(i, n):
    big = n > 1000
    pad = "repeat('x', g % 40)" if not big else "'row ' || g"
    return (
        "BEGIN;\n"
        f"INSERT INTO log SELECT {i}, g, {pad} FROM generate_series(1, {n}) g;\n"
        f"INSERT INTO done VALUES ({i}, {n});\n"
        f"UPDATE totals SET rows = rows + {n} - (SELECT count(*) FROM log WHERE txn = {i - 7} AND seq % 2 = 0), "
        f"txns = txns + 1 WHERE k = {i % 8};\n"
        f"DELETE FROM log WHERE txn = {i - 7} AND seq % 2 = 0;\n"
        "COMMIT;\n"
        f"SELECT 'ack', {i};\n"
    )


def run_trial(basalt, directory, rng, state):
    proc = subprocess.Popen([basalt, "--db", directory, "--format", "csv"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    acked = state["acked"]

    def read_acks():
        for line in proc.stdout:
            if line.startswith("ack,"):
                acked.add(int(line.strip().split(",")[1]))

    reader = threading.Thread(target=read_acks, daemon=True)
    reader.start()
    deadline = time.time() + rng.uniform(0.05, 1.2)
    try:
        # A small threshold makes checkpoints (column files, manifest, new log) happen while the kills land.
        proc.stdin.write("SET checkpoint_threshold = '3MB';\n")
        while time.time() < deadline:
            i = state["next"]
            # Large ones up to 2.4 row groups: those past 122,880 rows write column files before they commit.
            n = rng.choice([1, 2, 3, 5, 8, 13, 40]) if rng.random() < 0.85 else rng.randint(20000, 300000)
            state["sent"][i] = n
            state["next"] += 1
            proc.stdin.write(transaction_sql(i, n))
            proc.stdin.flush()
            time.sleep(rng.uniform(0, 0.02))
    except BrokenPipeError:
        pass
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(timeout=5)
    err = proc.stderr.read()
    if "ERROR" in err:
        raise RuntimeError(f"a statement failed before the kill: {err.strip()[:500]}")


def verify(basalt, directory, state):
    done = {int(t): int(n) for t, n in query(basalt, directory, "SELECT txn, n FROM done")}
    counts = {int(t): int(c) for t, c in query(basalt, directory, "SELECT txn, count(*) FROM log GROUP BY txn")}
    (total_rows, total_txns), = [(int(a), int(b)) for a, b in
                                 query(basalt, directory, "SELECT sum(rows), sum(txns) FROM totals")]
    (log_rows,), = [(int(a),) for (a,) in query(basalt, directory, "SELECT count(*) FROM log")]
    problems = []
    missing = state["acked"] - set(done)
    if missing:
        problems.append(f"acknowledged commits lost: {sorted(missing)[:10]}")
    unknown = set(done) - set(state["sent"])
    if unknown:
        problems.append(f"transactions present that were never sent: {sorted(unknown)[:10]}")
    for t, n in done.items():
        if state["sent"].get(t) != n:
            problems.append(f"transaction {t} recorded n={n}, sent n={state['sent'].get(t)}")
        expected = (n + 1) // 2 if (t + 7) in done else n
        if counts.get(t, 0) != expected:
            problems.append(f"transaction {t}: {counts.get(t, 0)} rows, expected {expected}")
    for t in counts:
        if t not in done:
            problems.append(f"rows of transaction {t}, which did not commit")
    if total_rows != log_rows:
        problems.append(f"sum(totals.rows) = {total_rows} but log has {log_rows} rows")
    if total_txns != len(done):
        problems.append(f"sum(totals.txns) = {total_txns} but {len(done)} transactions are done")
    # Transactions that finished count as acknowledged from now on.
    state["acked"] |= set(done)
    return problems, len(done), log_rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("basalt")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--dir")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    directory = args.dir or tempfile.mkdtemp(prefix="basalt-crash-")
    shutil.rmtree(directory, ignore_errors=True)
    query(args.basalt, directory,
          "CREATE TABLE log(txn INTEGER NOT NULL, seq INTEGER NOT NULL, pad VARCHAR);"
          "CREATE TABLE done(txn INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
          "CREATE TABLE totals(k INTEGER PRIMARY KEY, rows BIGINT NOT NULL, txns BIGINT NOT NULL);"
          "INSERT INTO totals SELECT g, 0, 0 FROM generate_series(0, 7) g")
    state = {"next": 8, "sent": {}, "acked": set()}
    failures = 0
    start = time.time()
    for trial in range(1, args.trials + 1):
        run_trial(args.basalt, directory, rng, state)
        try:
            problems, committed, rows = verify(args.basalt, directory, state)
        except RuntimeError as e:
            problems, committed, rows = [str(e)], -1, -1
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(directory) for f in files)
        status = "ok" if not problems else "FAILED"
        print(f"trial {trial}/{args.trials}: {status}: {committed} committed of {len(state['sent'])} sent, "
              f"{rows} rows, {size / 1e6:.1f} MB on disk", flush=True)
        for p in problems[:10]:
            print("   ", p)
        if problems:
            failures += 1
            break
    shutil.rmtree(directory, ignore_errors=True)
    print(f"crash test: {args.trials if not failures else trial} trials, {failures} failed, seed {args.seed}, "
          f"{time.time() - start:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
