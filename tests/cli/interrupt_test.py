#!/usr/bin/env python3
"""Ctrl-C in the basalt shell, through a real pseudo-terminal: the running statement fails with 57014, the shell
and its session stay, and statement_timeout ends a statement the same way. Also checks that piped CSV output
streams: the first row arrives while the query still runs.

usage: interrupt_test.py BASALT
"""
import os
import pty
import select
import subprocess
import sys
import time

ENDLESS = "SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3;"


class Shell:
    def __init__(self, basalt):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["HOME"] = "/tmp"  # no history file in the user's home
            os.execv(basalt, [basalt])
        self.output = b""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, needle, timeout):
        """Reads until needle appears in the output since the last expect; returns the seconds it took."""
        start = time.monotonic()
        while needle.encode() not in self.output:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                raise AssertionError(f"did not see {needle!r} within {timeout} s; output so far:\n{self.output.decode(errors='replace')}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the shell ended before {needle!r}; output:\n{self.output.decode(errors='replace')}")
                self.output += chunk
        taken = time.monotonic() - start
        self.output = self.output[self.output.index(needle.encode()) + len(needle):]
        return taken

    def close(self):
        self.send("\\q\n")
        _, status = os.waitpid(self.pid, 0)
        return status


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)


def main():
    basalt = sys.argv[1]
    shell = Shell(basalt)
    shell.expect("basalt=> ", 10)
    shell.send("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1);\n")
    shell.expect("INSERT 0 1", 10)

    # Ctrl-C cancels the running statement; the shell goes on.
    shell.send(ENDLESS + "\n")
    time.sleep(0.5)
    shell.send("\x03")  # the terminal turns it into SIGINT for the shell
    taken = shell.expect("canceling statement due to user request", 5)
    shell.expect("57014", 1)
    print(f"Ctrl-C: statement cancelled after {taken * 1000:.0f} ms")
    check(taken < 2, f"cancelling took {taken:.2f} s")
    shell.send("SELECT a + 41 AS answer FROM t;\n")
    shell.expect("42", 10)

    # Inside a transaction block: the block is aborted, as in psql against PostgreSQL, and ROLLBACK ends it.
    shell.send("BEGIN; INSERT INTO t VALUES (2);\n")
    shell.expect("INSERT 0 1", 10)
    shell.send(ENDLESS + "\n")
    time.sleep(0.3)
    shell.send("\x03")
    shell.expect("57014", 5)
    shell.send("SELECT 1;\n")
    shell.expect("25P02", 10)
    shell.send("ROLLBACK;\n")
    shell.expect("ROLLBACK", 10)
    shell.send("SELECT count(*) AS n FROM t;\n")
    shell.expect("(1 row)", 10)

    # statement_timeout ends a statement the same way.
    shell.send("SET statement_timeout = '300ms';\n")
    shell.expect("SET", 10)
    shell.send(ENDLESS + "\n")
    taken = shell.expect("canceling statement due to statement timeout", 10)
    check(taken < 3, f"the timeout took {taken:.2f} s")
    status = shell.close()
    check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"the shell exited with status {status}")

    # Piped output streams: the first row comes long before the query ends (it never would without LIMIT).
    start = time.monotonic()
    proc = subprocess.Popen([basalt, "--format", "csv", "-c", "SELECT i FROM range(1000000000000) t(i)"],
                            stdout=subprocess.PIPE)
    header = proc.stdout.readline()
    first = proc.stdout.readline()
    taken = time.monotonic() - start
    proc.kill()
    proc.wait()
    check(header == b"i\n" and first == b"0\n", f"unexpected first lines {header!r} {first!r}")
    print(f"streaming: first row after {taken * 1000:.0f} ms")
    check(taken < 5, f"the first row took {taken:.2f} s")
    print("ok")


if __name__ == "__main__":
    main()
