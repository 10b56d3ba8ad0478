#!/usr/bin/env bash
# `make demo`: the demo ERP (SQLite, reached over ODBC through sqliteodbc) and the SQLite webstore
# under var/demo/, then syncline's own view of both.
# Usage: scripts/demo.sh BUILD_DIR      (DEMO_ITEMS=N sets the ERP's size; default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?usage: scripts/demo.sh BUILD_DIR}
items=${DEMO_ITEMS:-2000}
out=var/demo
syncline=("$build_dir/syncline" -c config/demo.toml)

mkdir -p "$out"
echo "== 1. demo ERP: $out/erp.db ($items items), ODBC DSN SynclineDemoERP in $out/odbc/"
"$build_dir/syncline-demo-erp" --backend sqlite --sqlite-path "$out/erp.db" --items "$items" --replace \
    --odbc-dir "$out/odbc" --dsn SynclineDemoERP

echo
echo "== 2. configuration: config/demo.toml"
"${syncline[@]}" check-config

echo
echo "== 3. webstore: $out/webstore.db"
"${syncline[@]}" migrate

echo
echo "== 4. the ERP as syncline sees it over ODBC"
"${syncline[@]}" connectors test --tables

echo
echo "Demo ready. The pull jobs (catalog, stock, customers, prices) are the next step of the roadmap;"
echo "until they land, 'syncline runs' lists no runs. Try: ${syncline[*]} --json connectors test --tables"
