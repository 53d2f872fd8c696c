#!/usr/bin/env bash
# Starts a throw-away PostgreSQL for the service tests and exports
# BEDSIDE_TEST_POSTGRES_URL. Source it (". .ci/postgres.sh") so the variable reaches
# cargo test; run it directly to just print the URL.
#
# - installs PostgreSQL from Debian when initdb/pg_ctl are missing;
# - initialises a cluster in a temporary directory owned by a non-root user
#   (PostgreSQL refuses to run as root): "postgres" when it exists, else "bedside-pg";
# - listens on 127.0.0.1 only, on a free port, trust authentication (test data only);
# - creates the database "bedside_test".
# Leaves an existing BEDSIDE_TEST_POSTGRES_URL alone.

_bedside_pg_main() {
    if [ -n "${BEDSIDE_TEST_POSTGRES_URL:-}" ]; then
        echo "postgres: using BEDSIDE_TEST_POSTGRES_URL from the environment"
        return 0
    fi
    local bindir=""
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && bindir="$d"
    done
    if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
        bindir="$(dirname "$(command -v initdb)")"
    fi
    if [ -z "$bindir" ]; then
        echo "postgres: installing postgresql from Debian"
        local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq || return 1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null || return 1
        for d in /usr/lib/postgresql/*/bin; do
            [ -x "$d/initdb" ] && bindir="$d"
        done
    fi
    if [ -z "$bindir" ]; then
        echo "postgres: initdb not found after install" >&2
        return 1
    fi

    local run=()
    if [ "$(id -u)" -eq 0 ]; then
        local user=postgres
        if ! id "$user" >/dev/null 2>&1; then
            user=bedside-pg
            id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user" || return 1
        fi
        run=(runuser -u "$user" --)
    fi

    local dir port
    dir="$(mktemp -d /tmp/bedside-pg.XXXXXX)" || return 1
    chmod 0755 "$dir"
    [ ${#run[@]} -eq 0 ] || chown "${run[2]}" "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')" || return 1

    "${run[@]}" "$bindir/initdb" -D "$dir/data" -U bedside -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2; return 1; }
    "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
    "${run[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U bedside bedside_test || return 1

    export BEDSIDE_TEST_POSTGRES_URL="postgres://bedside@127.0.0.1:$port/bedside_test"
    export BEDSIDE_TEST_POSTGRES_DIR="$dir"
    echo "postgres: BEDSIDE_TEST_POSTGRES_URL=$BEDSIDE_TEST_POSTGRES_URL (stop: ${run[*]} $bindir/pg_ctl -D $dir/data stop)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    _bedside_pg_main
else
    _bedside_pg_main || { echo "postgres: could not start a test database" >&2; return 1; }
fi
