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
echo "== 3. webstore: $out/webstore.db (new for every demo, like the ERP)"
rm -f "$out"/webstore.db "$out"/webstore.db-wal "$out"/webstore.db-shm
"${syncline[@]}" migrate

echo
echo "== 4. the ERP as syncline sees it over ODBC"
"${syncline[@]}" connectors test --tables

# A job that completed with rejected records exits 65: the demo goes on and shows them.
run_job() {
    local rc=0
    "${syncline[@]}" --log-level warn run "$@" || rc=$?
    if [ "$rc" != 0 ] && [ "$rc" != 65 ]; then
        exit "$rc"
    fi
}

echo
echo "== 5. pull everything from the ERP into the webstore"
for job in catalog stock customers prices; do run_job "$job"; done

echo
echo "== 6. the same again: nothing changed in the ERP, so nothing is applied"
for job in catalog stock customers prices; do run_job "$job"; done

echo
echo "== 7. recent runs, and the records the ERP sent that the webstore refused"
"${syncline[@]}" runs --limit 8
"${syncline[@]}" rejects --limit 5

echo
echo "== 8. a storefront places three orders (config/demo-orders.json, see docs/storefront.md)"
"${syncline[@]}" orders import config/demo-orders.json

echo
echo "== 9. push them into the ERP, exactly once, and read back their ERP document numbers"
run_job order_push
"${syncline[@]}" orders

echo
echo "== 10. the audit log's newest entries, and its hash chain checked"
"${syncline[@]}" audit --entity order --limit 3
"${syncline[@]}" audit verify

echo
echo "Demo ready: webstore $out/webstore.db (sqlite3 $out/webstore.db 'SELECT * FROM products LIMIT 5')."
echo "Try: ${syncline[*]} run catalog --full --dry-run"
