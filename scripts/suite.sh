# Sourced by the test scripts: run_suite NAME COMMAND... runs one suite, prints its time and counts it in
# $passed or $failed. SUITE_PREFIX (optional) goes before every name.
passed=0
failed=0
run_suite() {
    local name="${SUITE_PREFIX:-}$1"
    shift
    echo "=== $name"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        echo "=== $name: ok ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        echo "=== $name: FAILED ($((SECONDS - start)) s)"
    fi
}
