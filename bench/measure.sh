# Sourced by the bench scripts (bench/pull_bench.sh, bench/push_bench.sh): `measure` and the figures it keeps,
# and `json_field`.
# Needs from the caller: $tmp (with a runs/ folder), a `log` function, and a `running_pid` variable that its
# cleanup trap stops.
#
# measure NAME CMD...: runs CMD (stdout to runs/NAME.out, stderr to runs/NAME.log), polls its VmHWM, and sets
# last_seconds, last_rss_mb and last_rc. The wall time comes from $EPOCHREALTIME and the polling sleeps in `read -t`,
# so the loop forks nothing.
exec {tick}<> <(:)
declare -A seconds rss_mb
measure() {
    local name=$1 hwm=0 key value start end
    shift
    start=$EPOCHREALTIME
    "$@" >"$tmp/runs/$name.out" 2>"$tmp/runs/$name.log" &
    running_pid=$!
    local zombie=0
    # A zombie (exited, not yet waited for) has no VmHWM line but keeps its /proc entry: stop polling then.
    while [ "$zombie" = 0 ] && [ -e "/proc/$running_pid/status" ]; do
        while read -r key value _; do
            case "$key" in
            State:) [ "$value" != Z ] || zombie=1 ;;
            VmHWM:) [ "$value" -le "$hwm" ] || hwm=$value ;;
            esac
        done 2>/dev/null <"/proc/$running_pid/status" || true
        [ "$zombie" = 1 ] || read -r -t 0.02 -u "$tick" _ || true
    done
    last_rc=0
    wait "$running_pid" || last_rc=$?
    end=$EPOCHREALTIME
    running_pid=""
    last_seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    last_rss_mb=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
    seconds[$name]=$last_seconds
    rss_mb[$name]=$last_rss_mb
    log "$name: ${last_seconds} s, peak RSS ${last_rss_mb} MB, exit $last_rc"
}

# A JSON field of a syncline --json summary in runs/NAME.out (flat keys only): json_field NAME KEY.
json_field() { sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$tmp/runs/$1.out" | head -n 1; }
