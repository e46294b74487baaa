#!/usr/bin/env python3
"""The progress bar of the basalt command: a long statement in the shell shows a bar with a percentage on the
terminal and erases it before the error (here a Ctrl-C) is printed; a quick statement shows none; with standard
error redirected to a file nothing but the error reaches it.

usage: progress_test.py BASALT
"""
import os
import re
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interrupt_test import Shell, check  # noqa: E402

# A join without keys pairs every row of t with every row of t: far longer than any test waits, and its probe
# side advances a chunk at a time, so the bar has something to show.
SETUP = "CREATE TABLE t AS SELECT i FROM range(20000) r(i);"
LONG = "SELECT count(*) FROM t a, t b WHERE a.i + b.i = -1;"


def read_until(shell, needle, timeout):
    """Like Shell.expect, but returns everything the terminal showed up to and including needle."""
    start = time.monotonic()
    while needle.encode() not in shell.output:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            raise AssertionError(f"did not see {needle!r} within {timeout} s; output so far:\n{shell.output!r}")
        ready, _, _ = select.select([shell.fd], [], [], left)
        if ready:
            chunk = os.read(shell.fd, 65536)
            if not chunk:
                raise AssertionError(f"the shell ended before {needle!r}; output:\n{shell.output!r}")
            shell.output += chunk
    end = shell.output.index(needle.encode()) + len(needle)
    seen, shell.output = shell.output[:end], shell.output[end:]
    return seen.decode(errors="replace")


def main():
    basalt = sys.argv[1]
    shell = Shell(basalt)
    shell.expect("basalt=> ", 10)
    shell.send(SETUP + "\n")
    shell.expect("SELECT 20000", 30)
    shell.expect("basalt=> ", 10)

    shell.send("SELECT 1 AS quick;\n")
    quick = read_until(shell, "basalt=> ", 10)
    check("(1 row)" in quick and "%" not in quick, f"a quick statement drew a bar: {quick!r}")

    shell.send(LONG + "\n")
    bar = read_until(shell, "%", 30)
    print("the bar is shown while the statement runs:", repr(bar[bar.rfind("\r"):]))
    shell.send("\x03")
    # Everything the terminal got before the error: the last bar must have been erased (a carriage return, spaces
    # over it, a carriage return) before "ERROR" began.
    text = read_until(shell, "57014", 60)  # a keyless join notices a cancel between probe chunks: slow under sanitizers
    error_at = text.rfind("ERROR")
    check(error_at >= 0, f"no ERROR in {text!r}")
    check(re.search(r"\r +\r$", text[:error_at]) is not None, f"the bar was not erased before the error: {text[:error_at][-120:]!r}")
    status = shell.close()
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"the shell exited with status {status}")

    # Standard error redirected: no bar, only the error.
    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.run([basalt, "-c", SETUP, "-c", "SET statement_timeout = '2500ms';", "-c", LONG],
                              stdout=subprocess.PIPE, stderr=err, timeout=60)
        taken = time.monotonic() - start
        err.seek(0)
        written = err.read()
    check(proc.returncode == 1, f"exit status {proc.returncode}")
    check(b"57014" in written, f"the timeout error is missing from standard error: {written!r}")
    check(b"%" not in written and b"\r" not in written, f"a bar reached a redirected standard error: {written!r}")
    print(f"redirected standard error: no bar over {taken:.1f} s")
    print("ok")


if __name__ == "__main__":
    main()
