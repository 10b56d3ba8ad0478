#!/usr/bin/env bash
# The pull benchmarks of issue 3, each figure a ratio to a baseline measured in the same run (docs/performance.md).
#
#   bench/pull_bench.sh [--items N] [--price-rules M] [--build DIR] [--out DIR]
#       --items N          demo ERP items (default 100000)
#       --price-rules M    PRLP + SPPH + SPPB rows (default 500000)
#       --build DIR        the build with syncline, syncline-demo-erp, bench/syncline_pull_baseline (build/release)
#       --out DIR          keep the JSON summaries and logs of every measured run there
#
# Needs: cmake --preset release && cmake --build build/release -j2, and postgresql-15, odbc-postgresql.
# It starts a throwaway PostgreSQL on a free loopback port (tests/support/pg_cluster.sh), generates the demo ERP into
# it (--as-of 2026-11-27, seed 1), writes a syncline config (the [erp.streams.*] and [sync] sections of
# config/demo.toml, the ERP through psqlODBC, a fresh SQLite webstore) and measures, in this order, each as the wall
# time of the process and its peak RSS (VmHWM, polled every 20 ms):
#   a. the baseline: syncline_pull_baseline, the products and the price_rules query into a fresh SQLite file;
#   b. syncline run catalog --full, syncline run prices --full into an empty webstore;
#   c. ratio_full = (b) / (a), both streams summed (target <= 1.5);
#   d. 0.1% of ITMS and of PRLP rows changed, then syncline run catalog, syncline run prices (incremental):
#      ratio_incremental = their time / the full pulls' time (target <= 0.05), and applied == rows changed;
#   e. nothing changed, the same two incremental runs: ratio_nochange (target: well under a second at 1M items).
# Prints a table and a last line "pull_bench: ratio_full=... ratio_incremental=... ...". Exit 0 when every run
# worked (targets met or not: the figures say), 1 when a run failed or a check did not hold, 64 usage.
# Everything it starts or writes is stopped and removed at exit, also on failure; all traffic is to 127.0.0.1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
items=100000
price_rules=500000
build="$repo/build/release"
out_dir=""
as_of=2026-11-27

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 64; }
while [ $# -gt 0 ]; do
    case "$1" in
    --items) items=${2:?}; shift 2 ;;
    --price-rules) price_rules=${2:?}; shift 2 ;;
    --build) build=$(cd "${2:?}" && pwd); shift 2 ;;
    --out) out_dir=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "pull_bench: unknown argument '$1'" >&2; usage ;;
    esac
done
[[ $items =~ ^[0-9]+$ && $price_rules =~ ^[0-9]+$ && $items -ge 1000 ]] ||
    { echo "pull_bench: --items (>= 1000) and --price-rules must be numbers" >&2; exit 64; }

syncline="$build/syncline"
demo_erp="$build/syncline-demo-erp"
baseline="$build/bench/syncline_pull_baseline"
for b in "$syncline" "$demo_erp" "$baseline"; do
    [ -x "$b" ] || { echo "pull_bench: $b missing: cmake --preset release && cmake --build build/release -j2" >&2; exit 64; }
done
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}

tmp=$(mktemp -d /tmp/pull_bench.XXXXXX)
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

log() { printf 'pull_bench: %s\n' "$*" >&2; }

# --- the ERP ------------------------------------------------------------------------------------------------------
"$repo/tests/support/pg_cluster.sh" start "$tmp/pg" >&2
set -a
# shellcheck disable=SC1091
. "$tmp/pg/env"
set +a
[ "$PGHOST" = 127.0.0.1 ] || { echo "pull_bench: the cluster is not on 127.0.0.1" >&2; exit 1; }
PGPASSWORD=$(cat "$PGPASSWORDFILE")
export PGPASSWORD SYNCLINE_BENCH_ERP_PASSWORD="$PGPASSWORD"
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
psql -d postgres -c "CREATE DATABASE erp"

log "generating the demo ERP: $items items, $price_rules price rows"
gen_start=$EPOCHREALTIME
"$demo_erp" --backend postgresql --pg "host=127.0.0.1 port=$PGPORT dbname=erp user=postgres" \
    --items "$items" --price-rules "$price_rules" --as-of "$as_of" --odbc-dir "$tmp/odbc" >"$tmp/runs/demo_erp.log" 2>&1 ||
    { cat "$tmp/runs/demo_erp.log" >&2; exit 1; }
log "generated in $(awk -v a="$gen_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"

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
# config/demo.toml's [erp.streams.*] and [sync] sections (they run from the first [erp.streams. header to the end).
awk '/^\[erp\.streams\./ { on = 1 } on' "$repo/config/demo.toml" >>"$tmp/syncline.toml"
grep -q '^\[sync\]' "$tmp/syncline.toml" || { echo "pull_bench: config/demo.toml has no [sync] after its streams" >&2; exit 1; }
config="$tmp/syncline.toml"
"$syncline" -c "$config" check-config "$config" >&2
"$syncline" -c "$config" migrate >"$tmp/runs/migrate.log" 2>&1 || { cat "$tmp/runs/migrate.log" >&2; exit 1; }

# --- measuring --------------------------------------------------------------------------------------------------
# shellcheck source=bench/measure.sh
. "$repo/bench/measure.sh"

failures=0
fail() { log "FAILED: $*"; failures=$((failures + 1)); }


run_syncline() {  # NAME JOB [--full]
    local name=$1
    shift
    measure "$name" "$syncline" -c "$config" --json run "$@"
    # 65 = completed with rejects: the run worked, its rejects are reported.
    if [ "$last_rc" -ne 0 ] && [ "$last_rc" -ne 65 ]; then
        fail "$name exited $last_rc: $(tail -n 3 "$tmp/runs/$name.log")"
    fi
}

# a. the baseline
measure baseline_products "$baseline" -c "$config" --sqlite "$tmp/baseline_products.db" --stream products
[ "$last_rc" -eq 0 ] || { cat "$tmp/runs/baseline_products.log" >&2; exit 1; }
measure baseline_prices "$baseline" -c "$config" --sqlite "$tmp/baseline_prices.db" --stream price_rules
[ "$last_rc" -eq 0 ] || { cat "$tmp/runs/baseline_prices.log" >&2; exit 1; }
base_rows_products=$(sed -n 's/.*"rows":\([0-9]*\).*/\1/p' "$tmp/runs/baseline_products.out")
base_rows_prices=$(sed -n 's/.*"rows":\([0-9]*\).*/\1/p' "$tmp/runs/baseline_prices.out")

# b. full pulls into the empty webstore
run_syncline catalog_full catalog --full
run_syncline prices_full prices --full
for pair in "catalog_full:$base_rows_products" "prices_full:$base_rows_prices"; do
    name=${pair%%:*} want=${pair#*:}
    read_rows=$(json_field "$name" read)
    [ "$read_rows" = "$want" ] || fail "$name read $read_rows rows, the baseline $want"
done

# d. 0.1% of the item master and of the price-list prices changed, one hour after the stream's newest row
changed_items=$((items / 1000))
prlp_rows=$(psql -d erp -At -c "SELECT count(*) FROM PRLP")
changed_prices=$((prlp_rows / 1000))
psql -d erp <<'SQL'
BEGIN;
WITH pick AS (SELECT ItemCode FROM (SELECT ItemCode, row_number() OVER (ORDER BY ItemCode) AS n FROM ITMS) t
              WHERE n % 1000 = 0),
     newest AS (SELECT max(ModifiedDate) + interval '1 hour' AS at FROM ITMS)
UPDATE ITMS SET ListPrice = ListPrice + 1, ModifiedDate = newest.at FROM pick, newest WHERE ITMS.ItemCode = pick.ItemCode;
-- The prices stream's watermark is the newest ModifiedDate of PRLP and SPPH (SPPB rows carry their header's).
WITH pick AS (SELECT PriceListNo, ItemCode
              FROM (SELECT PriceListNo, ItemCode, row_number() OVER (ORDER BY PriceListNo, ItemCode) AS n FROM PRLP) t
              WHERE n % 1000 = 0),
     newest AS (SELECT greatest((SELECT max(ModifiedDate) FROM PRLP), (SELECT max(ModifiedDate) FROM SPPH))
                       + interval '1 hour' AS at)
UPDATE PRLP SET Price = Price + 1, ModifiedDate = newest.at FROM pick, newest
 WHERE PRLP.PriceListNo = pick.PriceListNo AND PRLP.ItemCode = pick.ItemCode;
COMMIT;
SQL
run_syncline catalog_changed catalog
run_syncline prices_changed prices
[ "$(json_field catalog_changed applied)" = "$changed_items" ] ||
    fail "catalog_changed applied $(json_field catalog_changed applied), $changed_items rows changed"
[ "$(json_field prices_changed applied)" = "$changed_prices" ] ||
    fail "prices_changed applied $(json_field prices_changed applied), $changed_prices rows changed"

# e. nothing changed
run_syncline catalog_nochange catalog
run_syncline prices_nochange prices
for name in catalog_nochange prices_nochange; do
    [ "$(json_field "$name" applied)" = 0 ] || fail "$name applied $(json_field "$name" applied) rows, nothing changed"
done

# --- report -----------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
sum() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
base_total=$(sum "${seconds[baseline_products]}" "${seconds[baseline_prices]}")
full_total=$(sum "${seconds[catalog_full]}" "${seconds[prices_full]}")
changed_total=$(sum "${seconds[catalog_changed]}" "${seconds[prices_changed]}")
nochange_total=$(sum "${seconds[catalog_nochange]}" "${seconds[prices_nochange]}")
ratio_full=$(ratio "$full_total" "$base_total")
ratio_incremental=$(ratio "$changed_total" "$full_total")
ratio_nochange=$(ratio "$nochange_total" "$full_total")
peak_rss=$(printf '%s\n' "${rss_mb[catalog_full]}" "${rss_mb[prices_full]}" "${rss_mb[catalog_changed]}" \
    "${rss_mb[prices_changed]}" "${rss_mb[catalog_nochange]}" "${rss_mb[prices_nochange]}" | sort -g | tail -n 1)
verdict() { awk -v x="$1" -v t="$2" 'BEGIN { print (x <= t ? "met" : "MISSED") }'; }

{
    printf '\npull benchmark: %s items, %s price rows (ITMS %s rows, price_rules %s rows), %s\n' "$items" \
        "$price_rules" "$base_rows_products" "$base_rows_prices" "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf '%-18s %10s %12s %10s %10s %10s\n' run seconds peak_RSS_MB read applied unchanged
    for name in baseline_products baseline_prices catalog_full prices_full catalog_changed prices_changed \
        catalog_nochange prices_nochange; do
        if [[ $name == baseline_* ]]; then
            r=$(sed -n 's/.*"rows":\([0-9]*\).*/\1/p' "$tmp/runs/$name.out") a=- u=-
        else
            r=$(json_field "$name" read) a=$(json_field "$name" applied) u=$(json_field "$name" unchanged)
        fi
        printf '%-18s %10s %12s %10s %10s %10s\n' "$name" "${seconds[$name]}" "${rss_mb[$name]}" "$r" "$a" "$u"
    done
    printf '\nfull pull / baseline       %s s / %s s = %s   (target <= 1.5: %s)\n' "$full_total" "$base_total" \
        "$ratio_full" "$(verdict "$ratio_full" 1.5)"
    printf 'incremental 0.1%% / full    %s s / %s s = %s   (target <= 0.05: %s; %s items + %s prices changed)\n' \
        "$changed_total" "$full_total" "$ratio_incremental" "$(verdict "$ratio_incremental" 0.05)" \
        "$changed_items" "$changed_prices"
    printf 'incremental none / full    %s s / %s s = %s   (target: well under 1 s at 1M items)\n' \
        "$nochange_total" "$full_total" "$ratio_nochange"
    printf 'peak RSS of syncline       %s MB   (target <= 300 MB at 1M items + 5M price rows: %s)\n' "$peak_rss" \
        "$(verdict "$peak_rss" 300)"
    printf 'pull_bench: items=%s price_rules=%s ratio_full=%s ratio_incremental=%s ratio_nochange=%s nochange_seconds=%s peak_rss_mb=%s baseline_seconds=%s full_seconds=%s incremental_seconds=%s failures=%s\n' \
        "$items" "$price_rules" "$ratio_full" "$ratio_incremental" "$ratio_nochange" "$nochange_total" "$peak_rss" \
        "$base_total" "$full_total" "$changed_total" "$failures"
}
[ "$failures" -eq 0 ]
