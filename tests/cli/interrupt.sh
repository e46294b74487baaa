#!/usr/bin/env bash
# Ctrl-C and statement_timeout in the shell through a pseudo-terminal, and streamed output (interrupt_test.py).
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/interrupt_test.py" "$1"
