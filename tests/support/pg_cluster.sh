#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the integration tests.
#   pg_cluster.sh start DIR   initdb + start on a free loopback port; writes DIR/env (shell syntax)
#   pg_cluster.sh stop DIR    stops the server by its PID (from postmaster.pid) and removes DIR
#   pg_cluster.sh restart DIR restarts the server on the same port (every connection dropped)
# Several ctest runs in one build folder share the cluster: each start registers the calling ctest's PID in
# DIR.users, and stop only stops the server when no registered ctest is still alive.
# initdb and postgres refuse to run as root, so as root the cluster runs as the unprivileged
# user 'syncline-test' (created if missing). Its files live in a fresh folder under /tmp (named in
# DIR/datadir), which that user can reach even when DIR is inside a private home folder. Local socket: trust; TCP: scram-sha-256 with a random
# password kept in DIR/password (mode 600), so tests go through real password authentication.
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop|restart DIR}
dir=${2:?usage: pg_cluster.sh start|stop|restart DIR}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
os_user=syncline-test

# fd 9 holds the start/stop lock (below); the server must not inherit it, or it would hold the lock for its life.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$os_user" -- "$@" 9>&-
    else
        "$@" 9>&-
    fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_cluster() {
    local data=""
    [ -f "$dir/datadir" ] && data=$(cat "$dir/datadir")
    local pidfile="$data/data/postmaster.pid"
    if [ -f "$pidfile" ]; then
        local pid
        pid=$(head -n 1 "$pidfile")
        # SIGINT = fast shutdown: abort open transactions, exit cleanly.
        kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    case "$data" in /tmp/syncline-pg.*) rm -rf "$data" ;; esac
    rm -rf "$dir"
}

# One start or stop at a time; users are the live ctest processes (our parent) sharing the cluster.
exec 9>"$dir.lock"
flock 9
users_file="$dir.users"
live_users() {
    [ -f "$users_file" ] || return 0
    local pid
    while read -r pid; do
        if [ -n "$pid" ] && [ "$pid" != "$PPID" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
    done <"$users_file"
}
cluster_alive() {
    [ -f "$dir/env" ] && [ -f "$dir/datadir" ] || return 1
    local pidfile
    pidfile="$(cat "$dir/datadir")/data/postmaster.pid"
    [ -f "$pidfile" ] && kill -0 "$(head -n 1 "$pidfile")" 2>/dev/null
}

case "$cmd" in
start)
    others=$(live_users)
    if [ -n "$others" ] && cluster_alive; then
        { echo "$others"; echo "$PPID"; } >"$users_file"
        echo "pg_cluster: sharing the running cluster ($(grep PGPORT "$dir/env"))"
        exit 0
    fi
    echo "$PPID" >"$users_file"
    [ -x "$pgbin/initdb" ] || { echo "pg_cluster: $pgbin/initdb not found (install postgresql-15)" >&2; exit 69; }
    stop_cluster
    mkdir -p "$dir"
    data=$(mktemp -d /tmp/syncline-pg.XXXXXX)
    printf '%s\n' "$data" >"$dir/datadir"
    chmod 755 "$data"
    if [ "$(id -u)" = 0 ]; then
        id "$os_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$os_user"
        chown "$os_user" "$data"
    fi
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    printf '%s\n' "$password" >"$dir/password"
    chmod 600 "$dir/password"
    printf '%s\n' "$password" >"$data/pwfile"
    if [ "$(id -u)" = 0 ]; then chown "$os_user" "$data/pwfile"; fi
    as_owner "$pgbin/initdb" -D "$data/data" -U postgres --pwfile="$data/pwfile" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$data/pwfile"
    # Below the kernel's ephemeral range (32768+), so no client socket holds the port; another process may still
    # take a free port before the server binds it, so a failed start is retried on another port.
    started=0
    for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 12000))
        while port_in_use "$port"; do port=$((port + 1)); done
        if as_owner "$pgbin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
            -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
            start >/dev/null; then
            started=1
            break
        fi
    done
    [ "$started" = 1 ] || { cat "$data/server.log" >&2; exit 1; }
    cat >"$dir/env" <<ENV
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=postgres
PGPASSWORDFILE=$dir/password
ENV
    echo "pg_cluster: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (pid $(head -n 1 "$data/data/postmaster.pid"), data in $data)"
    ;;
stop)
    others=$(live_users)
    if [ -n "$others" ]; then
        echo "$others" >"$users_file"
        echo "pg_cluster: left running for another test run"
        exit 0
    fi
    rm -f "$users_file"
    stop_cluster
    echo "pg_cluster: stopped"
    ;;
restart)
    # Fast shutdown (every connection dropped) and start again on the same port, for tests of reconnection.
    cluster_alive || { echo "pg_cluster: no running cluster in $dir" >&2; exit 69; }
    as_owner "$pgbin/pg_ctl" -D "$(cat "$dir/datadir")/data" -m fast -w -t 60 restart >/dev/null
    echo "pg_cluster: restarted"
    ;;
*)
    echo "usage: pg_cluster.sh start|stop|restart DIR" >&2
    exit 64
    ;;
esac
