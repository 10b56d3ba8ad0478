#!/usr/bin/env bash
# Installs every Debian package that building, testing and the demo need. Idempotent: when all are
# installed it only checks, quietly, and returns at once. Needs root (or sudo) only to install.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config clang-format git
    # libraries
    libpoco-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
    libhowardhinnant-date-dev libsodium-dev prometheus-cpp-dev libthrift-dev thrift-compiler libboost-dev
    libjemalloc-dev libssl-dev
    libsqlite3-dev libpq-dev unixodbc-dev
    # tests and benchmarks (openssl: the TLS tests make their certificates with it)
    libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev openssl
    # the Python connector template and its tests (connectors/examples/python): Debian's Thrift for Python
    python3 python3-thrift
    # ODBC drivers, databases and their tools (the demo ERP and the integration tests)
    unixodbc odbc-postgresql libsqliteodbc sqlite3 postgresql-15 postgresql-client-15
    # the package: the man page (help2man), dpkg-shlibdeps (dpkg-dev), and systemd-analyze, systemd-sysusers and
    # systemd-tmpfiles for the tests of the unit (systemd is not started by installing it; systemd-analyze verify asks
    # man-db for the man page the unit names)
    help2man dpkg-dev systemd man-db
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "bootstrap: installing ${#missing[@]} Debian packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "bootstrap: run as root (or install sudo) to install packages" >&2; exit 77; }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/syncline-bootstrap.log 2>&1 || {
    tail -n 30 /tmp/syncline-bootstrap.log >&2
    exit 1
}
echo "bootstrap: done"
