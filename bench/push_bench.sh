#!/usr/bin/env bash
# The order push benchmark of issue 5, a ratio to a baseline measured in the same run (docs/performance.md).
#
#   bench/push_bench.sh [--orders N] [--lines L] [--build DIR] [--out DIR]
#       --orders N    orders to push (default 1000)
#       --lines L     lines per order (default 5)
#       --build DIR   the build with syncline, syncline-demo-erp, bench/syncline_push_baseline (build/release)
#       --out DIR     keep the JSON summaries and logs of every run there
#
# Needs: cmake --preset release && cmake --build build/release -j2, and postgresql-15, odbc-postgresql, sqlite3.
# It starts a throwaway PostgreSQL on a free loopback port (tests/support/pg_cluster.sh), generates a small demo ERP
# into it (2000 items, --as-of 2026-11-27, seed 1), writes a syncline config (the [erp.streams.*], [erp.orders] and
# [sync] sections of config/demo.toml, the ERP through psqlODBC, a fresh SQLite webstore), runs `syncline run
# catalog` and `syncline run customers` and imports N orders of L lines (`syncline orders import`: active customers
# that are not blocked, active products, ids PB-000001...), none of it measured. Then it measures, in this order,
# each as the wall time of the process and its peak RSS (VmHWM, polled every 20 ms):
#   a. the baseline: syncline_push_baseline, the same [erp.orders] statements for N orders of L lines over one ODBC
#      connection, one transaction per order (SORH.ExtRef BASE-000001...);
#   b. syncline --json run order_push;
# checks that (b) exported N orders and that the ERP holds exactly N SORH rows (and N x L SORL rows) for each side,
# and prints ratio = (b) / (a) against the target 1.5 and a last line "push_bench: orders=... ratio=... ...".
# Exit 0 when every run worked and every check held (target met or not: the figures say), 1 otherwise, 64 usage.
# Everything it starts or writes is stopped and removed at exit, also on failure; all traffic is to 127.0.0.1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
orders=1000
lines=5
items=2000
build="$repo/build/release"
out_dir=""
as_of=2026-11-27

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 64; }
while [ $# -gt 0 ]; do
    case "$1" in
    --orders) orders=${2:?}; shift 2 ;;
    --lines) lines=${2:?}; shift 2 ;;
    --build) build=$(cd "${2:?}" && pwd); shift 2 ;;
    --out) out_dir=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "push_bench: unknown argument '$1'" >&2; usage ;;
    esac
done
if ! [[ $orders =~ ^[0-9]{1,6}$ && $lines =~ ^[0-9]{1,4}$ ]] || [ "$orders" -lt 1 ] || [ "$lines" -lt 1 ] ||
    [ "$lines" -gt 1000 ]; then
    echo "push_bench: --orders (1..999999) and --lines (1..1000) must be numbers" >&2
    exit 64
fi

syncline="$build/syncline"
demo_erp="$build/syncline-demo-erp"
baseline="$build/bench/syncline_push_baseline"
for b in "$syncline" "$demo_erp" "$baseline"; do
    [ -x "$b" ] || { echo "push_bench: $b missing: cmake --preset release && cmake --build build/release -j2" >&2; exit 64; }
done
command -v sqlite3 >/dev/null || { echo "push_bench: needs the sqlite3 command (apt-get install sqlite3)" >&2; exit 64; }
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}

tmp=$(mktemp -d /tmp/push_bench.XXXXXX)
chmod 711 "$tmp"  # the cluster runs as the unprivileged 'syncline-test' when we are root
running_pid=""
cleanup() {
    local rc=$?
    if [ -n "$running_pid" ]; then kill "$running_pid" 2>/dev/null || true; wait "$running_pid" 2>/dev/null || true; fi
    if [ -n "$out_dir" ] && [ -d "$tmp/runs" ]; then mkdir -p "$out_dir" && cp -r "$tmp/runs/." "$out_dir/"; fi
    "$repo/tests/support/pg_cluster.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/runs"

log() { printf 'push_bench: %s\n' "$*" >&2; }
# shellcheck source=bench/measure.sh
. "$repo/bench/measure.sh"

# --- the ERP ------------------------------------------------------------------------------------------------------
"$repo/tests/support/pg_cluster.sh" start "$tmp/pg" >&2
set -a
# shellcheck disable=SC1091
. "$tmp/pg/env"
set +a
[ "$PGHOST" = 127.0.0.1 ] || { echo "push_bench: the cluster is not on 127.0.0.1" >&2; exit 1; }
PGPASSWORD=$(cat "$PGPASSWORDFILE")
export PGPASSWORD SYNCLINE_BENCH_ERP_PASSWORD="$PGPASSWORD"
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE erp"

log "generating the demo ERP: $items items"
"$demo_erp" --backend postgresql --pg "host=127.0.0.1 port=$PGPORT dbname=erp user=postgres" \
    --items "$items" --as-of "$as_of" --odbc-dir "$tmp/odbc" >"$tmp/runs/demo_erp.log" 2>&1 ||
    { cat "$tmp/runs/demo_erp.log" >&2; exit 1; }

# --- the syncline config ----------------------------------------------------------------------------------------
cat >"$tmp/syncline.toml" <<TOML
[engine]
node_name = "bench"

[log]
level = "info"
format = "text"

[webstore]
backend = "sqlite"
path = "$tmp/webstore.db"

[erp]
connector = "odbc"
dsn = "SynclineDemoERP"
odbc_ini_dir = "$tmp/odbc"
user = "postgres"
password_env = "SYNCLINE_BENCH_ERP_PASSWORD"

TOML
# config/demo.toml's [erp.streams.*], [erp.orders] and [sync] sections (from the first [erp.streams. header to the
# end).
awk '/^\[erp\.streams\./ { on = 1 } on' "$repo/config/demo.toml" >>"$tmp/syncline.toml"
for section in '\[erp\.orders\]' '\[sync\]'; do
    grep -q "^$section" "$tmp/syncline.toml" ||
        { echo "push_bench: config/demo.toml has no $section after its streams" >&2; exit 1; }
done
config="$tmp/syncline.toml"
"$syncline" -c "$config" check-config "$config" >&2
"$syncline" -c "$config" migrate >"$tmp/runs/migrate.log" 2>&1 || { cat "$tmp/runs/migrate.log" >&2; exit 1; }

# --- the webstore: products, customers and the orders (not measured) ----------------------------------------------
for job in catalog customers; do
    rc=0
    "$syncline" -c "$config" --json run "$job" >"$tmp/runs/$job.out" 2>"$tmp/runs/$job.log" || rc=$?
    # 65 = completed with rejects (the demo ERP has a few invalid records on purpose): the others are in.
    [ "$rc" -eq 0 ] || [ "$rc" -eq 65 ] || { cat "$tmp/runs/$job.log" >&2; exit 1; }
done
webstore() { sqlite3 -batch -noheader -separator ' ' "$tmp/webstore.db" "$@"; }
webstore "SELECT code, currency FROM customers WHERE active = 1 AND blocked = 0 ORDER BY code LIMIT 10000" \
    >"$tmp/customers.txt"
webstore "SELECT sku, list_price FROM products WHERE active = 1 ORDER BY sku LIMIT 10000" >"$tmp/products.txt"
if [ ! -s "$tmp/customers.txt" ] || [ ! -s "$tmp/products.txt" ]; then
    echo "push_bench: the webstore has no active customer or no active product" >&2
    exit 1
fi
# Codes and prices go into the JSON file as they are: make sure they need no escaping.
grep -qv '^[A-Za-z0-9._-]* [A-Z0-9.]*$' "$tmp/customers.txt" "$tmp/products.txt" &&
    { echo "push_bench: a customer code or sku needs JSON escaping" >&2; exit 1; }
log "$(wc -l <"$tmp/customers.txt") customers, $(wc -l <"$tmp/products.txt") products in the webstore"

# Order k (0-based) is PB-<k+1>, for customer k mod C in its currency; its line j (0-based) is product (k*L + j) mod P,
# quantity j mod 3 + 1, unit price the list price: the same scheme as the baseline's.
awk -v orders="$orders" -v lines="$lines" '
    BEGIN { nc = 0; np = 0 }
    FNR == NR { code[nc] = $1; currency[nc++] = $2; next }
    { sku[np] = $1; price[np++] = $2 }
    END {
        printf "["
        for (k = 0; k < orders; k++) {
            c = k % nc
            printf "%s\n{\"order_id\":\"PB-%06d\",\"customer_code\":\"%s\",\"currency\":\"%s\",", (k ? "," : ""), k + 1,
                code[c], currency[c]
            printf "\"placed_at\":\"2026-11-27T10:00:00Z\",\"lines\":["
            for (j = 0; j < lines; j++) {
                p = (k * lines + j) % np
                printf "%s{\"sku\":\"%s\",\"quantity\":\"%d\",\"unit_price\":\"%s\"}", (j ? "," : ""), sku[p], j % 3 + 1,
                    price[p]
            }
            printf "]}"
        }
        print "\n]"
    }' "$tmp/customers.txt" "$tmp/products.txt" >"$tmp/orders.json"
"$syncline" -c "$config" --json orders import "$tmp/orders.json" >"$tmp/runs/import.out" 2>"$tmp/runs/import.log" ||
    { tail -n 20 "$tmp/runs/import.log" >&2; exit 1; }
imported=$(json_field import imported)
[ "$imported" = "$orders" ] || { echo "push_bench: imported $imported orders, not $orders" >&2; exit 1; }
log "imported $imported orders of $lines lines"

# --- measuring --------------------------------------------------------------------------------------------------

failures=0
fail() { log "FAILED: $*"; failures=$((failures + 1)); }

# The ERP's SORH rows and their SORL rows whose ExtRef starts with $1.
erp_count() { psql -d erp -At -c "SELECT count(*) FROM SORH WHERE ExtRef LIKE '$1%'"; }
erp_lines() {
    psql -d erp -At -c "SELECT count(*) FROM SORL l JOIN SORH h ON h.DocEntry = l.DocEntry WHERE h.ExtRef LIKE '$1%'"
}
if [ "$(erp_count BASE-)" != 0 ] || [ "$(erp_count PB-)" != 0 ]; then
    echo "push_bench: the demo ERP already has orders with ExtRef BASE-... or PB-..." >&2
    exit 1
fi

# a. the baseline
measure baseline "$baseline" -c "$config" --orders "$orders" --lines "$lines" --prefix BASE-
[ "$last_rc" -eq 0 ] || { cat "$tmp/runs/baseline.log" >&2; exit 1; }
[ "$(erp_count BASE-)" = "$orders" ] || fail "the baseline left $(erp_count BASE-) SORH rows, not $orders"
[ "$(erp_lines BASE-)" = "$((orders * lines))" ] ||
    fail "the baseline left $(erp_lines BASE-) SORL rows, not $((orders * lines))"

# b. syncline run order_push
measure order_push "$syncline" -c "$config" --json run order_push
[ "$last_rc" -eq 0 ] || fail "order_push exited $last_rc: $(tail -n 3 "$tmp/runs/order_push.log")"
exported=$(json_field order_push exported)
[ "$exported" = "$orders" ] || fail "order_push exported '${exported}' orders, not $orders"
# Exactly the imported ids, each once (ExtRef is UNIQUE in the demo ERP).
erp_pushed=$(psql -d erp -At -c "SELECT count(*) FROM SORH WHERE ExtRef IN
                                 (SELECT 'PB-' || lpad(g::text, 6, '0') FROM generate_series(1, $orders) g)")
if [ "$erp_pushed" != "$orders" ] || [ "$(erp_count PB-)" != "$orders" ]; then
    fail "the ERP has $(erp_count PB-) SORH rows with ExtRef PB-... ($erp_pushed of the imported ids), not $orders"
fi
[ "$(erp_lines PB-)" = "$((orders * lines))" ] ||
    fail "the ERP has $(erp_lines PB-) SORL rows of PB-... orders, not $((orders * lines))"
exported_in_webstore=$(webstore "SELECT count(*) FROM orders WHERE status = 'exported' AND erp_doc_number IS NOT NULL")
[ "$exported_in_webstore" = "$orders" ] || fail "the webstore has $exported_in_webstore exported orders, not $orders"

# --- report -----------------------------------------------------------------------------------------------------
ratio=$(awk -v a="${seconds[order_push]}" -v b="${seconds[baseline]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
verdict=$(awk -v x="$ratio" 'BEGIN { print (x <= 1.5 ? "met" : "MISSED") }')
per_order() { awk -v s="$1" -v n="$orders" 'BEGIN { printf "%.2f", 1000 * s / n }'; }
{
    printf '\npush benchmark: %s orders of %s lines, %s\n' "$orders" "$lines" "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf '%-12s %10s %12s %12s\n' run seconds ms_per_order peak_RSS_MB
    for name in baseline order_push; do
        printf '%-12s %10s %12s %12s\n' "$name" "${seconds[$name]}" "$(per_order "${seconds[$name]}")" "${rss_mb[$name]}"
    done
    printf '\norder_push / baseline   %s s / %s s = %s   (target <= 1.5: %s)\n' "${seconds[order_push]}" \
        "${seconds[baseline]}" "$ratio" "$verdict"
    printf 'push_bench: orders=%s lines=%s ratio=%s baseline_seconds=%s push_seconds=%s peak_rss_mb=%s failures=%s\n' \
        "$orders" "$lines" "$ratio" "${seconds[baseline]}" "${seconds[order_push]}" "${rss_mb[order_push]}" "$failures"
}
[ "$failures" -eq 0 ]
