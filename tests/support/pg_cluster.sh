#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the integration tests.
#   pg_cluster.sh start DIR   initdb + start on a free loopback port; writes DIR/env (shell syntax)
#   pg_cluster.sh stop DIR    stops the server by its PID (from postmaster.pid) and removes DIR
# initdb and postgres refuse to run as root, so as root the cluster runs as the unprivileged
# user 'syncline-test' (created if missing). Its files live in a fresh folder under /tmp (named in
# DIR/datadir), which that user can reach even when DIR is inside a private home folder. Local socket: trust; TCP: scram-sha-256 with a random
# password kept in DIR/password (mode 600), so tests go through real password authentication.
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
os_user=syncline-test

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$os_user" -- "$@"
    else
        "$@"
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

case "$cmd" in
start)
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
    stop_cluster
    echo "pg_cluster: stopped"
    ;;
*)
    echo "usage: pg_cluster.sh start|stop DIR" >&2
    exit 64
    ;;
esac
