#!/usr/bin/env bash
# Out-of-process connectors against in-process ones (issue 14, "Speed"), each figure a ratio within one run
# (docs/performance.md, "Out-of-process connectors").
#
#   bench/thrift_bench.sh [--items N] [--price-rules M] [--build DIR] [--out DIR]
#       --items N          demo ERP items (default 100000)
#       --price-rules M    PRLP + SPPH + SPPB rows (default 500000)
#       --build DIR        the build with syncline, syncline-connector-host, syncline-demo-erp,
#                          bench/syncline_connector_read_bench and the generated Python code (build/release)
#       --out DIR          keep every run's output and log there
#
# Needs: cmake --preset release && cmake --build build/release -j2 --target syncline syncline-connector-host
# syncline_demo_erp syncline_connector_read_bench syncline_connector_py; postgresql-15, odbc-postgresql, python3-thrift.
# Starts a throwaway PostgreSQL (tests/support/pg_cluster.sh), generates the demo ERP into it (as bench/pull_bench.sh),
# and writes three configs: odbc (the ODBC connector in syncline), hosted (the same ODBC connector and settings in
# syncline-connector-host, through the thrift kind) and python (the Python template connector on CSV files with as
# many products and price rules). Then, each run measured as wall time and CPU seconds (user + system of the process
# and every child it waited for: the host or the Python process included):
#   1. read only (bench/syncline_connector_read_bench: open + next until the end, no webstore), products and
#      price_rules, per connector: rows/s;
#   2. full pulls into an empty webstore, `run catalog --full` + `run prices --full`, odbc and hosted twice in the
#      order odbc, hosted, hosted, odbc (drift on a shared machine cancels out), python once:
#      ratio_hosted = hosted / odbc (target <= 1.3), and rows/s of each.
# Prints a table and a last line "thrift_bench: ratio_hosted=... ...". Exit 0 when every run worked, 1 otherwise,
# 64 usage. Everything it starts or writes is removed at exit.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
items=100000
price_rules=500000
build="$repo/build/release"
out_dir=""
as_of=2026-11-27

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 64; }
while [ $# -gt 0 ]; do
    case "$1" in
    --items) items=${2:?}; shift 2 ;;
    --price-rules) price_rules=${2:?}; shift 2 ;;
    --build) build=$(cd "${2:?}" && pwd); shift 2 ;;
    --out) out_dir=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    *) echo "thrift_bench: unknown argument '$1'" >&2; usage ;;
    esac
done
[[ $items =~ ^[0-9]+$ && $price_rules =~ ^[0-9]+$ && $items -ge 1000 ]] ||
    { echo "thrift_bench: --items (>= 1000) and --price-rules must be numbers" >&2; exit 64; }

syncline="$build/syncline"
host="$build/syncline-connector-host"
demo_erp="$build/syncline-demo-erp"
reader="$build/bench/syncline_connector_read_bench"
gen_py="$build/schemas/thrift/gen-py"
for b in "$syncline" "$host" "$demo_erp" "$reader" "$gen_py/syncline_connector_api/ttypes.py"; do
    [ -e "$b" ] || { echo "thrift_bench: $b missing (see the build line in bench/thrift_bench.sh)" >&2; exit 64; }
done
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}

tmp=$(mktemp -d /tmp/thrift_bench.XXXXXX)
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
log() { printf 'thrift_bench: %s\n' "$*" >&2; }

# --- the ERP, and a CSV catalog of the same size ----------------------------------------------------------------
"$repo/tests/support/pg_cluster.sh" start "$tmp/pg" >&2
set -a
# shellcheck disable=SC1091
. "$tmp/pg/env"
set +a
PGPASSWORD=$(cat "$PGPASSWORDFILE")
export PGPASSWORD SYNCLINE_BENCH_ERP_PASSWORD="$PGPASSWORD"
"$pgbin/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c "CREATE DATABASE erp"
log "generating the demo ERP: $items items, $price_rules price rows"
"$demo_erp" --backend postgresql --pg "host=127.0.0.1 port=$PGPORT dbname=erp user=postgres" \
    --items "$items" --price-rules "$price_rules" --as-of "$as_of" --odbc-dir "$tmp/odbc" >"$tmp/runs/demo_erp.log" 2>&1 ||
    { cat "$tmp/runs/demo_erp.log" >&2; exit 1; }
mkdir -p "$tmp/csv"
/usr/bin/python3 - "$tmp/csv" "$items" "$price_rules" <<'PY'
import csv, sys
folder, items, rules = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(folder + "/products.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["sku", "name", "unit", "list_price", "currency", "active", "erp_modified"])
    for i in range(items):
        w.writerow(["A%07d" % i, "Item %d, steel" % i, "PCE", "%d.%02d" % (i % 1000, i % 100), "EUR", "1",
                    "2026-11-%02d %02d:%02d:00" % (1 + i % 27, i % 24, i % 60)])
with open(folder + "/price_rules.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["rule_id", "sku", "scope", "scope_key", "min_quantity", "max_quantity", "unit_price", "currency",
                "valid_from", "valid_to", "erp_modified"])
    for i in range(rules):
        w.writerow(["PL-%d" % i, "A%07d" % (i % items), "price_list", "PL%d" % (i // items), "0", "",
                    "%d.%04d" % (i % 500, i % 10000), "EUR", "2026-01-01", "", "2026-11-%02d 10:00:00" % (1 + i % 27)])
PY

# --- the configs ----------------------------------------------------------------------------------------------------
head_of() {  # NAME: [engine], [log] and a fresh SQLite webstore
    printf '[engine]\nnode_name = "bench"\n\n[log]\nlevel = "info"\nformat = "text"\n\n'
    printf '[webstore]\nbackend = "sqlite"\npath = "%s/%s.db"\n\n' "$tmp" "$1"
}
streams=$(awk '/^\[erp\.streams\./ { on = 1 } /^\[sync\]/ { on = 0 } on' "$repo/config/demo.toml")
{
    head_of odbc
    printf '[erp]\nconnector = "odbc"\ndsn = "SynclineDemoERP"\nodbc_ini_dir = "%s/odbc"\nuser = "postgres"\n' "$tmp"
    printf 'password_env = "SYNCLINE_BENCH_ERP_PASSWORD"\n\n%s\n' "$streams"
} >"$tmp/odbc.toml"
{
    head_of hosted
    printf '[erp]\nconnector = "thrift"\ncommand = ["%s"]\nremote_kind = "odbc"\n' "$host"
    printf 'password_env = "SYNCLINE_BENCH_ERP_PASSWORD"\n\n'
    printf '[erp.settings]\ndsn = "SynclineDemoERP"\nodbc_ini_dir = "%s/odbc"\nuser = "postgres"\n\n' "$tmp"
    printf '%s\n' "$streams" | sed 's/^\[erp\./[erp.settings./'
} >"$tmp/hosted.toml"
{
    head_of python
    printf '[erp]\nconnector = "thrift"\ncommand = ["/usr/bin/python3", "%s", "--gen-py", "%s"]\n\n' \
        "$repo/connectors/examples/python/catalog_connector.py" "$gen_py"
    printf '[erp.settings]\nfolder = "%s/csv"\nbatch_size = 5000\n' "$tmp"
} >"$tmp/python.toml"
for c in odbc hosted python; do
    "$syncline" -c "$tmp/$c.toml" check-config >"$tmp/runs/check_$c.log" 2>&1 ||
        { cat "$tmp/runs/check_$c.log" >&2; exit 1; }
done

# --- measuring ------------------------------------------------------------------------------------------------------
# shellcheck source=bench/measure.sh
. "$repo/bench/measure.sh"
declare -A cpu rows
# CPU seconds of every child this shell has waited for, from bash's `times` (forks nothing), into children_cpu.
# Called in this shell, never in $(...): a subshell's `times` would not count this shell's children.
children_cpu=0
count_children_cpu() {
    local line
    times >"$tmp/times"
    { read -r _; read -r line; } <"$tmp/times"
    children_cpu=$(awk -v l="$line" 'BEGIN { n = split(l, t, " "); s = 0
        for (i = 1; i <= n; i++) { split(t[i], p, "m"); s += p[1] * 60 + p[2] } printf "%.3f", s }')
}
failures=0
fail() { log "FAILED: $*"; failures=$((failures + 1)); }
timed() {  # NAME CMD...: measure, plus its CPU seconds
    local name=$1 before
    count_children_cpu
    before=$children_cpu
    measure "$@"
    count_children_cpu
    cpu[$name]=$(awk -v a="$before" -v b="$children_cpu" 'BEGIN { printf "%.3f", b - a }')
    if [ "$last_rc" -ne 0 ] && [ "$last_rc" -ne 65 ]; then fail "$name exited $last_rc: $(tail -n 3 "$tmp/runs/$name.log")"; fi
}
read_only() {  # CONFIG
    timed "read_$1" "$reader" -c "$tmp/$1.toml" --stream products --stream price_rules
    rows[read_$1]=$(grep -o '"rows":[0-9]*' "$tmp/runs/read_$1.out" | awk -F: '{ s += $2 } END { print s + 0 }')
}
full_pull() {  # CONFIG ROUND
    local name="pull_$1_$2" job
    rm -f "$tmp/$1.db" "$tmp/$1.db-wal" "$tmp/$1.db-shm"
    "$syncline" -c "$tmp/$1.toml" migrate >/dev/null 2>&1
    local wall=0 cpu_sum=0 read_sum=0
    for job in catalog prices; do
        timed "${name}_$job" "$syncline" -c "$tmp/$1.toml" --json run "$job" --full
        wall=$(awk -v a="$wall" -v b="$last_seconds" 'BEGIN { printf "%.3f", a + b }')
        cpu_sum=$(awk -v a="$cpu_sum" -v b="${cpu[${name}_$job]}" 'BEGIN { printf "%.3f", a + b }')
        read_sum=$((read_sum + $(json_field "${name}_$job" read)))
    done
    seconds[$name]=$wall cpu[$name]=$cpu_sum rows[$name]=$read_sum
}

for c in odbc hosted python; do read_only "$c"; done
full_pull odbc 1
full_pull hosted 1
full_pull hosted 2
full_pull odbc 2
full_pull python 1
[ "${rows[pull_odbc_1]}" = "${rows[pull_hosted_1]}" ] || fail "odbc read ${rows[pull_odbc_1]} rows, hosted ${rows[pull_hosted_1]}"

# --- report ---------------------------------------------------------------------------------------------------------
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
per_s() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }'; }
odbc_wall=$(add "${seconds[pull_odbc_1]}" "${seconds[pull_odbc_2]}")
hosted_wall=$(add "${seconds[pull_hosted_1]}" "${seconds[pull_hosted_2]}")
odbc_cpu=$(add "${cpu[pull_odbc_1]}" "${cpu[pull_odbc_2]}")
hosted_cpu=$(add "${cpu[pull_hosted_1]}" "${cpu[pull_hosted_2]}")
ratio_hosted=$(div "$hosted_wall" "$odbc_wall")
ratio_hosted_cpu=$(div "$hosted_cpu" "$odbc_cpu")
ratio_read=$(div "${seconds[read_hosted]}" "${seconds[read_odbc]}")
{
    printf '\nthrift benchmark: %s items, %s price rows, %s\n' "$items" "$price_rules" "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf '%-16s %10s %10s %10s %12s\n' run wall_s cpu_s rows rows_per_s
    for name in read_odbc read_hosted read_python pull_odbc_1 pull_hosted_1 pull_hosted_2 pull_odbc_2 pull_python_1; do
        printf '%-16s %10s %10s %10s %12s\n' "$name" "${seconds[$name]}" "${cpu[$name]}" "${rows[$name]}" \
            "$(per_s "${rows[$name]}" "${seconds[$name]}")"
    done
    printf '\nfull pull, hosted / in-process   wall %s s / %s s = %s (target <= 1.3)   cpu %s s / %s s = %s\n' \
        "$hosted_wall" "$odbc_wall" "$ratio_hosted" "$hosted_cpu" "$odbc_cpu" "$ratio_hosted_cpu"
    printf 'read only, hosted / in-process   %s\n' "$ratio_read"
    printf 'rows/s: read only  odbc %s, hosted %s, python %s;  full pull  odbc %s, hosted %s, python %s\n' \
        "$(per_s "${rows[read_odbc]}" "${seconds[read_odbc]}")" "$(per_s "${rows[read_hosted]}" "${seconds[read_hosted]}")" \
        "$(per_s "${rows[read_python]}" "${seconds[read_python]}")" "$(per_s "${rows[pull_odbc_1]}" "${seconds[pull_odbc_1]}")" \
        "$(per_s "${rows[pull_hosted_1]}" "${seconds[pull_hosted_1]}")" "$(per_s "${rows[pull_python_1]}" "${seconds[pull_python_1]}")"
    printf 'thrift_bench: items=%s price_rules=%s ratio_hosted=%s ratio_hosted_cpu=%s ratio_read=%s python_read_rows_per_s=%s hosted_read_rows_per_s=%s failures=%s\n' \
        "$items" "$price_rules" "$ratio_hosted" "$ratio_hosted_cpu" "$ratio_read" \
        "$(per_s "${rows[read_python]}" "${seconds[read_python]}")" "$(per_s "${rows[read_hosted]}" "${seconds[read_hosted]}")" \
        "$failures"
}
[ "$failures" -eq 0 ]
