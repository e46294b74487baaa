#!/usr/bin/env bash
# Commit throughput with 1 and 8 writer sessions (synchronous = full): RUNS runs of SECONDS each, medians.
# Usage: bench/storage/commits.sh [BUILD] (RUNS=5 SECONDS=3 by default)
set -euo pipefail
BUILD="${1:-build}"
RUNS="${RUNS:-5}"
SECONDS_EACH="${SECONDS:-3}"
DIR="$(mktemp -d)/commits"
for writers in 1 8; do
    rates=()
    for _ in $(seq "$RUNS"); do
        line="$("$BUILD/bench/basalt_commit_bench" "$DIR" "$writers" "$SECONDS_EACH")"
        rates+=("$(sed -n 's/.*commits_per_second=\([0-9]*\).*/\1/p' <<< "$line")")
    done
    median="$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
    echo "writers=$writers runs: ${rates[*]} median commits/s: $median"
done
rm -rf "$(dirname "$DIR")"
