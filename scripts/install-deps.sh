#!/usr/bin/env bash
# Installs every Debian package Basalt builds, tests or benchmarks with. Idempotent: packages
# already present are skipped, so `make test` on a prepared machine does not touch the network.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config git
    libpg-query-dev libprotobuf-c-dev   # PostgreSQL 15 grammar (protobuf-c parse tree)
    libfmt-dev libre2-dev libedit-dev libzstd-dev liblz4-dev libxxhash-dev
    libgtest-dev libsqlite3-dev         # unit tests; SQLite is the reference of the differential test
    zstd
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# Node.js with npm runs the DuckDB comparison in bench/; the machine image may ship its own build,
# whose package conflicts with Debian's npm, so install Debian's only when no node is present.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "install-deps: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
