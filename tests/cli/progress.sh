#!/usr/bin/env bash
# The progress bar on a terminal, and none when standard error is redirected (progress_test.py).
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/progress_test.py" "$1"
