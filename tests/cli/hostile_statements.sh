#!/usr/bin/env bash
# Runs malformed / hostile statements through the basalt command and checks that each one
# fails cleanly: exit code exactly 1 (never 0, never a crash or timeout) and, on the last JSON
# line of stdout, the SQLSTATE PostgreSQL 15 gives for the same statement.
#
# usage: tests/cli/hostile_statements.sh BASALT [CASES.tsv]
#
# CASES.tsv (default: hostile_statements.tsv next to this script) has one case per line:
#   SQLSTATE<TAB>setup-sql<TAB>statement
# The setup may be empty; it runs as its own -c before the statement. Lines starting with #
# and empty lines are ignored. Markers in the setup and the statement are expanded first:
#   {{REPEAT:text:N}}  text repeated N times (text may contain ':', not '}}')
#   {{BYTE:hh}}        the single byte with hex value hh (not 00)
#
# Prints one line per failing case and ends with exactly one line "N passed, N failed".
# Exit status 0 only when every case passes.

set -u
export LC_ALL=C  # byte-wise string handling (cases contain invalid UTF-8 on purpose)

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 BASALT [CASES.tsv]" >&2
    exit 2
fi
basalt=$1
cases=${2:-"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/hostile_statements.tsv"}
timeout_s=${HOSTILE_TIMEOUT:-20}

if [[ ! -x $basalt ]]; then
    echo "not an executable: $basalt" >&2
    exit 2
fi
if [[ ! -r $cases ]]; then
    echo "cannot read $cases" >&2
    exit 2
fi

have_jq=0
command -v jq >/dev/null 2>&1 && have_jq=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostile_statements.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# repeat_str TEXT N -> REPLY (TEXT repeated N times, by doubling)
repeat_str() {
    local t=$1 n=$2 r=""
    while ((n > 0)); do
        ((n & 1)) && r+=$t
        n=$((n >> 1))
        ((n > 0)) && t+=$t
    done
    REPLY=$r
}

# expand_markers STRING -> REPLY
expand_markers() {
    local s=$1 out="" inner text n hex byte
    while [[ $s == *'{{REPEAT:'*'}}'* ]]; do
        out+=${s%%'{{REPEAT:'*}
        s=${s#*'{{REPEAT:'}
        inner=${s%%'}}'*}
        s=${s#*'}}'}
        text=${inner%:*}
        n=${inner##*:}
        if [[ ! $n =~ ^[0-9]+$ ]]; then
            REPLY=""
            return 1
        fi
        repeat_str "$text" "$n"
        out+=$REPLY
    done
    s=$out$s
    out=""
    while [[ $s == *'{{BYTE:'*'}}'* ]]; do
        out+=${s%%'{{BYTE:'*}
        s=${s#*'{{BYTE:'}
        hex=${s%%'}}'*}
        s=${s#*'}}'}
        if [[ ! $hex =~ ^[0-9a-fA-F]{2}$ || $hex == 00 ]]; then
            REPLY=""
            return 1
        fi
        printf -v byte "\\x$hex"
        out+=$byte
    done
    REPLY=$out$s
}

# sqlstate_of LINE -> prints the "sqlstate" field of a JSON error line (empty if none)
sqlstate_of() {
    local line=$1 st=""
    if ((have_jq)); then
        st=$(printf '%s\n' "$line" | jq -r 'if type == "object" then (.sqlstate // "") else "" end' 2>/dev/null)
    fi
    if [[ -z $st ]]; then
        st=$(printf '%s\n' "$line" | sed -n 's/.*"sqlstate":[[:space:]]*"\([0-9A-Z]\{5\}\)".*/\1/p')
    fi
    printf '%s' "$st"
}

# printable STRING [MAX] -> STRING with non-printable bytes as '?', cut to MAX bytes
printable() {
    local s=${1//[^[:print:]]/?} max=${2:-160}
    if ((${#s} > max)); then
        printf '%s...' "${s:0:max}"
    else
        printf '%s' "$s"
    fi
}

# error_of LINE -> a short form of the "error" field (for failure messages)
error_of() {
    local e
    e=$(printf '%s\n' "$1" | sed -n 's/^{"error":"\(.*\)","sqlstate".*/\1/p')
    printable "${e//\\\"/\"}" 100
}

short() {  # a statement as written in the file, shortened for messages
    printable "$1" 160
}

passed=0
failed=0
known=0
lineno=0
known_file="${cases%.tsv}.known"
declare -A known_statements=()
if [[ -f $known_file ]]; then
    while IFS= read -r k || [[ -n $k ]]; do
        [[ -z $k || $k == '#'* ]] && continue
        known_statements["$k"]=1
    done <"$known_file"
fi
tab=$'\t'
while IFS= read -r line || [[ -n $line ]]; do
    lineno=$((lineno + 1))
    line=${line%$'\r'}
    [[ -z $line || $line == '#'* ]] && continue
    if [[ $line != *"$tab"*"$tab"* ]]; then
        echo "FAIL line $lineno: malformed case line (need SQLSTATE<TAB>setup<TAB>statement)"
        failed=$((failed + 1))
        continue
    fi
    expected=${line%%"$tab"*}
    rest=${line#*"$tab"}
    setup=${rest%%"$tab"*}
    stmt=${rest#*"$tab"}
    if [[ ! $expected =~ ^[0-9A-Z]{5}$ || $stmt == *"$tab"* || -z $stmt ]]; then
        echo "FAIL line $lineno: malformed case line (need SQLSTATE<TAB>setup<TAB>statement)"
        failed=$((failed + 1))
        continue
    fi

    args=(--format json)
    if [[ -n $setup ]]; then
        if ! expand_markers "$setup"; then
            echo "FAIL line $lineno: bad marker in setup: $(short "$setup")"
            failed=$((failed + 1))
            continue
        fi
        args+=(-c "$REPLY")
        # The setup must succeed on its own, otherwise the case tests nothing.
        { timeout -k 5 "$timeout_s" "$basalt" "${args[@]}" >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
        rc=$?
        if ((rc != 0)); then
            last=$(grep -v '^[[:space:]]*$' "$tmp/out" | tail -n 1)
            echo "FAIL line $lineno: $(short "$stmt"): setup failed with exit code $rc: $(printable "$last" 120)"
            failed=$((failed + 1))
            continue
        fi
    fi
    if ! expand_markers "$stmt"; then
        echo "FAIL line $lineno: bad marker in statement: $(short "$stmt")"
        failed=$((failed + 1))
        continue
    fi
    args+=(-c "$REPLY")

    # The brace group's 2>/dev/null swallows bash's own "Segmentation fault" job report.
    { timeout -k 5 "$timeout_s" "$basalt" "${args[@]}" >"$tmp/out" 2>"$tmp/err"; } 2>/dev/null
    rc=$?

    problem=""
    last=$(grep -v '^[[:space:]]*$' "$tmp/out" | tail -n 1)
    if ((rc == 124)); then
        problem="timed out after ${timeout_s}s"
    elif ((rc >= 128)); then
        sig=$((rc - 128))
        name=$(kill -l "$sig" 2>/dev/null || echo "?")
        problem="CRASHED: exit code $rc (signal $sig, SIG$name)"
    elif ((rc == 0)); then
        problem="succeeded (exit code 0), expected error $expected"
    elif ((rc != 1)); then
        problem="exit code $rc (expected 1); stderr: $(printable "$(head -c 200 "$tmp/err")" 200)"
    else
        got=$(sqlstate_of "$last")
        if [[ -z $got ]]; then
            problem="exit code 1 but no sqlstate on the last output line: $(printable "$last" 120)"
        elif [[ $got != "$expected" ]]; then
            problem="expected $expected, got $got ($(error_of "$last"))"
        fi
    fi

    if [[ -z $problem ]]; then
        passed=$((passed + 1))
    elif [[ -n ${known_statements["$stmt"]:-} && $problem != CRASHED* && $problem != timed* && $problem != "exit code"* ]]; then
        known=$((known + 1))
        echo "KNOWN line $lineno: $(short "$stmt"): $problem"
    else
        failed=$((failed + 1))
        echo "FAIL line $lineno: $(short "$stmt"): $problem"
    fi
done <"$cases"

echo "$known known differences from PostgreSQL (listed in $(basename "$known_file"))"
echo "$passed passed, $failed failed"
((failed == 0))
