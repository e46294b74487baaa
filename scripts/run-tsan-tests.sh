#!/usr/bin/env bash
# The tests that exercise threads, on a ThreadSanitizer build: GoogleTest units (the crash-at-every-write-point
# sweep thinned out: it is single-threaded and slow under TSan), the sqllogictest corpus on 2 threads, and the
# concurrent crash test. A race report makes the binary exit non-zero, so the suite fails.
set -uo pipefail
BUILD="${1:-build-tsan}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# Reports also go to files, so races in processes the crash test kills are seen too.
REPORTS="$ROOT/$BUILD/tsan-reports"
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
export TSAN_OPTIONS="${TSAN_OPTIONS:-second_deadlock_stack=1 history_size=4} log_path=$REPORTS/report"
export BASALT_FAULT_STRIDE="${BASALT_FAULT_STRIDE:-10}"
export BASALT_DIFFERENTIAL_SEEDS="${BASALT_DIFFERENTIAL_SEEDS:-1}"
SUITE_PREFIX="tsan: "
source "$ROOT/scripts/suite.sh"
run_suite "unit tests" "$BUILD/tests/basalt_unit_tests" --gtest_brief=1
run_suite "sqllogictest (2 threads)" "$BUILD/tests/basalt_sqllogictest" --threads 2 tests/sql
run_suite "concurrent crash test" "$PY" tests/storage/concurrent_crash_test.py "$BUILD/basalt" "$BUILD/tests/basalt_crash_writer" \
    --trials "${CONCURRENT_CRASH_TRIALS:-3}"
if compgen -G "$REPORTS/report*" > /dev/null; then
    echo "=== tsan: race reports:"
    cat "$REPORTS"/report*
    failed=$((failed + 1))
fi
echo
echo "tsan suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
