#!/usr/bin/env bash
# Runs every test against one build directory: GoogleTest units, the sqllogictest corpus, the TPC-H answer
# checks (SF0.01 from the repository; SF0.1 from ../shared when present) and the command-line tests.
# Ends with 'N passed, N failed' over the suites; exits non-zero when any suite failed.
set -uo pipefail
BUILD="${1:-build}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
source "$ROOT/scripts/suite.sh"

# TPC-H sample data: decompressed once into the build directory.
prepare_tpch() {
    local scale="$1" source="$2" target="$BUILD/tpch/$1"
    mkdir -p "$target"
    for f in "$source"/*.tbl.zst; do
        local out="$target/$(basename "$f" .zst)"
        [ -s "$out" ] || zstd -q -d -f "$f" -o "$out"
    done
}

# The sanitizer build crashes the fault-injection workload at every third write point (it runs slower).
if [ -n "${BASALT_SANITIZED:-}" ]; then export BASALT_FAULT_STRIDE="${BASALT_FAULT_STRIDE:-3}"; fi
run_suite "unit tests" "$BUILD/tests/basalt_unit_tests" --gtest_brief=1
run_suite "sqllogictest (2 threads)" "$BUILD/tests/basalt_sqllogictest" --threads 2 tests/sql
# Under the sanitizers the spilling tests (millions of rows through temporary files) run on 2 threads only:
# the 1-thread pass adds minutes and no code path the 2-thread pass and the release build do not cover.
ONE_THREAD_SQL=(tests/sql)
if [ -n "${BASALT_SANITIZED:-}" ]; then
    ONE_THREAD_SQL=()
    for d in tests/sql/*/; do [ "$d" = "tests/sql/spill/" ] || ONE_THREAD_SQL+=("${d%/}"); done
fi
run_suite "sqllogictest (1 thread)" "$BUILD/tests/basalt_sqllogictest" --threads 1 "${ONE_THREAD_SQL[@]}"

prepare_tpch sf0.01 data/tpch/sf0.01
run_suite "TPC-H SF0.01 answers" "$PY" tests/tpch/check_answers.py "$BUILD/basalt" "$BUILD/tpch/sf0.01" \
    data/tpch/answers/sf0.01 data/tpch/queries data/tpch/schema.sql
SHARED="$ROOT/../shared/data/tpch"
if [ -d "$SHARED/sf0.1" ]; then
    prepare_tpch sf0.1 "$SHARED/sf0.1"
    run_suite "TPC-H SF0.1 answers" "$PY" tests/tpch/check_answers.py "$BUILD/basalt" "$BUILD/tpch/sf0.1" \
        "$SHARED/answers/sf0.1" data/tpch/queries data/tpch/schema.sql
else
    echo "=== TPC-H SF0.1: skipped (no ../shared/data/tpch beside the checkout)"
fi
# Storage: SIGKILL crash trials (CRASH_TRIALS, default 12 here; `make test-long` runs 200).
run_suite "storage: crash test" "$PY" tests/storage/crash_test.py "$BUILD/basalt" --trials "${CRASH_TRIALS:-12}"
# Several sessions committing conflicting transactions, killed at random (CONCURRENT_CRASH_TRIALS, default 10;
# `make test-long` runs 1,000).
run_suite "storage: concurrent crash test" "$PY" tests/storage/concurrent_crash_test.py "$BUILD/basalt" \
    "$BUILD/tests/basalt_crash_writer" --trials "${CONCURRENT_CRASH_TRIALS:-10}"
run_suite "storage: corruption test" "$PY" tests/storage/corruption_test.py "$BUILD/basalt" --trials "${CORRUPTION_TRIALS:-12}"
for t in tests/cli/*.sh; do
    [ -e "$t" ] || continue
    run_suite "cli: $(basename "$t" .sh)" bash "$t" "$BUILD/basalt"
done

echo
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
