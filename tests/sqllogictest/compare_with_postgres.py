#!/usr/bin/python3
"""Runs sqllogictest files against a real PostgreSQL server and reports every record whose outcome differs
from the file (the file's expectations must be PostgreSQL's). A developer tool: the expected results of
tests/sql were produced and checked this way.

Usage: /usr/bin/python3 tests/sqllogictest/compare_with_postgres.py [--dsn DSN] FILE...
Each file runs in a fresh database (created and dropped through the DSN's server). Records ending in @name run
on a second session, as in the project's runner.
"""
import argparse
import sys

import psycopg2
import psycopg2.extensions


def read_records(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    records, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("#"):
            i += 1
            continue
        words = line.split()
        if words[0] == "halt":
            break
        session = ""
        if len(words) > 1 and words[-1].startswith("@"):
            session = words.pop()[1:]
        record = {"header": words, "line": i + 1, "session": session}
        i += 1
        sql = []
        while i < len(lines) and lines[i] != "" and lines[i] != "----":
            sql.append(lines[i])
            i += 1
        record["sql"] = "\n".join(sql)
        expected = []
        if i < len(lines) and lines[i] == "----":
            i += 1
            while i < len(lines) and lines[i] != "":
                expected.append(lines[i])
                i += 1
        record["expected"] = expected
        records.append(record)
    return records


def text_value(v):
    if v is None:
        return "NULL"
    if v == "":
        return "(empty)"
    if v == "t":
        return "true"
    if v == "f":
        return "false"
    return v


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", default="dbname=postgres user=postgres")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    # Every value as PostgreSQL's text output.
    admin = psycopg2.connect(args.dsn)
    admin.autocommit = True
    cur = admin.cursor()
    cur.execute("SELECT oid FROM pg_type")
    oids = tuple(r[0] for r in cur.fetchall())
    psycopg2.extensions.register_type(psycopg2.extensions.new_type(oids, "TEXT", lambda v, c: v))
    differences = 0
    for path in args.files:
        cur.execute("DROP DATABASE IF EXISTS basalt_slt_check")
        cur.execute("CREATE DATABASE basalt_slt_check")
        sessions = {}
        for r in read_records(path):
            conn = sessions.get(r["session"])
            if conn is None:
                conn = psycopg2.connect(args.dsn.replace("dbname=postgres", "dbname=basalt_slt_check"))
                conn.autocommit = True
                sessions[r["session"]] = conn
            state, rows = None, []
            try:
                c = conn.cursor()
                c.execute(r["sql"])
                if c.description is not None:
                    rows = ["\t".join(text_value(v) for v in row) for row in c.fetchall()]
            except psycopg2.Error as e:
                state = e.pgcode or "?"
                message = str(e).strip().split("\n")[0]
            h = r["header"]
            where = f"{path}:{r['line']}"
            if h[0] == "statement":
                want_error = len(h) > 1 and h[1] == "error"
                if want_error and state is None:
                    print(f"{where}: expected an error, PostgreSQL succeeded\n{r['sql']}\n")
                    differences += 1
                elif want_error and len(h) > 2 and h[2] != state:
                    print(f"{where}: expected {h[2]}, PostgreSQL gave {state}: {message}\n{r['sql']}\n")
                    differences += 1
                elif not want_error and state is not None:
                    print(f"{where}: PostgreSQL failed with {state}: {message}\n{r['sql']}\n")
                    differences += 1
                continue
            if state is not None:
                print(f"{where}: PostgreSQL failed with {state}: {message}\n{r['sql']}\n")
                differences += 1
                continue
            expected = list(r["expected"])
            if len(h) > 2 and h[2] == "rowsort":
                rows.sort()
                expected.sort()
            if rows != expected:
                print(f"{where}: rows differ\n{r['sql']}\n----\n" + "\n".join(rows) + "\n")
                differences += 1
        for conn in sessions.values():
            conn.close()
    cur.execute("DROP DATABASE IF EXISTS basalt_slt_check")
    print(f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
